"""Actielijst: what needs doing in one region this week, and the one write it offers in bulk.

The items come from the services the other pages use, with the region's own settings (Region:
expiring_window_months, phase_limit_months, expected_months_max, required_partner_types):
- certificates expiring within the window without a re-audit planned: CertificationReads.expiring;
- trajectories stalled past the region's limits: CertificationReads.rows' stall reasons;
- schools missing required core partners: services.network.scope_network;
- partnerships left without a contact: the contact person has ended while the partnership runs,
  or the organisation ended (ending its partnerships, services.partnerships.end_organisation)
  recently and the school has no other active partner of that type;
- tranches with more running trajectories than places: services.planning.tranche_data.taken_places.

Re-certification for several schools at once goes through services.trajectories.start_trajectory
(the Certificering page's command), each school with what the page showed of it (`seen`), in one
transaction: all schools are registered, or none.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlmodel import Session, col

from domain.dates import add_months, format_nl
from domain.lifecycle import TransitionRefused
from domain.lifecycle import label as phase_label
from domain.network import partnership_active
from domain.scope import Scope
from domain.vocab import ORGANISATION_TYPES, label
from models import Contact, Municipality, Organisation, Partnership, Region, School, Tranche
from services import network, trajectories, trajectory_actions
from services.certification_reads import CertificationReads, CertificationRow, ExpiryRow
from services.permissions import (
    PermissionDenied,
    Principal,
    ensure_can_view_worklist,
    school_filter_for,
)
from services.planning.tranche_data import taken_places
from services.school_facts import school_filters
from services.trajectories import Seen

# An organisation that ended this many months before the peildatum (or less) still shows on the list.
ORGANISATION_ENDED_MONTHS = 6


@dataclass(frozen=True)
class MissingPartners:
    school_id: int
    code: str
    name: str
    municipality: str
    share: float | None
    missing: tuple[str, ...]          # Dutch labels of the missing required partner types


@dataclass(frozen=True)
class OrphanedPartnership:
    partnership_id: int
    school_id: int
    code: str
    name: str
    organisation: str
    organisation_type: str            # Dutch label
    reason: str                       # Dutch: which person or organisation ended, and when


@dataclass(frozen=True)
class TrancheLoad:
    tranche_id: int
    name: str
    start_on: date
    capacity: int
    taken: int


@dataclass(frozen=True)
class Worklist:
    region_id: int
    region: str
    as_of: date
    window_months: int
    phase_limit_months: int
    expiring: list[ExpiryRow]
    stalled: list[CertificationRow]
    missing: list[MissingPartners]
    orphaned: list[OrphanedPartnership]
    over_capacity: list[TrancheLoad]
    tranches: list[TrancheLoad]       # every tranche of the region, for the re-certification choice
    seen: dict[int, Seen]             # school id -> (trajectory, phase) as read now, for the expiring schools

    @property
    def total(self) -> int:
        return (len(self.expiring) + len(self.stalled) + len(self.missing) + len(self.orphaned)
                + len(self.over_capacity))


def region_of(session: Session, principal: Principal, region_id: int | None) -> Region:
    ensure_can_view_worklist(principal, region_id)
    region = session.get(Region, region_id) if region_id is not None else None
    if region is None:
        raise PermissionDenied("Kies een regio.")
    return region


def worklist(session: Session, principal: Principal, region_id: int | None, as_of: date) -> Worklist:
    """The Actielijst of a region at as_of for a user who may act on it (PermissionDenied otherwise)."""
    region = region_of(session, principal, region_id)
    assert region.id is not None
    scope = Scope(as_of, region_id=region.id)
    reads = CertificationReads(session, scope, principal)
    expiring = [r for r in reads.expiring(region.expiring_window_months) if not r.reaudit_planned]
    net = network.scope_network(session, principal, scope)
    missing = [MissingPartners(sid, info.code, info.name, info.municipality, net.networks[sid].share,
                               tuple(label(ORGANISATION_TYPES, t) for t in net.networks[sid].missing))
               for sid, info in net.schools.items() if net.networks[sid].missing]
    tranches = _tranches(session, region.id)
    return Worklist(
        region_id=region.id, region=region.name, as_of=as_of, window_months=region.expiring_window_months,
        phase_limit_months=region.phase_limit_months, expiring=expiring,
        stalled=[r for r in reads.rows if r.stall_reasons], missing=missing,
        orphaned=_orphaned(session, principal, scope), over_capacity=[t for t in tranches if t.taken > t.capacity],
        tranches=tranches, seen={r.school_id: trajectories.latest_state(session, r.school_id)[0] for r in expiring})


def _tranches(session: Session, region_id: int) -> list[TrancheLoad]:
    rows = session.execute(select(col(Tranche.id), col(Tranche.name), col(Tranche.start_on), col(Tranche.capacity))
                           .where(col(Tranche.region_id) == region_id)
                           .order_by(col(Tranche.start_on), col(Tranche.id))).all()
    taken = taken_places(session, [r[0] for r in rows])
    return [TrancheLoad(tid, name, start_on, capacity, taken[tid]) for tid, name, start_on, capacity in rows]


def _orphaned(session: Session, principal: Principal, scope: Scope) -> list[OrphanedPartnership]:
    """Running partnerships whose contact person has left, and partnerships ended with their
    organisation (within ORGANISATION_ENDED_MONTHS) while the school has no other partner of that type."""
    as_of = scope.as_of
    since = add_months(as_of, -ORGANISATION_ENDED_MONTHS)
    rows = session.execute(
        select(col(Partnership.id), col(Partnership.start_on), col(Partnership.end_on), col(School.id),
               col(School.code), col(School.name), col(Organisation.name), col(Organisation.type),
               col(Organisation.ended_on), col(Contact.ended_on), col(Contact.role))
        .join(School, col(Partnership.school_id) == col(School.id))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .join(Organisation, col(Partnership.organisation_id) == col(Organisation.id))
        .outerjoin(Contact, col(Partnership.contact_id) == col(Contact.id))
        .where(*school_filters(scope), *school_filter_for(principal), col(Partnership.start_on) <= as_of,
               or_(and_(col(Contact.ended_on).is_not(None), col(Contact.ended_on) < as_of),
                   and_(col(Organisation.ended_on).is_not(None), col(Organisation.ended_on) < as_of,
                        col(Organisation.ended_on) >= since)))
        .order_by(col(School.name), col(Organisation.name), col(Partnership.id))).all()
    active_types = _active_types(session, [r[3] for r in rows], as_of)
    result = []
    for pid, start_on, end_on, sid, code, name, org, otype, org_ended, contact_ended, contact_role in rows:
        running = partnership_active(start_on, end_on, as_of)
        if running and contact_ended is not None and contact_ended < as_of:
            who = f"de contactpersoon ({contact_role})" if contact_role else "de contactpersoon"
            reason = f"{who} is gestopt per {format_nl(contact_ended)}"
        elif not running and org_ended is not None and end_on == org_ended and otype not in active_types.get(sid, ()):
            reason = f"de organisatie is gestopt per {format_nl(org_ended)}; geen andere partner van dit type"
        else:
            continue
        result.append(OrphanedPartnership(pid, sid, code, name, org, label(ORGANISATION_TYPES, otype), reason))
    return result


def _active_types(session: Session, school_ids: list[int], as_of: date) -> dict[int, set[str]]:
    if not school_ids:
        return {}
    types: dict[int, set[str]] = {}
    for sid, otype in session.execute(
            select(col(Partnership.school_id), col(Organisation.type))
            .join(Organisation, col(Partnership.organisation_id) == col(Organisation.id))
            .where(col(Partnership.school_id).in_(sorted(set(school_ids))), col(Partnership.start_on) <= as_of,
                   or_(col(Partnership.end_on).is_(None), col(Partnership.end_on) >= as_of))).all():
        types.setdefault(sid, set()).add(otype)
    return types


def start_recertifications(session: Session, principal: Principal, region_id: int | None, school_ids: list[int],
                           tranche_id: int, on: date, seen: Mapping[int, Seen]) -> list[str]:
    """Register each school in the tranche through services.trajectories.start_trajectory (which checks
    the permission, the tranche's region and the history the page showed); the names of the schools.
    Refuses (TransitionRefused, naming the school) before anything is kept: all or none."""
    region_of(session, principal, region_id)
    if not school_ids:
        raise TransitionRefused("Kies eerst een of meer scholen.")
    names = []
    for school_id in sorted(set(school_ids)):
        school = session.get(School, school_id)
        name = school.name if school else f"School {school_id}"
        try:
            actions = trajectory_actions.school_actions(session, principal, school_id)
            if actions.start_label is None:
                raise TransitionRefused(f"er loopt al een traject (fase '{phase_label(actions.phase)}').")
            trajectory_actions.require_action(actions, trajectory_actions.START)
            if tranche_id not in dict(actions.tranche_choices(trajectory_actions.START)):
                raise TransitionRefused("Deze tranche hoort niet bij de regio van de school.")
            trajectories.start_trajectory(session, principal, school_id, tranche_id, on,
                                          "Hercertificering gestart vanuit de actielijst.",
                                          seen=seen.get(school_id, (-1, None)))
        except (TransitionRefused, PermissionDenied) as exc:
            raise TransitionRefused(f"{name}: {exc}") from None
        names.append(name)
    return names

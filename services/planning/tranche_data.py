"""What planning a tranche needs of its region at a date, loaded in a few queries filtered in
SQL to the region: the schools' status, coverage per municipality, running trajectories,
waiting times and partners; and from it the tranche's candidates (domain.planning)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from domain.certification import ACTIVE_PHASES
from domain.lifecycle import current_phase
from domain.network import completeness, partnership_active
from domain.overview import SchoolStatus, figures_per_municipality, school_status
from domain.planning import Candidate, candidate_kind, tranche_finish
from domain.scope import Scope
from models import Municipality, Organisation, Partnership, Region, School, Trajectory, Tranche
from services import certification_reads
from services.permissions import Principal
from services.planning.access import tranche_for
from services.school_facts import derived, school_facts


@dataclass
class RegionData:
    """What planning needs of a region at as_of."""
    region_id: int
    as_of: date
    statuses: dict[int, SchoolStatus]           # school id -> status at as_of
    coverage: dict[str, float | None]           # municipality CBS code -> coverage at as_of
    approach: dict[str, str]                    # municipality CBS code -> approach phase
    running: dict[int, date | None]             # school id -> start of the tranche of its running trajectory
    waiting_since: dict[int, date]              # school id -> first registration not ending certified
    partners: dict[int, frozenset[int]]         # school id -> active partner organisations
    completeness: dict[int, float | None]


def _region_id(region: Region) -> int:
    assert region.id is not None, "a stored region has an id"
    return region.id


def region_data(session: Session, region: Region, as_of: date) -> RegionData:
    """Kept per data version (every table it reads is under it), shared by the workers: the plan is
    redrawn on every change of the proposal, and this was half of that answer. Never change it."""
    region_id = _region_id(region)
    return derived(session, Scope(as_of=as_of, region_id=region_id), None, "planning region data", (),
                   lambda: _region_data(session, region, region_id, as_of))


def _region_data(session: Session, region: Region, region_id: int, as_of: date) -> RegionData:
    facts = school_facts(session, Scope(as_of=as_of, region_id=region_id))
    statuses = {f.school_id: school_status(f, as_of) for f in facts}
    coverage = {m["cbs_code"]: m["coverage"] for m in figures_per_municipality(statuses.values())}
    approach: dict[str, str] = {code: phase for code, phase in session.exec(
        select(Municipality.cbs_code, Municipality.approach_phase).where(Municipality.region_id == region_id))}
    in_region = col(School.municipality_id).in_(select(Municipality.id).where(Municipality.region_id == region_id))
    rows = session.exec(select(col(Trajectory.id), col(Trajectory.school_id), col(Tranche.start_on))
                        .outerjoin(Tranche, col(Trajectory.tranche_id) == col(Tranche.id))
                        .join(School, col(Trajectory.school_id) == col(School.id)).where(in_region)).all()
    events = certification_reads.events_of(session, [tid for tid, _, _ in rows if tid is not None])
    running: dict[int, date | None] = {}
    waiting: dict[int, date] = {}
    for tid, sid, start in rows:
        evs = events[tid] if tid is not None else []
        if current_phase(evs) in ACTIVE_PHASES:
            running[sid] = start
        elif not any(e.phase == "certified" for e in evs):
            first = min((e.on for e in evs if e.phase == "registered" and e.on <= as_of), default=None)
            if first is not None and (sid not in waiting or first < waiting[sid]):
                waiting[sid] = first
    types: dict[int, set[str]] = defaultdict(set)
    orgs: dict[int, set[int]] = defaultdict(set)
    # five columns: more than sqlmodel's select is typed for, so SQLAlchemy's
    for sid, org_id, org_type, start_on, end_on in session.execute(
            sa_select(col(Partnership.school_id), col(Organisation.id), col(Organisation.type),
                      col(Partnership.start_on), col(Partnership.end_on))
            .join(Organisation, col(Partnership.organisation_id) == col(Organisation.id))
            .join(School, col(Partnership.school_id) == col(School.id)).where(in_region)):
        if org_id is not None and partnership_active(start_on, end_on, as_of):
            types[sid].add(org_type)
            orgs[sid].add(org_id)
    required = region.required_partner_types
    return RegionData(region_id, as_of, statuses, coverage, approach, running, waiting,
                      {sid: frozenset(o) for sid, o in orgs.items()},
                      {sid: completeness(required, types.get(sid, ())).share for sid in statuses})


def candidates(data: RegionData, region: Region, tranche: Tranche) -> list[Candidate]:
    finish = tranche_finish(tranche.start_on, region.expected_months_max)
    result = []
    for sid, s in data.statuses.items():
        kind = candidate_kind(s.certificate_status, s.expires_on, sid in data.running, finish)
        if kind is None:
            continue
        approach = data.approach.get(s.municipality_code, "geen")
        result.append(Candidate(sid, s.code, s.name, s.sector, s.municipality_code, s.municipality_name, kind,
                                s.expires_on, data.completeness.get(sid), approach, data.waiting_since.get(sid),
                                data.partners.get(sid, frozenset())))
    return sorted(result, key=lambda c: c.code)


def taken_places(session: Session, tranche_ids: list[int]) -> dict[int, int]:
    """Places already used per tranche: its trajectories whose latest phase is active (one query each)."""
    if not tranche_ids:
        return {}
    rows = [(tid, tranche_id) for tid, tranche_id in session.exec(
        select(col(Trajectory.id), col(Trajectory.tranche_id)).where(col(Trajectory.tranche_id).in_(tranche_ids)))
        if tid is not None and tranche_id is not None]
    events = certification_reads.events_of(session, [tid for tid, _ in rows])
    taken = dict.fromkeys(tranche_ids, 0)
    for tid, tranche_id in rows:
        if current_phase(events[tid]) in ACTIVE_PHASES:
            taken[tranche_id] += 1
    return taken


@dataclass
class TrancheContext:
    """A tranche with its region, the region's data at as_of and the tranche's candidates."""
    tranche: Tranche
    region: Region
    data: RegionData
    candidates: list[Candidate]
    free: int            # capacity minus places already used by trajectories

    @property
    def tranche_id(self) -> int:
        assert self.tranche.id is not None
        return self.tranche.id


def tranche_context(session: Session, p: Principal, tranche_id: object, as_of: date, *, edit: bool = False,
                    data: RegionData | None = None) -> TrancheContext:
    """The tranche for this user (PermissionDenied otherwise); `data` of the same region and date
    (already loaded in this request) is reused instead of loaded again."""
    tranche, region = tranche_for(session, p, tranche_id, edit=edit)
    if data is None or data.region_id != region.id or data.as_of != as_of:
        data = region_data(session, region, as_of)
    assert tranche.id is not None
    free = max(0, tranche.capacity - taken_places(session, [tranche.id])[tranche.id])
    return TrancheContext(tranche, region, data, candidates(data, region, tranche), free)

"""Everything the school page shows about one school, read with the user's permissions."""
from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from domain.certification import PHASES, Event
from domain.lifecycle import phase_segments
from domain.network import completeness, partnership_active
from domain.vocab import DEFAULT_REQUIRED_PARTNER_TYPES, ORGANISATION_TYPES, PARTNERSHIP_ROLES, label
from models import Board, Contact, Municipality, Organisation, Partnership, PhaseEvent, Region, School, Tranche, Trajectory
from services import trajectories
from services.trajectories import naive_utc
from services.permissions import PermissionDenied, Principal, READ_DENIED, can_see_personal_data, ensure_can_read_school

SCHOOL_CODE = re.compile(r"^[0-9A-Z]{4}[0-9]{2}$")


def school_profile(session: Session, code: str, as_of: date, principal: Principal) -> dict:
    """The school's data, certificate, trajectories with their events, and its network at as_of.

    Raises PermissionDenied (the same answer for an unknown and a forbidden school).
    """
    code = (code or "").strip().upper()
    school = session.scalar(select(School).where(School.code == code)) if SCHOOL_CODE.match(code) else None
    if school is None:
        raise PermissionDenied(READ_DENIED)
    ensure_can_read_school(session, principal, school.id)
    municipality = session.get(Municipality, school.municipality_id)
    region = session.get(Region, municipality.region_id) if municipality.region_id else None
    board = session.get(Board, school.board_id) if school.board_id else None
    return {
        "school": school, "municipality": municipality.name, "region": region.name if region else "",
        "board": board.name if board else "",
        "status": trajectories.certification_row(session, code, as_of, principal),
        "trajectories": _trajectories(session, school.id, as_of),
        "network": _network(session, school.id, as_of, region, can_see_personal_data(principal)),
    }


def _trajectories(session: Session, school_id: int, as_of: date) -> list[dict]:
    rows = session.execute(
        select(Trajectory.id, Trajectory.cycle, Tranche.name)
        .outerjoin(Tranche, Trajectory.tranche_id == Tranche.id)
        .where(Trajectory.school_id == school_id).order_by(Trajectory.cycle)).all()
    result = []
    for trajectory_id, cycle, tranche in rows:
        events = session.execute(
            select(PhaseEvent).where(PhaseEvent.trajectory_id == trajectory_id)
            .order_by(PhaseEvent.on, PhaseEvent.recorded_at, PhaseEvent.id)).scalars().all()
        domain_events = [Event(e.phase, e.on, (naive_utc(e.recorded_at), e.id)) for e in events]
        result.append({
            "cycle": cycle, "tranche": tranche or "",
            "events": [{"phase": PHASES.get(e.phase, e.phase), "on": e.on, "note": e.note,
                        "recorded_by": e.recorded_by} for e in events],
            "segments": phase_segments(domain_events, as_of),
        })
    return result


def _network(session: Session, school_id: int, as_of: date, region: Region | None, personal: bool) -> dict:
    rows = session.execute(
        select(Partnership, Organisation, Contact)
        .join(Organisation, Partnership.organisation_id == Organisation.id)
        .outerjoin(Contact, Partnership.contact_id == Contact.id)
        .where(Partnership.school_id == school_id).order_by(Organisation.type, Organisation.name)).all()
    active = [(p, o, c) for p, o, c in rows if partnership_active(p.start_on, p.end_on, as_of)]
    required = region.required_partner_types if region else DEFAULT_REQUIRED_PARTNER_TYPES
    result = completeness(required, [o.type for _, o, _ in active])
    partners = [{
        "organisation": o.name, "type": label(ORGANISATION_TYPES, o.type), "role": label(PARTNERSHIP_ROLES, p.role),
        "since": p.start_on, "until": p.end_on, "agreements": p.agreements,
        # personal data only for the roles that need it
        "contact": (f"{c.name} ({c.role})" if c and personal else ""),
        "phone": (c.phone if c and personal else ""), "email": (c.email if c and personal else ""),
    } for p, o, c in active]
    return {"partners": partners, "completeness": result.share,
            "missing": [label(ORGANISATION_TYPES, t) for t in result.missing]}

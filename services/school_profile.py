"""Everything the school page shows about one school, read with the user's permissions."""
from __future__ import annotations

import dataclasses
import re
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from domain.certification import PHASES, Event
from domain.lifecycle import phase_segments
from models import Board, Municipality, PhaseEvent, Region, School, Trajectory, Tranche
from services import network, trajectories
from services.permissions import READ_DENIED, PermissionDenied, Principal, ensure_can_read_school
from services.trajectories import naive_utc

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
        "status": _as_dict(trajectories.certification_row(session, code, as_of, principal)),
        "trajectories": _trajectories(session, school.id, as_of),
        # services.network.SchoolNetwork: active partners, completeness and gaps at as_of
        "network": network.school_network(session, principal, code, as_of),
    }


def _as_dict(row: trajectories.CertificationRow | None) -> dict | None:
    return dataclasses.asdict(row) if row is not None else None


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

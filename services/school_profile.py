"""Everything the school page shows about one school, read with the user's permissions (checked once)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from domain.certification import PHASES, Event
from domain.lifecycle import Segment, phase_segments
from domain.scope import Scope
from models import Board, Municipality, PhaseEvent, Region, School, Trajectory, Tranche
from services import certification_reads, network
from services.permissions import Principal, may_see_field
from services.schools import SCHOOL_CODE, readable_school

__all__ = ["SCHOOL_CODE", "PhaseRecord", "SchoolProfile", "TrajectoryHistory", "school_profile"]


@dataclass(frozen=True)
class PhaseRecord:
    phase: str           # the phase's Dutch label
    on: date
    note: str
    recorded_by: str


@dataclass(frozen=True)
class TrajectoryHistory:
    cycle: int
    tranche: str
    events: list[PhaseRecord]
    segments: list[Segment]


@dataclass(frozen=True)
class SchoolProfile:
    school: School
    municipality: str
    region: str
    board: str
    status: certification_reads.CertificationRow | None
    trajectories: list[TrajectoryHistory]
    network: network.SchoolNetwork            # active partners, completeness and gaps at as_of


def school_profile(session: Session, code: str, as_of: date, principal: Principal) -> SchoolProfile:
    """The school's data, certificate, trajectories with their events, and its network at as_of.

    The permission is checked once, by services.schools.readable_school: NotFound for an unknown
    code, PermissionDenied for a school the user may not read.
    """
    school = readable_school(session, principal, code)
    assert school.id is not None
    municipality = session.get(Municipality, school.municipality_id)
    region = session.get(Region, municipality.region_id) if municipality and municipality.region_id else None
    board = session.get(Board, school.board_id) if school.board_id else None
    # already checked: read the one school without a second permission filter
    rows = certification_reads.certification_rows(session, Scope(as_of=as_of), None, school_id=school.id)
    return SchoolProfile(school, municipality.name if municipality else "", region.name if region else "",
                         board.name if board else "", rows[0] if rows else None,
                         _trajectories(session, school.id, as_of,
                                       with_recorder=may_see_field(principal, "phase_event.recorded_by")),
                         network.network_of(session, principal, school, as_of))


def _trajectories(session: Session, school_id: int, as_of: date, *, with_recorder: bool) -> list[TrajectoryHistory]:
    """The school's trajectories with their events; the recording user (personal data,
    permissions.PERSONAL_FIELDS) is left out for roles that may not see it."""
    rows = session.execute(
        select(col(Trajectory.id), col(Trajectory.cycle), col(Tranche.name))
        .outerjoin(Tranche, col(Trajectory.tranche_id) == col(Tranche.id))
        .where(col(Trajectory.school_id) == school_id).order_by(col(Trajectory.cycle))).all()
    result = []
    for trajectory_id, cycle, tranche in rows:
        events = session.exec(
            select(PhaseEvent).where(col(PhaseEvent.trajectory_id) == trajectory_id)
            .order_by(col(PhaseEvent.on), col(PhaseEvent.recorded_at), col(PhaseEvent.id))).all()
        # the query's order (date, recording time, id) is the recording order: its position breaks ties
        domain_events = [Event(e.phase, e.on, i) for i, e in enumerate(events)]
        result.append(TrajectoryHistory(
            cycle, tranche or "",
            [PhaseRecord(PHASES.get(e.phase, e.phase), e.on, e.note, e.recorded_by if with_recorder else "")
             for e in events],
            phase_segments(domain_events, as_of)))
    return result

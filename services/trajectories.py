"""Certification trajectories: phase changes, corrections, new trajectories and tranche moves (the write
side; the pages' data is services.certification_reads).

Every change is a new PhaseEvent (history is never edited), checked on the server
with domain.lifecycle, allowed only to users who may edit the school
(permissions.ensure_can_edit_school), and logged with services.audit in the same
transaction. Nothing is committed here: the caller's session commits or rolls back.
A refused change raises before anything is added to the session.
"""
from __future__ import annotations

from datetime import UTC, date

from sqlalchemy import func, select
from sqlmodel import Session, col

from domain import clock
from domain.certification import ACTIVE_PHASES, Event
from domain.dates import format_nl
from domain.lifecycle import (
    CORRECTION_PREFIX,
    TransitionRefused,
    check_correction,
    check_transition,
    correction_reason_error,
    current_phase,
    label,
    latest_event,
)
from models import PhaseEvent, School, Trajectory, Tranche
from services import audit, transactions
from services.certification_reads import events_of, naive_utc, saved_id
from services.permissions import (
    EDIT_DENIED,
    PermissionDenied,
    Principal,
    ensure_can_edit_school,
    school_location,
)

# ---------------------------------------------------------------- helpers

def _events(session: Session, trajectory_id: int) -> list[Event]:
    return events_of(session, [trajectory_id])[trajectory_id]


def _trajectory_for_edit(session: Session, principal: Principal, trajectory_id: int) -> Trajectory:
    trajectory = session.get(Trajectory, trajectory_id)
    if trajectory is None:  # an unknown id gets the same answer as a forbidden one
        raise PermissionDenied(EDIT_DENIED)
    ensure_can_edit_school(session, principal, trajectory.school_id)
    return trajectory


def _active_trajectory(session: Session, school_id: int, *, exclude: int | None = None) -> tuple[int, str] | None:
    """(trajectory id, current phase) of a trajectory of the school whose latest phase is active."""
    ids = [tid for tid in session.scalars(select(col(Trajectory.id)).where(col(Trajectory.school_id) == school_id))
           if tid is not None and tid != exclude]
    for tid, events in events_of(session, ids).items():
        phase = current_phase(events)
        if phase in ACTIVE_PHASES:
            return tid, str(phase)
    return None


def tranche_region_error(tranche_region: object, school_region: object) -> str | None:
    """Why a school may not join a tranche (start, move, and the exchange import's trajectory rows): the
    tranche must belong to the region of the school's municipality. The regions are ids (the commands) or
    normalised names (the import, whose rows may name regions of the same file); None: unknown or none."""
    if tranche_region is None or school_region is None or tranche_region != school_region:
        return "Deze tranche hoort niet bij de regio van de school."
    return None


def running_trajectory_error(phase: str | None) -> str:
    """The refusal of a second running trajectory for one school (start, transition, the exchange import);
    phase: the current phase of the one that runs."""
    return f"Deze school heeft al een lopend traject (fase '{label(phase)}')."


def _check_tranche(session: Session, school_id: int, tranche_id: int) -> Tranche:
    tranche = session.get(Tranche, tranche_id)
    where = school_location(session, school_id)
    refused = tranche_region_error(tranche.region_id if tranche is not None else None,
                                   where[0] if where is not None else None)
    if refused or tranche is None:
        raise TransitionRefused(refused)
    return tranche


def _add_event(session: Session, principal: Principal, trajectory_id: int, phase: str, on: date,
               note: str) -> PhaseEvent:
    event = PhaseEvent(trajectory_id=trajectory_id, phase=phase, on=on, note=(note or "")[:2000],
                       recorded_by=principal.username[:100])
    session.add(event)
    session.flush()
    audit.record(session, username=principal.username, action="create", entity="phaseevent", entity_id=event.id,
                 changes={"trajectory_id": (None, trajectory_id), "phase": (None, phase), "on": (None, on)},
                 detail=note or "")
    return event


def _new_trajectory(session: Session, principal: Principal, school_id: int, tranche_id: int) -> Trajectory:
    latest = session.scalar(select(func.max(col(Trajectory.cycle))).where(col(Trajectory.school_id) == school_id))
    cycle = (latest or 0) + 1
    trajectory = Trajectory(school_id=school_id, tranche_id=tranche_id, cycle=cycle)
    session.add(trajectory)
    session.flush()
    audit.record(session, username=principal.username, action="create", entity="trajectory",
                 entity_id=trajectory.id,
                 changes={"school_id": (None, school_id), "tranche_id": (None, tranche_id), "cycle": (None, cycle)})
    return trajectory


# ---------------------------------------------------------------- what the user saw

# (trajectory id, phase) of the school's latest trajectory as the user's form showed it;
# (None, None) for a school that never had one.
Seen = tuple[int | None, str | None]


class HistoryChanged(TransitionRefused):
    """The school's history is no longer what the form showed (a double click, a second tab, another user)."""


def latest_state(session: Session, school_id: int) -> tuple[Seen, PhaseEvent | None]:
    """((trajectory id, current phase) of the school's latest trajectory, its latest event)."""
    tid = session.scalar(select(col(Trajectory.id)).where(col(Trajectory.school_id) == school_id)
                         .order_by(col(Trajectory.cycle).desc()).limit(1))
    if tid is None:
        return (None, None), None
    last = latest_event(_events(session, tid))
    if last is None:
        return (tid, None), None
    event_id = last.recorded_seq[1] if isinstance(last.recorded_seq, tuple) else None
    return (tid, last.phase), session.get(PhaseEvent, event_id) if event_id is not None else None


def _serialise(session: Session, model: type[Trajectory] | type[School], row_id: int) -> None:
    """Writers of one school's history run one after the other (BEGIN IMMEDIATE / FOR UPDATE)."""
    transactions.immediate(session, (model, row_id))


def ensure_seen(session: Session, school_id: int, seen: Seen | None) -> None:
    """Refuse when the school's latest trajectory or its phase differ from what the user saw."""
    if seen is None:
        return   # the command line and the planning's confirmation check the rules only
    now, event = latest_state(session, school_id)
    if now == tuple(seen):
        return
    if event is None:
        raise HistoryChanged("De trajecten van deze school zijn inmiddels gewijzigd; kies de school opnieuw.")
    at = naive_utc(event.recorded_at)
    when = f" op {format_nl(event.on)}" if at is None else \
        f" op {at.replace(tzinfo=UTC).astimezone(clock.TIMEZONE):%d-%m-%Y %H:%M}"
    raise HistoryChanged(f"Deze school staat inmiddels in fase '{label(event.phase)}' (vastgelegd door "
                         f"{event.recorded_by or 'onbekend'}{when}). Er is niets vastgelegd; "
                         "kies de school opnieuw.")


# ---------------------------------------------------------------- writes

def record_transition(session: Session, principal: Principal, trajectory_id: int, new_phase: str, on: date,
                      note: str = "", *, today: date | None = None, seen: Seen | None = None) -> PhaseEvent:
    """Append the next phase of a trajectory. Raises PermissionDenied or TransitionRefused (Dutch);
    HistoryChanged when `seen` (what the form showed) no longer holds."""
    trajectory = _trajectory_for_edit(session, principal, trajectory_id)
    _serialise(session, Trajectory, trajectory_id)
    ensure_seen(session, trajectory.school_id, seen)
    check_transition(_events(session, trajectory_id), new_phase, on, today=today)
    if new_phase in ACTIVE_PHASES:
        # e.g. postponed -> registered: never two running trajectories for one school
        other = _active_trajectory(session, trajectory.school_id, exclude=trajectory_id)
        if other is not None:
            raise TransitionRefused(running_trajectory_error(other[1]))
    return _add_event(session, principal, trajectory_id, new_phase, on, note)


def correct_to(session: Session, principal: Principal, trajectory_id: int, previous_phase: str, on: date,
               note: str, *, today: date | None = None, seen: Seen | None = None) -> PhaseEvent:
    """A correction: a new event back to the phase before the current one; note gets 'Correctie:'."""
    trajectory = _trajectory_for_edit(session, principal, trajectory_id)
    _serialise(session, Trajectory, trajectory_id)
    ensure_seen(session, trajectory.school_id, seen)
    check_correction(_events(session, trajectory_id), previous_phase, on, today=today)
    refused = correction_reason_error(note)
    if refused:
        raise TransitionRefused(refused)
    text = (note or "").strip()
    if not text.startswith(CORRECTION_PREFIX):
        text = f"{CORRECTION_PREFIX} {text}".strip()
    return _add_event(session, principal, trajectory_id, previous_phase, on, text)


def start_trajectory(session: Session, principal: Principal, school_id: int, tranche_id: int, on: date,
                     note: str = "", *, today: date | None = None, seen: Seen | None = None) -> Trajectory:
    """A new trajectory (first certification or re-certification) starting with 'registered'."""
    ensure_can_edit_school(session, principal, school_id)
    _serialise(session, School, school_id)
    ensure_seen(session, school_id, seen)
    _check_tranche(session, school_id, tranche_id)
    active = _active_trajectory(session, school_id)
    if active is not None:
        raise TransitionRefused(running_trajectory_error(active[1]))
    check_transition([], "registered", on, today=today)
    trajectory = _new_trajectory(session, principal, school_id, tranche_id)
    _add_event(session, principal, saved_id(trajectory.id), "registered", on, note)
    return trajectory


def move_to_tranche(session: Session, principal: Principal, trajectory_id: int, new_tranche_id: int, on: date,
                    note: str = "", *, today: date | None = None, seen: Seen | None = None) -> Trajectory:
    """Postpone a trajectory and register the school in another tranche; returns the new trajectory.

    The old trajectory keeps its events and gets a 'postponed' event; the new one (next
    cycle number) starts with 'registered' on the same date.
    """
    trajectory = _trajectory_for_edit(session, principal, trajectory_id)
    _serialise(session, Trajectory, trajectory_id)
    ensure_seen(session, trajectory.school_id, seen)
    if new_tranche_id == trajectory.tranche_id:
        raise TransitionRefused("De school zit al in deze tranche.")
    tranche = _check_tranche(session, trajectory.school_id, new_tranche_id)
    check_transition(_events(session, trajectory_id), "postponed", on, today=today)
    other = _active_trajectory(session, trajectory.school_id, exclude=trajectory_id)
    if other is not None:
        raise TransitionRefused(f"Deze school heeft al een ander lopend traject (fase '{label(other[1])}').")
    text = note or f"Verplaatst naar {tranche.name}."
    _add_event(session, principal, trajectory_id, "postponed", on, text)
    new = _new_trajectory(session, principal, trajectory.school_id, new_tranche_id)
    _add_event(session, principal, saved_id(new.id), "registered", on, text)
    return new

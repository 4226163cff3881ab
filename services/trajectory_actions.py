"""What a coordinator can do next with one school's trajectory, for the certification page's form.

The form offers only these actions, but offering is not permitting: every write goes through
services.trajectories, which checks the rules and the user's rights again.

The actions concern the school's *latest* trajectory (highest cycle) and its current phase
(latest event, whatever the page's as-of date), because a new event is appended after it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlmodel import Session, col

from domain.certification import ACTIVE_PHASES, allowed_next
from domain.lifecycle import current_phase, label, previous_phase
from models import Trajectory, Tranche
from services.certification_reads import events_of
from services.permissions import PermissionDenied, Principal, ensure_can_edit_school, school_location

# Action keys (the form's radio values) and their Dutch labels.
NEXT, CORRECT, MOVE, START = "next", "correct", "move", "start"


@dataclass(frozen=True)
class SchoolActions:
    school_id: int
    trajectory_id: int | None          # the latest trajectory, None when the school never had one
    tranche_id: int | None
    phase: str | None                  # its current phase
    next_phases: tuple[str, ...] = ()
    correction_to: str | None = None   # the phase a correction returns to
    start_label: str | None = None     # 'Traject starten' / 'Hercertificering starten'; None while one runs
    tranches: tuple[tuple[int, str], ...] = field(default=())  # (id, label) of the region's tranches

    def options(self) -> list[dict[str, str]]:
        """The actions available, as radio options (label, value)."""
        out: list[dict[str, str]] = []
        if self.next_phases:
            out.append({"label": "Volgende fase", "value": NEXT})
        if self.correction_to:
            out.append({"label": f"Correctie: terug naar '{label(self.correction_to)}'", "value": CORRECT})
        if self.move_tranches():
            out.append({"label": "Naar andere tranche (uitstel)", "value": MOVE})
        if self.start_label and self.tranches:
            out.append({"label": self.start_label, "value": START})
        return out

    def move_tranches(self) -> list[tuple[int, str]]:
        if self.phase not in ACTIVE_PHASES or "postponed" not in allowed_next(self.phase):
            return []
        return [t for t in self.tranches if t[0] != self.tranche_id]

    def tranche_choices(self, action: str) -> list[tuple[int, str]]:
        if action == MOVE:
            return self.move_tranches()
        return list(self.tranches) if action == START and self.start_label else []


def school_actions(session: Session, principal: Principal, school_id: int) -> SchoolActions:
    """The actions for a school the user may edit; PermissionDenied otherwise."""
    ensure_can_edit_school(session, principal, school_id)
    trajectories = session.execute(select(col(Trajectory.id), col(Trajectory.tranche_id), col(Trajectory.cycle))
                                   .where(col(Trajectory.school_id) == school_id)
                                   .order_by(col(Trajectory.cycle))).all()
    events = events_of(session, [t.id for t in trajectories])
    where = school_location(session, school_id)
    region_id = where[0] if where else None
    tranches = tuple(
        (tid, f"{name} (start {start_on:%d-%m-%Y})")
        for tid, name, start_on in session.execute(
            select(col(Tranche.id), col(Tranche.name), col(Tranche.start_on))
            .where(col(Tranche.region_id) == region_id)
            .order_by(col(Tranche.start_on), col(Tranche.id)))) if region_id is not None else ()
    if not trajectories:
        return SchoolActions(school_id, None, None, None, start_label="Traject starten", tranches=tranches)
    latest = trajectories[-1]
    history = events[latest.id]
    phase = current_phase(history)
    correctable = phase not in (None, "certified") and previous_phase(history) is not None
    was_certified = any(e.phase == "certified" for t in trajectories for e in events[t.id])
    start_label = None if phase in ACTIVE_PHASES else (
        "Hercertificering starten" if was_certified else "Nieuw traject starten")
    return SchoolActions(school_id, latest.id, latest.tranche_id, phase, next_phases=allowed_next(phase),
                         correction_to=previous_phase(history) if correctable else None,
                         start_label=start_label, tranches=tranches)


def require_action(actions: SchoolActions, action: str) -> None:
    """Refuse an action the school's state does not offer (the browser may send anything)."""
    if action not in {o["value"] for o in actions.options()}:
        raise PermissionDenied("Deze actie is voor deze school nu niet mogelijk.")

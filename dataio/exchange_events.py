"""Imported phase events follow the lifecycle rules, like events recorded in the app.

Per trajectory (school, cycle), the new events of the file are taken in date order (ties in
file order) after the events already stored, and each must be an allowed transition
(domain.lifecycle.check_transition) or an allowed correction, a return to the phase before
(check_correction; spreadsheets kept outside the app rarely mark corrections as the app does).
A refused event rejects the later new events of the same trajectory too, so that partial imports
never store half a history.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from domain.certification import ACTIVE_PHASES, Event
from domain.lifecycle import (
    TransitionRefused,
    check_correction,
    check_transition,
    correction_reason_error,
    current_phase,
)
from services.trajectories import running_trajectory_error


class EventRow(Protocol):  # dataio.exchange_import.InRow
    line: int
    values: dict
    status: str
    errors: list

    def error(self, column: str, reason: str) -> None: ...


def check_event_rows(rows: Iterable[EventRow], stored: dict[tuple, list[Event]], today: date, *,
                     reasons_required: bool = False) -> None:
    """Add a row error to every new ('created') event the lifecycle does not allow; with reasons_required
    (an import without the history right: dataio.exchange_forms_only) also to a correction without its
    reason in the note, as the certification form."""
    new: dict[tuple, list[EventRow]] = defaultdict(list)
    for row in rows:
        if row.status == "created" and not row.errors:
            new[(row.values["school"].upper(), row.values["cyclus"])].append(row)
    for trajectory, trajectory_rows in new.items():
        history = list(stored.get(trajectory, []))
        refused_at: int | None = None
        for row in sorted(trajectory_rows, key=lambda r: (r.values["datum"], r.line)):
            if refused_at is not None:
                row.error("fase", f"volgt op de afgekeurde fase van regel {refused_at}")
                continue
            phase, on = row.values["fase"], row.values["datum"]
            try:
                correction = _check(history, phase, on, today)
            except TransitionRefused as exc:
                row.error("fase", str(exc))
                refused_at = row.line
                continue
            no_reason = correction_reason_error(row.values.get("notitie")) if correction and reasons_required else None
            if no_reason:
                row.error("notitie", no_reason)
                refused_at = row.line
                continue
            # after every stored event: recorded later than all of them
            history.append(Event(phase, on, (datetime.max, row.line)))


def check_running_trajectories(rows: Iterable[EventRow], stored: dict[tuple, list[Event]]) -> None:
    """Never two running trajectories for one school (services.trajectories.start_trajectory refuses it, with
    running_trajectory_error).

    After the new events, a school may have one trajectory whose latest phase is active. A
    trajectory that becomes running through this file while another one of the school runs (in
    the database, or with a lower cycle in the file) gets an error on each of its new events.
    """
    new: dict[tuple, list[EventRow]] = defaultdict(list)
    for row in rows:
        if row.status == "created" and not row.errors:
            new[(row.values["school"].upper(), row.values["cyclus"])].append(row)
    if not new:
        return
    schools = {school for school, _ in new}
    running: dict[str, list[tuple[bool, int, str | None]]] = defaultdict(list)  # school -> (ran before, cycle, phase)
    for school, cycle in set(stored) | set(new):
        if school not in schools:
            continue
        before = stored.get((school, cycle), [])
        after = before + [Event(r.values["fase"], r.values["datum"], (datetime.max, r.line))
                          for r in new.get((school, cycle), [])]
        if current_phase(after) in ACTIVE_PHASES:
            running[school].append((current_phase(before) in ACTIVE_PHASES, cycle, current_phase(after)))
    for school, trajectories in running.items():
        if len(trajectories) < 2:
            continue
        trajectories.sort(key=lambda t: (not t[0], t[1]))  # the one running already (else the first) stays
        refused = running_trajectory_error(trajectories[0][2])  # the form's message (start_trajectory)
        for _, cycle, _phase in trajectories[1:]:
            for row in new.get((school, cycle), []):
                row.error("fase", refused)


def _check(history: list[Event], phase: str, on: date, today: date) -> bool:
    """Whether the event is a correction (a return to the phase before) rather than a transition."""
    try:
        check_transition(history, phase, on, today=today)
        return False
    except TransitionRefused as refused:
        try:
            check_correction(history, phase, on, today=today)
        except TransitionRefused:
            raise refused from None  # the transition's reason tells the user more
        return True

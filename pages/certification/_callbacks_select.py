"""Selecting a school in the table, choosing what to record: the form follows, checked on the server."""
from __future__ import annotations

from typing import Any

from dash import Input, Output, State

from domain.certification import PHASES
from pages.certification import _ids as ids
from pages.certification._recorder import (
    CHOOSE_SCHOOL,
    HIDDEN,
    SEEN,
    school_heading,
    school_link,
    seen_of,
    selected_school,
)
from services import trajectory_actions
from web.request_context import Request, page_callback

SHOWN: dict[str, str] = {}


@page_callback(Output(ids.SELECTED, "children"), Output(ids.ACTION, "options"), Output(ids.ACTION, "value"),
               Output(ids.RECORD, "disabled"), Output(SEEN, "data"),
               Input(ids.GRID, "selectedRows"),
               on_refusal=lambda message: (message, [], None, True, None), prevent_initial_call=True)
def select_school(request: Request, selected: Any) -> tuple[Any, list[dict[str, str]], str | None, bool, Any]:
    """The selected school's name, current phase and the actions it offers; what the form shows of
    its history goes in SEEN (recording sends it back)."""
    found = selected_school(request, selected)
    if found is None:
        return CHOOSE_SCHOOL, [], None, True, None
    row, actions = found
    heading, reason = school_heading(row, actions)
    options = actions.options()
    if not options:
        return [f"{heading}: {reason}. ", school_link(row)], [], None, True, seen_of(actions)
    return [f"{heading} — ", school_link(row)], options, options[0]["value"], False, seen_of(actions)


@page_callback(Output(ids.PHASE, "options"), Output(ids.PHASE, "value"),
               Output(ids.TRANCHE, "options"), Output(ids.TRANCHE, "value"),
               Output(ids.PHASE_COL, "style"), Output(ids.TRANCHE_COL, "style"),
               Input(ids.ACTION, "value"), State(ids.GRID, "selectedRows"),
               on_refusal=lambda _message: ([], None, [], None, SHOWN, HIDDEN), prevent_initial_call=True)
def choose_action(request: Request, action: Any, selected: Any) -> tuple[Any, ...]:
    """The fields the chosen action needs: the next phase, or a tranche (a correction needs neither)."""
    found = selected_school(request, selected) if action else None
    if found is None:
        return [], None, [], None, SHOWN, HIDDEN
    _row, actions = found
    if action == trajectory_actions.NEXT:
        phases = [{"label": PHASES[p], "value": p} for p in actions.next_phases]
        return phases, phases[0]["value"] if phases else None, [], None, SHOWN, HIDDEN
    tranches = [{"label": name, "value": tid} for tid, name in actions.tranche_choices(str(action))]
    if tranches:
        return [], None, tranches, tranches[-1]["value"], HIDDEN, SHOWN
    return [], None, [], None, HIDDEN, HIDDEN  # a correction needs only a date and a reason

"""Recording progress ('Vastleggen') and exporting the table."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, no_update

from domain.dates import parse_date
from domain.lifecycle import TransitionRefused
from pages.certification import _ids as ids
from pages.certification._reads import reads_of
from pages.certification._recorder import CHOOSE_SCHOOL, SEEN, apply, done_message, selected_school
from pages.certification._table import grid_rows
from pages.certification._tranches import tranche_section
from services.certification_reads import school_row
from services.permissions import PermissionDenied
from web.request_context import Request, page_callback

UNCHANGED = (no_update,) * 10  # every output but the message


def _error(message: str) -> tuple[Any, ...]:
    return (dbc.Alert(message, color="danger", id=ids.ERROR), *UNCHANGED)


@page_callback(Output(ids.MESSAGE, "children"), Output(ids.GRID, "rowTransaction"), Output(ids.TRANCHES, "children"),
               Output(ids.SELECTED, "children", allow_duplicate=True),
               Output(ids.ACTION, "options", allow_duplicate=True),
               Output(ids.RECORD, "disabled", allow_duplicate=True),
               Output(ids.ACTION, "value", allow_duplicate=True), Output(ids.PHASE, "value", allow_duplicate=True),
               Output(ids.NOTE, "value"), Output(SEEN, "data", allow_duplicate=True),
               Output(ids.GRID, "selectedRows"),
               Input(ids.RECORD, "n_clicks"),
               State(ids.GRID, "selectedRows"), State(ids.ACTION, "value"), State(ids.PHASE, "value"),
               State(ids.TRANCHE, "value"), State(ids.DATE, "date"), State(ids.NOTE, "value"), State(SEEN, "data"),
               on_refusal=_error, prevent_initial_call=True)
def record(request: Request, _n: Any, selected: Any, action: Any, phase: Any, tranche: Any, on: Any,
           note: Any, seen: Any) -> tuple[Any, ...]:
    """Carry out the chosen action for the selected school; then its row of the table (a transaction of
    that one row: at country scope the whole table is thousands of rows) and the tranches again (the
    school's own tranche open), and the form reset: no school, no action, phase or note, the button
    disabled until a new choice (so a second click records nothing; the server refuses a replay of what
    the form saw)."""
    try:
        on_date = parse_date(str(on or ""))
    except ValueError as exc:
        return _error(f"Datum: {exc}")
    found = selected_school(request, selected)
    if found is None:
        return _error("Kies eerst een school in de tabel.")
    row, actions = found
    try:
        done = apply(request, actions, str(action or ""), phase, tranche, on_date, str(note or "")[:2000], seen)
    except (TransitionRefused, PermissionDenied, ValueError) as exc:
        request.session.rollback()
        return _error(str(exc))
    request.session.flush()
    after = school_row(request.session, row.code, request.scope.as_of, request.principal)
    return (done_message(request, row, done, on_date), {"update": grid_rows([after])},
            tranche_section(reads_of(request), after.tranche_id), CHOOSE_SCHOOL, [], True, None, None, "", None, [])


@callback(Output(ids.GRID, "exportDataAsCsv"), Input(ids.EXPORT, "n_clicks"), prevent_initial_call=True)
def export_csv(_n: Any) -> bool:
    return True

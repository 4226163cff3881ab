"""The recorder form ('Voortgang vastleggen'), the server-side lookup of the selected school, and
carrying out one action with its Dutch confirmation."""
from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.inputs import dropdown
from domain import clock
from domain.certification import PHASES
from domain.dates import format_nl
from domain.lifecycle import TransitionRefused
from domain.scope import scope_query
from pages.certification import _ids as ids
from services import certification_reads, trajectories, trajectory_actions
from services.certification_reads import CertificationRow
from services.permissions import PermissionDenied
from services.school_profile import SCHOOL_CODE
from services.trajectory_actions import SchoolActions
from web.request_context import Request

CHOOSE_SCHOOL = "Kies een school in de tabel."
HIDDEN: dict[str, str] = {"display": "none"}
# What the form showed of the selected school: {"school_id", "trajectory_id", "phase"}. Recording
# sends it; the server appends only while it still holds (a double click records one event).
SEEN = "cert-seen"


def recorder() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3("Voortgang vastleggen", className="h6"),
        dcc.Store(id=SEEN, data=None),
        html.Div(CHOOSE_SCHOOL, id=ids.SELECTED, className="mb-2"),
        dbc.RadioItems(id=ids.ACTION, options=[], value=None, inline=True, className="mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label("Nieuwe fase", html_for=ids.PHASE), dropdown(ids.PHASE, [], None)],
                    md=3, id=ids.PHASE_COL),
            dbc.Col([dbc.Label("Tranche", html_for=ids.TRANCHE), dropdown(ids.TRANCHE, [], None)],
                    md=3, id=ids.TRANCHE_COL, style=HIDDEN),
            dbc.Col([dbc.Label("Datum", html_for=ids.DATE),
                     dcc.DatePickerSingle(id=ids.DATE, date=clock.today().isoformat(),
                                          display_format="DD-MM-YYYY", first_day_of_week=1,
                                          placeholder="dd-mm-jjjj")], md=2),
            dbc.Col([dbc.Label("Notitie", html_for=ids.NOTE),
                     dbc.Input(id=ids.NOTE, maxLength=2000, placeholder="bijv. intakegesprek gevoerd")], md=5),
            dbc.Col(dbc.Button("Vastleggen", id=ids.RECORD, color="primary", disabled=True), md=2,
                    className="d-flex align-items-end"),
        ], className="g-2"),
        html.Div(id=ids.MESSAGE, className="mt-2"),
    ]), className="mb-3 shadow-sm")


def selected_school(request: Request, selected: object) -> tuple[CertificationRow, SchoolActions] | None:
    """(certification row, actions) of the school selected in the grid, looked up on the server
    (the browser only names it); None when nothing is selected. Raises NotFound for an unknown
    school, PermissionDenied when the user may not read or change it."""
    if not isinstance(selected, list) or not selected or not isinstance(selected[0], dict):
        return None
    code = str(selected[0].get("code", ""))[:6]
    row = certification_reads.school_row(request.session, code, request.scope.as_of, request.principal)
    try:
        return row, trajectory_actions.school_actions(request.session, request.principal, row.school_id)
    except PermissionDenied as exc:
        raise PermissionDenied(f"{row.name}: {exc}") from None


def school_heading(row: CertificationRow, actions: SchoolActions) -> tuple[str, str]:
    """('name (code), nu: phase', the reason nothing can be done or '')."""
    now = f"nu: {PHASES[actions.phase]}" if actions.phase else "nog geen traject"
    reason = "" if actions.options() else (
        "er is geen tranche in de regio om het traject in te starten" if actions.start_label
        else "geen vervolgstap mogelijk")
    return f"{row.name} ({row.code}), {now}", reason


def seen_of(actions: SchoolActions) -> dict[str, Any]:
    """What the form shows of the school's history, for the SEEN store."""
    return {"school_id": actions.school_id, "trajectory_id": actions.trajectory_id, "phase": actions.phase}


def _seen(actions: SchoolActions, seen: object) -> trajectories.Seen:
    """(trajectory id, phase) the user saw; a form of another school (or none) counts as seeing nothing
    (the server refuses: the history it holds is not what this form showed)."""
    if not isinstance(seen, dict) or seen.get("school_id") != actions.school_id:
        return (-1, None)
    tid, phase = seen.get("trajectory_id"), seen.get("phase")
    return (tid if isinstance(tid, int) else None, phase if isinstance(phase, str) else None)


def school_link(row: CertificationRow) -> Any:
    # The code comes from the database row and matches the DUO pattern: safe in a link.
    return dcc.Link("schoolpagina", href=f"/school/{row.code}", id=ids.SCHOOL_LINK) \
        if SCHOOL_CODE.match(row.code) else ""


def apply(request: Request, actions: SchoolActions, action: str, phase: object, tranche: object,
          on_date: date, note: str, seen: object) -> str:
    """Carry out one action through the trajectory service; the Dutch confirmation. `seen` is what the
    form showed (SEEN): the service refuses (HistoryChanged) when the history moved on since."""
    session, principal = request.session, request.principal
    saw = _seen(actions, seen)
    if saw != (actions.trajectory_id, actions.phase):
        trajectories.ensure_seen(session, actions.school_id, saw)   # says who recorded what in between
    trajectory_actions.require_action(actions, action)
    if action == trajectory_actions.NEXT and actions.trajectory_id is not None:
        trajectories.record_transition(session, principal, actions.trajectory_id, str(phase or ""), on_date, note,
                                       seen=saw)
        return f"{PHASES.get(str(phase), str(phase))} vastgelegd op {format_nl(on_date)}."
    if action == trajectory_actions.CORRECT and actions.trajectory_id is not None and actions.correction_to:
        trajectories.correct_to(session, principal, actions.trajectory_id, actions.correction_to, on_date, note,
                                seen=saw)
        return f"gecorrigeerd naar {PHASES[actions.correction_to]} op {format_nl(on_date)}."
    choices = dict(actions.tranche_choices(action))
    if not isinstance(tranche, int) or tranche not in choices:
        raise TransitionRefused("Kies een tranche.")
    if action == trajectory_actions.MOVE and actions.trajectory_id is not None:
        trajectories.move_to_tranche(session, principal, actions.trajectory_id, tranche, on_date, note, seen=saw)
        return f"uitgesteld en aangemeld in {choices[tranche]}."
    trajectories.start_trajectory(session, principal, actions.school_id, tranche, on_date, note, seen=saw)
    return f"aangemeld in {choices[tranche]} op {format_nl(on_date)}."


def done_message(request: Request, row: CertificationRow, done: str, on_date: date) -> dbc.Alert:
    """The confirmation; when the event falls after the page's peildatum the page says so (the
    table at this peildatum does not show it) and links to the page at today."""
    as_of = request.scope.as_of
    parts: list[Any] = [f"{row.name}: {done}"]
    if on_date > as_of:
        today = request.today
        # the query is rebuilt from the checked scope (never from the raw URL): safe in a link
        href = "/certificering" + scope_query(dataclasses.replace(request.scope, as_of=today))
        parts.append(html.Div([
            f"Let op: vastgelegd op {format_nl(on_date)}, na de peildatum {format_nl(as_of)}: "
            "bij deze peildatum ziet u de wijziging nog niet. ",
            dcc.Link(f"Bekijk de pagina op vandaag ({format_nl(today)})", href=href, id=ids.VIEW_TODAY,
                     className="alert-link"),
        ], id=ids.AFTER_AS_OF, className="mt-1"))
    return dbc.Alert(parts, color="warning" if on_date > as_of else "success", id=ids.DONE)

"""Gemeenten, section 'Vergaderingen van de stuurgroep': the meeting dates of the region or province
with their notes; coordinators of the region and the beheerder add and remove them (audited).
The latest meeting before the peildatum is the default compare date (services.meetings)."""
from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update
from dash.exceptions import PreventUpdate
from sqlmodel import Session

from components.inputs import dropdown
from domain.compare_choice import CompareChoice
from domain.dates import format_nl, parse_date
from domain.scope import COMPARE_PARAM, Scope, scope_query
from pages.municipalities import _ids as ids
from services.meetings import MeetingRefused, MeetingRow, add_meeting, delete_meeting, meetings_of
from services.permissions import Principal, can_edit_meetings
from web.request_context import Request, page_callback

NATIONAL = "Vergaderingen horen bij een regio of provincie: kies er een om ze te zien of vast te leggen."


def _list(rows: list[MeetingRow], scope: Scope, choice: CompareChoice | None) -> html.Div | html.Ul:
    if not rows:
        return html.Div("Nog geen vergaderingen vastgelegd; de vergelijkdatum is dan drie maanden voor de "
                        "peildatum.", className="small text-muted")
    items = []
    for m in rows:
        current = choice is not None and choice.on == m.held_on
        link: Any = (html.Span("(vergeleken)", className="small text-success ms-2") if current else
                     dcc.Link("vergelijk hiermee", className="small ms-2",
                              href=f"/gemeenten{scope_query(scope)}&{COMPARE_PARAM}={m.held_on.isoformat()}")
                     if m.held_on < scope.as_of else html.Span("(na de peildatum)", className="small text-muted ms-2"))
        items.append(html.Li([html.Strong(format_nl(m.held_on)), link,
                              html.Div(m.notes, className="small", style={"whiteSpace": "pre-wrap"})
                              if m.notes else None], className="mb-1"))
    return html.Ul(items, className="list-unstyled mb-2")


def _delete_options(rows: list[MeetingRow]) -> list[dict[str, Any]]:
    return [{"label": format_nl(m.held_on), "value": m.id} for m in rows]


def meetings_card(session: Session, principal: Principal, scope: Scope, choice: CompareChoice) -> dbc.Card:
    if scope.region_id is None and scope.province_id is None:
        body: list[Any] = [html.Div(NATIONAL, className="small text-muted")]
    else:
        rows = meetings_of(session, scope)
        body = [html.Div(_list(rows, scope, choice), id=ids.MEETING_LIST)]
        if can_edit_meetings(principal, scope.region_id, scope.province_id):
            body.append(dbc.Row([
                dbc.Col([dbc.Label("Datum", html_for=ids.MEETING_DATE, className="small mb-0"),
                         dcc.DatePickerSingle(id=ids.MEETING_DATE, display_format="DD-MM-YYYY", first_day_of_week=1,
                                              placeholder="dd-mm-jjjj")], md=3),
                dbc.Col([dbc.Label("Aantekeningen of besluiten", html_for=ids.MEETING_NOTES, className="small mb-0"),
                         dbc.Textarea(id=ids.MEETING_NOTES, maxLength=2000, rows=2)], md=5),
                dbc.Col(dbc.Button("Vergadering toevoegen", id=ids.MEETING_ADD, color="primary", size="sm"), md=2),
                dbc.Col([dropdown(ids.MEETING_DELETE_CHOICE, _delete_options(rows), None, placeholder="Vergadering"),
                         dbc.Button("Verwijderen", id=ids.MEETING_DELETE, color="danger", outline=True, size="sm",
                                    className="mt-1")], md=2),
            ], className="g-2 align-items-end"))
            body.append(html.Div(id=ids.MEETING_RESULT, className="small mt-2"))
    return dbc.Card(dbc.CardBody([html.H3("Vergaderingen van de stuurgroep", className="h5"), *body]),
                    id=ids.MEETINGS, className="mb-3 shadow-sm")


def _refusal(message: str) -> tuple[Any, Any, Any]:
    return dbc.Alert(message, color="danger", className="py-1 mb-0"), no_update, no_update


def _after(request: Request, message: Any) -> tuple[Any, Any, Any]:
    rows = meetings_of(request.session, request.scope)
    return message, _list(rows, request.scope, None), _delete_options(rows)


OUTPUTS = (Output(ids.MEETING_RESULT, "children", allow_duplicate=True),
           Output(ids.MEETING_LIST, "children", allow_duplicate=True),
           Output(ids.MEETING_DELETE_CHOICE, "options", allow_duplicate=True))


@page_callback(*OUTPUTS, Input(ids.MEETING_ADD, "n_clicks"), State(ids.MEETING_DATE, "date"),
               State(ids.MEETING_NOTES, "value"), on_refusal=_refusal, prevent_initial_call=True)
def add(request: Request, n_clicks: object, held_on: object, notes: object) -> tuple[Any, Any, Any]:
    """Record a meeting of the area in the URL (its editors only; the service checks and audits)."""
    if not n_clicks:
        raise PreventUpdate
    try:
        day: date = parse_date(held_on[:10] if isinstance(held_on, str) else "")
    except ValueError:
        return dbc.Alert("Kies de datum van de vergadering.", color="warning", className="py-1 mb-0"), \
            no_update, no_update
    try:
        add_meeting(request.session, request.principal, request.scope, day, notes if isinstance(notes, str) else "")
    except MeetingRefused as exc:
        return dbc.Alert(str(exc), color="warning", className="py-1 mb-0"), no_update, no_update
    return _after(request, dbc.Alert(f"Vergadering van {format_nl(day)} opgeslagen. Vernieuw de pagina om ermee "
                                     "te vergelijken.", color="success", className="py-1 mb-0", id="cmp-meeting-ok"))


@page_callback(*OUTPUTS, Input(ids.MEETING_DELETE, "n_clicks"), State(ids.MEETING_DELETE_CHOICE, "value"),
               on_refusal=_refusal, prevent_initial_call=True)
def remove(request: Request, n_clicks: object, meeting_id: object) -> tuple[Any, Any, Any]:
    """Remove the chosen meeting (its area's editors only; audited)."""
    if not n_clicks or not isinstance(meeting_id, int):
        raise PreventUpdate
    row = delete_meeting(request.session, request.principal, meeting_id)
    return _after(request, dbc.Alert(f"Vergadering van {format_nl(row.held_on)} verwijderd.", color="success",
                                     className="py-1 mb-0"))

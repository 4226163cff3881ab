"""1. Tranche: choose a future tranche of the region, or create one."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from components.inputs import dropdown
from domain.dates import format_nl, parse_date
from domain.planning import tranche_finish
from pages.planning import _ids as ids
from pages.planning._common import RULE_REFUSALS, done, error, number, refused, tranche_options
from services import planning
from services.planning import TrancheChoice, TrancheContext
from web.request_context import Request, page_callback


def tranche_card(tranches: list[TrancheChoice], editable: bool) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3("1. Tranche", className="h6"),
        dbc.Row([
            dbc.Col([dbc.Label("Toekomstige tranche", html_for=ids.TRANCHE),
                     dropdown(ids.TRANCHE, tranche_options(tranches), tranches[0].id if tranches else None,
                              clearable=False, placeholder="Kies een tranche")], md=6),
            dbc.Col(html.Div(id=ids.TRANCHE_INFO, className="small text-muted pt-4"), md=6),
        ]),
        dbc.Collapse(dbc.Row([
            dbc.Col([dbc.Label("Naam nieuwe tranche", html_for=ids.NEW_NAME),
                     dbc.Input(id=ids.NEW_NAME, maxLength=100, size="sm", placeholder="bijv. Tranche 2028")], md=4),
            dbc.Col([dbc.Label("Startdatum", html_for=ids.NEW_START),
                     dcc.DatePickerSingle(id=ids.NEW_START, display_format="DD-MM-YYYY", first_day_of_week=1,
                                          placeholder="dd-mm-jjjj")], md=3),
            dbc.Col([dbc.Label("Capaciteit (scholen)", html_for=ids.NEW_CAPACITY),
                     number(ids.NEW_CAPACITY, 8)], md=2),
            dbc.Col(dbc.Button("Tranche aanmaken", id=ids.NEW_CREATE, color="secondary", size="sm"), md=3,
                    className="d-flex align-items-end"),
        ], className="g-2 mt-2"), is_open=True) if editable else None,   # no write form for read-only roles
        html.Div(id=ids.NEW_MESSAGE, className="mt-2"),
    ]), className="mb-3 shadow-sm")


def _whole_number(value: object) -> int:
    """The capacity as typed; anything but a whole number becomes -1, which the service refuses."""
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    return -1


@page_callback(Output(ids.TRANCHE, "options"), Output(ids.TRANCHE, "value"), Output(ids.NEW_MESSAGE, "children"),
               Input(ids.NEW_CREATE, "n_clicks"),
               State(ids.NEW_NAME, "value"), State(ids.NEW_START, "date"), State(ids.NEW_CAPACITY, "value"),
               on_refusal=lambda message: (no_update, no_update, error(message)), prevent_initial_call=True)
def create_tranche(request: Request, _clicks: int | None, name: object, start: object,
                   capacity: object) -> tuple[Any, ...]:
    scope = request.scope
    try:
        start_on = parse_date(start if isinstance(start, str) else "")
        tranche = planning.create_tranche(request.session, request.principal, scope.region_id, str(name or ""),
                                          start_on, _whole_number(capacity))
        options = tranche_options(planning.future_tranches(request.session, request.principal, scope.region_id,
                                                           scope.as_of))
    except RULE_REFUSALS as exc:
        return no_update, no_update, refused(request, exc)
    return options, tranche.id, done(f"Tranche '{tranche.name}' aangemaakt.")


def first_work(tranches: list[TrancheChoice]) -> dict[str, Any]:
    """The working plan the page opens with: empty, for the first tranche (the plan's view draws it
    straight from the layout, not after a round trip through open_tranche)."""
    return new_work(tranches[0].id) if tranches else {}


def new_work(tranche_id: object) -> dict[str, Any]:
    return {"tranche_id": tranche_id, "items": []} if tranche_id is not None else {}


def tranche_info(ctx: TrancheContext) -> str:
    """What the chosen tranche offers, shown beside its choice (drawn with the plan, which has the context)."""
    finish = format_nl(tranche_finish(ctx.tranche.start_on, ctx.region.expected_months_max))
    return f"{len(ctx.candidates)} kandidaten; {ctx.free} vrije plaatsen; verwacht klaar op {finish}."


@page_callback(Output(ids.WORK, "data"), Output(ids.MESSAGE, "children"), Input(ids.TRANCHE, "value"),
               prevent_initial_call=True)
def open_tranche(_request: Request, tranche_id: object) -> tuple[Any, ...]:
    """A new, empty working plan for the chosen tranche; the plan's view checks the tranche and draws it."""
    return new_work(tranche_id), None

"""3. Plan: the schools in the working plan and the other candidates; a proposal, and adding
or removing a school by hand (with a reason). Each action is one callback; the services
check the browser's working plan again."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, html, no_update

from pages.planning import _ids as ids
from pages.planning._common import (
    COLUMNS,
    HIDDEN,
    PLAN_COLUMNS,
    RULE_REFUSALS,
    done,
    edited,
    error,
    grid,
    refused,
    selected_school,
    working,
)
from pages.planning._settings import QUOTAS, WEIGHTS, quotas_of, weights_of
from services import planning
from web.request_context import Request, page_callback


def plan_card(editable: bool) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3("3. Plan", className="h6"),
        html.Div(id=ids.SUMMARY, className="mb-2"),
        html.P("Prioriteit 0-100 = som van de punten per onderdeel (gewicht × score van de school). Hercertificering: "
               "verlopen 1, nodig 0,75; dekkingsgat: 1 − dekking van de gemeente; gereedheid: gemiddelde van "
               "netwerkcompleetheid en aanpakfase van de gemeente; wachttijd: maanden sinds eerste aanmelding / 36; "
               "leereffect: deel van de partners gedeeld met scholen in het plan.", className="small text-muted"),
        grid(ids.PLAN_GRID, PLAN_COLUMNS, "330px"),
        dbc.Row([
            dbc.Col([dbc.Label("Reden (verplicht bij handmatig toevoegen of verwijderen)", html_for=ids.REASON),
                     dbc.Input(id=ids.REASON, maxLength=1000, placeholder="bijv. bestuur vraagt uitstel")], md=6),
            dbc.Col(dbc.Button("Geselecteerde school uit het plan halen", id=ids.REMOVE, color="danger",
                               outline=True, disabled=not editable), md=3, className="d-flex align-items-end"),
            dbc.Col(dbc.Button("Geselecteerde kandidaat toevoegen", id=ids.ADD, color="success", outline=True,
                               disabled=not editable), md=3, className="d-flex align-items-end"),
        # the hand changes: kept in the page (the plan's view switches its buttons), never shown to read-only roles
        ], className="g-2 mt-2", style=None if editable else HIDDEN),
        html.Div(id=ids.REMOVED, className="mt-2"),
        html.H4("Overige kandidaten", className="h6 mt-3"),
        grid(ids.CANDIDATE_GRID, COLUMNS, "300px"),
    ]), className="mb-3 shadow-sm")


# Every action below changes the working plan and says how it went.
CHANGED_PLAN = (Output(ids.WORK, "data", allow_duplicate=True), Output(ids.MESSAGE, "children", allow_duplicate=True))


def _refusal(message: str) -> tuple[Any, ...]:
    return no_update, error(message)


@page_callback(*CHANGED_PLAN, Input(ids.PROPOSE, "n_clicks"), State(ids.WORK, "data"), WEIGHTS, QUOTAS,
               on_refusal=_refusal, prevent_initial_call=True)
def propose_plan(request: Request, _clicks: int | None, work: object, weights: object,
                 quotas: object) -> tuple[Any, ...]:
    """Fill the tranche by priority, keeping the schools added or removed by hand."""
    plan = working(work)
    try:
        items, warnings = planning.make_proposal(request.session, request.principal, plan.get("tranche_id"),
                                                 request.scope.as_of, weights=weights_of(weights),
                                                 quotas=quotas_of(quotas), items=plan.get("items", []))
    except RULE_REFUSALS as exc:
        return no_update, refused(request, exc)
    message = (dbc.Alert(" ".join(warnings), color="warning", id="plan-warning") if warnings
               else done(f"Voorstel gemaakt: {len(planning.included(items))} scholen."))
    return edited(plan, items), message


@page_callback(*CHANGED_PLAN, Input(ids.ADD, "n_clicks"), State(ids.WORK, "data"), State(ids.REASON, "value"),
               State(ids.CANDIDATE_GRID, "selectedRows"), QUOTAS, on_refusal=_refusal, prevent_initial_call=True)
def add_school_by_hand(request: Request, _clicks: int | None, work: object, reason: object, rows: object,
                       quotas: object) -> tuple[Any, ...]:
    plan = working(work)
    try:
        items = planning.add_school(request.session, request.principal, plan.get("tranche_id"), request.scope.as_of,
                                    quotas=quotas_of(quotas), items=plan.get("items", []),
                                    school_id=selected_school(rows), reason=str(reason or ""))
    except RULE_REFUSALS as exc:
        return no_update, refused(request, exc)
    return edited(plan, items), done("School toegevoegd aan het plan.")


@page_callback(*CHANGED_PLAN, Input(ids.REMOVE, "n_clicks"), State(ids.WORK, "data"), State(ids.REASON, "value"),
               State(ids.PLAN_GRID, "selectedRows"), on_refusal=_refusal, prevent_initial_call=True)
def remove_school_by_hand(request: Request, _clicks: int | None, work: object, reason: object,
                          rows: object) -> tuple[Any, ...]:
    plan = working(work)
    try:
        items = planning.remove_school(request.session, request.principal, plan.get("tranche_id"),
                                       request.scope.as_of, items=plan.get("items", []),
                                       school_id=selected_school(rows), reason=str(reason or ""))
    except RULE_REFUSALS as exc:
        return no_update, refused(request, exc)
    return edited(plan, items), done("School uit het plan gehaald.")

"""4. Drafts: save the working plan under a name, open a saved plan, and confirm the opened
draft (which starts a trajectory for each of its schools)."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, ctx, html, no_update

from components.inputs import dropdown
from domain.planning import PlanRefused
from pages.planning import _ids as ids
from pages.planning._common import HIDDEN, RULE_REFUSALS, done, draft_options, error, refused, working
from pages.planning._plan import CHANGED_PLAN
from pages.planning._settings import AUDIT_CAPACITY, QUOTAS, WEIGHTS, quotas_of, weights_of
from services import planning
from services.planning import SavedPlan
from services.planning.commands import plan_version
from web.request_context import Request, page_callback


def drafts_card(editable: bool) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3("4. Concepten", className="h6"),
        dbc.Row([
            # saving and confirming: kept in the page (the plan's view switches the buttons), not shown to
            # read-only roles, who open and compare plans
            dbc.Col([dbc.Label("Naam van het concept", html_for=ids.SAVE_NAME),
                     dbc.Input(id=ids.SAVE_NAME, maxLength=100, placeholder="bijv. Scenario A")], md=4,
                    style=None if editable else HIDDEN),
            dbc.Col(dbc.Button("Opslaan als concept", id=ids.SAVE, color="primary", disabled=not editable),
                    md=2, className="d-flex align-items-end" if editable else "d-none"),
            dbc.Col([dbc.Label("Opgeslagen plannen", html_for=ids.DRAFTS),
                     dropdown(ids.DRAFTS, [], None, placeholder="Kies een plan")], md=4),
            dbc.Col(dbc.Button("Openen", id=ids.OPEN, color="secondary", outline=True), md=2,
                    className="d-flex align-items-end"),
        ], className="g-2"),
        html.Div([
            dbc.Button("Geopend concept bevestigen…", id=ids.CONFIRM, color="warning", className="mt-3",
                       disabled=not editable),
            html.Div([
                dbc.Alert(["Bevestigen maakt voor elke school van het geopende concept een traject aan "
                           "(fase Aangemeld) in deze tranche. Daarna is het plan alleen-lezen.",
                           html.Br(),
                           dbc.Button("Ja, trajecten aanmaken", id=ids.CONFIRM_YES, color="danger",
                                      size="sm", className="mt-2")], color="warning", className="mt-2"),
            ], id=ids.CONFIRM_ASK, style={"display": "none"}),
        ], style=None if editable else HIDDEN),
    ]), className="mb-3 shadow-sm")


def _refusal(message: str) -> tuple[Any, ...]:
    return no_update, error(message)


def _opened(plan: SavedPlan, version: int) -> dict[str, Any]:
    """The working plan from a saved one, with the plan and version it was read at ('opened_id' and
    'version' stay when the working plan is changed by hand): saving over that plan, or confirming it,
    after someone else saved it is refused."""
    return {"tranche_id": plan.tranche_id, "plan_id": plan.id, "name": plan.name, "status": plan.status,
            "items": plan.items, "opened_id": plan.id, "version": version}


@page_callback(*CHANGED_PLAN, Input(ids.SAVE, "n_clicks"), State(ids.WORK, "data"), State(ids.SAVE_NAME, "value"),
               WEIGHTS, QUOTAS, AUDIT_CAPACITY, on_refusal=_refusal, prevent_initial_call=True)
def save_draft(request: Request, _clicks: int | None, work: object, name: object, weights: object, quotas: object,
               audit_capacity: object) -> tuple[Any, ...]:
    plan = working(work)
    try:
        saved = planning.save_plan(request.session, request.principal, plan.get("tranche_id"), str(name or ""),
                                   request.scope.as_of, weights=weights_of(weights), quotas=quotas_of(quotas),
                                   audit_capacity=audit_capacity, items=plan.get("items", []),
                                   seen=(plan.get("opened_id"), plan.get("version")))
    except RULE_REFUSALS as exc:
        return no_update, refused(request, exc)
    return {**plan, "plan_id": saved.id, "name": saved.name, "status": saved.status, "opened_id": saved.id,
            "version": saved.version}, \
        done(f"Concept '{saved.name}' opgeslagen.")


@page_callback(*CHANGED_PLAN, Output({"type": ids.WEIGHT_TYPE, "key": ALL}, "value"),
               Output({"type": ids.QUOTA_TYPE, "key": ALL}, "value"), Output(ids.AUDIT_CAPACITY, "value"),
               Input(ids.OPEN, "n_clicks"), State(ids.WORK, "data"), State(ids.DRAFTS, "value"),
               on_refusal=lambda message: (no_update, error(message), no_update, no_update, no_update),
               prevent_initial_call=True)
def open_draft(request: Request, _clicks: int | None, work: object, plan_id: object) -> tuple[Any, ...]:
    """The saved plan becomes the working plan, with its weights, quotas and audit capacity."""
    keep = (no_update, no_update, no_update)
    try:
        version = plan_version(request.session, request.principal, plan_id)   # before the plan: never newer
        saved = planning.load_plan(request.session, request.principal, plan_id)
        if saved.tranche_id != working(work).get("tranche_id"):
            raise PlanRefused("Dit plan hoort bij een andere tranche.")
    except RULE_REFUSALS as exc:
        return no_update, refused(request, exc), *keep
    message = done(f"Plan '{saved.name}' geopend" + (" (bevestigd, alleen-lezen)." if saved.confirmed else "."))
    return (_opened(saved, version), message, [saved.weights[k] for k in ids.WEIGHT_KEYS],
            [saved.quotas.get(s) for s in ids.QUOTA_KEYS], saved.audit_capacity)


@page_callback(Output(ids.CONFIRM_ASK, "style"), Input(ids.CONFIRM, "n_clicks"), Input(ids.WORK, "data"),
               prevent_initial_call=True)
def ask_confirmation(_request: Request, _clicks: int | None, _work: object) -> dict[str, str]:
    """The question appears on 'bevestigen…' and goes away when the working plan changes."""
    return {"display": "block"} if ctx.triggered_id == ids.CONFIRM else {"display": "none"}


@page_callback(*CHANGED_PLAN, Input(ids.CONFIRM_YES, "n_clicks"), State(ids.WORK, "data"), on_refusal=_refusal,
               prevent_initial_call=True)
def confirm_draft(request: Request, _clicks: int | None, work: object) -> tuple[Any, ...]:
    plan_id, version = working(work).get("plan_id"), working(work).get("version")
    try:
        created = planning.confirm_plan(request.session, request.principal, plan_id,
                                        version=version if isinstance(version, int) else -1)
        saved = planning.load_plan(request.session, request.principal, plan_id)
        new_version = plan_version(request.session, request.principal, plan_id)
    except RULE_REFUSALS as exc:
        return no_update, refused(request, exc)
    return _opened(saved, new_version), done(f"Plan bevestigd: {len(created)} trajecten aangemaakt (fase Aangemeld).")


@page_callback(Output(ids.DRAFTS, "options"), Output(ids.PLAN_COMPARE_A, "options"),
               Output(ids.PLAN_COMPARE_B, "options"), Input(ids.WORK, "data"))
def list_drafts(request: Request, work: object) -> tuple[Any, ...]:
    """The tranche's saved plans, to open or to compare, after every change of the working plan."""
    tranche_id = working(work).get("tranche_id")
    if tranche_id is None:
        return [], [], []
    options = draft_options(planning.list_plans(request.session, request.principal, tranche_id))
    return options, options, options

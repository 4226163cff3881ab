"""Planning: which schools enter the next tranche, within capacity, with transparent priorities,
named drafts, the comparison of two plans, the projection, and confirmation."""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from pages.planning import _compare, _drafts, _plan, _projection, _settings, _tranche
from pages.planning import _ids as ids
from services import planning
from services.permissions import PLAN_ROLES, PermissionDenied, can_edit_plans
from web.request_context import Request, page_layout, refusal_alert

dash.register_page(__name__, path="/planning", name="Planning", order=50, roles=PLAN_ROLES,
                   title="Planning – Veilig in en om School")


@page_layout("Planning")
def layout(request: Request) -> html.Div:
    scope = request.scope
    heading = request.heading("Planning")
    if scope.region_id is None:
        return html.Div([heading, dbc.Alert("Kies een regio in de balk bovenaan om een tranche te plannen.",
                                            color="info", id=ids.CHOOSE_REGION)])
    try:
        region = planning.ensure_can_read_plans(request.session, request.principal, scope.region_id)
    except PermissionDenied as exc:
        return html.Div([heading, refusal_alert(exc)])
    tranches = planning.future_tranches(request.session, request.principal, region.id, scope.as_of)
    editable = can_edit_plans(request.principal, region.id)
    return html.Div([
        heading,
        dcc.Store(id=ids.WORK, data=_tranche.first_work(tranches)),
        html.Div(id=ids.MESSAGE),
        _tranche.tranche_card(tranches, editable),
        _settings.settings_card(region.audit_capacity_per_quarter, editable),
        _plan.plan_card(editable),
        _drafts.drafts_card(editable),
        _projection.projection_card(),
        _compare.plan_compare_card(),
    ])

"""The Actielijst layout: heading, the region's worklist (or the hint to choose a region), reminders."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from pages.worklist import _ids as ids
from pages.worklist._reminders import reminders
from pages.worklist._sections import content
from services.permissions import PermissionDenied, can_view_worklist
from services.worklist import Worklist, worklist
from web.request_context import Request

TITLE = "Actielijst"


def worklist_of(request: Request) -> Worklist:
    return worklist(request.session, request.principal, request.scope.region_id, request.scope.as_of)


def build(request: Request) -> html.Div:
    principal = request.principal
    if principal.role not in ("beheerder", "coordinator"):
        raise PermissionDenied("Geen toegang: de actielijst is voor de coördinatoren en de beheerder.")
    scope = request.scope
    if scope.region_id is None or not can_view_worklist(principal, scope.region_id):
        body: list = [dbc.Alert("Kies een regio in de balk bovenaan om de actielijst van die regio te zien.",
                                color="info", id=ids.CHOOSE_REGION)]
    else:
        body = [html.Div(id=ids.MESSAGE, className="mt-2"), html.Div(content(worklist_of(request)), id=ids.CONTENT)]
    return html.Div([request.heading(TITLE), *body, reminders(request)])

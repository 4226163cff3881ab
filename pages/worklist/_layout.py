"""The Actielijst layout: heading, the region's worklist (or the hint to choose a region), reminders."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

from domain.scope import scope_query
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
    return html.Div([request.heading(TITLE), _related(request), *body, reminders(request)])


def _related(request: Request) -> html.P:
    """Links to the pages that belong to the worklist (not in the navigation bar), in the same selection."""
    query = scope_query(request.scope)   # rebuilt from the checked scope, never the raw URL
    return html.P(["Ook: ", dcc.Link("Contactlijst voor het overleg", href=f"/contactlijst{query}",
                                     id="wl-contacts-link"), " · ",
                   dcc.Link("Scholen per bestuur", href=f"/mijn-scholen?peildatum={request.scope.as_of.isoformat()}",
                            id="wl-boards-link")], className="small")

"""Netwerk: the page and its layout. Thin: every callback (in the `_` modules imported below) gets the
request context (user, session, the selection from the URL) and turns service results into components."""
from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

# absolute imports: Dash executes this file by its path
from pages.network import _callbacks_add, _callbacks_edit  # noqa: F401 - they register the page's callbacks
from pages.network import _ids as ids
from pages.network._area_tab import area_tab
from pages.network._editor import editor
from pages.network._school_tab import school_tab
from services import network, partnerships
from services.permissions import can_write_anything
from web.request_context import Request, page_layout

TITLE = "Partnernetwerk"
dash.register_page(__name__, path="/netwerk", name="Netwerk", order=30,
                   title="Netwerk – Veilig in en om School")


@page_layout(TITLE)
def layout(request: Request) -> Any:
    scope = request.scope
    wanted: str | None = str(request.query.get("school") or "")[:6].upper()
    options = network.school_options(request.session, request.principal, scope, wanted or "")
    if not wanted or not any(o["value"] == wanted for o in options):
        wanted = None
        options = network.school_options(request.session, request.principal, scope)
    may_edit = can_write_anything(request.principal)
    municipalities = partnerships.municipality_choices(request.session, request.principal) if may_edit else []
    edit_part = editor(municipalities) if may_edit else html.Div(id=ids.EDITOR_NONE)
    return html.Div([
        request.heading(TITLE),
        dcc.Store(id=ids.CHANGED, data=0),
        dcc.Store(id=ids.SELECTED, data=None),
        dcc.Download(id=ids.DOWNLOAD),
        dbc.Tabs([dbc.Tab(school_tab(options, wanted, edit_part), label="Per school", tab_id="school"),
                  dbc.Tab(area_tab(), label="Heel het gebied: analyse", tab_id="area")],
                 # the chosen tab stays when the area (the URL) changes and the page is built again
                 id=ids.TABS, active_tab="school", className="mb-3", persistence=True, persistence_type="session"),
    ])

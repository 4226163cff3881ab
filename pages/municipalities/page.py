"""Gemeenten: compare the municipalities in scope, with peers, over time, on a map, and what changed.

The layout; each section and its callbacks live in a module of its own (_changes, _table, _charts,
_map), the component ids in _ids.
"""
from __future__ import annotations

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.municipality_charts import per_area
from components.plain_figure import warm
from pages._area_drill import drill_links
from pages._compare_date import compare_picker
from pages._report_download import report_button
from pages.municipalities import _ids as ids
from pages.municipalities._changes import what_changed
from pages.municipalities._charts import charts, drawn, first_figures
from pages.municipalities._map import map_section
from pages.municipalities._meetings import meetings_card
from pages.municipalities._table import municipality_table, peer_controls
from services.municipality_comparison import QUARTERS, comparison, panel_names
from services.permissions import is_admin
from web.request_context import Request, page_layout

PATH = "/gemeenten"
dash.register_page(__name__, path=PATH, name="Gemeenten", order=40,
                   title="Gemeenten – Veilig in en om School")

warm()   # Dash runs this module once per worker, at its start

TITLE = "Gemeenten vergelijken"


@page_layout(TITLE)
def layout(request: Request) -> html.Div:
    scope = request.scope
    choice = request.compare_choice
    compare_with = choice.on
    shown = drawn(request.session, compare_with)   # before the figures: a write in between makes it stale
    data = comparison(request.session, scope, compare_with, request.principal, quarters=QUARTERS, with_points=False,
                      with_changes=False)   # the events: _changes.list_changes
    parts = [request.heading(TITLE),
             *[dbc.Alert(w, color="warning", className="py-1", id=ids.COMPARE_WARNING) for w in choice.warnings],
             compare_picker(ids.PICKER, choice, scope.as_of), report_button(ids.PICKER),
             meetings_card(request.session, request.principal, scope, choice)]
    if not data.totals["schools"]:
        return html.Div(parts + [dbc.Alert("Er zijn geen actieve scholen in deze selectie op deze peildatum.",
                                           color="info", id=ids.EMPTY)])
    groups = panel_names(request.session, scope, data.infos)
    return html.Div(parts + [
        what_changed(data),
        peer_controls(data.infos),
        dcc.Store(id=ids.DRAWN, data=shown),
        municipality_table(request, data.municipalities, compare_with),
        charts(first_figures(request, data, groups),
               drill_links(request, per_area(len(data.municipalities), data.areas), PATH, ids.DRILL_LINKS)),
        html.H3("Kaart", className="h5 mt-3"),
        map_section(is_admin(request.principal), {m.cbs_code for m in data.municipalities}),
    ])

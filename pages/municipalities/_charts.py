"""Gemeenten, the charts: coverage, phases, approach and coverage per quarter, each with the chosen
municipality and its peers highlighted (also in the table). For the whole country they show the
provinces (components.municipality_charts.per_area), each a click away: a province's bar, or its link
under the chart, opens the page for that province (the scope in the URL, like the scope bar).

The page's layout sends their first figures (nothing highlighted) in a store (CHART_FIGURES), which a
clientside callback hands to the graphs once the page is on screen: so the map's and the event list's
requests go out first, instead of after the most of a second the browser spends drawing these charts (a
province's peildatum change: data complete after 0.35 s instead of 0.9 s). The callbacks answer a user's
choice only. They read the figures on the server, from the comparison kept per data version (the same
the layout drew, for every worker: a lookup, not a computation), for the selection in the URL; the page
holds the data version and compare date it drew (DRAWN), and a highlight after the figures changed is
refused with a message (its Patches would colour rows and bars of other figures); a target outside the
figures is ignored. A highlight changes only colours and names: the table, the coverage and the approach
charts get a Patch() with just those (not the whole figure again); per province the chosen ones are
bars of their own, so those small charts are drawn again.
"""
from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, Patch, State, clientside_callback, ctx, dcc, html, no_update
from sqlmodel import Session

from components.chart_table import with_table
from components.charts import GRAPH_CONFIG
from components.municipality_charts import (
    approach_heatmap,
    bar_highlight,
    coverage_bars,
    coverage_lines,
    heatmap_names,
    per_area,
    phase_bars,
)
from components.plain_figure import Figure
from domain.municipality_comparison import PEER_KINDS
from pages._area_drill import area_clicked
from pages.municipalities import _ids as ids
from pages.municipalities._table import PEER_HINT, peer_set, roles
from services.municipality_comparison import QUARTERS, MunicipalityComparison, comparison, panel_names
from services.school_facts import data_version, derived
from web.request_context import Request, page_callback


def drawn(session: Session, compare_with: date) -> dict[str, str | None]:
    """DRAWN's content: the data version and compare date the page's figures are of (a highlight of
    other figures is refused: its Patches would colour bars and rows the page does not show)."""
    return {"version": data_version(session.connection()), "compare_with": compare_with.isoformat()}


def first_figures(request: Request, data: MunicipalityComparison, groups: dict[str, str]) -> dict[str, Figure]:
    """The charts' figures with nothing highlighted, drawn once per data version, selection and compare date
    for every worker (at country scope ~15 ms a layout otherwise). Read them, never change them."""
    areas = per_area(len(data.municipalities), data.areas)

    def draw() -> dict[str, Figure]:
        return {"coverage": coverage_bars(data.municipalities, areas=areas),
                "phase": phase_bars(data.municipalities, areas=areas),
                "approach": approach_heatmap(data.infos, areas=areas), "series": coverage_lines(data.series, groups)}
    # the groups in the key: the province and region names come from tables the data version does not cover
    return derived(request.session, request.scope, request.principal, "gemeenten-figures",
                   (data.compare_with, tuple(sorted(groups.items())), bool(areas)), draw)


def charts(figures: dict[str, Figure], links: html.Div) -> html.Div:
    """The charts with nothing highlighted: their figures (first_figures) in CHART_FIGURES, the graphs empty
    until draw_stored hands them over (the callbacks below answer a choice); per province with `links`
    (pages._area_drill.drill_links) under the coverage chart."""
    return html.Div([
        dcc.Store(id=ids.CHART_FIGURES, data=figures),   # drawn by draw_stored (assets/charts_after_layout.js)
        with_table(dcc.Graph(id=ids.COVERAGE_CHART, figure=_waiting(figures["coverage"]), config=GRAPH_CONFIG)),
        links,
        dbc.RadioItems(id=ids.PHASE_MODE, value="absolute", inline=True, className="mt-3",
                       options=[{"label": "Aantallen", "value": "absolute"},
                                {"label": "Procenten", "value": "percent"}]),
        with_table(dcc.Graph(id=ids.PHASE_CHART, figure=_waiting(figures["phase"]), config=GRAPH_CONFIG)),
        with_table(dcc.Graph(id=ids.APPROACH_CHART, figure=_waiting(figures["approach"]), config=GRAPH_CONFIG)),
        with_table(dcc.Graph(id=ids.SERIES_CHART, figure=_waiting(figures["series"]), config=GRAPH_CONFIG)),
    ])


def _waiting(figure: Figure) -> Figure:
    """An empty chart of the figure's height (the page does not jump when the figure arrives)."""
    return {"data": [], "layout": {"height": figure["layout"].get("height"), "xaxis": {"visible": False},
                                   "yaxis": {"visible": False}}}


# The first figures reach the graphs in the browser, after the page is drawn (the highlights below change them).
clientside_callback(ClientsideFunction("vios_charts", "draw_stored"),
                    *[Output(graph, "figure", allow_duplicate=True)
                      for graph in (ids.COVERAGE_CHART, ids.PHASE_CHART, ids.APPROACH_CHART, ids.SERIES_CHART)],
                    Input(ids.CHART_FIGURES, "data"), prevent_initial_call="initial_duplicate")


def _target(data: MunicipalityComparison, target: object) -> str | None:
    return target if isinstance(target, str) and any(m.cbs_code == target for m in data.infos) else None


Highlighted = tuple[dict[str, Any], Patch | Figure, Patch | Figure, Figure, str, Figure]


def highlighted(data: MunicipalityComparison, groups: dict[str, str], target: object, kind: object,
                mode: object) -> Highlighted:
    """The table rows' roles (ROLES), the coverage and approach charts' colours and names (Patches of what the page
    drew; per province the charts themselves), the series chart, the sentence naming the peers and the phase
    chart (in numbers, or percentages when mode is "percent"), with `target` and its peers of `kind`
    highlighted."""
    names = {m.cbs_code: m.name for m in data.infos}
    chosen = _target(data, target)
    peer_codes = peer_set(data.infos, chosen, kind)
    text = PEER_HINT
    if chosen:
        listed = ", ".join(sorted(names[c] for c in peer_codes)) or "geen (binnen dit gebied)"
        text = f"{names[chosen]} (blauw) met {PEER_KINDS[str(kind)].lower()} (oranje): {listed}."
    rows = data.municipalities
    areas = per_area(len(rows), data.areas)
    table = roles(rows, chosen, peer_codes)
    series = coverage_lines(data.series, groups, chosen, peer_codes)
    phases = phase_bars(rows, mode == "percent", chosen, peer_codes, areas)
    if areas:
        return (table, coverage_bars(rows, chosen, peer_codes, areas),
                approach_heatmap(data.infos, chosen, peer_codes, areas), series, text, phases)
    bars = Patch()
    bars["data"][0]["marker"]["color"], bars["data"][0]["y"] = bar_highlight(rows, chosen, peer_codes)
    approach = Patch()
    approach["data"][0]["y"] = heatmap_names(data.infos, chosen, peer_codes)
    return table, bars, approach, series, text, phases


STALE = ("De cijfers zijn gewijzigd sinds deze pagina werd geopend (door een andere gebruiker of een import). "
         "Laad de pagina opnieuw om te markeren.")


def served_highlight(request: Request, target: object, kind: object, mode: object,
                     shown: object) -> Highlighted | None:
    """`highlighted` for the request's selection, from the comparison kept per data version (what the layout
    computed, for every worker: a lookup); None when `shown` (DRAWN) is not what the figures are now."""
    compare_with = request.compare_choice.on
    data = comparison(request.session, request.scope, compare_with, request.principal, quarters=QUARTERS,
                      with_points=False, with_changes=False)
    if shown != drawn(request.session, compare_with):   # after the figures: no write came in between
        return None
    return highlighted(data, panel_names(request.session, request.scope, data.infos), target, kind, mode)


# One small request per choice: the figures are read on the server, not uploaded from the browser (~290 kB
# at country scope).
@page_callback(Output(ids.ROLES, "data"), Output(ids.COVERAGE_CHART, "figure"),
               Output(ids.APPROACH_CHART, "figure"), Output(ids.SERIES_CHART, "figure"),
               Output(ids.PEER_TEXT, "children"), Output(ids.PHASE_CHART, "figure"),
               Input(ids.TARGET, "value"), Input(ids.PEER_KIND, "value"), Input(ids.PHASE_MODE, "value"),
               State(ids.DRAWN, "data"), prevent_initial_call=True)
def highlight_peers(request: Request, target: object, kind: object, mode: object, shown: object) -> tuple[Any, ...]:
    """Choosing a municipality or peer group: the table and the charts highlight them; choosing numbers or
    percentages redraws the phase chart only. Figures changed since the page was drawn: it says so."""
    answer = served_highlight(request, target, kind, mode, shown)
    if answer is None:
        return (no_update,) * 4 + (STALE, no_update)
    if ctx.triggered_id == ids.PHASE_MODE:
        return (no_update,) * 5 + (answer[5],)
    return answer


@page_callback(Output("url", "search", allow_duplicate=True), Input(ids.COVERAGE_CHART, "clickData"),
               prevent_initial_call=True)
def open_area(request: Request, click: object) -> str:
    """A click on a province's bar opens the page for that province (what its link under the chart does)."""
    return area_clicked(request, click)

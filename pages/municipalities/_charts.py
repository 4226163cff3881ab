"""Gemeenten, the charts: coverage, phases, approach and coverage per quarter, each with the chosen
municipality and its peers highlighted (also in the table). For the whole country they show the
provinces (components.municipality_charts.per_area), each a click away: a province's bar, or its link
under the chart, opens the page for that province (the scope in the URL, like the scope bar).

The page's layout sends their first figures (nothing highlighted) in a store (CHART_FIGURES), which a
clientside callback hands to the graphs once the page is on screen: so the map's and the event list's
requests go out first, instead of after the most of a second the browser spends drawing these charts (a
province's peildatum change: data complete after 0.35 s instead of 0.9 s). The callbacks answer a user's
choice only. They work only on the aggregated figures per municipality the page itself sent (CHART_DATA:
what this user was shown, no school rows), so they read nothing from the database; a target outside those figures is
ignored and a crafted store draws nothing. A highlight changes only colours and names: the table, the
coverage and the approach charts get a Patch() with just those (not the whole figure again); per
province the chosen ones are bars of their own, so those small charts are drawn again.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, Patch, State, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

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
    role_of,
)
from components.plain_figure import Figure
from domain.municipality_comparison import PEER_KINDS, CoverageSeries, MunicipalityInfo, SeriesPoint
from pages._area_drill import area_clicked
from pages.municipalities import _ids as ids
from pages.municipalities._table import PEER_HINT, peer_set
from services.municipality_comparison import AreaRow, FiguredRow, MunicipalityComparison
from web.request_context import Request, page_callback


@dataclass(frozen=True)
class ChartRow(FiguredRow):
    """A municipality's figures as the page sent them, with its coverage's change (the bar's text)."""
    coverage_change: float | None


@dataclass(frozen=True)
class ChartData:
    """The figures the charts are drawn from, as the page sent them (read back from CHART_DATA)."""
    rows: list[ChartRow]           # in the table's order
    infos: list[MunicipalityInfo]
    series: dict[str, CoverageSeries]
    groups: dict[str, str]        # cbs_code -> panel of the small multiples (province or region)
    areas: list[AreaRow]          # per_area: the provinces the charts show (else empty)


def chart_data(data: MunicipalityComparison, groups: dict[str, str]) -> dict[str, Any]:
    """CHART_DATA's content: the aggregated figures per municipality (and province) only (JSON); only what
    the callbacks redraw from (of each figure's change only the coverage's: the bars' text)."""
    # _shallow, not dataclasses.asdict: the same JSON without asdict's deep copy (a second at country scope)
    return {"rows": [m.figures for m in data.municipalities],
            "coverage_changes": [m.coverage_change for m in data.municipalities],
            "infos": [_shallow(m) for m in data.infos],
            "series": {code: _shallow(s) for code, s in data.series.items()}, "groups": groups,
            "areas": [_shallow(a) for a in per_area(len(data.municipalities), data.areas)]}


def _shallow(value: Any) -> dict[str, Any]:
    """A dataclass's fields as a dict (its values shared, not copied): for JSON only."""
    return {f.name: getattr(value, f.name) for f in fields(value)}


def read_chart_data(stored: Any) -> ChartData:
    """CHART_DATA back as typed figures; TypeError, KeyError or ValueError when it is not what the page sent."""
    if not isinstance(stored, dict):
        raise TypeError("no chart data")
    groups = stored.get("groups") or {}
    if not isinstance(groups, dict):
        raise TypeError("groups")
    changes = stored.get("coverage_changes") or [None] * len(stored["rows"])
    rows = [ChartRow(m, None if c is None else float(c)) for m, c in zip(stored["rows"], changes, strict=True)]
    if not all(isinstance(m.figures, dict) and isinstance(m.cbs_code, str) and isinstance(m.name, str)
               for m in rows):
        raise TypeError("rows")
    areas = [AreaRow(area_key=str(a["area_key"]), name=str(a["name"]), figures=a["figures"], changes=a["changes"],
                     municipalities=int(a["municipalities"]),
                     elements_in_use={str(k): int(v) for k, v in a["elements_in_use"].items()})
             for a in stored.get("areas") or []]
    if not all(isinstance(a.figures, dict) and isinstance(a.changes, dict) for a in areas):
        raise TypeError("areas")
    return ChartData(
        rows=rows, areas=areas,
        infos=[MunicipalityInfo(**{**m, "elements": tuple(m["elements"])}) for m in stored.get("infos") or []],
        series={str(code): CoverageSeries(str(s["name"]), [_point(p) for p in s["points"]])
                for code, s in (stored.get("series") or {}).items()},
        groups={str(k): str(v) for k, v in groups.items()})


def _point(p: Any) -> SeriesPoint:
    label, coverage, valid, schools = p
    return str(label), None if coverage is None else float(coverage), int(valid), int(schools)


def charts(data: MunicipalityComparison, groups: dict[str, str], links: html.Div) -> html.Div:
    """The charts with nothing highlighted: their figures in CHART_FIGURES, the graphs empty until draw_stored
    hands them over (the callbacks below answer a choice); per province with `links`
    (pages._area_drill.drill_links) under the coverage chart."""
    areas = per_area(len(data.municipalities), data.areas)
    figures = {"coverage": coverage_bars(data.municipalities, areas=areas),
               "phase": phase_bars(data.municipalities, areas=areas),
               "approach": approach_heatmap(data.infos, areas=areas), "series": coverage_lines(data.series, groups)}
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


def _target(data: ChartData, target: object) -> str | None:
    return target if isinstance(target, str) and any(m.cbs_code == target for m in data.infos) else None


Highlighted = tuple[Patch, Patch | Figure, Patch | Figure, Figure, str, Figure]


def highlighted(target: object, kind: object, mode: object, stored: Any) -> Highlighted:
    """The table rows' roles, the coverage and approach charts' colours and names (Patches of what the page
    drew; per province the charts themselves), the series chart, the sentence naming the peers and the phase
    chart (in numbers, or percentages when mode is "percent"), with `target` and its peers of `kind`
    highlighted."""
    data = read_chart_data(stored)
    names = {m.cbs_code: m.name for m in data.infos}
    chosen = _target(data, target)
    peer_codes = peer_set(data.infos, chosen, kind)
    text = PEER_HINT
    if chosen:
        listed = ", ".join(sorted(names[c] for c in peer_codes)) or "geen (binnen dit gebied)"
        text = f"{names[chosen]} (blauw) met {PEER_KINDS[str(kind)].lower()} (oranje): {listed}."
    table = Patch()
    for index, m in enumerate(data.rows):   # the table's rows, in the order the page sent them
        table[index]["role"] = role_of(m.cbs_code, chosen, peer_codes)
    series = coverage_lines(data.series, data.groups, chosen, peer_codes)
    phases = phase_bars(data.rows, mode == "percent", chosen, peer_codes, data.areas)
    if data.areas:
        return (table, coverage_bars(data.rows, chosen, peer_codes, data.areas),
                approach_heatmap(data.infos, chosen, peer_codes, data.areas), series, text, phases)
    bars = Patch()
    bars["data"][0]["marker"]["color"], bars["data"][0]["y"] = bar_highlight(data.rows, chosen, peer_codes)
    approach = Patch()
    approach["data"][0]["y"] = heatmap_names(data.infos, chosen, peer_codes)
    return table, bars, approach, series, text, phases


# One request per choice: the chart data (at country scope ~290 kB) goes up once, not once per chart.
@page_callback(Output(ids.GRID, "rowData"), Output(ids.COVERAGE_CHART, "figure"),
               Output(ids.APPROACH_CHART, "figure"), Output(ids.SERIES_CHART, "figure"),
               Output(ids.PEER_TEXT, "children"), Output(ids.PHASE_CHART, "figure"),
               Input(ids.TARGET, "value"), Input(ids.PEER_KIND, "value"), Input(ids.PHASE_MODE, "value"),
               State(ids.CHART_DATA, "data"), prevent_initial_call=True)
def highlight_peers(request: Request, target: object, kind: object, mode: object, stored: Any) -> tuple[Any, ...]:
    """Choosing a municipality or peer group: the table and the charts highlight them; choosing numbers or
    percentages redraws the phase chart only."""
    try:
        drawn = highlighted(target, kind, mode, stored)
    except (KeyError, TypeError, ValueError, AttributeError):   # a crafted store: nothing to draw
        raise PreventUpdate from None
    if ctx.triggered_id == ids.PHASE_MODE:
        return (no_update,) * 5 + (drawn[5],)
    return drawn


@page_callback(Output("url", "search", allow_duplicate=True), Input(ids.COVERAGE_CHART, "clickData"),
               prevent_initial_call=True)
def open_area(request: Request, click: object) -> str:
    """A click on a province's bar opens the page for that province (what its link under the chart does)."""
    return area_clicked(request, click)

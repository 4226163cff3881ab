"""Gemeenten, the charts: coverage, phases, approach and coverage per quarter, each with the chosen
municipality and its peers highlighted (also in the table).

The callbacks work only on the aggregated figures per municipality the page itself sent (CHART_DATA:
what this user was shown, no school rows), so they read nothing from the database; a target
outside those figures is ignored and a crafted store draws nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from components.chart_table import with_table
from components.charts import GRAPH_CONFIG
from components.municipality_charts import approach_heatmap, coverage_bars, coverage_lines, phase_bars
from components.plain_figure import Figure
from domain.municipality_comparison import PEER_KINDS, CoverageSeries, MunicipalityInfo, SeriesPoint
from pages.municipalities import _ids as ids
from pages.municipalities._table import PEER_HINT, grid_rows, peer_set
from services.municipality_comparison import MunicipalityComparison, MunicipalityRow
from web.request_context import Request, page_callback


@dataclass(frozen=True)
class ChartData:
    """The figures the charts are drawn from, as the page sent them (read back from CHART_DATA)."""
    rows: list[MunicipalityRow]
    infos: list[MunicipalityInfo]
    series: dict[str, CoverageSeries]
    groups: dict[str, str]        # cbs_code -> panel of the small multiples (province or region)


def chart_data(data: MunicipalityComparison, groups: dict[str, str]) -> dict[str, Any]:
    """CHART_DATA's content: the aggregated figures per municipality only (JSON)."""
    # _shallow, not dataclasses.asdict: the same JSON without asdict's deep copy (a second at country scope)
    return {"rows": [_shallow(m) for m in data.municipalities], "infos": [_shallow(m) for m in data.infos],
            "series": {code: _shallow(s) for code, s in data.series.items()}, "groups": groups}


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
    return ChartData(
        rows=[MunicipalityRow(**m) for m in stored["rows"]],
        infos=[MunicipalityInfo(**{**m, "elements": tuple(m["elements"])}) for m in stored.get("infos") or []],
        series={str(code): CoverageSeries(str(s["name"]), [_point(p) for p in s["points"]])
                for code, s in (stored.get("series") or {}).items()},
        groups={str(k): str(v) for k, v in groups.items()})


def _point(p: Any) -> SeriesPoint:
    label, coverage, valid, schools = p
    return str(label), None if coverage is None else float(coverage), int(valid), int(schools)


def charts() -> html.Div:
    """The charts' places; the callbacks below draw them (also at page load)."""
    return html.Div([
        with_table(dcc.Graph(id=ids.COVERAGE_CHART, config=GRAPH_CONFIG)),
        dbc.RadioItems(id=ids.PHASE_MODE, value="absolute", inline=True, className="mt-3",
                       options=[{"label": "Aantallen", "value": "absolute"},
                                {"label": "Procenten", "value": "percent"}]),
        with_table(dcc.Graph(id=ids.PHASE_CHART, config=GRAPH_CONFIG)),
        with_table(dcc.Graph(id=ids.APPROACH_CHART, config=GRAPH_CONFIG)),
        with_table(dcc.Graph(id=ids.SERIES_CHART, config=GRAPH_CONFIG)),
    ])


def _target(data: ChartData, target: object) -> str | None:
    return target if isinstance(target, str) and any(m.cbs_code == target for m in data.infos) else None


def highlighted(target: object, kind: object, stored: Any) -> tuple[list[dict[str, Any]], Figure, Figure, Figure,
                                                                    str]:
    """The table rows, the coverage, approach and series charts and the sentence naming the peers,
    with `target` and its peers of `kind` highlighted."""
    data = read_chart_data(stored)
    names = {m.cbs_code: m.name for m in data.infos}
    chosen = _target(data, target)
    peer_codes = peer_set(data.infos, chosen, kind)
    text = PEER_HINT
    if chosen:
        listed = ", ".join(sorted(names[c] for c in peer_codes)) or "geen (binnen dit gebied)"
        text = f"{names[chosen]} (blauw) met {PEER_KINDS[str(kind)].lower()} (oranje): {listed}."
    return (grid_rows(data.rows, chosen, peer_codes), coverage_bars(data.rows, chosen, peer_codes),
            approach_heatmap(data.infos, chosen, peer_codes),
            coverage_lines(data.series, data.groups, chosen, peer_codes), text)


@page_callback(Output(ids.GRID, "rowData"), Output(ids.COVERAGE_CHART, "figure"),
               Output(ids.APPROACH_CHART, "figure"), Output(ids.SERIES_CHART, "figure"),
               Output(ids.PEER_TEXT, "children"),
               Input(ids.TARGET, "value"), Input(ids.PEER_KIND, "value"), State(ids.CHART_DATA, "data"))
def highlight_peers(request: Request, target: object, kind: object,
                    stored: Any) -> tuple[list[dict[str, Any]], Figure, Figure, Figure, str]:
    """Choosing a municipality or peer group: the table and the charts highlight them."""
    try:
        return highlighted(target, kind, stored)
    except (KeyError, TypeError, ValueError, AttributeError):   # a crafted store: nothing to draw
        raise PreventUpdate from None


@page_callback(Output(ids.PHASE_CHART, "figure"),
               Input(ids.PHASE_MODE, "value"), Input(ids.TARGET, "value"), Input(ids.PEER_KIND, "value"),
               State(ids.CHART_DATA, "data"))
def draw_phase_chart(request: Request, mode: object, target: object, kind: object, stored: Any) -> Figure:
    """The phases per municipality in numbers or percentages, the chosen municipality and peers highlighted."""
    try:
        data = read_chart_data(stored)
        chosen = _target(data, target)
        return phase_bars(data.rows, mode == "percent", chosen, peer_set(data.infos, chosen, kind))
    except (KeyError, TypeError, ValueError, AttributeError):   # a crafted store: nothing to draw
        raise PreventUpdate from None

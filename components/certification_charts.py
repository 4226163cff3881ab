"""Figures of the certification page: funnel, Gantt per tranche, re-audit forecast."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

import plotly.graph_objects as go
from dash import dcc, html

from components import plain_figure as plain
from components.axes import count_axis
from components.chart_table import with_table
from components.charts import GRAPH_CONFIG
from components.safe_text import plot_text
from components.theme import PHASE_COLOURS
from domain.dates import format_nl
from domain.lifecycle import QuarterDemand, Segment


def graph(figure: go.Figure | plain.Figure, **props: Any) -> html.Div:
    """A dcc.Graph with the app's chart configuration and its "Toon als tabel"."""
    return with_table(dcc.Graph(figure=figure, config=GRAPH_CONFIG, **props))


class GanttRow(Protocol):
    """One row of a Gantt chart (services.certification_reads.TrancheSchool is one)."""
    @property
    def name(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def segments(self) -> Sequence[Segment]: ...
    @property
    def stall_reasons(self) -> Sequence[str]: ...


@dataclass(frozen=True)
class TimelineRow:
    """A Gantt row that is not a school of a tranche (e.g. one trajectory on the school page)."""
    name: str
    code: str
    segments: Sequence[Segment]
    stall_reasons: Sequence[str] = ()


def funnel_chart(funnel: Sequence[tuple[str, str, int]], start_on: date) -> plain.Figure:
    """The tranche's schools per phase: funnel is [(phase, label, count)]. A plain figure (one per tranche
    on the page: plotly.py's validation made the tranches most of the page's time)."""
    layout: dict[str, Any] = {"yaxis": count_axis(n for _, _, n in funnel)}   # 0, 1, 2, not 0, 1, 1, 1
    plain.chart_layout(layout, f"Fasen (start {format_nl(start_on)})", "Fase", "Aantal scholen", height=320)
    return plain.figure([{
        "type": "bar", "x": [label for _, label, _ in funnel], "y": [n for _, _, n in funnel],
        "marker": {"color": [PHASE_COLOURS.get(phase, "#999") for phase, _, _ in funnel]},
        "text": [str(n) if n else "" for _, _, n in funnel], "textposition": "outside", "cliponaxis": False,
        "hovertemplate": "%{x}: %{y} scholen<extra></extra>",
    }], layout)


def _row_label(row: GanttRow) -> str:
    return f"{plot_text(row.name)} ({plot_text(row.code)})" + (" ⚠" if row.stall_reasons else "")


def gantt_chart(rows: Sequence[GanttRow], as_of: date,
                title: str = "Tijdlijn per school (⚠ = vastgelopen)") -> plain.Figure:
    """One row per school, one bar per phase segment, a line at the as-of date; stalled schools marked.

    One trace per phase (not per segment): a tranche of hundreds of schools stays one small figure.
    A plain figure, as funnel_chart.
    """
    bars: dict[str, dict[str, Any]] = {}
    for school in rows:
        row = _row_label(school)
        stalls = "<br>" + plot_text("; ".join(school.stall_reasons)) if school.stall_reasons else ""
        for seg in school.segments:
            end = seg.end if seg.end > seg.start else seg.start + timedelta(days=3)  # show one-day markers
            bar = bars.setdefault(seg.phase, {
                "type": "bar", "y": [], "x": [], "base": [], "customdata": [], "orientation": "h",
                "name": seg.label, "marker": {"color": PHASE_COLOURS.get(seg.phase, "#999")},
                "hovertemplate": "%{customdata}<extra></extra>"})
            bar["y"].append(row)
            bar["x"].append((end - seg.start).days * 86400000)
            bar["base"].append(seg.start.isoformat())
            bar["customdata"].append(f"{plot_text(school.name)}<br>{plot_text(seg.label)}: "
                                     f"{format_nl(seg.start)} – {format_nl(seg.end)}" + stalls)
    day = as_of.isoformat()
    layout: dict[str, Any] = {
        "yaxis": {"categoryorder": "array", "categoryarray": [_row_label(s) for s in rows], "autorange": "reversed"},
        "shapes": [{"type": "line", "x0": day, "x1": day, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                    "line": {"color": "#c62828", "dash": "dash"}}],
        "annotations": [{"x": day, "y": 1.02, "yref": "paper", "text": "peildatum", "showarrow": False,
                         "font": {"color": "#c62828", "size": 11}}],
        # numeric dates (plotly's month names are English); days when the axis spans only weeks
        "xaxis": {"type": "date", "tickformatstops": [
            {"dtickrange": [None, 20 * 86400000], "value": "%d-%m-%Y"},
            {"dtickrange": [20 * 86400000, None], "value": "%m-%Y"}]},
        "legend": {"orientation": "h", "y": -0.25}, "barmode": "overlay",
    }
    plain.chart_layout(layout, title, "Datum", "", height=max(260, 32 * len(rows) + 140))
    return plain.figure(list(bars.values()), layout)


def forecast_chart(quarters: Sequence[QuarterDemand]) -> plain.Figure:
    """Audits per quarter (re-audits and tranches stacked) against the audit capacity. A plain figure."""
    labels = [q.label for q in quarters]
    data: list[dict[str, Any]] = [
        {"type": "bar", "x": labels, "y": [q.from_expiries for q in quarters],
         "name": "Heraudits (verlopende certificaten)", "marker": {"color": "#f9a825"}},
        {"type": "bar", "x": labels, "y": [q.from_tranches for q in quarters], "name": "Audits uit tranches",
         "marker": {"color": "#3182bd"}},
    ]
    capacity = [q.capacity for q in quarters]
    if any(c is not None for c in capacity):
        data.append({"type": "scatter", "x": labels, "y": capacity, "name": "Auditcapaciteit", "mode": "lines",
                     "line": {"color": "#c62828", "dash": "dash", "shape": "hv"}})
    over = [q for q in quarters if q.over_capacity]
    if over:
        data.append({"type": "scatter", "x": [q.label for q in over], "y": [q.total for q in over],
                     "mode": "markers+text", "name": "Boven capaciteit", "text": ["boven capaciteit"] * len(over),
                     "textposition": "top center",
                     "marker": {"color": "#c62828", "size": 10, "symbol": "triangle-down"}})
    layout: dict[str, Any] = {"barmode": "stack", "legend": {"orientation": "h", "y": -0.3},
                              "yaxis": count_axis([q.total for q in quarters] + [q.capacity for q in quarters])}
    plain.chart_layout(layout, "Auditprognose per kwartaal (komende drie jaar) tegen de auditcapaciteit", "Kwartaal",
                       "Aantal audits", height=380)
    return plain.figure(data, layout)

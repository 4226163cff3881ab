"""Figures of the planning page: expected coverage per municipality per quarter.
The audit wave uses components.certification_charts.forecast_chart."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from components import plain_figure as plain
from components.safe_text import plot_text, template_text
from components.theme import municipality_colour, municipality_dash

if TYPE_CHECKING:
    from services.planning import Projection


def coverage_projection_chart(projection: Projection,
                              title: str = "Verwachte dekking per gemeente per kwartaal") -> plain.Figure:
    """One line per municipality (its colour on every page: components.theme.municipality_colour), the
    whole region as a thick dark line; the quarter in which the plan's schools are expected to be
    certified is marked. A plain figure (components.plain_figure): redrawn on every change of the plan."""
    quarters = list(projection.quarters)
    data: list[dict[str, Any]] = [{
        "type": "scatter", "x": quarters, "y": list(row.coverage), "mode": "lines+markers",
        "name": plot_text(row.name), "meta": row.code, "marker": {"size": 5},
        "line": {"color": municipality_colour(row.code), "dash": municipality_dash(row.code), "width": 2},
        "customdata": [[c, row.schools] for c in row.covered],
        "hovertemplate": template_text(row.name) + ", %{x}: %{y:.0%} (%{customdata[0]} van %{customdata[1]})"
                                                   "<extra></extra>",
    } for row in projection.municipalities]
    total = projection.total
    data.append({
        "type": "scatter", "x": quarters, "y": list(total.coverage), "mode": "lines", "name": "Hele regio",
        "line": {"color": "#212121", "width": 4}, "customdata": [[c, total.schools] for c in total.covered],
        "hovertemplate": "Hele regio, %{x}: %{y:.0%} (%{customdata[0]} van %{customdata[1]})<extra></extra>"})
    layout: dict[str, Any] = {"yaxis": {"tickformat": ".0%", "range": [0, 1.05]},
                              "legend": {"orientation": "h", "y": -0.25}}
    if projection.certified_quarter in quarters:
        at = quarters.index(projection.certified_quarter)
        layout["shapes"] = [{"type": "line", "x0": at, "x1": at, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain",
                             "line": {"color": "#2e7d32", "dash": "dot"}}]
        layout["annotations"] = [{"x": projection.certified_quarter, "y": 1.04, "yref": "paper", "showarrow": False,
                                  "text": "verwachte certificering tranche",
                                  "font": {"color": "#2e7d32", "size": 11}}]
    plain.chart_layout(layout, title, "Kwartaal (dekking op de laatste dag)", "Dekking", height=420)
    return plain.figure(data, layout)

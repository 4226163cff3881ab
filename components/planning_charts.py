"""Figures of the planning page: expected coverage per municipality per quarter.
The audit wave uses components.certification_charts.forecast_chart."""
from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from components.charts import chart_layout
from components.safe_text import plot_text, template_text
from components.theme import municipality_colour, municipality_dash

if TYPE_CHECKING:
    from services.planning import Projection

def coverage_projection_chart(projection: Projection,
                              title: str = "Verwachte dekking per gemeente per kwartaal") -> go.Figure:
    """One line per municipality (its colour on every page: components.theme.municipality_colour), the
    whole region as a thick dark line; the quarter in which the plan's schools are expected to be
    certified is marked."""
    fig = go.Figure()
    for row in projection.municipalities:
        fig.add_trace(go.Scatter(
            x=projection.quarters, y=row.coverage, mode="lines+markers", name=plot_text(row.name),
            line={"color": municipality_colour(row.code), "dash": municipality_dash(row.code), "width": 2},
            marker={"size": 5}, meta=row.code,
            customdata=[[c, row.schools] for c in row.covered],
            hovertemplate=template_text(row.name)
            + ", %{x}: %{y:.0%} (%{customdata[0]} van %{customdata[1]})<extra></extra>"))
    total = projection.total
    fig.add_trace(go.Scatter(
        x=projection.quarters, y=total.coverage, mode="lines", name="Hele regio",
        line={"color": "#212121", "width": 4},
        customdata=[[c, total.schools] for c in total.covered],
        hovertemplate="Hele regio, %{x}: %{y:.0%} (%{customdata[0]} van %{customdata[1]})<extra></extra>"))
    if projection.certified_quarter in projection.quarters:
        fig.add_vline(x=projection.quarters.index(projection.certified_quarter), line_dash="dot",
                      line_color="#2e7d32")
        fig.add_annotation(x=projection.certified_quarter, y=1.04, yref="paper", showarrow=False,
                           text="verwachte certificering tranche", font={"color": "#2e7d32", "size": 11})
    fig.update_yaxes(tickformat=".0%", range=[0, 1.05])
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return chart_layout(fig, title, "Kwartaal (dekking op de laatste dag)", "Dekking", height=420)

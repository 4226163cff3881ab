"""Plotly figures for the overview; each has a title, axis titles and Dutch labels."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go
from dash import dcc

from components.axes import count_axis
from components.safe_text import plot_texts
from components.theme import FONT, PHASE_COLOURS, STATUS_COLOURS, signed
from domain.status_phase import (
    NO_TRAJECTORY,
    PHASE_KEY_LABELS,
    PHASE_KEYS,
    STATUS_BAR_LABELS,
    STATUS_ORDER,
    StatusPhase,
)


def chart_layout(fig: go.Figure, title: str, x_title: str, y_title: str, height: int = 360) -> go.Figure:
    """Title, axis titles, fonts and grid of every chart. One update call with nested dicts:
    plotly's per-call validation dominates the time of a page with many small charts."""
    axis = {"showgrid": True, "gridcolor": "#eee", "automargin": True}
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 16}}, height=height,
        margin={"l": 10, "r": 30, "t": 60, "b": 10}, font={"family": FONT, "size": 12},
        plot_bgcolor="white", paper_bgcolor="white", separators=",.",
        xaxis={**axis, "title": {"text": x_title}}, yaxis={**axis, "title": {"text": y_title}},
    )
    if len(list(fig.select_xaxes())) > 1:
        fig.update_xaxes(**axis)  # subplots (small multiples): every axis gets the grid
        fig.update_yaxes(**axis)
    return fig


def _with_change(value: int, change: int | None) -> str:
    """'12' or, with a change since the compare date, '12 (+3)'."""
    return str(value) if change is None else f"{value} ({signed(change)})"


def status_phase_chart(matrix: StatusPhase, changes: StatusPhase | None = None) -> go.Figure:
    """One bar per certificate status (each school once), split by trajectory phase (domain.status_phase):
    the bars add up to the schools, 'geldig' + 'verloopt binnenkort' to the valid certificates, and the
    blue segments to the schools in trajectory. With changes: each bar's change since the compare date."""
    statuses = list(STATUS_ORDER)
    x = [STATUS_BAR_LABELS[s] for s in statuses]
    fig = go.Figure()
    for key in PHASE_KEYS:
        counts = [matrix[s][key] for s in statuses]
        if key != NO_TRAJECTORY and not any(counts):
            continue
        colour: str | list[str] = (PHASE_COLOURS[key] if key != NO_TRAJECTORY
                                   else [STATUS_COLOURS[s] for s in statuses])
        fig.add_trace(go.Bar(
            x=x, y=counts, name=PHASE_KEY_LABELS[key] + (" (kleur van de status)" if key == NO_TRAJECTORY else ""),
            marker={"color": colour}, meta=key,
            customdata=statuses,
            hovertemplate="%{x} – " + PHASE_KEY_LABELS[key].lower() + ": %{y} scholen<extra></extra>",
        ))
    totals = [sum(matrix[s].values()) for s in statuses]
    for label, status, total in zip(x, statuses, totals, strict=True):
        change = sum(changes[status].values()) if changes is not None else None
        fig.add_annotation(x=label, y=total, text=_with_change(total, change), showarrow=False, yshift=10)
    fig.update_yaxes(**count_axis(totals), range=[0, max(totals + [1]) * 1.15])
    chart_layout(fig, "Scholen naar certificaatstatus en trajectfase<br><sup>balk = certificaatstatus, kleur = "
                 "lopende trajectfase; elke school één keer</sup>", "", "Aantal scholen", height=440)
    fig.update_layout(barmode="stack", margin={"t": 70},
                      legend={"title": {"text": "Trajectfase"}, "traceorder": "normal", "orientation": "h",
                              "y": -0.25, "x": 0, "yanchor": "top"})
    fig.update_xaxes(tickangle=0, tickvals=x, ticktext=[_wrapped(t) for t in x])  # narrow bars at half width
    return fig


def _wrapped(label: str, width: int = 14) -> str:
    """A tick label on lines of about `width` characters ('Geldig<br>(verloopt niet<br>binnenkort)')."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def expiring_chart(per_quarter: Sequence[Mapping[str, Any]], previous: dict[str, int] | None = None) -> go.Figure:
    """With previous (quarter -> count at the compare date) the bar texts show the change."""
    fig = go.Figure(go.Bar(
        x=[q["quarter"] for q in per_quarter], y=[q["count"] for q in per_quarter],
        marker_color="#f9a825", textposition="outside",
        text=[(q["count"] or "") if previous is None else _with_change(q["count"], q["count"] - previous.get(
            q["quarter"], 0)) for q in per_quarter],
        hovertemplate="%{x}: %{y} certificaten verlopen<extra></extra>",
    ))
    fig.update_yaxes(**count_axis(q["count"] for q in per_quarter))
    return chart_layout(fig, "Certificaten die verlopen, per kwartaal<br><sup>geldige certificaten op de peildatum, "
                        "komende twee jaar</sup>", "Kwartaal", "Aantal certificaten")


def coverage_chart(municipalities: Sequence[Mapping[str, Any]], whose: str = "") -> go.Figure:
    """Coverage per municipality (rows of figures_per_municipality; with coverage_change: its change)."""
    rows = sorted((m for m in municipalities if m["schools"]), key=lambda m: (m["coverage"], m["name"]))
    fig = go.Figure(go.Bar(
        y=plot_texts(m["name"] for m in rows), x=[m["coverage"] for m in rows], orientation="h", marker_color="#2e7d32",
        customdata=[[m["valid_certificates"], m["schools"]] for m in rows],
        ids=[m.get("cbs_code", m["name"]) for m in rows],
        text=[f"{m['coverage'] * 100:.0f}%" + (f" ({signed(m['coverage_change'], percent=True)})"
                                              if m.get("coverage_change") is not None else "") for m in rows],
        textposition="outside", cliponaxis=False,
        hovertemplate="%{y}: %{customdata[0]} van %{customdata[1]} scholen geldig gecertificeerd<extra></extra>",
    ))
    # room for the labels right of a full bar, but no axis beyond 100%
    fig.update_xaxes(tickformat=".0%", range=[0, 1.2], tickvals=[0, 0.2, 0.4, 0.6, 0.8, 1])
    height = max(320, 26 * len(rows) + 90)
    return chart_layout(fig, f"Dekking per gemeente{whose} (geldige certificaten / alle actieve scholen)",
                        "Dekking", "", height=height)


# Only the PNG download in the mode bar: the other tools confuse more than they help here.
GRAPH_CONFIG: dcc.Graph.Config = {"displaylogo": False,
                "modeBarButtonsToRemove": ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d",
                                           "autoScale2d", "resetScale2d"],
                "toImageButtonOptions": {"format": "png", "scale": 2}}

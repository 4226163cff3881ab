"""Figures of the certification page: funnel, Gantt per tranche, re-audit forecast."""
from __future__ import annotations

from datetime import date, timedelta

import plotly.graph_objects as go

from components.charts import chart_layout
from components.theme import PHASE_COLOURS
from domain.dates import format_nl


def funnel_chart(tranche: dict) -> go.Figure:
    funnel = [(phase, label, n) for phase, label, n in tranche["funnel"]]
    fig = go.Figure(go.Bar(
        x=[label for _, label, _ in funnel], y=[n for _, _, n in funnel],
        marker_color=[PHASE_COLOURS.get(phase, "#999") for phase, _, _ in funnel],
        text=[n or "" for _, _, n in funnel], textposition="outside", cliponaxis=False,
        hovertemplate="%{x}: %{y} scholen<extra></extra>",
    ))
    fig.update_yaxes(rangemode="tozero", tickformat="d")
    return chart_layout(fig, f"Fasen (start {format_nl(tranche['start_on'])})", "Fase", "Aantal scholen",
                        height=320)


def gantt_chart(tranche: dict, as_of: date, title: str = "Tijdlijn per school (⚠ = vastgelopen)") -> go.Figure:
    """One row per school, one bar per phase segment, a line at the as-of date; stalled schools marked.

    One trace per phase (not per segment): a tranche of hundreds of schools stays one small figure.
    """
    bars: dict[str, dict[str, list]] = {}
    for school in tranche["schools"]:
        row = f"{school['name']} ({school['code']})" + (" ⚠" if school["stall_reasons"] else "")
        stalls = "<br>" + "; ".join(school["stall_reasons"]) if school["stall_reasons"] else ""
        for seg in school["segments"]:
            end = seg.end if seg.end > seg.start else seg.start + timedelta(days=3)  # show one-day markers
            bar = bars.setdefault(seg.phase, {"label": seg.label, "y": [], "x": [], "base": [], "hover": []})
            bar["y"].append(row)
            bar["x"].append((end - seg.start).days * 86400000)
            bar["base"].append(seg.start.isoformat())
            bar["hover"].append(f"{school['name']}<br>{seg.label}: {format_nl(seg.start)} – {format_nl(seg.end)}"
                                + stalls)
    rows = [f"{s['name']} ({s['code']})" + (" ⚠" if s["stall_reasons"] else "") for s in tranche["schools"]]
    fig = go.Figure([
        go.Bar(y=bar["y"], x=bar["x"], base=bar["base"], orientation="h", name=bar["label"],
               marker_color=PHASE_COLOURS.get(phase, "#999"), customdata=bar["hover"],
               hovertemplate="%{customdata}<extra></extra>")
        for phase, bar in bars.items()
    ])
    fig.update_yaxes(categoryorder="array", categoryarray=rows)
    fig.add_vline(x=as_of.isoformat(), line_dash="dash", line_color="#c62828")
    fig.add_annotation(x=as_of.isoformat(), y=1.02, yref="paper", text="peildatum", showarrow=False,
                       font={"color": "#c62828", "size": 11})
    # numeric dates (plotly's month names are English); days when the axis spans only weeks
    fig.update_xaxes(type="date", tickformatstops=[
        {"dtickrange": [None, 20 * 86400000], "value": "%d-%m-%Y"},
        {"dtickrange": [20 * 86400000, None], "value": "%m-%Y"},
    ])
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(barmode="overlay", legend={"orientation": "h", "y": -0.25})
    height = max(260, 32 * len(tranche["schools"]) + 140)
    return chart_layout(fig, title, "Datum", "", height=height)


def forecast_chart(quarters: list) -> go.Figure:
    labels = [q.label for q in quarters]
    fig = go.Figure([
        go.Bar(x=labels, y=[q.from_expiries for q in quarters], name="Heraudits (verlopende certificaten)",
               marker_color="#f9a825"),
        go.Bar(x=labels, y=[q.from_tranches for q in quarters], name="Audits uit tranches", marker_color="#3182bd"),
    ])
    capacity = [q.capacity for q in quarters]
    if any(c is not None for c in capacity):
        fig.add_trace(go.Scatter(x=labels, y=capacity, name="Auditcapaciteit", mode="lines",
                                 line={"color": "#c62828", "dash": "dash", "shape": "hv"}))
    over = [q for q in quarters if q.over_capacity]
    if over:
        fig.add_trace(go.Scatter(x=[q.label for q in over], y=[q.total for q in over], mode="markers+text",
                                 name="Boven capaciteit", text=["boven capaciteit"] * len(over),
                                 textposition="top center", marker={"color": "#c62828", "size": 10,
                                                                    "symbol": "triangle-down"}))
    fig.update_layout(barmode="stack", legend={"orientation": "h", "y": -0.3})
    fig.update_yaxes(rangemode="tozero", tickformat="d")
    return chart_layout(fig, "Auditprognose per kwartaal (komende drie jaar) tegen de auditcapaciteit", "Kwartaal",
                   "Aantal audits", height=380)

"""Every chart's data as a table ("Toon als tabel"), for screen-reader users and anyone who wants the numbers.

    chart_table.with_table(dcc.Graph(id="ov-phase-chart", figure=..., config=GRAPH_CONFIG))

The graph keeps its id (callbacks still update its figure). Below it a toggle button (aria-expanded,
aria-controls) reveals a region that assets/chart_table.js fills with real <table>s (caption, th scope)
read from the figure the browser has drawn (gd._fullData): the table always holds the same data as the
figure, also after a callback has replaced it.
"""
from __future__ import annotations

from typing import Any
from uuid import uuid4

from dash import html
from dash.development.base_component import Component

TOGGLE_CLASS = "vios-chart-table-toggle"
TABLE_CLASS = "vios-chart-table"


def table_id(graph_id: str) -> str:
    return f"{graph_id}-tabel"


def with_table(graph: Component, label: str = "Toon als tabel", graph_id: str | None = None) -> html.Div:
    """The graph followed by its "Toon als tabel" toggle and the (hidden) table region. graph_id: the
    dcc.Graph's id when graph wraps it (a dcc.Loading); a graph without an id gets one."""
    if graph_id is None:
        if getattr(graph, "id", None) is None:  # no callback targets it; unique within the page
            setattr(graph, "id", f"grafiek-{uuid4().hex[:10]}")  # noqa: B010 (Component declares no id)
        graph_id = getattr(graph, "id")  # noqa: B009
    if not isinstance(graph_id, str):
        raise ValueError("with_table needs the string id of the dcc.Graph")
    region = table_id(graph_id)
    toggle_aria: dict[str, Any] = {"aria-expanded": "false", "aria-controls": region}
    region_aria: dict[str, Any] = {"aria-label": f"{label}: gegevens van de grafiek", "data-graph": graph_id}
    return html.Div([
        graph,
        html.Button(label, id=f"{graph_id}-tabel-knop", type="button",
                    className=f"btn btn-link btn-sm px-0 {TOGGLE_CLASS}", **toggle_aria),
        # focusable: the keyboard can scroll a wide table
        html.Div(id=region, hidden=True, className=f"{TABLE_CLASS} table-responsive", role="region", tabIndex="0",
                 **region_aria),
    ], className="vios-chart")

"""Every chart's data as a table ("Toon als tabel"), for screen-reader users and anyone who wants the numbers.

    chart_table.with_table(dcc.Graph(id="ov-phase-chart", figure=..., config=GRAPH_CONFIG))

The graph keeps its id (callbacks still update its figure). Below it a toggle button (aria-expanded,
aria-controls) reveals a region that assets/chart_table.js fills with real <table>s (caption, th scope)
read from the figure the browser has drawn (gd._fullData): the table always holds the same data as the
figure, also after a callback has replaced it.
"""
from __future__ import annotations

import json
import re
from typing import Any
from uuid import uuid4

from dash import html
from dash.development.base_component import Component

TOGGLE_CLASS = "vios-chart-table-toggle"
TABLE_CLASS = "vios-chart-table"


def dom_id(component_id: object) -> str:
    """The element id Dash gives a component id (a pattern-matching dict id as its sorted, compact JSON)."""
    if isinstance(component_id, dict):
        return json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return str(component_id)


def table_id(graph_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", graph_id).strip("-") + "-tabel"


def with_table(graph: Component, label: str = "Toon als tabel", graph_id: str | None = None) -> html.Div:
    """The graph followed by its "Toon als tabel" toggle and the (hidden) table region. graph_id: the
    dcc.Graph's id when graph wraps it (a dcc.Loading); a graph without an id gets one."""
    if graph_id is None:
        if getattr(graph, "id", None) is None:  # no callback targets it; unique within the page
            setattr(graph, "id", f"grafiek-{uuid4().hex[:10]}")  # noqa: B010 (Component declares no id)
        graph_id = dom_id(getattr(graph, "id"))  # noqa: B009
    region = table_id(graph_id)
    toggle_aria: dict[str, Any] = {"aria-expanded": "false", "aria-controls": region}
    region_aria: dict[str, Any] = {"aria-label": f"{label}: gegevens van de grafiek", "data-graph": graph_id}
    return html.Div([
        graph,
        html.Button(label, id=f"{region}-knop", type="button",
                    className=f"btn btn-link btn-sm px-0 {TOGGLE_CLASS}", **toggle_aria),
        # focusable: the keyboard can scroll a wide table
        html.Div(id=region, hidden=True, className=f"{TABLE_CLASS} table-responsive", role="region", tabIndex="0",
                 **region_aria),
    ], className="vios-chart")

"""Plotly figures as plain dicts, for charts with hundreds of bars or lines (Gemeenten at country scope).

plotly.py validates and copies every property of a `go.Figure` as it is built; for 342 municipalities that
is most of a callback's time. dcc.Graph takes the same figure as a dict, so these helpers build it
directly: the same JSON a `go.Figure` with the same properties gives (the default template included, so
it looks the same), without the validation. tests/test_plain_figures.py checks that plotly accepts every
such figure unchanged.
"""
from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from components.figure_memo import shared_json
from components.theme import FONT

Figure = dict[str, Any]
AXIS = {"showgrid": True, "gridcolor": "#eee", "automargin": True}


@lru_cache(maxsize=1)
def _template_json() -> str:
    import plotly.io as pio

    return json.dumps(pio.templates[pio.templates.default].to_plotly_json())


def warm() -> None:
    """Load plotly's default template (and with it plotly's property validators) and the phase chart's grid
    now, at a worker's start, not in its first request (a few hundred ms on a busy machine)."""
    _template_json()
    subplots(1, 2, ("Certificaatstatus", "Trajectfase"), 0.3, 0.04)


def figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> Figure:
    """{"data", "layout"} with plotly's default template, as go.Figure(data, layout).to_plotly_json()."""
    return {"data": data, "layout": {"template": json.loads(_template_json()), **layout}}


def merge(target: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Merge changes into target as fig.update_layout does: nested dicts merged, anything else replaced."""
    for key, value in changes.items():
        if isinstance(value, Mapping) and isinstance(target.get(key), dict):
            merge(target[key], value)
        else:
            target[key] = merge({}, value) if isinstance(value, Mapping) else value
    return target


def axes(layout: dict[str, Any], prefix: str) -> list[dict[str, Any]]:
    """The layout's x axes (prefix 'xaxis') or y axes ('yaxis'), as fig.select_xaxes() selects them."""
    return [v for k, v in layout.items() if k == prefix or (k.startswith(prefix) and k[len(prefix):].isdigit())]


def update_axes(layout: dict[str, Any], prefix: str, changes: Mapping[str, Any]) -> None:
    """fig.update_xaxes(**changes) (prefix 'xaxis') or update_yaxes: every axis, also a figure's only one."""
    found = axes(layout, prefix)
    if not found:
        layout[prefix] = {}
        found = [layout[prefix]]
    for axis in found:
        merge(axis, changes)


def chart_layout(layout: dict[str, Any], title: str, x_title: str, y_title: str, height: int = 360) -> None:
    """components.charts.chart_layout for a plain figure's layout: title, axis titles, fonts and grid."""
    merge(layout, {
        "title": {"text": title, "x": 0.01, "font": {"size": 16}}, "height": height,
        "margin": {"l": 10, "r": 30, "t": 60, "b": 10}, "font": {"family": FONT, "size": 12},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "separators": ",.",
        "xaxis": {**AXIS, "title": {"text": x_title}}, "yaxis": {**AXIS, "title": {"text": y_title}},
    })
    if len(axes(layout, "xaxis")) > 1:
        update_axes(layout, "xaxis", AXIS)
        update_axes(layout, "yaxis", AXIS)


@lru_cache(maxsize=64)
def _grid_json(rows: int, cols: int, titles: tuple[str, ...] | None, vertical_spacing: float,
               horizontal_spacing: float) -> str:
    def make() -> str:
        from plotly.subplots import make_subplots

        layout = make_subplots(rows=rows, cols=cols, subplot_titles=titles, shared_yaxes=True,
                               vertical_spacing=vertical_spacing, horizontal_spacing=horizontal_spacing
                               ).to_plotly_json()["layout"]
        layout.pop("template", None)
        return json.dumps(layout)
    # plotly takes 100-200 ms for a grid of a new shape: one worker computes it for all
    return shared_json("plain_figure.grid", json.dumps([rows, cols, titles, vertical_spacing, horizontal_spacing]),
                       make)


def subplots(rows: int, cols: int, titles: tuple[str, ...] | None, vertical_spacing: float,
             horizontal_spacing: float) -> dict[str, Any]:
    """The layout of make_subplots(..., shared_yaxes=True) without its template (a fresh copy; the grid of
    a given shape is computed once per process, and kept for every worker: components.figure_memo)."""
    return dict(json.loads(_grid_json(rows, cols, titles, vertical_spacing, horizontal_spacing)))


def cell(row: int, col: int, cols: int) -> dict[str, str]:
    """The axes a trace in subplot (row, col) refers to, as fig.add_trace(..., row=, col=) sets them."""
    n = (row - 1) * cols + col
    return {"xaxis": "x" if n == 1 else f"x{n}", "yaxis": "y" if n == 1 else f"y{n}"}

"""The heading every page with a selection shows: title, area, sector, peildatum and URL warnings."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from domain.dates import format_nl
from domain.scope import Scope
from domain.vocab import SECTORS


def scope_heading(title: str, area_label: str, scope: Scope, warnings: list[str]) -> html.Div:
    sector = f", {SECTORS[scope.sector].lower()}" if scope.sector else ", alle sectoren"
    parts: list[Any] = [
        html.H2(title, className="h4 mb-0"),
        html.Div(f"{area_label}{sector} — peildatum {format_nl(scope.as_of)}",
                 id="scope-description", className="text-muted"),
    ]
    parts += [dbc.Alert(w, color="warning", className="py-1 mt-2 mb-0") for w in warnings]
    return html.Div(parts, className="mb-3")

"""What every page does first: read the scope from the URL query and describe it."""
from __future__ import annotations

from datetime import date

import dash_bootstrap_components as dbc
from dash import html
from sqlmodel import Session

from domain.dates import format_nl
from domain.scope import Scope, scope_from_params
from domain.vocab import SECTORS
from services.areas import area_options
from services.snapshot import scope_label


def read_scope(session: Session, query: dict) -> tuple[Scope, list[str]]:
    """Scope from untrusted query parameters; unknown areas fall back to the whole country."""
    known = {o["value"] for o in area_options(session)}
    return scope_from_params(query, date.today(), known_areas=known)


def scope_heading(session: Session, title: str, scope: Scope, warnings: list[str]) -> html.Div:
    sector = f", {SECTORS[scope.sector].lower()}" if scope.sector else ", alle sectoren"
    parts = [
        html.H2(title, className="h4 mb-0"),
        html.Div(f"{scope_label(session, scope)}{sector} — peildatum {format_nl(scope.as_of)}",
                 id="scope-description", className="text-muted"),
    ]
    parts += [dbc.Alert(w, color="warning", className="py-1 mt-2 mb-0") for w in warnings]
    return html.Div(parts, className="mb-3")

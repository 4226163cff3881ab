"""The board's summary and one tile per school (plain components from services.board_view)."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.theme import pct
from domain.certification import STATUS_LABELS
from domain.dates import format_nl
from pages.my_schools import _ids as ids
from services.board_view import BoardView, SchoolTile
from services.schools import SCHOOL_CODE

STATUS_COLORS = {"valid": "success", "expiring": "warning", "expired": "danger", "never": "secondary"}


def expiry_text(tile: SchoolTile) -> str:
    if tile.expires_on is None:
        return "Geen certificaat"
    if tile.months_left is None:
        return f"Verlopen op {format_nl(tile.expires_on)}"
    months = "maand" if tile.months_left == 1 else "maanden"
    return f"Geldig tot {format_nl(tile.expires_on)} (nog {tile.months_left} {months})"


def phase_text(tile: SchoolTile) -> str:
    if tile.phase is None:
        return "Fase: geen traject"
    return f"Fase: {tile.phase_label} sinds {format_nl(tile.phase_since)}"


def network_text(tile: SchoolTile) -> str:
    if tile.share is None:
        return "Netwerk: de regio vraagt geen kernpartners"
    gaps = f"; ontbreekt: {', '.join(tile.missing_labels)}" if tile.missing_labels else "; compleet"
    return f"Netwerk: {pct(tile.share)} van de kernpartners{gaps}"


def school_href(code: str, as_of_iso: str) -> str | None:
    # codes come from the database and match the DUO pattern: safe in a link
    return f"/school/{code}?peildatum={as_of_iso}" if SCHOOL_CODE.match(code) else None


def tile(t: SchoolTile, as_of_iso: str) -> dbc.Col:
    href = school_href(t.code, as_of_iso)
    title: Any = dcc.Link(t.name, href=href, className="ms-school-link") if href else t.name
    return dbc.Col(dbc.Card(dbc.CardBody([
        html.H3(title, className="h6 mb-1"),
        html.Div(f"{t.code} · {t.municipality} · {t.region or 'geen regio'}", className="small text-muted mb-2"),
        dbc.Badge(t.status_label, color=STATUS_COLORS.get(t.status, "secondary"), className="ms-status mb-1"),
        html.Div(expiry_text(t), className="ms-expiry small"),
        html.Div(phase_text(t), className="ms-phase small"),
        html.Div(network_text(t), className="ms-network small" + (" text-danger" if t.missing else "")),
    ]), id={"type": ids.TILE, "code": t.code}, className="h-100 shadow-sm"), xs=12, md=6, xl=4, xxl=3,
        className="mb-3")


def summary(view: BoardView) -> html.Div:
    regions = view.regions
    counts = view.status_counts
    parts = " · ".join(f"{STATUS_LABELS[s]}: {n}" for s, n in counts.items())
    regio = "regio" if len(regions) == 1 else "regio's"
    return html.Div([
        html.P(f"{len(view.tiles)} scholen in {len(regions)} {regio} ({', '.join(regions)}).", className="mb-1",
               id="ms-regions"),
        html.P(parts, className="mb-1 fw-semibold", id="ms-status-counts"),
        html.P(f"{view.in_trajectory} in een certificeringstraject; {view.incomplete_networks} met ontbrekende "
               "kernpartners.", className="mb-0"),
    ], id=ids.SUMMARY, className="mb-3")


def board_content(view: BoardView) -> list[Any]:
    as_of_iso = view.as_of.isoformat()
    if not view.tiles:
        return [html.H3(f"Scholen van bestuur {view.board}", className="h5"),
                dbc.Alert("Geen scholen van dit bestuur die u mag bekijken op deze peildatum.", color="info")]
    return [html.H3(f"Scholen van bestuur {view.board}, alle regio's", className="h5", id="ms-board-title"),
            summary(view),
            dbc.Row([tile(t, as_of_iso) for t in view.tiles], id=ids.TILES)]

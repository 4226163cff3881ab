"""Key-figure cards."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html


def kpi_card(card_id: str, title: str, value: str, detail: str = "", colour: str = "primary",
             change: str | None = None) -> dbc.Col:
    """change: the figure's change since the compare date, e.g. '+3 sinds 23-08-2026' (id <card_id>-change)."""
    body = [
        html.Div(title, className="text-muted small text-uppercase"),
        html.Div(value, id=card_id, className=f"fs-2 fw-bold text-{colour}"),
        html.Div(detail, id=f"{card_id}-detail", className="small text-muted"),
    ]
    if change is not None:
        body.append(html.Div(change, id=f"{card_id}-change", className="small fw-semibold"))
    return dbc.Col(dbc.Card(dbc.CardBody(body), className="h-100 shadow-sm"), xs=6, md=4, xl=2, className="mb-3")

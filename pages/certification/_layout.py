"""The certification page's layout: heading, the recorder form, the table, expiry lists, tranches."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from pages.certification import _ids as ids
from pages.certification._reads import reads_of
from pages.certification._recorder import recorder
from pages.certification._table import expiry_tabs, grid
from pages.certification._tranches import tranche_section
from services.permissions import can_write_anything
from web.request_context import Request, page_layout

TITLE = "Certificering"


def build(request: Request) -> html.Div:
    reads = reads_of(request)
    return html.Div([
        request.heading(TITLE),
        # the recorder form only for a role that may write (read-only roles would learn it on saving)
        recorder() if can_write_anything(request.principal) else None,
        grid(request, request.query.get("school")),
        dbc.Button("Exporteer tabel (CSV)", id=ids.EXPORT, color="secondary", outline=True, size="sm",
                   className="mt-2"),
        html.H3("Verloopt binnenkort: heraudit nodig", className="h5 mt-4"),
        expiry_tabs(request, reads),
        html.H3("Tranches", className="h5 mt-4"),
        html.Div(tranche_section(reads), id=ids.TRANCHES),
    ])


layout = page_layout(TITLE)(build)

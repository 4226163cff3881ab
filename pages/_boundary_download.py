"""Beheer > Gemeentegrenzen: download the municipality boundaries from PDOK in the background (the same as
`vios boundaries download`), with a progress line (the page being fetched), a cancel button, and the result
when done; stored and audited in the job's own transaction. Only for the beheerder.

VIOS_BOUNDARIES_URL replaces the PDOK address (a mirror on an intranet without internet access)."""
from __future__ import annotations

import os
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, html

from services import boundaries, permissions
from services.permissions import PermissionDenied
from web.request_context import Progress, Request, page_background_callback

DENIED = "Alleen een beheerder mag gemeentegrenzen downloaden."
_SHOWN, _HIDDEN = {"display": "flex"}, {"display": "none"}


def source_url() -> str:
    return os.environ.get("VIOS_BOUNDARIES_URL", "").strip() or boundaries.PDOK_URL


def boundary_card() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3("Gemeentegrenzen", className="h5"),
        html.P([f"Nu geladen: {boundaries.summary(boundaries.load())}. Downloaden bij PDOK (internet nodig) "
                "vervangt ze; het duurt een halve minuut of langer. ", boundaries.ATTRIBUTION, "."],
               className="small text-muted", id="admin-boundaries-now"),
        dbc.Button("Gemeentegrenzen downloaden", id="admin-boundaries-download", color="secondary", outline=True),
        html.Div([
            dbc.Progress(id="admin-boundaries-progress", value=0, striped=True, animated=True, label="",
                         style={"width": "14rem"}),
            dbc.Button("Annuleren", id="admin-boundaries-cancel", color="secondary", outline=True, size="sm"),
        ], id="admin-boundaries-busy", className="align-items-center gap-2 mt-2", style=_HIDDEN),
        html.Div(id="admin-boundaries-result", className="mt-2"),
    ]), className="shadow-sm mb-3")


def _refused(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="danger", className="py-1", id="admin-boundaries-error")


@page_background_callback(
    Output("admin-boundaries-result", "children"), Input("admin-boundaries-download", "n_clicks"),
    progress=[Output("admin-boundaries-progress", "value"), Output("admin-boundaries-progress", "label")],
    progress_default=[0, ""], interval=500,
    running=[(Output("admin-boundaries-download", "disabled"), True, False),
             (Output("admin-boundaries-busy", "style"), _SHOWN, _HIDDEN)],
    cancel=[Input("admin-boundaries-cancel", "n_clicks")],
    on_refusal=_refused, prevent_initial_call=True)
def download_boundaries(request: Request, set_progress: Progress, n_clicks: object) -> dbc.Alert:
    if not n_clicks:
        return _refused("Er is niets gedownload.")
    if not permissions.is_admin(request.principal):
        raise PermissionDenied(DENIED)
    url = source_url()
    pages = 0

    def fetch(page_url: str, timeout: float) -> dict[str, Any]:
        nonlocal pages
        pages += 1
        set_progress(min(10 + 15 * pages, 85), f"Pagina {pages} ophalen")
        return boundaries.fetch_page(page_url, timeout)
    try:
        collection = boundaries.download(url, fetch=fetch)
    except boundaries.BoundaryError as exc:
        return _refused(str(exc))
    except (OSError, ValueError) as exc:  # no network, DNS, HTTP error, not JSON
        return _refused(f"Downloaden mislukt ({exc}). Zonder internet: download het GeoJSON-bestand elders en "
                        "upload het op de pagina Gemeenten, of gebruik `vios boundaries import BESTAND`.")
    set_progress(90, "Opslaan")
    boundaries.store(collection, username=request.principal.username, source=url, session=request.session)
    return dbc.Alert(f"{boundaries.summary(collection)} opgeslagen ({pages} pagina('s) opgehaald).",
                     color="success", className="py-1", id="admin-boundaries-ok")

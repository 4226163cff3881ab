"""Gemeenten, the map: the schools by certificate status and, with boundaries loaded, the
municipalities shaded by coverage; a beheerder can upload the boundaries here."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from components.chart_table import with_table
from components.charts import GRAPH_CONFIG
from components.map import MAP_STYLES, school_map
from pages.municipalities import _ids as ids
from pages.municipalities._table import peer_set
from services import boundaries
from services.municipality_comparison import map_data
from services.permissions import is_admin
from services.uploads import decode_upload
from web.request_context import Request, page_callback

NO_BOUNDARIES = ("Geen gemeentegrenzen geladen: de kaart toont alleen de scholen. Laad de grenzen met "
                 "`vios boundaries download` (internet nodig) of upload hieronder een GeoJSON-bestand (beheerder).")


def map_note(stored: boundaries.Collection | None) -> str:
    if stored and stored["features"]:
        return f"Gemeentegrenzen geladen ({boundaries.summary(stored)} in dit gebied). {boundaries.ATTRIBUTION}."
    return NO_BOUNDARIES


def map_section(admin: bool, codes: Iterable[str]) -> dbc.Card:
    """The map's controls, its place (drawn by draw_map) and the upload of boundaries."""
    upload = dcc.Upload(id=ids.BOUNDARIES_UPLOAD, multiple=False, accept=".geojson,.json", disabled=not admin,
                        className="border border-2 rounded p-2 text-center bg-light small",
                        children=html.Div(["Gemeentegrenzen (GeoJSON, WGS84) hierheen slepen of ",
                                           html.A("een bestand kiezen", href="#")] if admin else
                                          "Alleen een beheerder kan gemeentegrenzen laden."))
    return dbc.Card(dbc.CardBody([
        dbc.Row([
            dbc.Col([dbc.Label("Achtergrond", html_for=ids.MAP_STYLE, className="small mb-0"),
                     dbc.RadioItems(id=ids.MAP_STYLE, value="white-bg", inline=True,
                                    options=[{"label": v, "value": k} for k, v in MAP_STYLES.items()])], md=7),
            dbc.Col(html.Div("Zonder internet laadt de OpenStreetMap-achtergrond niet; de scholen en grenzen "
                             "blijven zichtbaar.", className="small text-muted"), md=5),
        ]),
        html.P(map_note(boundaries.load(codes=codes)), id=ids.MAP_NOTE, className="small mt-2 mb-1"),
        with_table(dcc.Loading(dcc.Graph(id=ids.MAP, config=GRAPH_CONFIG)), graph_id=ids.MAP),
        html.Div(upload, className="mt-2"),
        html.Div(id=ids.BOUNDARIES_RESULT, className="small mt-1"),
    ]), className="mb-4 shadow-sm")


@page_callback(Output(ids.MAP, "figure"), Output(ids.MAP_NOTE, "children"),
               Input(ids.TARGET, "value"), Input(ids.PEER_KIND, "value"), Input(ids.MAP_STYLE, "value"),
               Input(ids.BOUNDARIES_RESULT, "children"))
def draw_map(request: Request, target: object, kind: object, style: object, _uploaded: Any) -> tuple[go.Figure, str]:
    """The map from the database, for the selection in the URL (checked: a refusal draws nothing)."""
    data = map_data(request.session, request.scope, request.principal)
    coverage = data.coverage
    chosen = target if isinstance(target, str) and target in coverage else None
    peer_codes = peer_set(data.infos, chosen, kind)
    stored = boundaries.load(codes=set(coverage))
    figure = school_map(data.points, stored if stored and stored["features"] else None, coverage,
                        style if isinstance(style, str) and style in MAP_STYLES else "white-bg", chosen, peer_codes,
                        coverage[chosen][0] if chosen else None, {coverage[c][0] for c in peer_codes})
    return figure, map_note(stored)


@page_callback(Output(ids.BOUNDARIES_RESULT, "children"), Input(ids.BOUNDARIES_UPLOAD, "contents"),
               State(ids.BOUNDARIES_UPLOAD, "filename"), prevent_initial_call=True)
def upload_boundaries(request: Request, contents: object, filename: object) -> dbc.Alert:
    """Store uploaded boundaries (beheerder only; audited in the request's transaction)."""
    if not contents:
        raise PreventUpdate
    if not is_admin(request.principal):
        return dbc.Alert("Alleen een beheerder mag gemeentegrenzen laden.", color="danger", className="py-1")
    if not isinstance(contents, str):
        raise PreventUpdate
    try:
        collection = boundaries.parse(decode_upload(contents))
    except (boundaries.BoundaryError, ValueError) as exc:
        return dbc.Alert(str(exc), color="danger", className="py-1", id=ids.BOUNDARIES_ERROR)
    boundaries.store(collection, username=request.principal.username, source=f"upload {str(filename or '')[:100]}",
                     session=request.session)
    return dbc.Alert(f"{boundaries.summary(collection)} opgeslagen; de kaart is bijgewerkt.", color="success",
                     className="py-1", id=ids.BOUNDARIES_OK)

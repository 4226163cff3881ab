"""Gemeenten, the map: by default the meeting-room map (components.meeting_map: each municipality
with its name and coverage, as a bubble or, with boundaries loaded, shaded); with the OpenStreetMap
background the schools by certificate status. A beheerder can upload the boundaries here, and only a
beheerder is told how to load them."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from components.chart_table import with_table
from components.charts import GRAPH_CONFIG
from components.map import MAP_STYLES, school_map
from components.meeting_map import meeting_map
from components.plain_figure import Figure
from pages.municipalities import _ids as ids
from pages.municipalities._table import peer_set
from services import boundaries
from services.municipality_comparison import MapAreas, MapData, map_areas, map_data
from services.permissions import is_admin
from services.uploads import decode_upload
from web import warm_up
from web.request_context import Request, page_callback

NO_BOUNDARIES = ("Geen gemeentegrenzen geladen: elke gemeente staat als bol op het midden van haar scholen "
                 "(grootte: aantal scholen; kleur: dekking).")
HOW_TO_LOAD = (" Laad de grenzen met `vios boundaries download` (internet nodig) of upload hieronder een "
               "GeoJSON-bestand.")


def map_note(stored: boundaries.Collection | None, admin: bool) -> str:
    """What the map shows; only a beheerder (who can) is told how to load boundaries."""
    if stored and stored["features"]:
        return f"Gemeentegrenzen geladen ({boundaries.summary(stored)} in dit gebied). {boundaries.ATTRIBUTION}."
    return NO_BOUNDARIES + (HOW_TO_LOAD if admin else "")


def _unplaced(coverage: dict[str, tuple[str, float | None]], placed: set[str]) -> str:
    missing = sorted(name for code, (name, _) in coverage.items() if code not in placed)
    return f" Niet op de kaart (geen scholen met coördinaten): {', '.join(missing)}." if missing else ""


def map_section(admin: bool, codes: Iterable[str]) -> dbc.Card:
    """The map's controls, its place (drawn by draw_map) and the upload of boundaries."""
    upload = dcc.Upload(id=ids.BOUNDARIES_UPLOAD, multiple=False, accept=".geojson,.json", disabled=not admin,
                        className="border border-2 rounded p-2 text-center bg-light small d-print-none",
                        style=None if admin else {"display": "none"},   # only a beheerder can load them
                        children=html.Div(["Gemeentegrenzen (GeoJSON, WGS84) hierheen slepen of ",
                                           html.A("een bestand kiezen", href="#")] if admin else ""))
    return dbc.Card(dbc.CardBody([
        dbc.Row([
            dbc.Col([dbc.Label("Achtergrond", html_for=ids.MAP_STYLE, className="small mb-0"),
                     dbc.RadioItems(id=ids.MAP_STYLE, value="white-bg", inline=True,
                                    options=[{"label": v, "value": k} for k, v in MAP_STYLES.items()])], md=7),
            dbc.Col(html.Div("Zonder internet laadt de OpenStreetMap-achtergrond niet; de scholen en grenzen "
                             "blijven zichtbaar.", className="small text-muted d-print-none"), md=5),
        ]),
        html.P(map_note(boundaries.load(codes=codes), admin), id=ids.MAP_NOTE, className="small mt-2 mb-1"),
        with_table(dcc.Loading(dcc.Graph(id=ids.MAP, config=GRAPH_CONFIG)), graph_id=ids.MAP),
        html.Div(upload, className="mt-2"),
        html.Div(id=ids.BOUNDARIES_RESULT, className="small mt-1"),
    ]), className="mb-4 shadow-sm")


@page_callback(Output(ids.MAP, "figure"), Output(ids.MAP_NOTE, "children"),
               Input(ids.TARGET, "value"), Input(ids.PEER_KIND, "value"), Input(ids.MAP_STYLE, "value"),
               Input(ids.BOUNDARIES_RESULT, "children"))
def draw_map(request: Request, target: object, kind: object, style: object,
             _uploaded: Any) -> tuple[Figure, str]:
    """The map from the database, for the selection in the URL (checked: a refusal draws nothing)."""
    # only the map on OpenStreetMap shows the schools: the others need no points loaded
    data: MapData | MapAreas = (map_data if style == "open-street-map" else map_areas)(
        request.session, request.scope, request.principal)
    coverage = data.coverage
    chosen = target if isinstance(target, str) and target in coverage else None
    peer_codes = peer_set(data.infos, chosen, kind)
    stored = boundaries.load(codes=set(coverage))
    shapes = stored if stored and stored["features"] else None
    note = map_note(stored, is_admin(request.principal))
    if isinstance(data, MapData):
        figure = school_map(data.points, shapes, coverage, "open-street-map", chosen, peer_codes,
                            coverage[chosen][0] if chosen else None, {coverage[c][0] for c in peer_codes})
        return figure, note
    figure = meeting_map(data.centres, shapes, coverage, {m.cbs_code: m.schools for m in data.infos}, chosen,
                         peer_codes)
    placed = ({f["id"] for f in shapes["features"]} if shapes else set(data.centres))
    return figure, note + _unplaced(coverage, placed)


# the map as the page opens (no municipality chosen, the meeting-room map), in a starting worker
warm_up.after_layout("/gemeenten", "gemeenten: kaart", lambda search: draw_map(None, None, "white-bg", None, search))


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

"""The tab 'Heel het gebied: analyse': the network of the whole area (or one municipality) and its analyses."""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from components import network_graph as ng
from components.chart_table import with_table
from components.charts import GRAPH_CONFIG
from components.grid import DEFAULT_COLUMN, grid_options, school_column
from components.inputs import dropdown
from components.theme import pct
from domain.scope import Scope
from services import network
from web.request_context import Request, page_callback

from . import _ids as ids
from ._common import as_int, refused

ROWS_SHOWN = 200
HEATMAP_MAX_SCHOOLS = 60
Columns = list[dict[str, Any]]
LOAD_COLUMNS: Columns = [
    {"field": "organisation", "headerName": "Organisatie", "minWidth": 240},
    {"field": "type", "headerName": "Soort"},
    {"field": "schools", "headerName": "Aantal scholen", "type": "numericColumn", "maxWidth": 150}]
FAILURE_COLUMNS: Columns = [
    {"field": "kind", "headerName": "Soort", "maxWidth": 140},
    {"field": "who", "headerName": "Organisatie of contactpersoon", "minWidth": 240},
    {"field": "schools", "headerName": "Scholen zonder vervanger", "type": "numericColumn", "maxWidth": 170},
    {"field": "types", "headerName": "Kernpartnertype(n)"},
    {"field": "school_names", "headerName": "Scholen", "minWidth": 300}]
COMMUNITY_COLUMNS: Columns = [
    {"field": "group", "headerName": "Leergroep", "maxWidth": 130},
    {"field": "size", "headerName": "Scholen", "type": "numericColumn", "maxWidth": 110},
    {"field": "shared", "headerName": "Gedeelde partners", "minWidth": 240},
    {"field": "schools", "headerName": "Scholen in de groep", "minWidth": 360}]
WEAK_COLUMNS: Columns = [
    school_column("school", minWidth=240),
    {"field": "municipality", "headerName": "Gemeente"},
    {"field": "partners", "headerName": "Partners", "type": "numericColumn", "maxWidth": 110},
    {"field": "share", "headerName": "Compleet", "maxWidth": 120},
    {"field": "missing", "headerName": "Ontbreekt", "minWidth": 260}]


def area_tab() -> html.Div:
    def button(text: str, component_id: str, margin: str = "me-2") -> dbc.Button:
        return dbc.Button(text, id=component_id, color="secondary", outline=True, size="sm", className=margin)

    return html.Div([
        dbc.Row([
            dbc.Col([dbc.Label("Gemeente", html_for=ids.MUNICIPALITY),
                     dropdown(ids.MUNICIPALITY, [], None, clearable=True, placeholder="Alle gemeenten in het gebied")],
                    md=5),
            dbc.Col(html.Div([button("Samenwerkingen (CSV)", ids.EXPORT_CSV),
                              button("Samenwerkingen (Excel)", ids.EXPORT_XLSX),
                              button("Download netwerk als PNG", ids.AREA_PNG, "")]),
                    md=7, className="d-flex align-items-end justify-content-end"),
        ], className="g-2 mb-2"),
        dcc.Loading(html.Div(id=ids.AREA), type="default"),
    ])


@page_callback(Output(ids.AREA, "children"), Output(ids.MUNICIPALITY, "options"),
               Input(ids.TABS, "active_tab"), Input(ids.MUNICIPALITY, "value"), Input(ids.CHANGED, "data"),
               on_refusal=lambda message: (refused(message), []))
def show_area(request: Request, tab: object, municipality_id: object, _changed: object) -> tuple[Any, Any]:
    """The area's network: the municipalities counted in SQL, then one network loaded (all, or the chosen one)."""
    if tab != "area":
        raise PreventUpdate
    scope = request.scope
    options = network.municipality_options(request.session, request.principal, scope)
    mid = as_int(municipality_id)
    if mid is not None and not any(o["value"] == mid for o in options):
        mid = None
    net = network.scope_network(request.session, request.principal, scope, municipality_id=mid)
    return area_view(net, scope, mid), options


def _grid(grid_id: str, rows: list[dict[str, Any]], columns: list[dict[str, Any]], height: str = "320px") -> Any:
    """A table of the first ROWS_SHOWN rows (the list is ranked), saying so when there are more."""
    grid = dag.AgGrid(id=grid_id, rowData=rows[:ROWS_SHOWN], columnDefs=columns, defaultColDef=DEFAULT_COLUMN,
                      dashGridOptions=grid_options(pagination=len(rows) > 10, paginationPageSize=10),
                      style={"height": height})
    if len(rows) <= ROWS_SHOWN:
        return grid
    return html.Div([grid, html.Div(f"De eerste {ROWS_SHOWN} van {len(rows)} getoond; kies een kleiner gebied of een "
                                    "gemeente voor de rest.", className="small text-muted", id=f"{grid_id}-more")])


def _graph_part(net: network.ScopeNetwork, drawn: bool, key: tuple[Any, ...]) -> Any:
    n = len(net.schools)
    if drawn:
        return dbc.Card(dbc.CardBody([
            ng.graph(ids.AREA_GRAPH, ng.scope_elements(net, network.scope_positions(net, key)), height="600px"),
            html.Div("Scholen hebben de kleur en vorm van hun completeheid (rode driehoek: minder dan een derde, "
                     "oranje ruit, lichtgroen vierkant, groen rondje: compleet); klik op een knoop voor de naam.",
                     className="small text-muted"),
            ng.legend(sorted({o.type for o in net.organisations.values()}), roles=False, gaps=False),
        ]), className="shadow-sm mb-3")
    return html.Div([
        dbc.Alert(f"Dit netwerk heeft {n} scholen en {len(net.organisations)} organisaties. Boven "
                  f"{network.MAX_DRAWN_NODES} scholen en organisaties samen tekenen we het netwerk niet als "
                  "geheel: dat wordt onleesbaar en traag. Kies hierboven een gemeente om het netwerk te zien. "
                  "De analyses hieronder gelden wel voor alle scholen.", color="info", id=ids.AREA_TOO_LARGE),
        ng.graph(ids.AREA_GRAPH, [], height="10px"),
    ])


def area_view(net: network.ScopeNetwork, scope: Scope, municipality_id: int | None) -> list[Any]:
    key = (scope.area_key, scope.sector, scope.as_of, municipality_id)
    analysis = network.cached_analysis(net, key)
    no_partners = sum(1 for x in net.networks.values() if x.partners == 0)
    shares = [x.share for x in net.networks.values() if x.share is not None]
    head = html.Div(f"{len(net.schools)} scholen, {len(net.organisations)} partnerorganisaties, {len(net.links)} "
                    f"actieve samenwerkingen; gemiddeld compleet {pct(sum(shares) / len(shares) if shares else None)}; "
                    f"{no_partners} scholen zonder partners.", id=ids.AREA_SUMMARY, className="mb-2")
    weak_rows = [{**asdict(w), "share": pct(w.share)} for w in analysis.weak]
    return [
        head, _graph_part(net, analysis.drawn, key),
        html.H3("Partners met de meeste scholen (belasting)", className="h6 mt-3"),
        _grid(ids.LOAD_GRID, [asdict(r) for r in analysis.load], LOAD_COLUMNS),
        html.H3("Kwetsbare schakels: zonder deze organisatie of persoon mist een school een kernpartner",
                className="h6 mt-4"),
        html.P("Per organisatie of contactpersoon: de scholen die voor een verplicht partnertype geen andere "
               "organisatie (of geen ander aanspreekpunt) hebben." +
               ("" if net.personal else " Namen van contactpersonen zijn alleen zichtbaar voor coördinator en "
                                        "beheerder; u ziet hun functie."), className="small text-muted mb-1"),
        _grid(ids.SPOF_GRID, [asdict(r) for r in analysis.failures], FAILURE_COLUMNS),
        html.H3("Leergroepen: scholen die partners delen", className="h6 mt-4"),
        html.P("Groepen berekend met Louvain-communitydetectie op gedeelde partners (partners van meer dan "
               f"{network.COMMUNITY_MAX_LOAD} scholen tellen niet mee). Een voorstel voor leergroepen in de "
               "volgende tranche.", className="small text-muted mb-1"),
        _grid(ids.COMMUNITIES_GRID, [asdict(r) for r in analysis.communities], COMMUNITY_COLUMNS)
        if analysis.communities_computed else
        dbc.Alert(f"Dit gebied heeft meer dan {network.COMMUNITY_MAX_SCHOOLS} scholen: leergroepen worden dan niet "
                  "berekend (dat duurt te lang). Kies een regio, provincie of gemeente.", color="info",
                  id=ids.COMMUNITIES_SKIPPED),
        html.H3(f"Scholen zonder of met een zeer onvolledig netwerk (minder dan {pct(network.WEAK_THRESHOLD)})",
                className="h6 mt-4"),
        _grid(ids.WEAK_GRID, weak_rows, WEAK_COLUMNS),
        _heatmap(net),
    ]


def _heatmap(net: network.ScopeNetwork) -> html.Div:
    heat = network.heatmap(net, HEATMAP_MAX_SCHOOLS)
    fig = ng.heatmap_figure(heat.rows, heat.types, heat.matrix, aggregated=heat.aggregated)
    note = (f"Meer dan {HEATMAP_MAX_SCHOOLS} scholen: samengevat per gemeente (aandeel scholen met de partner)."
            if heat.aggregated else "")
    return html.Div([html.H3("Completeheid: scholen x kernpartnertypen", className="h6 mt-4"),
                     html.P(note, className="small text-muted mb-1", id=ids.HEATMAP_NOTE),
                     with_table(dcc.Graph(id=ids.HEATMAP, figure=fig, config=GRAPH_CONFIG))])


@page_callback(Output(ids.AREA_GRAPH, "generateImage"), Input(ids.AREA_PNG, "n_clicks"), prevent_initial_call=True)
def download_area_png(_request: Request, _n: object) -> dict[str, Any]:
    return {"type": "png", "action": "download", "filename": "netwerk-gebied",
            "options": {"full": True, "scale": 2, "bg": "#ffffff"}}


def _export(request: Request, fmt: Any) -> Any:
    name, data = network.export_partnerships(request.session, request.principal, request.scope, fmt)
    return dcc.send_bytes(data, f"{request.scope.as_of.isoformat()}-{name}")


@page_callback(Output(ids.DOWNLOAD, "data", allow_duplicate=True), Input(ids.EXPORT_CSV, "n_clicks"),
               prevent_initial_call=True)
def export_csv(request: Request, clicks: object) -> Any:
    if not clicks:
        raise PreventUpdate
    return _export(request, "csv")


@page_callback(Output(ids.DOWNLOAD, "data", allow_duplicate=True), Input(ids.EXPORT_XLSX, "n_clicks"),
               prevent_initial_call=True)
def export_xlsx(request: Request, clicks: object) -> Any:
    if not clicks:
        raise PreventUpdate
    return _export(request, "xlsx")

"""The tab 'Per school': pick a school, see its graph, completeness and gaps, click a node for details."""
from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import Input, Output, State, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import network_graph as ng
from components.chart_table import with_table
from components.charts import GRAPH_CONFIG
from components.inputs import dropdown
from components.theme import pct
from domain.dates import format_nl, quarter_of, quarter_start
from domain.vocab import ORGANISATION_TYPES, label
from services import network, partnerships
from services.schools import SCHOOL_CODE
from web.request_context import Request, page_callback

from . import _ids as ids
from ._common import INTRO, alert, refused, school_network
from ._editor import edit_form


def school_tab(options: list[dict[str, str]], wanted: str | None, editor: Any) -> html.Div:
    return html.Div([
        dbc.Row([
            dbc.Col([dbc.Label("School (zoek op naam, BRIN-code of plaats)", html_for=ids.SCHOOL),
                     dropdown(ids.SCHOOL, options, wanted, searchable=True, clearable=False,
                              placeholder="Kies een school...")], md=7),
            dbc.Col(dbc.Checklist(id=ids.SHOW_CONTACTS, options=[{"label": " Toon contactpersonen", "value": "ja"}],
                                  value=[], switch=True), md=3, className="d-flex align-items-end"),
            dbc.Col(dbc.Button("Download als PNG", id=ids.SCHOOL_PNG, color="secondary", outline=True, size="sm"),
                    md=2, className="d-flex align-items-end justify-content-end"),
        ], className="g-2 mb-2"),
        html.Div(dcc.Link("", href="/netwerk", id=ids.PREVIOUS), className="small mb-2"),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([
                html.Div(id=ids.SCHOOL_TITLE, className="fw-semibold"),
                ng.graph(ids.GRAPH, [], height="540px"),
                ng.legend(),
                html.Div(id=ids.PARTNER_LIST, className="small vios-network-list"),
            ]), className="shadow-sm"), lg=8, className="mb-3"),
            dbc.Col([
                dbc.Card(dbc.CardBody([
                    with_table(dcc.Graph(id=ids.COMPLETENESS_FIGURE, config=GRAPH_CONFIG, style={"height": "220px"})),
                    html.Div(id=ids.COMPLETENESS, className="fw-bold"),
                    html.Div(id=ids.GAPS, className="small"),
                ]), className="shadow-sm mb-3"),
                dbc.Card(dbc.CardBody([html.H3("Details", className="h6"),
                                       html.Div(INTRO, id=ids.DETAIL, className="small")]), className="shadow-sm"),
            ], lg=4),
        ]),
        editor,
    ])


@page_callback(Output(ids.SCHOOL, "options"), Input(ids.SCHOOL, "search_value"), State(ids.SCHOOL, "value"),
               on_refusal=lambda _message: [], prevent_initial_call=True)
def search_schools(request: Request, search: object, current: object) -> list[dict[str, str]]:
    options = network.school_options(request.session, request.principal, request.scope, str(search or ""))
    if current and not any(o["value"] == current for o in options):
        options = network.school_options(request.session, request.principal, request.scope, str(current)) + options
    return options


def _empty(title: Any) -> tuple[Any, ...]:
    return [], ng.partner_list([]), title, ng.completeness_figure(None, 0, 0), "", "", INTRO, None, "", "/netwerk"


# The graph and its list are drawn from the same elements in one answer (not a second callback on the
# graph's elements: one round trip less before the page is complete).
@page_callback(Output(ids.GRAPH, "elements"), Output(ids.PARTNER_LIST, "children"),
               Output(ids.SCHOOL_TITLE, "children"), Output(ids.COMPLETENESS_FIGURE, "figure"),
               Output(ids.COMPLETENESS, "children"),
               Output(ids.GAPS, "children"), Output(ids.DETAIL, "children"), Output(ids.SELECTED, "data"),
               Output(ids.PREVIOUS, "children"), Output(ids.PREVIOUS, "href"),
               Input(ids.SCHOOL, "value"), Input(ids.SHOW_CONTACTS, "value"), Input(ids.CHANGED, "data"),
               on_refusal=lambda message: _empty(refused(message)))
def show_school(request: Request, code: object, contacts: object, _changed: object) -> tuple[Any, ...]:
    if not code:
        return _empty("Kies een school.")
    net = school_network(request, code)
    as_of = request.scope.as_of
    # the network as it was at the end of the previous quarter (the last steering meeting);
    # the link holds only a validated area key, sector, date and DUO code
    previous = quarter_start(*quarter_of(as_of)) - timedelta(days=1)
    scope = request.scope
    params = {"gebied": scope.area_key, **({"sector": scope.sector} if scope.sector else {}),
              "peildatum": previous.isoformat(), **({"school": net.code} if SCHOOL_CODE.match(net.code) else {})}
    previous_text = f"Bekijk dit netwerk zoals het was aan het eind van het vorige kwartaal ({format_nl(previous)})"
    gaps = ([html.Span(f"ontbreekt: {label(ORGANISATION_TYPES, t).lower()}", className="badge bg-danger me-1")
             for t in net.missing] or html.Span("Alle kernpartners van de regio zijn aanwezig.",
                                                className="text-success"))
    title = f"{net.name} ({net.code}) — {len({p.organisation_id for p in net.partners})} partners op {format_nl(as_of)}"
    # after a save the detail panel keeps its confirmation; a new school or view resets it
    keep = ctx.triggered_id == ids.CHANGED
    elements = ng.school_elements(net, show_contacts=bool(contacts))
    return (elements, ng.partner_list(elements), title,
            ng.completeness_figure(net.share, len(net.present), len(net.required)), f"Compleet: {pct(net.share)}",
            gaps, no_update if keep else INTRO, no_update if keep else None,
            previous_text, "/netwerk?" + urlencode(params))


@page_callback(Output(ids.DETAIL, "children", allow_duplicate=True), Output(ids.SELECTED, "data", allow_duplicate=True),
               Input(ids.GRAPH, "tapNodeData"), State(ids.SCHOOL, "value"),
               on_refusal=lambda message: (alert(message), None), prevent_initial_call=True)
def node_detail(request: Request, node: object, code: object) -> tuple[Any, Any]:
    """The details of a clicked node, looked up again on the server: the browser only names the node."""
    if not isinstance(node, dict) or not code:
        raise PreventUpdate
    net = school_network(request, code)
    found = ng.node_details(net, str(node.get("id", ""))[:40])
    if found is None:
        raise PreventUpdate
    parts, items = found
    if net.editable and items:
        contacts = partnerships.contact_choices(request.session, request.principal, items[0].organisation_id,
                                                net.school_id)
        parts.append(edit_form(items, contacts, partnerships.form_versions(
            request.session, request.principal, items[0].partnership_id)))
    selected = {"organisation_id": items[0].organisation_id, "partnerships": [p.partnership_id for p in items]} \
        if items else None
    return html.Div(parts, id=ids.DETAIL_BODY), selected


@page_callback(Output(ids.GRAPH, "generateImage"), Input(ids.SCHOOL_PNG, "n_clicks"), State(ids.SCHOOL, "value"),
               prevent_initial_call=True)
def download_png(_request: Request, _n: object, code: object) -> dict[str, Any]:
    name = "netwerk-" + "".join(ch for ch in str(code or "school") if ch.isalnum())[:6]
    return {"type": "png", "action": "download", "filename": name,
            "options": {"full": True, "scale": 2, "bg": "#ffffff"}}


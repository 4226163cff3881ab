"""Schoolpagina: one school's data, phase history, certificate and partner network together.

The school is looked up and permission-checked once per request (services.schools.readable_school):
an unknown code says "niet gevonden", a school the user may not read gets the refusal.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from urllib.parse import urlencode

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html
from dash.exceptions import PreventUpdate

from components import network_graph as ng
from components.certification_charts import TimelineRow, gantt_chart
from components.chart_table import with_table
from components.charts import GRAPH_CONFIG
from components.theme import pct
from domain.dates import format_nl
from domain.scope import scope_from_params
from domain.vocab import ORGANISATION_TYPES, label
from services import network
from services.permissions import Principal, can_write_anything, may_see_field
from services.school_profile import SchoolProfile, school_profile
from services.schools import SCHOOL_CODE, readable_school
from web.request_context import Request, page_callback, page_layout

dash.register_page(__name__, path_template="/school/<code>", name="School", order=95, hide_from_nav=True,
                   title="School – Veilig in en om School")



def _as_of(request: Request) -> tuple[date, list[str]]:
    """The page's peildatum from the URL (and warnings): a school page is not limited to an area."""
    scope, warnings = scope_from_params(request.query, request.today)
    return scope.as_of, warnings


def _facts(profile: SchoolProfile) -> dbc.Card:
    s = profile.school
    items = [("BRIN-vestiging", s.code), ("Sector", s.sector), ("Gemeente", profile.municipality),
             ("Regio", profile.region or "–"), ("Bestuur", profile.board or "–"),
             ("Adres", f"{s.street} {s.house_number}, {s.postcode} {s.city}".strip(", ")),
             ("Telefoon", s.phone or "–"), ("Website", s.website or "–"),
             ("Leerlingen", s.pupils if s.pupils is not None else "–"),
             ("Actief", "ja" if s.active else f"nee, sinds {format_nl(s.inactive_since)}")]
    return dbc.Card(dbc.CardBody([html.H3("Gegevens", className="h6"), html.Dl(
        [x for k, v in items for x in (html.Dt(k, className="col-sm-4"), html.Dd(str(v), className="col-sm-8"))],
        className="row mb-0 small")]), className="h-100 shadow-sm")


def _certificate(profile: SchoolProfile) -> dbc.Card:
    st = profile.status
    body: list[Any] = [html.H3("Certificaat en fase", className="h6"),
                       html.Div(st.status_label if st else "–", id="school-status", className="fs-4 fw-bold"),
                       html.Div(f"Fase: {(st.phase_label if st else '') or 'geen traject'}", id="school-phase")]
    if st and st.issued_on:
        body.append(html.Div(f"Afgegeven {format_nl(st.issued_on)}, geldig tot {format_nl(st.expires_on)}",
                             id="school-expiry"))
    if st and st.tranche:
        body.append(html.Div(f"Tranche: {st.tranche}"))
    body += [dbc.Alert(r, color="warning", className="py-1 my-1") for r in (st.stall_reasons if st else ())]
    return dbc.Card(dbc.CardBody(body), className="h-100 shadow-sm")


def _network(profile: SchoolProfile, as_of: date, query: Mapping[str, str], principal: Principal) -> dbc.Card:
    """The partner network as a compact graph (components.network_graph), gaps and completeness."""
    net = profile.network
    gaps = [dbc.Badge(f"ontbreekt: {label(ORGANISATION_TYPES, t).lower()}", color="danger", className="me-1")
            for t in net.missing]
    # the code comes from the database and matches the DUO pattern: safe in a link; the area stays
    keep = {k: v for k, v in query.items() if k in ("gebied", "sector")}
    # what the Netwerk page offers this user: contact names and the editor only to who may see or change them
    offers = ", ".join(["Details", *(["contactpersonen"] if may_see_field(principal, "contact.name") else []),
                        *(["bijwerken"] if can_write_anything(principal) else [])])
    link = dcc.Link(f"{offers.replace(', bijwerken', ' en bijwerken')} op de pagina Netwerk",
                    href="/netwerk?" + urlencode({"school": net.code, **keep, "peildatum": as_of.isoformat()}),
                    id="school-network-link") \
        if SCHOOL_CODE.match(net.code) else ""
    return dbc.Card(dbc.CardBody([
        html.H3(["Partnernetwerk ", html.Span(f"compleet: {pct(net.share)}", id="school-completeness",
                                              className="badge bg-secondary")], className="h6"),
        html.Div(gaps or html.Span("Alle kernpartners van de regio zijn aanwezig.", className="text-success"),
                 id="school-gaps", className="mb-2"),
        dcc.Store(id="school-code", data=net.code),
        dbc.Row([
            dbc.Col([ng.graph("school-net-graph", ng.school_elements(net), height="380px"),
                     ng.legend(sorted({p.type for p in net.partners}), gaps=bool(net.missing))], lg=8),
            dbc.Col(html.Div("Klik op een partner in het netwerk voor de contactpersoon en de afspraken.",
                             id="school-net-detail", className="small"), lg=4),
        ]) if net.partners or net.missing else
        html.P("Geen actieve samenwerkingen op de peildatum.", className="text-muted", id="school-partners"),
        html.Div(link, className="small mt-2"),
    ]), className="shadow-sm")


@page_callback(Output("school-net-detail", "children"), Input("school-net-graph", "tapNodeData"),
               State("school-code", "data"), prevent_initial_call=True,
               on_refusal=lambda message: dbc.Alert(message, color="danger", id="access-denied"))
def school_node_detail(request: Request, node: object, code: object) -> Any:
    """Details of a clicked node, read again on the server with the user's permissions (checked once)."""
    if not isinstance(node, dict):
        raise PreventUpdate
    school = readable_school(request.session, request.principal, str(code or "")[:6])
    net = network.network_of(request.session, request.principal, school, _as_of(request)[0])
    found = ng.node_details(net, str(node.get("id", ""))[:40])
    if found is None:
        raise PreventUpdate
    return found[0]


def _history(profile: SchoolProfile, as_of: date, principal: Principal) -> list[Any]:
    parts: list[Any] = [html.H3("Fasegeschiedenis", className="h5 mt-3")]
    if not profile.trajectories:
        return parts + [html.P("Deze school heeft nog geen traject.", className="text-muted", id="school-history")]
    timeline = [TimelineRow(f"Cyclus {t.cycle}", t.tranche or "geen tranche", t.segments)
                for t in profile.trajectories if t.segments]
    if timeline:
        figure = gantt_chart(timeline, as_of, "Tijdlijn per traject (cyclus)")
        parts.append(with_table(dcc.Graph(figure=figure, config=GRAPH_CONFIG, id="school-timeline")))
    # who recorded a phase is personal data (services.permissions.PERSONAL_FIELDS)
    recorder = may_see_field(principal, "phase_event.recorded_by")
    rows = [html.Tr([html.Td(t.cycle), html.Td(t.tranche), html.Td(format_nl(e.on)), html.Td(e.phase),
                     html.Td(e.note), *([html.Td(e.recorded_by)] if recorder else [])])
            for t in profile.trajectories for e in t.events]
    headers = ("Cyclus", "Tranche", "Datum", "Fase", "Notitie", *(("Vastgelegd door",) if recorder else ()))
    parts.append(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in headers])), html.Tbody(rows)],
                           size="sm", striped=True, bordered=True, id="school-history"))
    return parts


@page_layout("School")
def layout(request: Request) -> Any:
    as_of, warnings = _as_of(request)
    profile = school_profile(request.session, request.query.get("code", ""), as_of, request.principal)
    s = profile.school
    return html.Div([
        html.H2(s.name, className="h4 mb-0", id="school-name"),
        html.Div(f"{s.code} · {profile.municipality} — peildatum {format_nl(as_of)}", className="text-muted mb-3"),
        *[dbc.Alert(w, color="warning", className="py-1") for w in warnings],
        dbc.Row([dbc.Col(_facts(profile), lg=6, className="mb-3"),
                 dbc.Col(_certificate(profile), lg=6, className="mb-3")]),
        _network(profile, as_of, request.query, request.principal),
        *_history(profile, as_of, request.principal),
    ])

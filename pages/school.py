"""Schoolpagina: one school's data, phase history, certificate and partner network together."""
from __future__ import annotations

from datetime import date

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from components.certification_charts import gantt_chart
from components.charts import GRAPH_CONFIG
from components.scope_page import refusal
from components.theme import pct
from domain.dates import format_nl
from domain.scope import scope_from_params
from models.db import session_scope
from services import web_auth
from services.permissions import PermissionDenied
from services.school_profile import school_profile

dash.register_page(__name__, path_template="/school/<code>", name="School", order=95, hide_from_nav=True,
                   title="School – Veilig in en om School")


def _facts(profile: dict) -> dbc.Card:
    s = profile["school"]
    items = [("BRIN-vestiging", s.code), ("Sector", s.sector), ("Gemeente", profile["municipality"]),
             ("Regio", profile["region"] or "–"), ("Bestuur", profile["board"] or "–"),
             ("Adres", f"{s.street} {s.house_number}, {s.postcode} {s.city}".strip(", ")),
             ("Telefoon", s.phone or "–"), ("Website", s.website or "–"),
             ("Leerlingen", s.pupils if s.pupils is not None else "–"),
             ("Actief", "ja" if s.active else f"nee, sinds {format_nl(s.inactive_since)}")]
    return dbc.Card(dbc.CardBody([html.H3("Gegevens", className="h6"), html.Dl(
        [x for k, v in items for x in (html.Dt(k, className="col-sm-4"), html.Dd(str(v), className="col-sm-8"))],
        className="row mb-0 small")]), className="h-100 shadow-sm")


def _certificate(profile: dict) -> dbc.Card:
    st = profile["status"] or {}
    body = [html.H3("Certificaat en fase", className="h6"),
            html.Div(st.get("status_label", "–"), id="school-status", className="fs-4 fw-bold"),
            html.Div(f"Fase: {st.get('phase_label') or 'geen traject'}", id="school-phase")]
    if st.get("issued_on"):
        body.append(html.Div(f"Afgegeven {format_nl(st['issued_on'])}, geldig tot {format_nl(st['expires_on'])}",
                             id="school-expiry"))
    if st.get("tranche"):
        body.append(html.Div(f"Tranche: {st['tranche']}"))
    body += [dbc.Alert(r, color="warning", className="py-1 my-1") for r in st.get("stall_reasons", [])]
    return dbc.Card(dbc.CardBody(body), className="h-100 shadow-sm")


def _network(profile: dict) -> dbc.Card:
    net = profile["network"]
    rows = [html.Tr([html.Td(p["organisation"]), html.Td(p["type"]), html.Td(p["role"]),
                     html.Td(p["contact"] or "–"), html.Td(p["phone"] or ""), html.Td(p["email"] or ""),
                     html.Td(format_nl(p["since"]))]) for p in net["partners"]]
    gaps = [dbc.Badge(f"ontbreekt: {m.lower()}", color="danger", className="me-1") for m in net["missing"]]
    return dbc.Card(dbc.CardBody([
        html.H3(["Partnernetwerk ", html.Span(f"compleet: {pct(net['completeness'])}", id="school-completeness",
                                              className="badge bg-secondary")], className="h6"),
        html.Div(gaps or html.Span("Alle kernpartners van de regio zijn aanwezig.", className="text-success"),
                 id="school-gaps", className="mb-2"),
        dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ("Organisatie", "Type", "Rol", "Contactpersoon",
                                                            "Telefoon", "E-mail", "Sinds")])),
                   html.Tbody(rows)], size="sm", striped=True, bordered=True, id="school-partners")
        if rows else html.P("Geen actieve samenwerkingen op de peildatum.", className="text-muted"),
    ]), className="shadow-sm")


def _history(profile: dict, as_of) -> list:
    parts = [html.H3("Fasegeschiedenis", className="h5 mt-3")]
    if not profile["trajectories"]:
        return parts + [html.P("Deze school heeft nog geen traject.", className="text-muted", id="school-history")]
    timeline = {"name": "", "schools": [{"name": f"Cyclus {t['cycle']}", "code": t["tranche"] or "geen tranche",
                                         "segments": t["segments"], "stall_reasons": []}
                                        for t in profile["trajectories"] if t["segments"]]}
    if timeline["schools"]:
        parts.append(dcc.Graph(figure=gantt_chart(timeline, as_of, "Tijdlijn per traject (cyclus)"), config=GRAPH_CONFIG, id="school-timeline"))
    rows = [html.Tr([html.Td(t["cycle"]), html.Td(t["tranche"]), html.Td(format_nl(e["on"])), html.Td(e["phase"]),
                     html.Td(e["note"]), html.Td(e["recorded_by"])])
            for t in profile["trajectories"] for e in t["events"]]
    parts.append(dbc.Table([html.Thead(html.Tr([html.Th(h) for h in ("Cyclus", "Tranche", "Datum", "Fase",
                                                                     "Notitie", "Vastgelegd door")])),
                            html.Tbody(rows)], size="sm", striped=True, bordered=True, id="school-history"))
    return parts


def layout(code: str | None = None, **query):
    principal = web_auth.current_principal()
    scope, warnings = scope_from_params(query, date.today())
    with session_scope() as session:
        try:
            if principal is None:
                raise PermissionDenied("U bent niet ingelogd.")
            profile = school_profile(session, code or "", scope.as_of, principal)
        except PermissionDenied as exc:
            return html.Div([html.H2("School", className="h4 mb-3"), refusal(exc)])
    s = profile["school"]
    return html.Div([
        html.H2(s.name, className="h4 mb-0", id="school-name"),
        html.Div(f"{s.code} · {profile['municipality']} — peildatum {format_nl(scope.as_of)}",
                 className="text-muted mb-3"),
        *[dbc.Alert(w, color="warning", className="py-1") for w in warnings],
        dbc.Row([dbc.Col(_facts(profile), lg=6, className="mb-3"), dbc.Col(_certificate(profile), lg=6,
                                                                           className="mb-3")]),
        _network(profile),
        *_history(profile, scope.as_of),
    ])

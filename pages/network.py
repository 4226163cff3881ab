"""Netwerk: a school's partner network with its gaps, the network of a whole area with analyses, editing.

Thin: every callback reads the scope from the URL query it was given (never trusting it),
checks the user on the server through the services, and turns plain results into components.
"""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import network_graph as ng
from components.charts import GRAPH_CONFIG
from components.grid import DEFAULT_COLUMN, grid_options
from components.inputs import dropdown
from components.scope_page import PageContext, open_page, read_scope
from components.theme import pct
from domain import clock
from domain.dates import format_nl, parse_date, quarter_of, quarter_start
from domain.vocab import ORGANISATION_TYPES, PARTNERSHIP_ROLES, label
from models.db import session_scope
from services import network, partnerships, web_auth
from services.partnerships import FormError
from services.permissions import PermissionDenied
from services.school_profile import SCHOOL_CODE

dash.register_page(__name__, path="/netwerk", name="Netwerk", order=30, title="Netwerk – Veilig in en om School")

SCOPE_KEYS = ("gebied", "sector", "peildatum")
ROLE_OPTIONS = [{"label": v, "value": k} for k, v in PARTNERSHIP_ROLES.items()]
TYPE_OPTIONS = [{"label": v, "value": k} for k, v in ORGANISATION_TYPES.items()]
HEATMAP_MAX_SCHOOLS = 60


def _alert(message, colour: str = "danger", id_: str | None = None) -> dbc.Alert:
    kwargs = {"id": id_} if id_ else {}
    return dbc.Alert(message, color=colour, className="py-1 my-1", **kwargs)


def _form_errors(exc: FormError) -> dbc.Alert:
    return dbc.Alert([html.Div("Niet opgeslagen:"), html.Ul([html.Li(f"{k}: {v}") for k, v in exc.errors.items()])],
                     color="danger", className="py-1 my-1", id="net-form-error")


def _date_input(component_id: str, value: date, label_text: str) -> list:
    return [dbc.Label(label_text, html_for=component_id, className="small mb-0"),
            dbc.Input(id=component_id, value=format_nl(value), placeholder="dd-mm-jjjj", size="sm", maxLength=10)]


# ---------------------------------------------------------------- layout

def layout(**query):
    with session_scope() as session:
        page = open_page(session, "Partnernetwerk", query)
        if not isinstance(page, PageContext):
            return page
        principal, scope = page.principal, page.scope
        wanted = str(query.get("school") or "")[:6].upper()
        options = network.school_options(session, principal, scope, wanted)
        if not wanted or not any(o["value"] == wanted for o in options):
            wanted = None
            options = network.school_options(session, principal, scope)
        editor = principal.role in ("beheerder", "coordinator")
        municipalities = partnerships.municipality_choices(session, principal) if editor else []
    scope_query = {k: v for k, v in query.items() if k in SCOPE_KEYS}
    school_tab = html.Div([
        dbc.Row([
            dbc.Col([dbc.Label("School (zoek op naam, BRIN-code of plaats)", html_for="net-school"),
                     dropdown("net-school", options, wanted, searchable=True, clearable=False,
                              placeholder="Kies een school...")], md=7),
            dbc.Col(dbc.Checklist(id="net-show-contacts", options=[{"label": " Toon contactpersonen",
                                                                     "value": "ja"}], value=[], switch=True),
                    md=3, className="d-flex align-items-end"),
            dbc.Col(dbc.Button("Download als PNG", id="net-png", color="secondary", outline=True, size="sm"),
                    md=2, className="d-flex align-items-end justify-content-end"),
        ], className="g-2 mb-2"),
        html.Div(dcc.Link("", href="/netwerk", id="net-previous"), className="small mb-2"),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody([
                html.Div(id="net-school-title", className="fw-semibold"),
                ng.graph("net-graph", [], height="540px"),
                ng.legend(),
            ]), className="shadow-sm"), lg=8, className="mb-3"),
            dbc.Col([
                dbc.Card(dbc.CardBody([
                    dcc.Graph(id="net-completeness-figure", config=GRAPH_CONFIG, style={"height": "220px"}),
                    html.Div(id="net-completeness", className="fw-bold"),
                    html.Div(id="net-gaps", className="small"),
                ]), className="shadow-sm mb-3"),
                dbc.Card(dbc.CardBody([
                    html.H3("Details", className="h6"),
                    html.Div("Klik op een organisatie, contactpersoon of ontbrekende partner in het netwerk.",
                             id="net-detail", className="small"),
                ]), className="shadow-sm"),
            ], lg=4),
        ]),
        _editor(municipalities) if editor else html.Div(id="net-editor-none"),
    ])
    area_tab = html.Div([
        dbc.Row([
            dbc.Col([dbc.Label("Gemeente", html_for="net-muni"),
                     dropdown("net-muni", [], None, clearable=True, placeholder="Alle gemeenten in het gebied")], md=5),
            dbc.Col(html.Div([
                dbc.Button("Samenwerkingen (CSV)", id="net-export-csv", color="secondary", outline=True, size="sm",
                           className="me-2"),
                dbc.Button("Samenwerkingen (Excel)", id="net-export-xlsx", color="secondary", outline=True,
                           size="sm", className="me-2"),
                dbc.Button("Download netwerk als PNG", id="net-area-png", color="secondary", outline=True,
                           size="sm"),
            ]), md=7, className="d-flex align-items-end justify-content-end"),
        ], className="g-2 mb-2"),
        dcc.Loading(html.Div(id="net-area"), type="default"),
    ])
    return html.Div([
        page.heading,
        dcc.Store(id="net-scope", data={"query": scope_query}),
        dcc.Store(id="net-changed", data=0),
        dcc.Store(id="net-selected", data=None),
        dcc.Download(id="net-download"),
        dbc.Tabs([dbc.Tab(school_tab, label="Per school", tab_id="school"),
                  dbc.Tab(area_tab, label="Heel het gebied: analyse", tab_id="area")],
                 id="net-tabs", active_tab="school", className="mb-3"),
    ])


def _editor(municipalities: list[dict]) -> dbc.Card:
    add = dbc.Row([
        dbc.Col([dbc.Label("Organisatie", html_for="net-add-org", className="small mb-0"),
                 dropdown("net-add-org", [], None, searchable=True, placeholder="Kies...")], md=3),
        dbc.Col([dbc.Label("Rol", html_for="net-add-role", className="small mb-0"),
                 dropdown("net-add-role", ROLE_OPTIONS, "kernteam", clearable=False)], md=2),
        dbc.Col([dbc.Label("Contactpersoon", html_for="net-add-contact", className="small mb-0"),
                 dropdown("net-add-contact", [], None, placeholder="(geen)")], md=2),
        dbc.Col(_date_input("net-add-start", clock.today(), "Startdatum"), md=2),
        dbc.Col([dbc.Label("Afspraken", html_for="net-add-agreements", className="small mb-0"),
                 dbc.Textarea(id="net-add-agreements", maxLength=2000, rows=1, size="sm")], md=2),
        dbc.Col(dbc.Button("Toevoegen", id="net-add-save", color="primary", size="sm"), md=1,
                className="d-flex align-items-end"),
    ], className="g-2")
    new_org = dbc.Row([
        dbc.Col([dbc.Label("Naam", html_for="net-org-name", className="small mb-0"),
                 dbc.Input(id="net-org-name", maxLength=200, size="sm")], md=4),
        dbc.Col([dbc.Label("Soort", html_for="net-org-type", className="small mb-0"),
                 dropdown("net-org-type", TYPE_OPTIONS, None, placeholder="Kies...")], md=3),
        dbc.Col([dbc.Label("Gemeente", html_for="net-org-muni", className="small mb-0"),
                 dropdown("net-org-muni", municipalities, None, searchable=True, placeholder="Kies...")], md=3),
        dbc.Col(dbc.Button("Organisatie toevoegen", id="net-org-save", color="secondary", size="sm"), md=2,
                className="d-flex align-items-end"),
    ], className="g-2")
    new_contact = dbc.Row([
        dbc.Col([dbc.Label("Organisatie", html_for="net-contact-org", className="small mb-0"),
                 dropdown("net-contact-org", [], None, searchable=True, placeholder="Kies...")], md=3),
        dbc.Col([dbc.Label("Naam", html_for="net-contact-name", className="small mb-0"),
                 dbc.Input(id="net-contact-name", maxLength=150, size="sm")], md=2),
        dbc.Col([dbc.Label("Functie", html_for="net-contact-role", className="small mb-0"),
                 dbc.Input(id="net-contact-role", maxLength=150, size="sm", placeholder="bijv. wijkagent")], md=2),
        dbc.Col([dbc.Label("Telefoon", html_for="net-contact-phone", className="small mb-0"),
                 dbc.Input(id="net-contact-phone", maxLength=30, size="sm")], md=2),
        dbc.Col([dbc.Label("E-mail", html_for="net-contact-email", className="small mb-0"),
                 dbc.Input(id="net-contact-email", maxLength=200, size="sm")], md=2),
        dbc.Col(dbc.Button("Toevoegen", id="net-contact-save", color="secondary", size="sm"), md=1,
                className="d-flex align-items-end"),
    ], className="g-2")
    return dbc.Card(dbc.CardBody([
        html.H3("Netwerk bijwerken", className="h6"),
        html.Div(id="net-message"),
        html.Div("Samenwerking toevoegen", className="fw-semibold small mt-2"), add,
        html.Div("Nieuwe organisatie", className="fw-semibold small mt-3"), new_org,
        html.Div("Nieuwe contactpersoon", className="fw-semibold small mt-3"), new_contact,
        html.P("Wijzigen of beëindigen: klik op een organisatie in het netwerk.", className="small text-muted mt-2 mb-0"),
    ]), className="shadow-sm mt-3", id="net-editor")


# ---------------------------------------------------------------- per school

def _query(scope_data) -> dict:
    """The URL scope stored in the page (untrusted: anything else than a dict counts as empty)."""
    query = scope_data.get("query") if isinstance(scope_data, dict) else None
    return dict(query) if isinstance(query, dict) else {}


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


@callback(Output("net-school", "options"), Input("net-school", "search_value"),
          State("net-school", "value"), State("net-scope", "data"), prevent_initial_call=True)
def search_schools(search, current, scope_data):
    principal = web_auth.current_principal()
    with session_scope() as session:
        try:
            scope, _ = read_scope(session, _query(scope_data), principal)
        except PermissionDenied:
            return []
        options = network.school_options(session, principal, scope, str(search or ""))
        if current and not any(o["value"] == current for o in options):
            options = network.school_options(session, principal, scope, str(current)) + options
    return options


@callback(Output("net-graph", "elements"), Output("net-school-title", "children"),
          Output("net-completeness-figure", "figure"), Output("net-completeness", "children"),
          Output("net-gaps", "children"), Output("net-detail", "children"), Output("net-selected", "data"),
          Output("net-previous", "children"), Output("net-previous", "href"),
          Input("net-school", "value"), Input("net-show-contacts", "value"), Input("net-changed", "data"),
          State("net-scope", "data"))
def show_school(code, contacts, _changed, scope_data):
    principal = web_auth.current_principal()
    empty = ng.completeness_figure(None, 0, 0)
    intro = "Klik op een organisatie, contactpersoon of ontbrekende partner in het netwerk."
    if not code:
        return [], "Kies een school.", empty, "", "", intro, None, "", "/netwerk"
    with session_scope() as session:
        try:
            scope, _ = read_scope(session, _query(scope_data), principal)
            net = network.school_network(session, principal, str(code), scope.as_of)
        except PermissionDenied as exc:
            return [], _alert(str(exc), id_="net-denied"), empty, "", "", intro, None, "", "/netwerk"
    # the network as it was at the end of the previous quarter (the last steering meeting);
    # the link holds only a validated area key, sector, date and DUO code
    previous = quarter_start(*quarter_of(scope.as_of)) - timedelta(days=1)
    params = {"gebied": scope.area_key, **({"sector": scope.sector} if scope.sector else {}),
              "peildatum": previous.isoformat(), **({"school": net.code} if SCHOOL_CODE.match(net.code) else {})}
    previous_link = (f"Bekijk dit netwerk zoals het was aan het eind van het vorige kwartaal ({format_nl(previous)})",
                     "/netwerk?" + urlencode(params))
    elements = ng.school_elements(net, show_contacts=bool(contacts))
    gaps = ([html.Span(f"ontbreekt: {label(ORGANISATION_TYPES, t).lower()}", className="badge bg-danger me-1")
             for t in net.missing] or html.Span("Alle kernpartners van de regio zijn aanwezig.",
                                                className="text-success"))
    title = f"{net.name} ({net.code}) — {len({p.organisation_id for p in net.partners})} partners op " \
            f"{format_nl(scope.as_of)}"
    # after a save the detail panel keeps its confirmation; a new school or view resets it
    keep = ctx.triggered_id == "net-changed"
    return (elements, title, ng.completeness_figure(net.share, len(net.present), len(net.required)),
            f"Compleet: {pct(net.share)}", gaps, no_update if keep else intro, no_update if keep else None,
            *previous_link)


@callback(Output("net-detail", "children", allow_duplicate=True), Output("net-selected", "data", allow_duplicate=True),
          Input("net-graph", "tapNodeData"), State("net-school", "value"), State("net-scope", "data"),
          prevent_initial_call=True)
def node_detail(node, code, scope_data):
    """The details of a clicked node, looked up again on the server: the browser only names the node."""
    principal = web_auth.current_principal()
    if not isinstance(node, dict) or not code:
        raise PreventUpdate
    with session_scope() as session:
        try:
            scope, _ = read_scope(session, _query(scope_data), principal)
            net = network.school_network(session, principal, str(code), scope.as_of)
        except PermissionDenied as exc:
            return _alert(str(exc)), None
    found = ng.node_details(net, str(node.get("id", ""))[:40])
    if found is None:
        raise PreventUpdate
    parts, items = found
    if net.editable and items:
        with session_scope() as session:
            contacts = partnerships.contact_choices(session, principal, items[0].organisation_id)
        parts.append(_edit_form(items, contacts, scope.as_of))
    selected = {"organisation_id": items[0].organisation_id, "partnerships": [p.partnership_id for p in items]} \
        if items else None
    return html.Div(parts, id="net-detail-body"), selected


def _edit_form(items, contacts: list[dict], as_of: date) -> html.Div:
    first = items[0]
    small = {"className": "small mb-0 mt-1"}
    return html.Div([
        html.Div("Samenwerking wijzigen of beëindigen", className="fw-semibold mt-2"),
        dropdown("net-edit-partnership", [{"label": f"{label(PARTNERSHIP_ROLES, p.role)} sinds {format_nl(p.start_on)}",
                                           "value": p.partnership_id} for p in items],
                 first.partnership_id, clearable=False),
        dbc.Label("Rol", html_for="net-edit-role", **small),
        dropdown("net-edit-role", ROLE_OPTIONS, first.role, clearable=False),
        dbc.Label("Contactpersoon", html_for="net-edit-contact", **small),
        dropdown("net-edit-contact", contacts, first.contact_id, placeholder="(geen)"),
        dbc.Label("Afspraken", html_for="net-edit-agreements", **small),
        dbc.Textarea(id="net-edit-agreements", value=first.agreements, maxLength=2000, rows=2, size="sm"),
        dbc.Button("Wijziging opslaan", id="net-edit-save", size="sm", color="primary", className="mt-1"),
        html.Div([*_date_input("net-end-date", as_of - timedelta(days=1), "Laatste dag van de samenwerking")],
                 className="mt-2"),
        html.Div("Kies de dag vóór de peildatum om de samenwerking vanaf de peildatum uit het netwerk te halen.",
                 className="text-muted", style={"fontSize": "0.8em"}),
        dbc.Button("Samenwerking beëindigen", id="net-end-save", size="sm", color="danger", outline=True,
                   className="mt-1 me-1"),
        dbc.Button("Organisatie beëindigen (alle scholen)", id="net-org-end", size="sm", color="danger",
                   outline=True, className="mt-1"),
        html.Details([
            html.Summary("Organisatie of contactpersoon wijzigen", className="small fw-semibold"),
            dbc.Label("Naam organisatie", html_for="net-edit-org-name", **small),
            dbc.Input(id="net-edit-org-name", value=first.organisation, maxLength=200, size="sm"),
            dbc.Label("Soort", html_for="net-edit-org-type", **small),
            dropdown("net-edit-org-type", TYPE_OPTIONS, first.type, clearable=False),
            dbc.Button("Organisatie opslaan", id="net-edit-org-save", size="sm", color="secondary",
                       className="mt-1"),
            html.Div("Contactpersoon van de gekozen samenwerking:", className="small mt-2"),
            dbc.Label("Naam", html_for="net-edit-c-name", **small),
            dbc.Input(id="net-edit-c-name", value=first.contact, maxLength=150, size="sm"),
            dbc.Label("Functie", html_for="net-edit-c-role", **small),
            dbc.Input(id="net-edit-c-role", value=first.contact_role, maxLength=150, size="sm"),
            dbc.Label("Telefoon", html_for="net-edit-c-phone", **small),
            dbc.Input(id="net-edit-c-phone", value=first.phone, maxLength=30, size="sm"),
            dbc.Label("E-mail", html_for="net-edit-c-email", **small),
            dbc.Input(id="net-edit-c-email", value=first.email, maxLength=200, size="sm"),
            dbc.Button("Contactpersoon opslaan", id="net-edit-c-save", size="sm", color="secondary",
                       className="mt-1 me-1"),
            dbc.Button("Contactpersoon beëindigen (vertrokken)", id="net-contact-end", size="sm", color="danger",
                       outline=True, className="mt-1"),
            html.Div("Laatste dag: de datum bij 'Laatste dag van de samenwerking' hierboven.",
                     className="text-muted", style={"fontSize": "0.8em"}),
        ], className="mt-3"),
    ], id="net-edit-form")


# ---------------------------------------------------------------- editing

@callback(Output("net-add-org", "options"), Output("net-contact-org", "options"),
          Input("net-school", "value"), Input("net-changed", "data"), State("net-scope", "data"))
def organisation_options(code, _changed, scope_data):
    principal = web_auth.current_principal()
    if not code or principal is None:
        return [], []
    with session_scope() as session:
        try:
            school = network.school_by_code(session, principal, str(code))
            options = partnerships.organisation_choices(session, principal, school.id)
        except PermissionDenied:
            return [], []
    return options, options


@callback(Output("net-add-contact", "options"), Output("net-add-contact", "value"), Input("net-add-org", "value"),
          prevent_initial_call=True)
def contact_options(org_id):
    principal = web_auth.current_principal()
    if principal is None or not isinstance(org_id, int):
        return [], None
    with session_scope() as session:
        return partnerships.contact_choices(session, principal, org_id), None


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value, field: str) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        raise FormError({field: str(exc)}) from None


def _saved(write, changed):
    """Run write(session) -> Dutch confirmation in one transaction; a refusal rolls back and is shown."""
    with session_scope() as session:
        try:
            text = write(session)
        except FormError as exc:
            session.rollback()
            return _form_errors(exc), no_update
        except PermissionDenied as exc:
            session.rollback()
            return _alert(str(exc), id_="net-denied"), no_update
    return _alert(text, "success", "net-saved"), (changed or 0) + 1


@callback(Output("net-message", "children"), Output("net-changed", "data"),
          Input("net-add-save", "n_clicks"), Input("net-org-save", "n_clicks"), Input("net-contact-save", "n_clicks"),
          State("net-school", "value"), State("net-add-org", "value"), State("net-add-role", "value"),
          State("net-add-contact", "value"), State("net-add-start", "value"), State("net-add-agreements", "value"),
          State("net-org-name", "value"), State("net-org-type", "value"), State("net-org-muni", "value"),
          State("net-contact-org", "value"), State("net-contact-name", "value"), State("net-contact-role", "value"),
          State("net-contact-phone", "value"), State("net-contact-email", "value"), State("net-changed", "data"),
          prevent_initial_call=True)
def save_new(_a, _b, _c, code, org_id, role, contact_id, start, agreements, org_name, org_type, org_muni,
             c_org, c_name, c_role, c_phone, c_email, changed):
    principal = web_auth.current_principal()
    if principal is None:
        return _alert("U bent niet ingelogd."), no_update
    trigger = ctx.triggered_id

    def write(session) -> str:
        if trigger == "net-add-save":
            school = network.school_by_code(session, principal, str(code or ""))
            p = partnerships.add_partnership(
                session, principal, school_id=school.id, organisation_id=_int(org_id), role=str(role or ""),
                contact_id=_int(contact_id), start_on=_date(start, "startdatum"),
                agreements=str(agreements or "")[:2000])
            return f"Samenwerking toegevoegd ({label(PARTNERSHIP_ROLES, p.role).lower()}, vanaf {format_nl(p.start_on)})."
        if trigger == "net-org-save":
            org = partnerships.add_organisation(session, principal, name=str(org_name or ""),
                                                type=str(org_type or ""), municipality_id=_int(org_muni))
            return f"Organisatie {org.name} toegevoegd; koppel haar nu aan een school."
        if trigger == "net-contact-save":
            c = partnerships.add_contact(session, principal, organisation_id=_int(c_org) or 0,
                                         name=str(c_name or ""), role=str(c_role or ""),
                                         phone=str(c_phone or ""), email=str(c_email or ""))
            return f"Contactpersoon {c.name} toegevoegd."
        raise PreventUpdate

    return _saved(write, changed)


@callback(Output("net-edit-role", "value"), Output("net-edit-agreements", "value"),
          Output("net-edit-contact", "value"), Output("net-edit-c-name", "value"), Output("net-edit-c-role", "value"),
          Output("net-edit-c-phone", "value"), Output("net-edit-c-email", "value"),
          Input("net-edit-partnership", "value"), State("net-school", "value"), State("net-scope", "data"),
          prevent_initial_call=True)
def pick_partnership(pid, code, scope_data):
    principal = web_auth.current_principal()
    with session_scope() as session:
        try:
            scope, _ = read_scope(session, _query(scope_data), principal)
            net = network.school_network(session, principal, str(code or ""), scope.as_of)
        except PermissionDenied:
            raise PreventUpdate from None
    found = next((p for p in net.partners if p.partnership_id == pid), None)
    if found is None:
        raise PreventUpdate
    return found.role, found.agreements, found.contact_id, found.contact, found.contact_role, found.phone, found.email


@callback(Output("net-detail", "children", allow_duplicate=True), Output("net-changed", "data", allow_duplicate=True),
          Input("net-edit-save", "n_clicks"), Input("net-end-save", "n_clicks"), Input("net-org-end", "n_clicks"),
          Input("net-edit-org-save", "n_clicks"), Input("net-edit-c-save", "n_clicks"),
          Input("net-contact-end", "n_clicks"), State("net-edit-partnership", "value"), State("net-edit-role", "value"), State("net-edit-contact", "value"),
          State("net-edit-agreements", "value"), State("net-end-date", "value"), State("net-selected", "data"),
          State("net-edit-org-name", "value"), State("net-edit-org-type", "value"),
          State("net-edit-c-name", "value"), State("net-edit-c-role", "value"), State("net-edit-c-phone", "value"),
          State("net-edit-c-email", "value"), State("net-changed", "data"), prevent_initial_call=True)
def save_selected(_a, _b, _c, _d, _e, _f, pid, role, contact_id, agreements, end, selected, org_name, org_type,
                  c_name, c_role, c_phone, c_email, changed):
    """Change or end the selected partnership, its organisation or its contact; ids are checked on the server."""
    principal = web_auth.current_principal()
    if principal is None:
        return _alert("U bent niet ingelogd."), no_update
    trigger = ctx.triggered_id
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        raise PreventUpdate

    def write(session) -> str:
        if trigger == "net-edit-save":
            partnerships.change_partnership(session, principal, _int(pid) or 0, role=str(role or ""),
                                            contact_id=_int(contact_id), agreements=str(agreements or "")[:2000])
            return "Wijziging opgeslagen."
        if trigger == "net-edit-org-save":
            org = partnerships.change_organisation(session, principal,
                                                   _int(_dict(selected).get("organisation_id")) or 0,
                                                   name=str(org_name or ""), type=str(org_type or ""))
            return f"Organisatie {org.name} opgeslagen."
        if trigger == "net-edit-c-save":
            contact = partnerships.partnership_contact(session, principal, _int(pid) or 0)
            partnerships.change_contact(session, principal, contact.id, name=str(c_name or ""),
                                        role=str(c_role or ""), phone=str(c_phone or ""),
                                        email=str(c_email or ""))
            return "Contactpersoon opgeslagen."
        if trigger == "net-contact-end":
            on = _date(end, "einddatum")
            contact = partnerships.partnership_contact(session, principal, _int(pid) or 0)
            partnerships.end_contact(session, principal, contact.id, on)
            return f"Contactpersoon beëindigd; laatste dag {format_nl(on)}."
        if trigger == "net-end-save":
            on = _date(end, "einddatum")
            partnerships.end_partnership(session, principal, _int(pid) or 0, on)
            return f"Samenwerking beëindigd; laatste dag {format_nl(on)}."
        if trigger == "net-org-end":
            on = _date(end, "einddatum")
            org_id = _int(_dict(selected).get("organisation_id")) or 0
            ended = partnerships.end_organisation(session, principal, org_id, on)
            return f"Organisatie beëindigd: {len(ended)} samenwerking(en) beëindigd, laatste dag {format_nl(on)}."
        raise PreventUpdate

    return _saved(write, changed)


@callback(Output("net-graph", "generateImage"), Input("net-png", "n_clicks"), State("net-school", "value"),
          prevent_initial_call=True)
def download_png(_n, code):
    name = "netwerk-" + "".join(ch for ch in str(code or "school") if ch.isalnum())[:6]
    return {"type": "png", "action": "download", "filename": name, "options": {"full": True, "scale": 2,
                                                                              "bg": "#ffffff"}}


# ---------------------------------------------------------------- the whole area

def _grid(grid_id: str, rows: list[dict], columns: list[dict], height: str = "320px") -> html.Div:
    """A table of the first ROWS_SHOWN rows (the list is ranked), saying so when there are more."""
    grid = dag.AgGrid(id=grid_id, rowData=rows[:ROWS_SHOWN], columnDefs=columns, defaultColDef=DEFAULT_COLUMN,
                      dashGridOptions=grid_options(pagination=len(rows) > 10, paginationPageSize=10),
                      style={"height": height})
    if len(rows) <= ROWS_SHOWN:
        return grid
    return html.Div([grid, html.Div(f"De eerste {ROWS_SHOWN} van {len(rows)} getoond; kies een kleiner gebied of een "
                                    "gemeente voor de rest.", className="small text-muted", id=f"{grid_id}-more")])


@callback(Output("net-area", "children"), Output("net-muni", "options"),
          Input("net-tabs", "active_tab"), Input("net-muni", "value"), Input("net-changed", "data"),
          State("net-scope", "data"))
def show_area(tab, municipality_id, _changed, scope_data):
    if tab != "area":
        raise PreventUpdate
    principal = web_auth.current_principal()
    with session_scope() as session:
        try:
            scope, _ = read_scope(session, _query(scope_data), principal)
        except PermissionDenied as exc:
            return _alert(str(exc), id_="net-denied"), []
        whole = network.scope_network(session, principal, scope)
        options = network.municipality_options(session, whole)
        mid = _int(municipality_id)
        net = network.scope_network(session, principal, scope, municipality_id=mid) \
            if mid is not None and any(o["value"] == mid for o in options) else whole
    return _area_view(net, scope, mid), options


ROWS_SHOWN = 200


def _area_view(net, scope, municipality_id) -> list:
    key = (scope.area_key, scope.sector, scope.as_of, municipality_id)
    analysis = network.cached_analysis(net, key)
    n = len(net.schools)
    no_partners = sum(1 for x in net.networks.values() if x.partners == 0)
    shares = [x.share for x in net.networks.values() if x.share is not None]
    head = html.Div(f"{n} scholen, {len(net.organisations)} partnerorganisaties, {len(net.links)} actieve "
                    f"samenwerkingen; gemiddeld compleet {pct(sum(shares) / len(shares) if shares else None)}; "
                    f"{no_partners} scholen zonder partners.", id="net-area-summary", className="mb-2")
    if analysis.drawn:
        positions = network.scope_positions(net, key)
        graph_part = dbc.Card(dbc.CardBody([
            ng.graph("net-area-graph", ng.scope_elements(net, positions), height="600px"),
            html.Div("Scholen zijn gekleurd naar completeheid (rood: minder dan een derde, oranje, lichtgroen, "
                     "groen: compleet); klik op een knoop voor de naam.", className="small text-muted"),
            ng.legend(sorted({o["type"] for o in net.organisations.values()}), roles=False, gaps=False),
        ]), className="shadow-sm mb-3")
    else:
        graph_part = html.Div([
            dbc.Alert(f"Dit netwerk heeft {n} scholen en {len(net.organisations)} organisaties. Boven "
                      f"{network.MAX_DRAWN_NODES} scholen en organisaties samen tekenen we het netwerk niet als "
                      "geheel: dat wordt onleesbaar en traag. Kies hierboven een gemeente om het netwerk te zien. "
                      "De analyses hieronder gelden wel voor alle scholen.", color="info", id="net-area-too-large"),
            ng.graph("net-area-graph", [], height="10px"),
        ])
    load_cols = [{"field": "organisation", "headerName": "Organisatie", "minWidth": 240},
                 {"field": "type", "headerName": "Soort"},
                 {"field": "schools", "headerName": "Aantal scholen", "type": "numericColumn", "maxWidth": 150}]
    spof_cols = [{"field": "kind", "headerName": "Soort", "maxWidth": 140},
                 {"field": "who", "headerName": "Organisatie of contactpersoon", "minWidth": 240},
                 {"field": "schools", "headerName": "Scholen zonder vervanger", "type": "numericColumn",
                  "maxWidth": 170},
                 {"field": "types", "headerName": "Kernpartnertype(n)"},
                 {"field": "school_names", "headerName": "Scholen", "minWidth": 300}]
    comm_cols = [{"field": "group", "headerName": "Leergroep", "maxWidth": 130},
                 {"field": "size", "headerName": "Scholen", "type": "numericColumn", "maxWidth": 110},
                 {"field": "shared", "headerName": "Gedeelde partners", "minWidth": 240},
                 {"field": "schools", "headerName": "Scholen in de groep", "minWidth": 360}]
    weak_rows = [{**w, "share": pct(w["share"])} for w in analysis.weak]
    weak_cols = [{"field": "school", "headerName": "School", "minWidth": 240},
                 {"field": "municipality", "headerName": "Gemeente"},
                 {"field": "partners", "headerName": "Partners", "type": "numericColumn", "maxWidth": 110},
                 {"field": "share", "headerName": "Compleet", "maxWidth": 120},
                 {"field": "missing", "headerName": "Ontbreekt", "minWidth": 260}]
    return [
        head, graph_part,
        html.H3("Partners met de meeste scholen (belasting)", className="h6 mt-3"),
        _grid("net-load", analysis.load, load_cols),
        html.H3("Kwetsbare schakels: zonder deze organisatie of persoon mist een school een kernpartner",
                className="h6 mt-4"),
        html.P("Per organisatie of contactpersoon: de scholen die voor een verplicht partnertype geen andere "
               "organisatie (of geen ander aanspreekpunt) hebben." +
               ("" if net.personal else " Namen van contactpersonen zijn alleen zichtbaar voor coördinator en "
                                        "beheerder; u ziet hun functie."), className="small text-muted mb-1"),
        _grid("net-spof", analysis.failures, spof_cols),
        html.H3("Leergroepen: scholen die partners delen", className="h6 mt-4"),
        html.P("Groepen berekend met Louvain-communitydetectie op gedeelde partners (partners van meer dan "
               f"{network.COMMUNITY_MAX_LOAD} scholen tellen niet mee). Een voorstel voor leergroepen in de "
               "volgende tranche.", className="small text-muted mb-1"),
        _grid("net-communities", analysis.communities, comm_cols) if analysis.communities_computed else
        dbc.Alert(f"Dit gebied heeft meer dan {network.COMMUNITY_MAX_SCHOOLS} scholen: leergroepen worden dan niet "
                  "berekend (dat duurt te lang). Kies een regio, provincie of gemeente.", color="info",
                  id="net-communities-skipped"),
        html.H3(f"Scholen zonder of met een zeer onvolledig netwerk (minder dan {pct(network.WEAK_THRESHOLD)})",
                className="h6 mt-4"),
        _grid("net-weak", weak_rows, weak_cols),
        _heatmap(net),
    ]


def _heatmap(net) -> html.Div:
    heat = network.heatmap(net, HEATMAP_MAX_SCHOOLS)
    fig = ng.heatmap_figure(heat["rows"], heat["types"], heat["matrix"], aggregated=heat["aggregated"])
    note = (f"Meer dan {HEATMAP_MAX_SCHOOLS} scholen: samengevat per gemeente (aandeel scholen met de partner)."
            if heat["aggregated"] else "")
    return html.Div([html.H3("Completeheid: scholen x kernpartnertypen", className="h6 mt-4"),
                     html.P(note, className="small text-muted mb-1", id="net-heatmap-note"),
                     dcc.Graph(id="net-heatmap", figure=fig, config=GRAPH_CONFIG)])


@callback(Output("net-area-graph", "generateImage"), Input("net-area-png", "n_clicks"), prevent_initial_call=True)
def download_area_png(_n):
    return {"type": "png", "action": "download", "filename": "netwerk-gebied", "options": {"full": True, "scale": 2,
                                                                                          "bg": "#ffffff"}}


@callback(Output("net-download", "data"), Input("net-export-csv", "n_clicks"), Input("net-export-xlsx", "n_clicks"),
          State("net-scope", "data"), prevent_initial_call=True)
def export(_csv, _xlsx, scope_data):
    principal = web_auth.current_principal()
    if principal is None or not ctx.triggered_id:
        raise PreventUpdate
    fmt = "csv" if ctx.triggered_id == "net-export-csv" else "xlsx"
    with session_scope() as session:
        try:
            scope, _ = read_scope(session, _query(scope_data), principal)
        except PermissionDenied:
            raise PreventUpdate from None
        name, data = network.export_partnerships(session, principal, scope, fmt)
    return dcc.send_bytes(data, f"{scope.as_of.isoformat()}-{name}")

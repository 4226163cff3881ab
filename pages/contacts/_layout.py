"""The Contactlijst layout: choose a municipality (or one school); the list grouped per school."""
from __future__ import annotations

from itertools import groupby
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.inputs import dropdown
from pages.contacts import _ids as ids
from services import network
from services.contacts_list import ContactRow, contact_list
from services.permissions import ensure_can_view_contact_list
from web.request_context import Request

TITLE = "Contactlijst"
COLUMNS = ("Organisatie", "Type", "Rol", "Contactpersoon", "Functie", "Telefoon", "E-mail")


def rows_for(request: Request, municipality: object, school: object) -> list[ContactRow]:
    """The list for the choice (validated: an id, a code; the service filters to what the user may read)."""
    code = school.strip().upper()[:6] if isinstance(school, str) and school.strip() else None
    municipality_id = municipality if isinstance(municipality, int) and code is None else None
    return contact_list(request.session, request.principal, request.scope, municipality_id=municipality_id,
                        school_code=code)


def contact_tables(rows: list[ContactRow]) -> list[Any]:
    if not rows:
        return [html.P("Geen contactpersonen bij de lopende samenwerkingen.", className="text-muted",
                       id=ids.COUNT)]
    parts: list[Any] = [html.P(f"{len(rows)} contactpersonen bij {len({r.school_code for r in rows})} scholen.",
                               id=ids.COUNT, className="small text-muted")]
    for (code, school, municipality), group in groupby(rows, key=lambda r: (r.school_code, r.school, r.municipality)):
        items = list(group)
        parts.append(html.Div([
            html.H3(f"{school} ({code}), {municipality}", className="h6 mt-3 mb-1"),
            dbc.Table([html.Thead(html.Tr([html.Th(c) for c in COLUMNS])),
                       html.Tbody([html.Tr([*(html.Td(v) for v in (r.organisation, r.organisation_type,
                                                                    r.partnership_role, r.name, r.function)),
                                            html.Td(r.phone, className="text-nowrap"), html.Td(r.email)])
                                   for r in items])],
                      size="sm", bordered=True, striped=True, className="mb-2 small"),
        ], id={"type": ids.SCHOOL_BLOCK, "code": code}, className="cl-school"))
    return parts


def build(request: Request) -> html.Div:
    ensure_can_view_contact_list(request.principal)
    scope = request.scope
    municipalities = network.municipality_options(request.session, request.principal, scope)
    schools = network.school_options(request.session, request.principal, scope, limit=500)
    first = municipalities[0]["value"] if municipalities else None
    return html.Div([
        request.heading(TITLE),
        html.P("De contactpersonen van de lopende samenwerkingen (namen en rugnummers): persoonsgegevens, "
               "alleen voor intern gebruik. Afdrukken: Ctrl+P (zonder menu's en knoppen).",
               className="small text-muted"),
        dbc.Row([
            dbc.Col([dbc.Label("Gemeente", html_for=ids.MUNICIPALITY),
                     dropdown(ids.MUNICIPALITY, municipalities, first, clearable=False)], md=4),
            dbc.Col([dbc.Label("Of één school", html_for=ids.SCHOOL),
                     dropdown(ids.SCHOOL, schools, None, placeholder="alle scholen van de gemeente")], md=5),
            dbc.Col(dbc.Button("Exporteer (CSV)", id=ids.EXPORT, color="secondary", outline=True, size="sm"),
                    md="auto", className="d-flex align-items-end"),
        ], className="g-2 mb-2 d-print-none"),
        dcc.Download(id=ids.DOWNLOAD),
        html.Div(contact_tables(rows_for(request, first, None)) if first is not None else
                 [html.P("Geen scholen in dit gebied.", className="text-muted")], id=ids.LIST),
    ])

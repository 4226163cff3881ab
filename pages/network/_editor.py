"""The Netwerk page's editor: add partnerships, organisations and contacts; the form of a clicked organisation."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.inputs import dropdown
from domain import clock
from domain.dates import format_nl
from domain.vocab import ORGANISATION_TYPES, PARTNERSHIP_ROLES, label
from services.network import Partner

from . import _ids as ids
from ._common import date_input

ROLE_OPTIONS = [{"label": v, "value": k} for k, v in PARTNERSHIP_ROLES.items()]
TYPE_OPTIONS = [{"label": v, "value": k} for k, v in ORGANISATION_TYPES.items()]
SMALL = {"className": "small mb-0"}
# The versions the edit form was built from (services.partnerships.form_versions): sent with every save.
EDIT_VERSIONS = "net-edit-versions"


def _field(label_text: str, component_id: str, control: Any, md: int) -> dbc.Col:
    return dbc.Col([dbc.Label(label_text, html_for=component_id, **SMALL), control], md=md)


def _button_col(text: str, component_id: str, colour: str, md: int) -> dbc.Col:
    return dbc.Col(dbc.Button(text, id=component_id, color=colour, size="sm"), md=md,
                   className="d-flex align-items-end")


def editor(municipalities: list[dict[str, Any]]) -> dbc.Card:
    """Add a partnership (starting today by default), an organisation or a contact person."""
    add = dbc.Row([
        _field("Organisatie", ids.ADD_ORG, dropdown(ids.ADD_ORG, [], None, searchable=True, placeholder="Kies..."), 3),
        _field("Rol", ids.ADD_ROLE, dropdown(ids.ADD_ROLE, ROLE_OPTIONS, "kernteam", clearable=False), 2),
        _field("Contactpersoon", ids.ADD_CONTACT, dropdown(ids.ADD_CONTACT, [], None, placeholder="(geen)"), 2),
        dbc.Col(date_input(ids.ADD_START, clock.today(), "Startdatum"), md=2),
        _field("Afspraken", ids.ADD_AGREEMENTS,
               dbc.Textarea(id=ids.ADD_AGREEMENTS, maxLength=2000, rows=1, size="sm"), 2),
        _button_col("Toevoegen", ids.ADD_SAVE, "primary", 1),
    ], className="g-2")
    new_org = dbc.Row([
        _field("Naam", ids.ORG_NAME, dbc.Input(id=ids.ORG_NAME, maxLength=200, size="sm"), 4),
        _field("Soort", ids.ORG_TYPE, dropdown(ids.ORG_TYPE, TYPE_OPTIONS, None, placeholder="Kies..."), 3),
        _field("Gemeente", ids.ORG_MUNI,
               dropdown(ids.ORG_MUNI, municipalities, None, searchable=True, placeholder="Kies..."), 3),
        _button_col("Organisatie toevoegen", ids.ORG_SAVE, "secondary", 2),
    ], className="g-2")
    new_contact = dbc.Row([
        _field("Organisatie", ids.CONTACT_ORG,
               dropdown(ids.CONTACT_ORG, [], None, searchable=True, placeholder="Kies..."), 3),
        _field("Naam", ids.CONTACT_NAME, dbc.Input(id=ids.CONTACT_NAME, maxLength=150, size="sm"), 2),
        _field("Functie", ids.CONTACT_ROLE,
               dbc.Input(id=ids.CONTACT_ROLE, maxLength=150, size="sm", placeholder="bijv. wijkagent"), 2),
        _field("Telefoon", ids.CONTACT_PHONE, dbc.Input(id=ids.CONTACT_PHONE, maxLength=30, size="sm"), 2),
        _field("E-mail", ids.CONTACT_EMAIL, dbc.Input(id=ids.CONTACT_EMAIL, maxLength=200, size="sm"), 2),
        _button_col("Toevoegen", ids.CONTACT_SAVE, "secondary", 1),
    ], className="g-2")
    return dbc.Card(dbc.CardBody([
        html.H3("Netwerk bijwerken", className="h6"),
        html.Div(id=ids.MESSAGE),
        html.Div("Samenwerking toevoegen", className="fw-semibold small mt-2"), add,
        html.Div("Nieuwe organisatie", className="fw-semibold small mt-3"), new_org,
        html.Div("Nieuwe contactpersoon", className="fw-semibold small mt-3"), new_contact,
        html.P("Wijzigen of beëindigen: klik op een organisatie in het netwerk.",
               className="small text-muted mt-2 mb-0"),
    ]), className="shadow-sm mt-3", id=ids.EDITOR)


def edit_form(items: list[Partner], contacts: list[dict[str, Any]],
              versions: dict[str, int | None] | None = None) -> html.Div:
    """Change or end the clicked organisation's partnerships, the organisation or the contact person.

    `versions` are those of the first partnership, its organisation and contact (the form's values):
    a save with versions that are no longer the database's is refused (optimistic concurrency).
    The last day defaults to yesterday (by the clock): from today the partnership is out of the network."""
    first = items[0]
    small = {"className": "small mb-0 mt-1"}
    note: dict[str, Any] = {"className": "text-muted", "style": {"fontSize": "0.8em"}}
    return html.Div([
        dcc.Store(id=EDIT_VERSIONS, data=versions),
        html.Div("Samenwerking wijzigen of beëindigen", className="fw-semibold mt-2"),
        dropdown(ids.EDIT_PARTNERSHIP, [{"label": f"{label(PARTNERSHIP_ROLES, p.role)} sinds {format_nl(p.start_on)}",
                                         "value": p.partnership_id} for p in items],
                 first.partnership_id, clearable=False),
        dbc.Label("Rol", html_for=ids.EDIT_ROLE, **small),
        dropdown(ids.EDIT_ROLE, ROLE_OPTIONS, first.role, clearable=False),
        dbc.Label("Contactpersoon", html_for=ids.EDIT_CONTACT, **small),
        dropdown(ids.EDIT_CONTACT, contacts, first.contact_id, placeholder="(geen)"),
        dbc.Label("Afspraken", html_for=ids.EDIT_AGREEMENTS, **small),
        dbc.Textarea(id=ids.EDIT_AGREEMENTS, value=first.agreements, maxLength=2000, rows=2, size="sm"),
        dbc.Button("Wijziging opslaan", id=ids.EDIT_SAVE, size="sm", color="primary", className="mt-1"),
        html.Div(date_input(ids.END_DATE, clock.today() - timedelta(days=1), "Laatste dag van de samenwerking"),
                 className="mt-2"),
        html.Div("Standaard gisteren: vanaf vandaag is de samenwerking uit het netwerk. Kies de dag vóór de "
                 "peildatum om haar vanaf de peildatum uit het netwerk te halen.", **note),
        dbc.Button("Samenwerking beëindigen", id=ids.END_SAVE, size="sm", color="danger", outline=True,
                   className="mt-1 me-1"),
        dbc.Button("Organisatie beëindigen (alle scholen)", id=ids.ORG_END, size="sm", color="danger",
                   outline=True, className="mt-1"),
        html.Details([
            html.Summary("Organisatie of contactpersoon wijzigen", className="small fw-semibold"),
            dbc.Label("Naam organisatie", html_for=ids.EDIT_ORG_NAME, **small),
            dbc.Input(id=ids.EDIT_ORG_NAME, value=first.organisation, maxLength=200, size="sm"),
            dbc.Label("Soort", html_for=ids.EDIT_ORG_TYPE, **small),
            dropdown(ids.EDIT_ORG_TYPE, TYPE_OPTIONS, first.type, clearable=False),
            dbc.Button("Organisatie opslaan", id=ids.EDIT_ORG_SAVE, size="sm", color="secondary", className="mt-1"),
            html.Div("Contactpersoon van de gekozen samenwerking:", className="small mt-2"),
            dbc.Label("Naam", html_for=ids.EDIT_CONTACT_NAME, **small),
            dbc.Input(id=ids.EDIT_CONTACT_NAME, value=first.contact, maxLength=150, size="sm"),
            dbc.Label("Functie", html_for=ids.EDIT_CONTACT_ROLE, **small),
            dbc.Input(id=ids.EDIT_CONTACT_ROLE, value=first.contact_role, maxLength=150, size="sm"),
            dbc.Label("Telefoon", html_for=ids.EDIT_CONTACT_PHONE, **small),
            dbc.Input(id=ids.EDIT_CONTACT_PHONE, value=first.phone, maxLength=30, size="sm"),
            dbc.Label("E-mail", html_for=ids.EDIT_CONTACT_EMAIL, **small),
            dbc.Input(id=ids.EDIT_CONTACT_EMAIL, value=first.email, maxLength=200, size="sm"),
            dbc.Button("Contactpersoon opslaan", id=ids.EDIT_CONTACT_SAVE, size="sm", color="secondary",
                       className="mt-1 me-1"),
            dbc.Button("Contactpersoon beëindigen (vertrokken)", id=ids.CONTACT_END, size="sm", color="danger",
                       outline=True, className="mt-1"),
            html.Div("Laatste dag: de datum bij 'Laatste dag van de samenwerking' hierboven.", **note),
        ], className="mt-3"),
    ], id=ids.EDIT_FORM)

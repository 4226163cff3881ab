"""Adding to the network, one callback per button: a partnership, an organisation, a contact person.

Each answers in the editor's message area and raises the change counter, so the views reload."""
from __future__ import annotations

from typing import Any

from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from domain.dates import format_nl
from domain.vocab import PARTNERSHIP_ROLES, label
from services import partnerships
from web.request_context import Request, page_callback

from . import _ids as ids
from ._common import Saved, as_int, as_text, form_date, refused_write, save, school

_MESSAGE = (Output(ids.MESSAGE, "children", allow_duplicate=True), Output(ids.CHANGED, "data", allow_duplicate=True))


@page_callback(Output(ids.ADD_ORG, "options"), Output(ids.CONTACT_ORG, "options"),
               Input(ids.SCHOOL, "value"), Input(ids.CHANGED, "data"), on_refusal=lambda _message: ([], []))
def organisation_options(request: Request, code: object, _changed: object) -> tuple[list[Any], list[Any]]:
    """The organisations that may be linked to the chosen school (also offered for a new contact)."""
    if not code:
        return [], []
    found = school(request, code)
    assert found.id is not None
    options = partnerships.organisation_choices(request.session, request.principal, found.id)
    return options, options


@page_callback(Output(ids.ADD_CONTACT, "options"), Output(ids.ADD_CONTACT, "value"), Input(ids.ADD_ORG, "value"),
               State(ids.SCHOOL, "value"), on_refusal=lambda _message: ([], None), prevent_initial_call=True)
def contact_options(request: Request, org_id: object, code: object) -> tuple[list[Any], None]:
    """The contact persons the save accepts for this school and organisation (one rule for both)."""
    organisation_id = as_int(org_id)
    if organisation_id is None or not code:
        return [], None
    found = school(request, code)
    return partnerships.contact_choices(request.session, request.principal, organisation_id, found.id), None


@page_callback(*_MESSAGE, Input(ids.ADD_SAVE, "n_clicks"), State(ids.SCHOOL, "value"), State(ids.ADD_ORG, "value"),
               State(ids.ADD_ROLE, "value"), State(ids.ADD_CONTACT, "value"), State(ids.ADD_START, "value"),
               State(ids.ADD_AGREEMENTS, "value"), State(ids.CHANGED, "data"),
               on_refusal=refused_write, prevent_initial_call=True)
def add_partnership(request: Request, clicks: object, code: object, org_id: object, role: object,
                    contact_id: object, start: object, agreements: object, changed: object) -> tuple[Any, Any]:
    if not clicks:
        raise PreventUpdate

    def write() -> Saved:
        found = school(request, code)
        assert found.id is not None
        p = partnerships.add_partnership(
            request.session, request.principal, school_id=found.id, organisation_id=as_int(org_id),
            role=as_text(role), contact_id=as_int(contact_id), start_on=form_date(start, "startdatum"),
            agreements=as_text(agreements, 2000))
        return Saved(f"Samenwerking toegevoegd ({label(PARTNERSHIP_ROLES, p.role).lower()}, "
                     f"vanaf {format_nl(p.start_on)}).", shows_from=p.start_on)

    return save(request, write, changed, code)


@page_callback(*_MESSAGE, Input(ids.ORG_SAVE, "n_clicks"), State(ids.ORG_NAME, "value"), State(ids.ORG_TYPE, "value"),
               State(ids.ORG_MUNI, "value"), State(ids.CHANGED, "data"),
               on_refusal=refused_write, prevent_initial_call=True)
def add_organisation(request: Request, clicks: object, name: object, org_type: object, municipality: object,
                     changed: object) -> tuple[Any, Any]:
    if not clicks:
        raise PreventUpdate

    def write() -> Saved:
        org = partnerships.add_organisation(request.session, request.principal, name=as_text(name),
                                            type=as_text(org_type), municipality_id=as_int(municipality))
        return Saved(f"Organisatie {org.name} toegevoegd; koppel haar nu aan een school.")

    return save(request, write, changed)


@page_callback(*_MESSAGE, Input(ids.CONTACT_SAVE, "n_clicks"), State(ids.CONTACT_ORG, "value"),
               State(ids.CONTACT_NAME, "value"), State(ids.CONTACT_ROLE, "value"), State(ids.CONTACT_PHONE, "value"),
               State(ids.CONTACT_EMAIL, "value"), State(ids.CHANGED, "data"),
               on_refusal=refused_write, prevent_initial_call=True)
def add_contact(request: Request, clicks: object, org_id: object, name: object, role: object, phone: object,
                email: object, changed: object) -> tuple[Any, Any]:
    if not clicks:
        raise PreventUpdate

    def write() -> Saved:
        contact = partnerships.add_contact(request.session, request.principal, organisation_id=as_int(org_id) or 0,
                                           name=as_text(name), role=as_text(role), phone=as_text(phone),
                                           email=as_text(email))
        return Saved(f"Contactpersoon {contact.name} toegevoegd.")

    return save(request, write, changed)

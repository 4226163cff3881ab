"""Changing the clicked organisation's network, one callback per button: change or end a partnership, end or
save the organisation, save or end the contact person. Ids from the browser are checked again on the server."""
from __future__ import annotations

from typing import Any

from dash import Input, Output, State
from dash.exceptions import PreventUpdate

from domain.dates import format_nl
from services import network, partnerships, transactions
from web.request_context import Request, page_callback

from . import _ids as ids
from ._common import Saved, as_int, as_text, day_after, form_date, form_version, refused_write, save, school
from ._editor import EDIT_VERSIONS

_DETAIL = (Output(ids.DETAIL, "children", allow_duplicate=True), Output(ids.CHANGED, "data", allow_duplicate=True))
_WRITE: dict[str, Any] = {"on_refusal": refused_write, "prevent_initial_call": True}
VERSIONS = State(EDIT_VERSIONS, "data")


def _organisation_id(selected: object) -> int:
    return (as_int(selected.get("organisation_id")) if isinstance(selected, dict) else None) or 0


def _contact(request: Request, partnership_id: object, versions: object) -> tuple[int, int]:
    """(id, form version) of the contact person of a partnership the user may edit (FormError when it has
    none); StaleVersion when the partnership names another contact than the form was built with."""
    pid = as_int(partnership_id) or 0
    contact = partnerships.partnership_contact(request.session, request.principal, pid)
    assert contact.id is not None
    if isinstance(versions, dict) and versions.get("contact_id") not in (None, contact.id):
        raise transactions.StaleVersion(transactions.stale_message(request.session, "samenwerking", pid,
                                                                   "deze samenwerking"))
    return contact.id, form_version(versions, "contact", contact.id)


@page_callback(Output(ids.EDIT_ROLE, "value"), Output(ids.EDIT_AGREEMENTS, "value"),
               Output(ids.EDIT_CONTACT, "value"), Output(ids.EDIT_CONTACT_NAME, "value"),
               Output(ids.EDIT_CONTACT_ROLE, "value"), Output(ids.EDIT_CONTACT_PHONE, "value"),
               Output(ids.EDIT_CONTACT_EMAIL, "value"), Output(EDIT_VERSIONS, "data"),
               Input(ids.EDIT_PARTNERSHIP, "value"), State(ids.SCHOOL, "value"), prevent_initial_call=True)
def pick_partnership(request: Request, pid: object, code: object) -> tuple[Any, ...]:
    """Fill the form with the chosen partnership (and the versions it is built from): only that
    partnership is read, not the whole network. The versions are read first: a save in between
    makes the form's save stale, never lets it overwrite."""
    partnership_id = as_int(pid)
    if partnership_id is None:
        raise PreventUpdate
    versions = partnerships.form_versions(request.session, request.principal, partnership_id)
    found = network.active_partner(request.session, request.principal, school(request, code), partnership_id,
                                   request.scope.as_of)
    if found is None:
        raise PreventUpdate
    return (found.role, found.agreements, found.contact_id, found.contact, found.contact_role, found.phone,
            found.email, versions)


@page_callback(*_DETAIL, Input(ids.EDIT_SAVE, "n_clicks"), State(ids.EDIT_PARTNERSHIP, "value"),
               State(ids.EDIT_ROLE, "value"), State(ids.EDIT_CONTACT, "value"), State(ids.EDIT_AGREEMENTS, "value"),
               State(ids.CHANGED, "data"), VERSIONS, **_WRITE)
def save_partnership_change(request: Request, clicks: object, pid: object, role: object, contact_id: object,
                            agreements: object, changed: object, versions: object) -> tuple[Any, Any]:
    if not clicks:
        raise PreventUpdate

    def write() -> Saved:
        partnership_id = as_int(pid) or 0
        partnerships.change_partnership(request.session, request.principal, partnership_id, role=as_text(role),
                                        contact_id=as_int(contact_id), agreements=as_text(agreements, 2000),
                                        version=form_version(versions, "partnership", partnership_id))
        return Saved("Wijziging opgeslagen.")

    return save(request, write, changed)


@page_callback(*_DETAIL, Input(ids.END_SAVE, "n_clicks"), State(ids.EDIT_PARTNERSHIP, "value"),
               State(ids.END_DATE, "value"), State(ids.SCHOOL, "value"), State(ids.CHANGED, "data"), VERSIONS,
               **_WRITE)
def end_partnership(request: Request, clicks: object, pid: object, end: object, code: object,
                    changed: object, versions: object) -> tuple[Any, Any]:
    if not clicks:
        raise PreventUpdate

    def write() -> Saved:
        partnership_id = as_int(pid) or 0
        p = partnerships.end_partnership(request.session, request.principal, partnership_id,
                                         form_date(end, "einddatum"),
                                         version=form_version(versions, "partnership", partnership_id))
        assert p.end_on is not None
        return Saved(f"Samenwerking beëindigd; laatste dag {format_nl(p.end_on)}.", shows_from=day_after(p.end_on))

    return save(request, write, changed, code)


@page_callback(*_DETAIL, Input(ids.ORG_END, "n_clicks"), State(ids.SELECTED, "data"), State(ids.END_DATE, "value"),
               State(ids.SCHOOL, "value"), State(ids.CHANGED, "data"), VERSIONS, **_WRITE)
def end_organisation(request: Request, clicks: object, selected: object, end: object, code: object,
                     changed: object, versions: object) -> tuple[Any, Any]:
    if not clicks:
        raise PreventUpdate

    def write() -> Saved:
        on = form_date(end, "einddatum")
        org_id = _organisation_id(selected)
        ended = partnerships.end_organisation(request.session, request.principal, org_id, on,
                                              version=form_version(versions, "organisation", org_id))
        assert on is not None   # end_organisation refuses an empty date
        return Saved(f"Organisatie beëindigd: {len(ended)} samenwerking(en) beëindigd, laatste dag {format_nl(on)}.",
                     shows_from=day_after(on))

    return save(request, write, changed, code)


@page_callback(*_DETAIL, Input(ids.EDIT_ORG_SAVE, "n_clicks"), State(ids.SELECTED, "data"),
               State(ids.EDIT_ORG_NAME, "value"), State(ids.EDIT_ORG_TYPE, "value"), State(ids.CHANGED, "data"),
               VERSIONS, **_WRITE)
def save_organisation(request: Request, clicks: object, selected: object, name: object, org_type: object,
                      changed: object, versions: object) -> tuple[Any, Any]:
    if not clicks:
        raise PreventUpdate

    def write() -> Saved:
        org_id = _organisation_id(selected)
        org = partnerships.change_organisation(request.session, request.principal, org_id,
                                               name=as_text(name), type=as_text(org_type),
                                               version=form_version(versions, "organisation", org_id))
        return Saved(f"Organisatie {org.name} opgeslagen.")

    return save(request, write, changed)


@page_callback(*_DETAIL, Input(ids.EDIT_CONTACT_SAVE, "n_clicks"), State(ids.EDIT_PARTNERSHIP, "value"),
               State(ids.EDIT_CONTACT_NAME, "value"), State(ids.EDIT_CONTACT_ROLE, "value"),
               State(ids.EDIT_CONTACT_PHONE, "value"), State(ids.EDIT_CONTACT_EMAIL, "value"),
               State(ids.CHANGED, "data"), VERSIONS, **_WRITE)
def save_contact(request: Request, clicks: object, pid: object, name: object, role: object, phone: object,
                 email: object, changed: object, versions: object) -> tuple[Any, Any]:
    if not clicks:
        raise PreventUpdate

    def write() -> Saved:
        contact_id, version = _contact(request, pid, versions)
        partnerships.change_contact(request.session, request.principal, contact_id, name=as_text(name),
                                    role=as_text(role), phone=as_text(phone), email=as_text(email), version=version)
        return Saved("Contactpersoon opgeslagen.")

    return save(request, write, changed)


@page_callback(*_DETAIL, Input(ids.CONTACT_END, "n_clicks"), State(ids.EDIT_PARTNERSHIP, "value"),
               State(ids.END_DATE, "value"), State(ids.SCHOOL, "value"), State(ids.CHANGED, "data"), VERSIONS,
               **_WRITE)
def end_contact(request: Request, clicks: object, pid: object, end: object, code: object,
                changed: object, versions: object) -> tuple[Any, Any]:
    if not clicks:
        raise PreventUpdate

    def write() -> Saved:
        on = form_date(end, "einddatum")
        contact_id, version = _contact(request, pid, versions)
        partnerships.end_contact(request.session, request.principal, contact_id, on, version=version)
        assert on is not None   # end_contact refuses an empty date
        return Saved(f"Contactpersoon beëindigd; laatste dag {format_nl(on)}.", shows_from=day_after(on))

    return save(request, write, changed, code)

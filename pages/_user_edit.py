"""Beheer: the edit form of a user (name, role, areas), for the user chosen in the account card.

The form carries the profile version it was built from; services.user_admin.save_user refuses a save
from an older form (another beheerder, or the command line, changed the user since) and says who
changed what. Every callback checks the role on the server again.
"""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from components.inputs import dropdown
from services import user_admin
from services.permissions import require_user_admin
from services.transactions import StaleVersion
from web.request_context import Request, page_callback


def edit_fields(role_options: list[dict[str, str]]) -> html.Div:
    """Hidden until a user is chosen (the fill callback shows it)."""
    return html.Div([
        dcc.Store(id="admin-edit-version"),
        dbc.Label("Naam", html_for="admin-edit-name"),
        dbc.Input(id="admin-edit-name", maxLength=150, className="mb-2"),
        dbc.Label("Rol", html_for="admin-edit-role"),
        dropdown("admin-edit-role", role_options, None, clearable=False),
        dbc.Label("Gebieden (niet nodig voor een beheerder)", html_for="admin-edit-scopes", className="mt-2"),
        dropdown("admin-edit-scopes", [], [], multi=True, placeholder="Kies een of meer gebieden"),
        dbc.Button("Wijzigingen opslaan", id="admin-edit-save", color="primary", className="mt-2"),
        html.Div(id="admin-edit-result", className="mt-2"),
    ], id="admin-edit", hidden=True, className="mt-2 mb-2")


@page_callback(Output("admin-edit", "hidden"), Output("admin-edit-name", "value"), Output("admin-edit-role", "value"),
               Output("admin-edit-scopes", "options"), Output("admin-edit-scopes", "value"),
               Output("admin-edit-version", "data"),
               Input("admin-account", "value"), Input("admin-changed", "data"),
               on_refusal=lambda _message: (True, no_update, no_update, [], [], None))
def fill_form(request: Request, username: object, _changed: object) -> tuple[object, ...]:
    """The chosen user as stored now (also after any save on this page)."""
    require_user_admin(request.principal)
    if not isinstance(username, str) or not username:
        return True, "", None, [], [], None
    form = user_admin.user_form(request.session, username)
    options = user_admin.scope_options(request.session, keep=form.scope_keys)
    return False, form.display_name, form.role, options, list(form.scope_keys), form.version


@page_callback(Output("admin-edit-result", "children"), Output("admin-changed", "data", allow_duplicate=True),
               Input("admin-edit-save", "n_clicks"), State("admin-account", "value"),
               State("admin-edit-name", "value"), State("admin-edit-role", "value"),
               State("admin-edit-scopes", "value"), State("admin-edit-version", "data"),
               State("admin-changed", "data"),
               on_refusal=lambda message: (dbc.Alert(message, color="danger"), no_update), prevent_initial_call=True)
def save_form(request: Request, _n: object, username: object, name: object, role: object, scopes: object,
              version: object, changed: int | None) -> tuple[object, object]:
    require_user_admin(request.principal)
    if not isinstance(username, str) or not username:
        return dbc.Alert("Kies eerst een gebruiker.", color="warning"), no_update
    keys = [k for k in scopes if isinstance(k, str)] if isinstance(scopes, list) else []
    seen = version if isinstance(version, int) and not isinstance(version, bool) else -1
    try:
        saved = user_admin.save_user(request.session, actor=request.principal.username, username=username,
                                     display_name=str(name or ""), role=str(role or ""), scope_keys=keys,
                                     version=seen)
    except StaleVersion as exc:  # nothing saved; the form shows what is stored now
        request.session.rollback()
        return dbc.Alert(str(exc), color="warning", id="admin-edit-stale"), (changed or 0) + 1
    except ValueError as exc:
        request.session.rollback()
        return dbc.Alert(str(exc), color="danger", id="admin-edit-error"), no_update
    text = f"Gebruiker '{username}' opgeslagen." if saved else "Niets gewijzigd."
    return dbc.Alert(text, color="success", id="admin-edit-saved"), (changed or 0) + 1

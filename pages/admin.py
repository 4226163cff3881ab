"""Beheer: users (add, disable/enable, new password), the boundary download and the audit log. Only for the
beheerder.

Every callback checks the role on the server again: a client can call any callback.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc, html, no_update

from components.inputs import dropdown
from domain import clock
from pages._boundary_download import boundary_card
from pages._user_edit import edit_fields
from services import audit, audit_log, auth, permissions, user_admin
from web.request_context import Request, page_callback, page_layout

dash.register_page(__name__, path="/beheer", name="Beheer", order=95, roles=("beheerder",),
                   title="Beheer – Veilig in en om School")

DENIED = permissions.USER_ADMIN_DENIED
AUDIT_LIMIT = 500
ROLE_OPTIONS = [{"label": label, "value": role} for role, label in auth.ROLE_LABELS.items()]


def _require_admin(request: Request) -> None:
    permissions.require_user_admin(request.principal)


def _refusal(message: str = DENIED, id_: str = "admin-denied") -> dbc.Alert:
    return dbc.Alert(message, color="danger", id=id_)


@page_layout("Beheer")
def layout(request: Request) -> html.Div:
    _require_admin(request)
    scopes = user_admin.scope_options(request.session)
    return html.Div([
        html.H2("Beheer", className="h4 mb-3"),
        dcc.Store(id="admin-changed", data=0),
        dbc.Card(dbc.CardBody([html.H3("Gebruikers", className="h5"), html.Div(id="admin-users")]),
                 className="mb-3 shadow-sm"),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody(_add_form(scopes)), className="shadow-sm h-100"), lg=6),
            dbc.Col(dbc.Card(dbc.CardBody(_account_form()), className="shadow-sm h-100"), lg=6),
        ], className="mb-3 g-3"),
        boundary_card(),  # the boundary download (a background job): pages/_boundary_download.py
        dbc.Card(dbc.CardBody(_audit_part()), className="shadow-sm"),
    ])


def _add_form(scope_options: list[dict[str, str]]) -> list[object]:
    return [
        html.H3("Gebruiker toevoegen", className="h5"),
        dbc.Label("Gebruikersnaam", html_for="admin-new-username"),
        dbc.Input(id="admin-new-username", maxLength=64, autoComplete="off", className="mb-2"),
        dbc.Label("Naam", html_for="admin-new-name"),
        dbc.Input(id="admin-new-name", maxLength=150, className="mb-2"),
        dbc.Label("Rol", html_for="admin-new-role"),
        dropdown("admin-new-role", ROLE_OPTIONS, "coordinator", clearable=False),
        dbc.Label("Gebied (regio, provincie of schoolbestuur; niet nodig voor een beheerder)",
                  html_for="admin-new-scope", className="mt-2"),
        dropdown("admin-new-scope", scope_options, None),
        dbc.Button("Toevoegen", id="admin-add", color="primary", className="mt-2"),
        html.Div(id="admin-add-result", className="mt-2"),
    ]


def _account_form() -> list[object]:
    return [
        html.H3("Gebruiker wijzigen", className="h5"),
        dbc.Label("Gebruiker", html_for="admin-account"),
        dropdown("admin-account", [], None),
        edit_fields(ROLE_OPTIONS),
        html.Hr(className="my-3"),
        html.Div("Account van deze gebruiker", className="text-muted small mb-1"),
        html.Div([
            dbc.Button("Uitschakelen", id="admin-disable", color="warning", className="me-2"),
            dbc.Button("Inschakelen", id="admin-enable", color="success", className="me-2"),
            dbc.Button("Nieuw wachtwoord", id="admin-reset", color="secondary"),
        ]),
        html.Div(id="admin-account-result", className="mt-2"),
    ]


def _audit_part() -> list[object]:
    return [
        html.H3("Auditlog", className="h5"),
        html.P(f"Nieuwste eerst; de laatste {AUDIT_LIMIT} wijzigingen, tijden in Nederlandse tijd. De CSV-export "
               "bevat het hele (per gebruiker gefilterde) log met de opgeslagen waarden.",
               className="text-muted small"),
        dbc.Row([
            dbc.Col([dbc.Label("Gebruiker", html_for="admin-audit-user"),
                     dropdown("admin-audit-user", [], None, placeholder="Alle gebruikers")], md=4),
            dbc.Col([dbc.Label("School (BRIN-vestigingscode of naam)", html_for="admin-audit-school"),
                     dbc.Input(id="admin-audit-school", maxLength=100, debounce=True, type="search")], md=4),
            dbc.Col(dbc.Button("Download CSV", id="admin-audit-export", color="secondary", outline=True),
                    md=4, className="d-flex align-items-end"),
        ], className="mb-2 g-2"),
        dcc.Download(id="admin-audit-download"),
        html.Div(id="admin-audit"),
    ]


def _user_rows(users: list[auth.UserSummary]) -> dbc.Table:
    header = html.Thead(html.Tr([html.Th(h) for h in ("Gebruikersnaam", "Naam", "Rol", "Gebieden", "Status",
                                                       "Laatst ingelogd")]))
    body = html.Tbody([html.Tr([
        html.Td(u.username), html.Td(u.display_name), html.Td(auth.ROLE_LABELS.get(u.role, u.role)),
        html.Td(", ".join(u.scopes)),
        html.Td("uitgeschakeld" if not u.active else "geblokkeerd" if u.locked else "actief"),
        html.Td(audit_log.local_time(u.last_login_at) if u.last_login_at else "-"),
    ]) for u in users])
    return dbc.Table([header, body], bordered=True, size="sm", striped=True, id="admin-user-table")


@page_callback(Output("admin-users", "children"), Output("admin-account", "options"), Input("admin-changed", "data"),
               on_refusal=lambda message: (_refusal(message), []))
def show_users(request: Request, _changed: object) -> tuple[object, list[dict[str, str]]]:
    _require_admin(request)
    users = auth.list_users(request.session)
    return _user_rows(users), [{"label": u.username, "value": u.username} for u in users]


@page_callback(Output("admin-add-result", "children"), Output("admin-changed", "data"),
               Input("admin-add", "n_clicks"), State("admin-new-username", "value"), State("admin-new-name", "value"),
               State("admin-new-role", "value"), State("admin-new-scope", "value"), State("admin-changed", "data"),
               on_refusal=lambda message: (_refusal(message), no_update), prevent_initial_call=True)
def add_user(request: Request, _n: object, username: object, name: object, role: object, scope_key: object,
             changed: int | None) -> tuple[object, object]:
    _require_admin(request)
    try:
        password = user_admin.add_user(request.session, actor=request.principal.username,
                                       username=str(username or ""), display_name=str(name or ""),
                                       role=str(role or ""),
                                       scope_key=scope_key if isinstance(scope_key, str) else None)
    except ValueError as exc:  # the services' Dutch refusals; nothing of it may be saved
        request.session.rollback()
        return dbc.Alert(str(exc), color="danger", id="admin-add-error"), no_update
    return _password_alert(f"Gebruiker '{auth.normalize_username(str(username))}' aangemaakt.", password,
                           "admin-new-password"), (changed or 0) + 1


def _password_alert(text: str, password: str, id_: str) -> dbc.Alert:
    return dbc.Alert([html.Div(text), html.Div(["Wachtwoord (wordt maar één keer getoond): ",
                                                html.Code(password, id=id_)])], color="success")


def _change_account(request: Request, username: object, changed: int | None,
                    change: Callable[[str], object]) -> tuple[object, object]:
    """One account action for the chosen user; the outcome (a Dutch alert) and the changed counter."""
    _require_admin(request)
    if not isinstance(username, str) or not username:
        return dbc.Alert("Kies eerst een gebruiker.", color="warning"), no_update
    try:
        result = change(username)
    except ValueError as exc:
        request.session.rollback()
        return dbc.Alert(str(exc), color="danger"), no_update
    return result, (changed or 0) + 1


def _account_callback(button: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return page_callback(Output("admin-account-result", "children", allow_duplicate=True),
                         Output("admin-changed", "data", allow_duplicate=True),
                         Input(button, "n_clicks"), State("admin-account", "value"), State("admin-changed", "data"),
                         on_refusal=lambda message: (_refusal(message), no_update), prevent_initial_call=True)


@_account_callback("admin-disable")
def disable_account(request: Request, _n: object, username: object, changed: int | None) -> tuple[object, object]:
    def disable(name: str) -> object:
        auth.disable_user(request.session, name, actor=request.principal.username)
        return dbc.Alert(f"Gebruiker '{name}' uitgeschakeld.", color="success")
    return _change_account(request, username, changed, disable)


@_account_callback("admin-enable")
def enable_account(request: Request, _n: object, username: object, changed: int | None) -> tuple[object, object]:
    def enable(name: str) -> object:
        auth.enable_user(request.session, name, actor=request.principal.username)
        return dbc.Alert(f"Gebruiker '{name}' ingeschakeld.", color="success")
    return _change_account(request, username, changed, enable)


@_account_callback("admin-reset")
def reset_password(request: Request, _n: object, username: object, changed: int | None) -> tuple[object, object]:
    def reset(name: str) -> object:
        password = user_admin.reset_password(request.session, actor=request.principal.username, username=name)
        return _password_alert(f"Nieuw wachtwoord voor '{name}'.", password, "admin-reset-password")
    return _change_account(request, username, changed, reset)


def _text_or_none(value: object) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


@page_callback(Output("admin-audit", "children"), Output("admin-audit-user", "options"),
               Input("admin-changed", "data"), Input("admin-audit-user", "value"),
               Input("admin-audit-school", "value"), on_refusal=lambda message: (_refusal(message), []))
def show_audit(request: Request, _changed: object, user: object, school: object) -> tuple[object, object]:
    """The log as a person reads it (services.audit_log): Dutch actions, names, local times; per user or school."""
    _require_admin(request)
    rows = audit_log.readable_log(request.session, limit=AUDIT_LIMIT, username=_text_or_none(user),
                                  school=_text_or_none(school))
    header = html.Thead(html.Tr([html.Th(h) for h in ("Tijdstip", "Gebruiker", "Actie", "Betreft", "Wijzigingen",
                                                       "Toelichting")]))
    body = html.Tbody([html.Tr([html.Td(r.at, className="text-nowrap"), html.Td(r.user), html.Td(r.action),
                                html.Td(r.subject), html.Td(r.changes), html.Td(r.detail)]) for r in rows])
    empty = [html.P("Geen wijzigingen gevonden met dit filter.", className="text-muted", id="admin-audit-empty")]
    # a scrolling region the keyboard can reach and a screen reader can name
    name: dict[str, Any] = {"aria-label": "Auditlog"}
    table = html.Div(dbc.Table([header, body], bordered=True, size="sm", striped=True, id="admin-audit-table"),
                     style={"maxHeight": "32rem", "overflowY": "auto"}, tabIndex="0", role="region", **name)
    return (table if rows else empty), audit_log.user_choices(request.session)


@page_callback(Output("admin-audit-download", "data"), Output("admin-audit", "children", allow_duplicate=True),
               Input("admin-audit-export", "n_clicks"), State("admin-audit-user", "value"),
               on_refusal=lambda message: (None, _refusal(message)), prevent_initial_call=True)
def export_audit(request: Request, _n: object, user: object) -> tuple[object, object]:
    _require_admin(request)
    content = audit.export_csv(request.session, username=_text_or_none(user))
    return dcc.send_bytes(content, f"auditlog-{clock.today().isoformat()}.csv"), no_update

"""Beheer: users (add, disable/enable, new password) and the audit log. Only for the beheerder.

Every callback checks the role on the server again: a client can call any callback.
"""
from __future__ import annotations

from datetime import UTC

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components.inputs import dropdown
from domain import clock
from models.db import session_scope
from services import audit, auth, permissions, user_admin, web_auth

dash.register_page(__name__, path="/beheer", name="Beheer", order=95, roles=("beheerder",),
                   title="Beheer – Veilig in en om School")

DENIED = "Geen toegang: alleen een beheerder mag gebruikers en het auditlog beheren."
AUDIT_LIMIT = 500
ROLE_OPTIONS = [{"label": label, "value": role} for role, label in auth.ROLE_LABELS.items()]


def _is_admin() -> bool:
    principal = web_auth.current_principal()
    return principal is not None and permissions.can_manage_users(principal)


def _refusal(id_: str = "admin-denied") -> dbc.Alert:
    return dbc.Alert(DENIED, color="danger", id=id_)


def layout(**_query):
    if not _is_admin():
        return html.Div([html.H2("Beheer", className="h4 mb-3"), _refusal("access-denied")])
    with session_scope() as session:
        scopes = user_admin.scope_options(session)
    return html.Div([
        html.H2("Beheer", className="h4 mb-3"),
        dcc.Store(id="admin-changed", data=0),
        dbc.Card(dbc.CardBody([html.H3("Gebruikers", className="h5"), html.Div(id="admin-users")]),
                 className="mb-3 shadow-sm"),
        dbc.Row([
            dbc.Col(dbc.Card(dbc.CardBody(_add_form(scopes)), className="shadow-sm h-100"), lg=6),
            dbc.Col(dbc.Card(dbc.CardBody(_account_form()), className="shadow-sm h-100"), lg=6),
        ], className="mb-3 g-3"),
        dbc.Card(dbc.CardBody(_audit_part()), className="shadow-sm"),
    ])


def _add_form(scope_options: list[dict]) -> list:
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


def _account_form() -> list:
    return [
        html.H3("Account wijzigen", className="h5"),
        dbc.Label("Gebruiker", html_for="admin-account"),
        dropdown("admin-account", [], None),
        html.Div([
            dbc.Button("Uitschakelen", id="admin-disable", color="warning", className="me-2"),
            dbc.Button("Inschakelen", id="admin-enable", color="success", className="me-2"),
            dbc.Button("Nieuw wachtwoord", id="admin-reset", color="secondary"),
        ], className="mt-2"),
        html.Div(id="admin-account-result", className="mt-2"),
    ]


def _audit_part() -> list:
    return [
        html.H3("Auditlog", className="h5"),
        html.P(f"Nieuwste eerst; de laatste {AUDIT_LIMIT} regels. De CSV-export bevat het hele (gefilterde) log.",
               className="text-muted small"),
        dbc.Row([
            dbc.Col([dbc.Label("Gebruiker", html_for="admin-audit-user"),
                     dbc.Input(id="admin-audit-user", maxLength=100, debounce=True)], md=4),
            dbc.Col([dbc.Label("Tabel", html_for="admin-audit-entity"),
                     dbc.Input(id="admin-audit-entity", maxLength=50, debounce=True)], md=4),
            dbc.Col(dbc.Button("Download CSV", id="admin-audit-export", color="secondary", outline=True),
                    md=4, className="d-flex align-items-end"),
        ], className="mb-2 g-2"),
        dcc.Download(id="admin-audit-download"),
        html.Div(id="admin-audit"),
    ]


def _user_rows(users) -> dbc.Table:
    header = html.Thead(html.Tr([html.Th(h) for h in ("Gebruikersnaam", "Naam", "Rol", "Gebieden", "Status",
                                                       "Laatst ingelogd")]))
    body = html.Tbody([html.Tr([
        html.Td(u.username), html.Td(u.display_name), html.Td(auth.ROLE_LABELS.get(u.role, u.role)),
        html.Td(", ".join(u.scopes)),
        html.Td("uitgeschakeld" if not u.active else "geblokkeerd" if u.locked else "actief"),
        html.Td(u.last_login_at.strftime("%d-%m-%Y %H:%M") if u.last_login_at else "-"),
    ]) for u in users])
    return dbc.Table([header, body], bordered=True, size="sm", striped=True, id="admin-user-table")


@callback(Output("admin-users", "children"), Output("admin-account", "options"), Input("admin-changed", "data"))
def show_users(_changed):
    if not _is_admin():
        return _refusal(), []
    with session_scope() as session:
        users = auth.list_users(session)
    return _user_rows(users), [{"label": u.username, "value": u.username} for u in users]


@callback(Output("admin-add-result", "children"), Output("admin-changed", "data"),
          Input("admin-add", "n_clicks"), State("admin-new-username", "value"), State("admin-new-name", "value"),
          State("admin-new-role", "value"), State("admin-new-scope", "value"), State("admin-changed", "data"),
          prevent_initial_call=True)
def add_user(_n, username, name, role, scope_key, changed):
    if not _is_admin():
        return _refusal(), no_update
    actor = web_auth.require_principal().username
    try:
        with session_scope() as session:
            password = user_admin.add_user(session, actor=actor, username=str(username or ""),
                                           display_name=str(name or ""), role=str(role or ""),
                                           scope_key=scope_key)
    except ValueError as exc:  # the services' Dutch refusals; the transaction was rolled back
        return dbc.Alert(str(exc), color="danger", id="admin-add-error"), no_update
    return _password_alert(f"Gebruiker '{auth.normalize_username(str(username))}' aangemaakt.", password,
                           "admin-new-password"), (changed or 0) + 1


def _password_alert(text: str, password: str, id_: str) -> dbc.Alert:
    return dbc.Alert([html.Div(text), html.Div(["Wachtwoord (wordt maar één keer getoond): ",
                                                html.Code(password, id=id_)])], color="success")


@callback(Output("admin-account-result", "children"), Output("admin-changed", "data", allow_duplicate=True),
          Input("admin-disable", "n_clicks"), Input("admin-enable", "n_clicks"), Input("admin-reset", "n_clicks"),
          State("admin-account", "value"), State("admin-changed", "data"), prevent_initial_call=True)
def change_account(_d, _e, _r, username, changed):
    if not _is_admin():
        return _refusal(), no_update
    if not isinstance(username, str) or not username:
        return dbc.Alert("Kies eerst een gebruiker.", color="warning"), no_update
    actor = web_auth.require_principal().username
    action = ctx.triggered_id
    try:
        with session_scope() as session:
            if action == "admin-disable":
                auth.disable_user(session, username, actor=actor)
                result = dbc.Alert(f"Gebruiker '{username}' uitgeschakeld.", color="success")
            elif action == "admin-enable":
                auth.enable_user(session, username, actor=actor)
                result = dbc.Alert(f"Gebruiker '{username}' ingeschakeld.", color="success")
            elif action == "admin-reset":
                password = user_admin.reset_password(session, actor=actor, username=username)
                result = _password_alert(f"Nieuw wachtwoord voor '{username}'.", password, "admin-reset-password")
            else:
                return no_update, no_update
    except ValueError as exc:
        return dbc.Alert(str(exc), color="danger"), no_update
    return result, (changed or 0) + 1


def _filters(user, entity) -> dict:
    return {"username": user.strip() if isinstance(user, str) and user.strip() else None,
            "entity": entity.strip() if isinstance(entity, str) and entity.strip() else None}


@callback(Output("admin-audit", "children"), Input("admin-changed", "data"), Input("admin-audit-user", "value"),
          Input("admin-audit-entity", "value"))
def show_audit(_changed, user, entity):
    if not _is_admin():
        return _refusal()
    with session_scope() as session:
        entries = audit.list_entries(session, limit=AUDIT_LIMIT, **_filters(user, entity))
    header = html.Thead(html.Tr([html.Th(h) for h in ("Tijdstip (UTC)", "Gebruiker", "Actie", "Tabel", "Id", "Veld",
                                                       "Oud", "Nieuw", "Toelichting")]))
    body = html.Tbody([html.Tr([
        html.Td(e.at.astimezone(UTC).strftime("%d-%m-%Y %H:%M:%S") if e.at.tzinfo else
                e.at.strftime("%d-%m-%Y %H:%M:%S")),
        html.Td(e.username), html.Td(e.action), html.Td(e.entity), html.Td(e.entity_id or ""),
        html.Td(e.field or ""), html.Td(e.old_value or ""), html.Td(e.new_value or ""), html.Td(e.detail),
    ]) for e in entries])
    return html.Div(dbc.Table([header, body], bordered=True, size="sm", striped=True, id="admin-audit-table"),
                    style={"maxHeight": "32rem", "overflowY": "auto"})


@callback(Output("admin-audit-download", "data"), Output("admin-audit", "children", allow_duplicate=True),
          Input("admin-audit-export", "n_clicks"), State("admin-audit-user", "value"),
          State("admin-audit-entity", "value"), prevent_initial_call=True)
def export_audit(_n, user, entity):
    if not _is_admin():
        return None, _refusal()
    with session_scope() as session:
        content = audit.export_csv(session, **_filters(user, entity))
    return dcc.send_bytes(content, f"auditlog-{clock.today().isoformat()}.csv"), no_update

"""Reminders outside the app, on the Actielijst: the calendar feed's address (made, shown once, revoked)
and the weekly e-mail (opt in with an address, opt out). One callback per button."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import dash_bootstrap_components as dbc
import flask
from dash import Input, Output, State, html

from pages.worklist import _ids as ids
from services import digest, ical_feed
from services.permissions import can_subscribe_calendar
from web.request_context import Request, page_callback

EMAIL = "wl-digest-email"
SUBSCRIBE = "wl-digest-subscribe"
UNSUBSCRIBE = "wl-digest-unsubscribe"
DIGEST_STATUS = "wl-digest-status"


def _calendar_status(since: datetime | None) -> str:
    if since is None:
        return "U hebt geen agenda-abonnement."
    return (f"Er is een agenda-adres actief sinds {since:%d-%m-%Y}. Het adres wordt maar één keer getoond; "
            "kwijt of gedeeld? Trek het in en maak een nieuw.")


def _digest_status(email: str | None) -> str:
    return f"Aangemeld: de actielijst komt wekelijks naar {email}." if email else "Niet aangemeld."


def reminders(request: Request) -> html.Div:
    principal = request.principal
    if not can_subscribe_calendar(principal):
        return html.Div()
    since = ical_feed.active_since(request.session, principal)
    parts: list[Any] = [
        html.H3("Herinneringen buiten de app", className="h5 mt-5"),
        html.H4("Agenda (iCalendar)", className="h6 mt-3"),
        html.P("Een adres waarop uw agenda (Outlook, Google, Apple) de vervaldata van de certificaten in uw "
               "regio's ophaalt. Het bevat geen persoonsgegevens; wie het adres heeft, ziet de vervaldata.",
               className="small text-muted mb-1"),
        html.Div(_calendar_status(since), id=ids.ICAL_STATUS, className="mb-2"),
        html.Div(id=ids.ICAL_URL, className="mb-2"),
        dbc.Button("Nieuw agenda-adres maken", id=ids.ICAL_CREATE, color="secondary", outline=True, size="sm",
                   className="me-2"),
        dbc.Button("Agenda-adres intrekken", id=ids.ICAL_REVOKE, color="danger", outline=True, size="sm"),
    ]
    if principal.role in digest.DIGEST_ROLES:
        email = digest.subscription(request.session, principal)
        parts += [
            html.H4("Wekelijkse e-mail", className="h6 mt-4"),
            html.P("Elke week deze actielijst per e-mail (verstuurd door de beheerder met `vios digest`).",
                   className="small text-muted mb-1"),
            dbc.Row([
                dbc.Col([dbc.Label("E-mailadres", html_for=EMAIL, className="small mb-0"),
                         dbc.Input(id=EMAIL, type="email", value=email or "", maxLength=200)], md=5),
                dbc.Col([dbc.Button("Aanmelden", id=SUBSCRIBE, color="secondary", size="sm", className="me-2"),
                         dbc.Button("Afmelden", id=UNSUBSCRIBE, color="secondary", outline=True, size="sm")],
                        md="auto", className="d-flex align-items-end"),
            ], className="g-2"),
            html.Div(_digest_status(email), id=DIGEST_STATUS, className="mt-2"),
        ]
    return html.Div(parts, id="wl-reminders")


def _refused(message: str) -> tuple[Any, Any]:
    return dbc.Alert(message, color="danger"), ""


@page_callback(Output(ids.ICAL_STATUS, "children"), Output(ids.ICAL_URL, "children"),
               Input(ids.ICAL_CREATE, "n_clicks"), on_refusal=_refused, prevent_initial_call=True)
def create_calendar(request: Request, _n: Any) -> tuple[Any, Any]:
    token = ical_feed.create_token(request.session, request.principal)
    url = f"{flask.request.host_url.rstrip('/')}/ical/{token}.ics"
    return ("Nieuw agenda-adres gemaakt; een eerder adres werkt niet meer. Kopieer het nu: het wordt maar één "
            "keer getoond.", dbc.Input(value=url, readonly=True, id="wl-ical-address", className="font-monospace"))


@page_callback(Output(ids.ICAL_STATUS, "children", allow_duplicate=True),
               Output(ids.ICAL_URL, "children", allow_duplicate=True),
               Input(ids.ICAL_REVOKE, "n_clicks"), on_refusal=_refused, prevent_initial_call=True)
def revoke_calendar(request: Request, _n: Any) -> tuple[Any, Any]:
    revoked = ical_feed.revoke_tokens(request.session, request.principal)
    return ("Agenda-adres ingetrokken: uw agenda haalt niets meer op." if revoked
            else "Er was geen actief agenda-adres."), ""


@page_callback(Output(DIGEST_STATUS, "children"), Input(SUBSCRIBE, "n_clicks"), State(EMAIL, "value"),
               on_refusal=lambda message: dbc.Alert(message, color="danger"), prevent_initial_call=True)
def subscribe(request: Request, _n: Any, email: Any) -> Any:
    try:
        row = digest.subscribe(request.session, request.principal, str(email or "")[:300])
    except ValueError as exc:
        return dbc.Alert(str(exc), color="danger", id="wl-digest-error")
    return _digest_status(row.email)


@page_callback(Output(DIGEST_STATUS, "children", allow_duplicate=True), Input(UNSUBSCRIBE, "n_clicks"),
               on_refusal=lambda message: dbc.Alert(message, color="danger"), prevent_initial_call=True)
def unsubscribe(request: Request, _n: Any) -> Any:
    digest.unsubscribe(request.session, request.principal)
    return _digest_status(None)

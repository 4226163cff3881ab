"""What every page does first: read the scope from the URL query, check the user may read it, describe it."""
from __future__ import annotations

from dataclasses import dataclass

import dash_bootstrap_components as dbc
from dash import html
from sqlmodel import Session

from domain import clock
from domain.dates import format_nl
from domain.scope import Scope, scope_from_params
from domain.vocab import SECTORS
from services import permissions
from services.areas import area_options
from services.permissions import PermissionDenied, Principal
from services.snapshot import scope_label


def read_scope(session: Session, query: dict, principal: Principal | None) -> tuple[Scope, list[str]]:
    """Scope from untrusted query parameters; PermissionDenied when the user may not read the area.

    Without an area in the URL the user's default area is used; an unknown area falls
    back to the whole country (which only a beheerder may read: others get the refusal,
    the same answer as for an existing area they may not see).
    """
    if principal is None:
        raise PermissionDenied("U bent niet ingelogd.")
    params = dict(query)
    if not params.get("gebied"):
        params["gebied"] = permissions.default_area_key(session, principal) or "nl"
    known = {o["value"] for o in area_options(session)}
    scope, warnings = scope_from_params(params, clock.today(), known_areas=known)
    permissions.ensure_can_read_area(session, principal, scope.region_id, scope.province_id)
    return scope, warnings


def refusal(exc: PermissionDenied) -> dbc.Alert:
    return dbc.Alert(str(exc), color="danger", id="access-denied")


def scope_heading(session: Session, title: str, scope: Scope, warnings: list[str]) -> html.Div:
    sector = f", {SECTORS[scope.sector].lower()}" if scope.sector else ", alle sectoren"
    parts = [
        html.H2(title, className="h4 mb-0"),
        html.Div(f"{scope_label(session, scope)}{sector} — peildatum {format_nl(scope.as_of)}",
                 id="scope-description", className="text-muted"),
    ]
    parts += [dbc.Alert(w, color="warning", className="py-1 mt-2 mb-0") for w in warnings]
    return html.Div(parts, className="mb-3")


@dataclass(frozen=True)
class PageContext:
    """What a page's layout needs first: who asks, for which scope, and its heading."""
    principal: Principal
    scope: Scope
    heading: html.Div


def open_page(session: Session, title: str, query: dict) -> PageContext | html.Div:
    """The page context, or the page showing the Dutch refusal when the user may not read the area."""
    from services import web_auth

    principal = web_auth.current_principal()
    try:
        scope, warnings = read_scope(session, query, principal)
    except PermissionDenied as exc:
        return html.Div([html.H2(title, className="h4 mb-3"), refusal(exc)])
    return PageContext(principal, scope, scope_heading(session, title, scope, warnings))

"""App shell: the navigation bar and the global scope bar (area, sector, as-of date).

The scope lives in the URL query (?gebied=r1&sector=vo&peildatum=2026-11-23) so a
view can be shared; pages render from those query parameters. The areas offered are
the ones the logged-in user may read.
"""
from __future__ import annotations

from urllib.parse import parse_qs, quote, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components.inputs import dropdown
from domain import clock
from domain.scope import COMPARE_PARAM, scope_from_params, scope_query
from domain.vocab import SECTORS
from models.db import session_scope
from services import permissions, web_auth
from services.auth import ROLE_LABELS
from services.permissions import Principal


def visible_pages(pages, principal: Principal | None) -> list[dict]:
    """Pages in the navigation for this user: a page registered with roles=(...) only for those roles."""
    return [page for page in sorted(pages, key=lambda p: p.get("order", 99))
            if not page.get("hide_from_nav")
            and (page.get("roles") is None or (principal is not None and principal.role in page["roles"]))]


def navbar(pages, principal: Principal | None = None) -> dbc.Navbar:
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact",
                                id={"type": "nav-link", "path": page["relative_path"]}))
        for page in visible_pages(pages, principal)
    ]
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand("Veilig in en om School", href="/", className="fw-semibold"),
            dbc.Nav(links, navbar=True, className="me-auto"),
            _user_menu(principal),
        ], fluid=True),
        color="primary", dark=True, className="mb-0",
    )


def _user_menu(principal: Principal | None) -> html.Div:
    if principal is None:
        return html.Div()
    name = principal.display_name or principal.username
    return html.Div([
        html.Span(f"{name} ({ROLE_LABELS.get(principal.role, principal.role)})", id="nav-user",
                  className="text-white small me-2"),
        # A plain form: the browser posts it, Flask clears the session and redirects to /login.
        html.Form([
            dcc.Input(type="hidden", name=web_auth.CSRF_FIELD, value=web_auth.csrf_token(), id="logout-csrf"),
            html.Button("Uitloggen", type="submit", id="logout-button", className="btn btn-outline-light btn-sm"),
        ], action="/logout", method="POST", className="d-inline m-0"),
    ], className="d-flex align-items-center")


def readable_keys(session, principal: Principal | None) -> list[str]:
    if principal is None:
        return []
    return [o["value"] for o in permissions.readable_area_options(session, principal)]


def scope_bar(principal: Principal | None = None) -> html.Div:
    options, default = [], None
    if principal is not None:
        with session_scope() as session:
            options = permissions.readable_area_options(session, principal)
            default = permissions.default_area_key(session, principal)
    sector_options = [{"label": "Alle sectoren", "value": "alle"}] + [
        {"label": f"{label} ({code})", "value": code} for code, label in SECTORS.items()
    ]
    return html.Div(
        dbc.Container(
            dbc.Row([
                dbc.Col([dbc.Label("Gebied", html_for="scope-area", className="small mb-0"),
                         dropdown("scope-area", options, default, clearable=False)], md=4),
                dbc.Col([dbc.Label("Sector", html_for="scope-sector", className="small mb-0"),
                         dropdown("scope-sector", sector_options, "alle", clearable=False)],
                        md=3),
                dbc.Col([dbc.Label("Peildatum", html_for="scope-date", className="small mb-0"),
                         html.Div(dcc.DatePickerSingle(id="scope-date", date=clock.today().isoformat(),
                                                       display_format="DD-MM-YYYY", first_day_of_week=1,
                                                       clearable=False, placeholder="dd-mm-jjjj"))], md=2),
                dbc.Col(dbc.Button("Vandaag", id="scope-today", color="secondary", outline=True, size="sm"),
                        md=1, className="d-flex align-items-end"),
            ], className="g-2 align-items-end"),
            fluid=True,
        ),
        className="bg-light border-bottom py-2",
    )


@callback(
    Output("scope-area", "value"), Output("scope-sector", "value"), Output("scope-date", "date"),
    Output("url", "search"),
    Input("url", "search"), Input("scope-area", "value"), Input("scope-sector", "value"),
    Input("scope-date", "date"), Input("scope-today", "n_clicks"), State("scope-area", "options"),
)
def sync_scope(search, area, sector, as_of, _today_clicks, _area_opts):
    """One callback keeps selectors and URL in step (two would form a cycle).

    The area options the browser sends are not trusted: the readable areas are computed here.
    """
    principal = web_auth.current_principal()
    if principal is None:
        raise PreventUpdate
    with session_scope() as session:
        known = set(readable_keys(session, principal))
        default = permissions.default_area_key(session, principal)
    today = clock.today()
    url_params = {k: v[0] for k, v in parse_qs((search or "").lstrip("?")).items()}
    if not url_params.get("gebied") and default:
        url_params["gebied"] = default
    url_scope, _ = scope_from_params(url_params, today, known_areas=known)
    if ctx.triggered_id in (None, "url"):
        shown_area = url_scope.area_key if url_scope.area_key in known else default
        return shown_area, url_scope.sector or "alle", url_scope.as_of.isoformat(), no_update
    if area not in known:
        raise PreventUpdate
    if ctx.triggered_id == "scope-today":
        as_of = today.isoformat()
    params = {"gebied": area, "peildatum": (as_of or today.isoformat())[:10]}
    if sector and sector != "alle":
        params["sector"] = sector
    scope, _ = scope_from_params(params, today, known_areas=known)
    if scope == url_scope:
        # Selectors merely echo the URL (also when it held invalid values that
        # fell back to defaults): leave the URL, so its warnings stay visible.
        return no_update, no_update, no_update, no_update
    date_out = scope.as_of.isoformat() if ctx.triggered_id == "scope-today" else no_update
    # the comparison pages' compare date stays in the URL when the scope changes
    keep = f"&{COMPARE_PARAM}={quote(url_params[COMPARE_PARAM])}" if url_params.get(COMPARE_PARAM) else ""
    return no_update, no_update, date_out, scope_query(scope) + keep


@callback(Output({"type": "nav-link", "path": ALL}, "href"), Input("url", "search"),
          Input({"type": "nav-link", "path": ALL}, "id"))
def keep_scope_in_nav_links(search, ids):
    """Navigation keeps the selected scope; only our own page paths end up in href."""
    own_paths = {page["relative_path"] for page in dash.page_registry.values()}
    query = ""
    if search:
        params = {k: v[0] for k, v in parse_qs(search.lstrip("?")).items() if k in ("gebied", "sector", "peildatum", COMPARE_PARAM)}
        query = "?" + urlencode(params) if params else ""
    return [(i["path"] if isinstance(i, dict) and i.get("path") in own_paths else "/") + query for i in ids or []]

"""App shell components: the navigation bar and the global scope bar (area, sector, as-of date).

Plain components: what they show (the user, the areas the user may pick, today) is handed in by
web/shell.py, which also holds the callbacks that keep the scope bar and the URL in step.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from components.inputs import dropdown
from domain.vocab import SECTORS
from services.auth import ROLE_LABELS
from services.permissions import Principal


def visible_pages(pages: Iterable[dict[str, Any]], principal: Principal | None) -> list[dict[str, Any]]:
    """Pages in the navigation for this user: a page registered with roles=(...) only for those roles."""
    return [page for page in sorted(pages, key=lambda p: 99 if p.get("order") is None else p["order"])
            if not page.get("hide_from_nav")
            and (page.get("roles") is None or (principal is not None and principal.role in page["roles"]))]


def navbar(pages: Iterable[dict[str, Any]], principal: Principal | None = None,
           csrf: tuple[str, str] = ("", "")) -> dbc.Navbar:
    """The navigation; csrf = (form field name, token) for the logout form."""
    links = [
        dbc.NavItem(dbc.NavLink(page["name"], href=page["relative_path"], active="exact",
                                id={"type": "nav-link", "path": page["relative_path"]}))
        for page in visible_pages(pages, principal)
    ]
    return dbc.Navbar(
        dbc.Container([
            dbc.NavbarBrand("Veilig in en om School", href="/", className="fw-semibold"),
            dbc.Nav(links, navbar=True, className="me-auto"),
            school_search() if principal is not None else None,
            _user_menu(principal, csrf),
        ], fluid=True),
        color="primary", dark=True, className="mb-0 vios-navbar", id="navbar",
    )


SEARCH_HINT = "Zoek een school"


def school_search() -> html.Div:
    """The school search: a field and, under it, the matching schools as links (web/shell.py fills them;
    assets/school_links.js: arrow keys move through the hits, Enter opens the first, Escape closes)."""
    live: dict[str, Any] = {"aria-label": "Gevonden scholen", "aria-live": "polite"}
    return html.Div([
        html.Label(SEARCH_HINT, htmlFor="school-search", className="visually-hidden"),
        dcc.Input(id="school-search", type="search", debounce=0.25, autoComplete="off", spellCheck=False,
                  placeholder="Zoek een school…", className="form-control form-control-sm",
                  maxLength=100),
        html.Div(id="school-search-results", className="vios-search-results d-none", role="region",
                 **live),
    ], className="vios-search position-relative me-3", role="search",
        title="Zoek een school op naam, BRIN-code of plaats")


def search_results(hits: list[tuple[str, str, str]], searched: bool) -> list[Any]:
    """The hits as links [(text, detail, href)]; a status line says how many (or that none match)."""
    if not searched:
        return []
    status = (f"{len(hits)} school gevonden" if len(hits) == 1 else f"{len(hits)} scholen gevonden") \
        if hits else "Geen school gevonden die u mag inzien."
    return [html.Div(status, id="school-search-status", className="small text-muted px-2 py-1"),
            html.Ul([html.Li(dcc.Link([html.Span(text, className="fw-semibold"), html.Br(),
                                       html.Span(detail, className="small text-muted")],
                                      href=href, className="d-block px-2 py-1 text-decoration-none"))
                     for text, detail, href in hits], className="list-unstyled mb-0", id="school-search-list")]


def _user_menu(principal: Principal | None, csrf: tuple[str, str]) -> html.Div:
    if principal is None:
        return html.Div()
    name = principal.display_name or principal.username
    return html.Div([
        html.Span(f"{name} ({ROLE_LABELS.get(principal.role, principal.role)})", id="nav-user",
                  className="text-white small me-2 text-nowrap text-truncate vios-user", title=name),
        # A plain form: the browser posts it, Flask clears the session and redirects to /login.
        html.Form([
            dcc.Input(type="hidden", name=csrf[0], value=csrf[1], id="logout-csrf"),
            html.Button("Uitloggen", type="submit", id="logout-button", className="btn btn-outline-light btn-sm"),
        ], action="/logout", method="POST", className="d-inline m-0"),
    ], className="d-flex align-items-center")


_POLITE: dict[str, Any] = {"aria-live": "polite"}


def scope_bar(options: list[dict[str, str]], default: str | None, today: date) -> html.Div:
    """The area (from the options the user may read), sector and peildatum selectors."""
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
                         html.Div(dcc.DatePickerSingle(id="scope-date", date=today.isoformat(),
                                                       display_format="DD-MM-YYYY", first_day_of_week=1,
                                                       clearable=False, placeholder="dd-mm-jjjj"))], md=2),
                dbc.Col(dbc.Button("Vandaag", id="scope-today", color="dark", outline=True, size="sm"),
                        md=1, className="d-flex align-items-end"),
                dbc.Col(html.Div(id="scope-note", className="small text-muted", **_POLITE),
                        md=2, className="d-flex align-items-end"),
            ], className="g-2 align-items-end"),
            fluid=True,
        ),
        className="bg-light border-bottom py-2", id="scope-bar",
    )

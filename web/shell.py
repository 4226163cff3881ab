"""The app shell per request (navigation, scope bar, page container) and the callbacks that keep
the scope bar, the navigation links and the URL in step. The URL is the one source of the selection."""
from __future__ import annotations

from typing import Any, cast
from urllib.parse import quote, urlencode

import dash
import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import shell
from components.links import school_href
from domain import clock
from domain.scope import COMPARE_PARAM, scope_from_params, scope_query
from services.permissions import PermissionDenied
from services.school_search import search_schools
from web import login
from web.login import current_principal
from web.request_context import SELECTION_PARAMS, parse_search, request_context


def layout() -> html.Div:
    """The whole app layout; built per request, since the navigation and areas depend on the user."""
    principal = current_principal()
    options: list[dict[str, str]] = []
    default = None
    if principal is not None:
        with request_context() as request:
            options, default = request.area_options, request.default_area
    return html.Div([
        dcc.Location(id="url", refresh="callback-nav"),
        shell.navbar(dash.page_registry.values(), principal,
                     (login.CSRF_FIELD, login.csrf_token() if principal is not None else "")),
        shell.scope_bar(options, default, clock.today()),
        # While another page loads, the old one is dimmed under a spinner (not left as if it were the new one).
        dbc.Container(dcc.Loading(dash.page_container, id="page-loading", type="circle", delay_show=250,
                                  # dash's generated TypedDict for this prop has no keys: a cast
                                  target_components=cast(dcc.Loading.TargetComponents,
                                                         {"_pages_content": "children"}),
                                  overlay_style={"visibility": "visible", "opacity": 0.4}),
                      fluid=True, className="py-3"),
        html.Footer(dbc.Container(html.A("Toegankelijkheid", href=login.STATEMENT_PATH, id="footer-a11y"), fluid=True),
                    className="vios-footer border-top small py-2"),
    ])


@callback(
    Output("scope-area", "value"), Output("scope-sector", "value"), Output("scope-date", "date"),
    Output("url", "search"),
    Input("url", "search"), Input("scope-area", "value"), Input("scope-sector", "value"),
    Input("scope-date", "date"), Input("scope-today", "n_clicks"),
)
def sync_scope(search: object, area: object, sector: object, as_of: object, _today_clicks: object) -> tuple[Any, ...]:
    """One callback keeps selectors and URL in step (two would form a cycle).

    The areas the browser offers are not trusted: the readable areas are computed here.
    """
    if current_principal() is None:
        raise PreventUpdate
    with request_context(search if isinstance(search, str) else None) as request:
        known = {o["value"] for o in request.area_options}
        default = request.default_area
    today = clock.today()
    url_params = parse_search(search)
    if not url_params.get("gebied") and default:
        url_params["gebied"] = default
    url_scope, _ = scope_from_params(url_params, today, known_areas=known)
    if ctx.triggered_id in (None, "url"):
        shown_area = url_scope.area_key if url_scope.area_key in known else default
        return shown_area, url_scope.sector or "alle", url_scope.as_of.isoformat(), no_update
    if not isinstance(area, str) or area not in known:
        raise PreventUpdate
    picked = as_of if isinstance(as_of, str) else today.isoformat()
    if ctx.triggered_id == "scope-today":
        picked = today.isoformat()
    params = {"gebied": area, "peildatum": picked[:10]}
    if isinstance(sector, str) and sector != "alle":
        params["sector"] = sector
    scope, _ = scope_from_params(params, today, known_areas=known)
    if scope == url_scope:
        # Selectors merely echo the URL (also when it held invalid values that
        # fell back to defaults): leave the URL, so its warnings stay visible.
        return no_update, no_update, no_update, no_update
    date_out = scope.as_of.isoformat() if ctx.triggered_id == "scope-today" else no_update
    # the compare date ("Vergelijk met") stays in the URL when the scope changes
    keep = f"&{COMPARE_PARAM}={quote(url_params[COMPARE_PARAM])}" if url_params.get(COMPARE_PARAM) else ""
    return no_update, no_update, date_out, scope_query(scope) + keep


DATE_ONLY_NOTE = "Deze pagina toont alle regio's en sectoren; alleen de peildatum telt."


@callback(Output("scope-area", "disabled"), Output("scope-sector", "disabled"), Output("scope-note", "children"),
          Input("url", "pathname"))
def selectors_the_page_reads(pathname: object) -> tuple[bool, bool, str]:
    """A page registered with selection="date" (Mijn scholen: a board's schools in every region) reads only the
    peildatum: the area and sector selectors are disabled and say so, instead of showing a choice the page
    does not follow."""
    page = next((p for p in dash.page_registry.values() if p["relative_path"] == pathname), None)
    date_only = page is not None and page.get("selection") == "date"
    return date_only, date_only, DATE_ONLY_NOTE if date_only else ""


@callback(Output({"type": "nav-link", "path": ALL}, "href"), Input("url", "search"),
          State({"type": "nav-link", "path": ALL}, "id"))
def keep_scope_in_nav_links(search: object, ids: list[object] | None) -> list[str]:
    """Navigation keeps the selection; only our own page paths end up in href."""
    own_paths = {page["relative_path"] for page in dash.page_registry.values()}
    params = {k: v for k, v in parse_search(search).items() if k in SELECTION_PARAMS}
    query = "?" + urlencode(params) if params else ""
    links = ids if isinstance(ids, list) else []
    return [(i["path"] if isinstance(i, dict) and i.get("path") in own_paths else "/") + query for i in links]


@callback(Output("school-search-results", "children"), Output("school-search", "value"),
          Input("school-search", "value"), Input("url", "pathname"), Input("url", "search"))
def search_school(text: object, _path: object, search: object) -> tuple[Any, Any]:
    """The navigation bar's search: the schools the user may read that match (name, code, town), each a link
    to its school page keeping the selection; a new page clears the field."""
    if ctx.triggered_id == "url" and "url.pathname" in ctx.triggered_prop_ids:
        return [], ""
    if not isinstance(text, str) or not text.strip():
        return [], no_update
    try:
        with request_context(search if isinstance(search, str) else None) as request:
            hits = search_schools(request.session, request.principal, text)
    except PermissionDenied:
        raise PreventUpdate from None
    query = parse_search(search)
    return shell.search_results([(h.name + ("" if h.active else " (niet meer actief)"), f"{h.code} · {h.place}",
                                  school_href(h.code, query)) for h in hits], True), no_update

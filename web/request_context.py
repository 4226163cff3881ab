"""One request context: who asks, for which selection, with which database session.

Every page layout and every callback gets a `Request` from here, built once per HTTP request:
the logged-in user (set by the login guard), one database session (one transaction: committed
when the callback returns, rolled back on any error), and the selection (area, sector, as-of
date, compare date) parsed from the URL query, the one source of the selection, never trusted.

`page_layout` and `page_callback` also turn the two refusals into the same Dutch answer on
every page: `PermissionDenied` ("Geen toegang ...") and `NotFound` ("... niet gevonden").
"""
from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from urllib.parse import parse_qsl

import dash
import dash_bootstrap_components as dbc
import flask
from dash import State, html
from dash.exceptions import PreventUpdate
from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from components.heading import scope_heading
from domain import clock
from domain.compare_choice import CompareChoice
from domain.scope import Scope, scope_from_params
from models.db import session_scope
from services import permissions, transactions
from services.areas import scope_label
from services.errors import NotFound
from services.meetings import compare_choice
from services.permissions import PermissionDenied, Principal
from web.login import current_principal

NOT_LOGGED_IN = "U bent niet ingelogd."
BUSY = transactions.BUSY_MESSAGE
# The selection's URL parameters (the compare date is read by the pages that compare).
SELECTION_PARAMS = ("gebied", "sector", "peildatum", "vergelijk")
Refusal = PermissionDenied | NotFound
T = TypeVar("T")


def parse_search(search: object) -> dict[str, str]:
    """The query of a URL's search part ('?gebied=r1&peildatum=...'); anything else gives {}."""
    if not isinstance(search, str):
        return {}
    return {k: v for k, v in parse_qsl(search.lstrip("?"))[:20]}


@dataclass
class Request:
    """What a page or callback needs first; its properties are computed once per request."""
    principal: Principal
    session: Session
    query: dict[str, str]
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    def once(self, key: str, compute: Callable[[], T]) -> T:
        """`compute()` the first time `key` is asked for in this request; the same value after that
        (for what several parts of one callback need: the chosen school, its network)."""
        if key not in self._cache:
            self._cache[key] = compute()
        value: T = self._cache[key]
        return value

    @property
    def today(self) -> date:
        return clock.today()

    @property
    def area_options(self) -> list[dict[str, str]]:
        """The areas this user may pick (for the area selector), computed once per HTTP request."""
        def compute() -> list[dict[str, str]]:
            if flask.has_request_context() and "vios_area_options" in flask.g:
                cached: list[dict[str, str]] = flask.g.vios_area_options
                return cached
            options = permissions.readable_area_options(self.session, self.principal)
            if flask.has_request_context():
                flask.g.vios_area_options = options
            return options
        return self.once("areas", compute)

    @property
    def default_area(self) -> str | None:
        options = self.area_options
        return options[0]["value"] if options else None

    def _parse_scope(self) -> tuple[Scope, list[str]]:
        params = dict(self.query)
        if not params.get("gebied"):
            params["gebied"] = self.default_area or "nl"
        known = {o["value"] for o in self.area_options} | {"nl"}
        # An unknown area falls back to the whole country, which only a beheerder may read:
        # others get the refusal, the same answer as for an existing area they may not see.
        scope, warnings = scope_from_params(params, self.today, known_areas=known)
        return scope, warnings

    @property
    def scope(self) -> Scope:
        """The selection from the URL, checked: raises PermissionDenied when the area may not be read."""
        def checked() -> tuple[Scope, list[str]]:
            scope, warnings = self._parse_scope()
            permissions.ensure_can_read_area(self.session, self.principal, scope.region_id, scope.province_id)
            return scope, warnings
        return self.once("scope", checked)[0]

    @property
    def warnings(self) -> list[str]:
        """Dutch warnings about selection values in the URL that were not understood."""
        self.scope  # noqa: B018 - parses and checks the selection
        warnings: list[str] = self._cache["scope"][1]
        return warnings

    def heading(self, title: str) -> html.Div:
        """The page heading for the checked selection: title, area, sector, peildatum, URL warnings."""
        return scope_heading(title, scope_label(self.session, self.scope, self.principal), self.scope,
                             self.warnings)

    @property
    def compare_choice(self) -> CompareChoice:
        """The 'Vergelijk met' date (?vergelijk=, else the latest meeting before the peildatum, else three
        months before it) with its Dutch warning; one rule (services.meetings), read once per request."""
        return self.once("compare", lambda: compare_choice(self.session, self.scope, self.query))


@contextmanager
def request_context(query: Mapping[str, object] | str | None = None) -> Iterator[Request]:
    """The request's context (one transaction); PermissionDenied when nobody is logged in."""
    principal = current_principal()
    if principal is None:
        raise PermissionDenied(NOT_LOGGED_IN)
    if isinstance(query, str) or query is None:
        params = parse_search(query)
    else:
        params = {k: v for k, v in query.items() if isinstance(v, str)}
    with session_scope() as session:
        yield Request(principal=principal, session=session, query=params)


def refusal_message(exc: Refusal) -> str:
    return str(exc)


def refusal_alert(exc: Refusal, id_: str = "access-denied") -> dbc.Alert:
    return dbc.Alert(refusal_message(exc), color="danger", id=id_)


def page_layout(title: str) -> Callable[[Callable[[Request], Any]], Callable[..., Any]]:
    """A page's layout(**query): `build(request)` in one request context; a refusal becomes the
    page with its Dutch message (and no data)."""
    def decorate(build: Callable[[Request], Any]) -> Callable[..., Any]:
        @functools.wraps(build)
        def layout(**query: object) -> Any:
            try:
                with request_context(query) as request:
                    return build(request)
            except (PermissionDenied, NotFound) as exc:
                return html.Div([html.H2(title, className="h4 mb-3"), refusal_alert(exc)])
            except OperationalError as exc:
                if not transactions.is_busy(exc):
                    raise
                return html.Div([html.H2(title, className="h4 mb-3"),
                                 dbc.Alert(BUSY, color="warning", id="database-busy")])
        return layout
    return decorate


def page_callback(*dependencies: Any, on_refusal: Callable[[str], Any] | None = None,
                  **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`dash.callback` whose function gets the request context first: `fn(request, *values)`.

    The URL's search is added as the last State, so the selection always comes from the URL.
    A refusal (not logged in, no access, not found) or a database busy with another writer is
    answered with `on_refusal(message)` (the callback's outputs); without it the outputs stay as they are.
    """
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def run(*values: Any) -> Any:
            *inputs, search = values
            try:
                with request_context(search) as request:
                    return fn(request, *inputs)
            except (PermissionDenied, NotFound) as exc:
                message = refusal_message(exc)
            except OperationalError as exc:  # the transaction was rolled back: nothing half-done
                if not transactions.is_busy(exc):
                    raise
                message = BUSY
            if on_refusal is None:
                raise PreventUpdate
            return on_refusal(message)
        dash.callback(*dependencies, State("url", "search"), **kwargs)(run)
        return run  # callable directly (benchmarks, tests): run(*inputs, url_search)
    return decorate

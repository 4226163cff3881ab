"""One request context: who asks, for which selection, with which database session.

Every page layout and every callback gets a `Request` from here, built once per HTTP request:
the logged-in user (set by the login guard), one database session (one transaction: committed
when the callback returns, rolled back on any error), and the selection (area, sector, as-of
date, compare date) parsed from the URL query, the one source of the selection, never trusted.

`page_layout` and `page_callback` also turn the two refusals into the same Dutch answer on
every page: `PermissionDenied` ("Geen toegang ...") and `NotFound` ("... niet gevonden").

`page_background_callback` is the same for long work run as a Dash background callback (web/background.py:
a process of this machine, or a Celery worker elsewhere), where there is no Flask request: the request
that starts the job hands it a plain identity (`BackgroundIdentity`: the user id and the login session's
fingerprint, which changes with the session version and the password), and the job re-opens its own
database session, re-loads the user and refuses when that session has ended since.
"""
from __future__ import annotations

import functools
import os
import threading
import time
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
from services.auth import user_for_session
from services.errors import NotFound
from services.meetings import compare_choice
from services.permissions import PermissionDenied, Principal
from web.login import current_principal

NOT_LOGGED_IN = "U bent niet ingelogd."
SESSION_ENDED = "Uw sessie is beëindigd (uitgelogd, of het account of wachtwoord is gewijzigd); er is niets gedaan."
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
            return answer(lambda: request_context(search), lambda request: fn(request, *inputs), on_refusal)
        dash.callback(*dependencies, State("url", "search"), **kwargs)(run)
        return run  # callable directly (benchmarks, tests): run(*inputs, url_search)
    return decorate


def answer(open_request: Callable[[], Any], call: Callable[[Request], Any],
           on_refusal: Callable[[str], Any] | None) -> Any:
    """`call(request)` in the opened context; a refusal or a busy database becomes `on_refusal(message)`."""
    try:
        with open_request() as request:
            return call(request)
    except (PermissionDenied, NotFound) as exc:
        message = refusal_message(exc)
    except OperationalError as exc:  # the transaction was rolled back: nothing half-done
        if not transactions.is_busy(exc):
            raise
        message = BUSY
    if on_refusal is None:
        raise PreventUpdate
    return on_refusal(message)


# ---------------------------------------------------------------- background callbacks

IDENTITY = "vios_identity"  # the namespace in Dash's callback_context.custom_data
Progress = Callable[..., None]


@dataclass(frozen=True)
class BackgroundIdentity:
    """Who started a background job, as plain data (JSON for Celery): no session, no Flask objects.

    fingerprint: the login session's (services.auth.session_fingerprint); it changes when the user logs
    out, is disabled or gets a new password, so a job started before that is refused."""
    user_id: int
    fingerprint: str
    query: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: object, search: object) -> BackgroundIdentity | None:
        if not isinstance(data, Mapping):
            return None
        user_id, fingerprint = data.get("user_id"), data.get("fingerprint")
        if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(fingerprint, str):
            return None
        return cls(user_id, fingerprint, parse_search(search))


def identity_of_request() -> dict[str, object] | None:
    """In the HTTP request that starts a job: the logged-in user's identity (the login guard has checked
    the session and CSRF token), else None."""
    if not flask.has_request_context() or flask.g.get("principal") is None:
        return None
    user_id, fingerprint = flask.session.get("uid"), flask.session.get("fp")
    if not isinstance(user_id, int) or not isinstance(fingerprint, str):
        return None
    return {"user_id": user_id, "fingerprint": fingerprint}


# Dash runs custom_data hooks in the request, before the callback; the result travels with the job's context.
dash.hooks.custom_data(IDENTITY)(lambda _context: identity_of_request())


@contextmanager
def background_request(identity: BackgroundIdentity | None) -> Iterator[Request]:
    """The job's own request context: a new database session (one transaction), the user re-loaded;
    PermissionDenied when nobody started it or the login session has ended since."""
    if identity is None:
        raise PermissionDenied(NOT_LOGGED_IN)
    from services.secret_key import load_secret_key

    with session_scope() as session:
        user = user_for_session(session, identity.user_id, identity.fingerprint, load_secret_key())
        if user is None:
            raise PermissionDenied(SESSION_ENDED)
        principal = permissions.principal_for(session, user)
        yield Request(principal=principal, session=session, query=dict(identity.query))


def _job_identity(search: object) -> BackgroundIdentity | None:
    return BackgroundIdentity.from_data(dash.callback_context.custom_data.get(IDENTITY), search)


_POOL_PID = [os.getpid()]  # the process whose connection pool the engine holds


def _fresh_connections() -> None:
    """A job forked from a web worker (diskcache) must not use the connections the worker's pool holds:
    in a new process the pool is dropped (not closed: they are the parent's) and starts empty."""
    if os.getpid() != _POOL_PID[0]:
        from models.db import get_engine

        get_engine().dispose(close=False)
        _POOL_PID[0] = os.getpid()


def page_background_callback(*dependencies: Any, on_refusal: Callable[[str], Any] | None = None,
                             **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """`dash.callback(..., background=True)` whose function gets its own request context and a progress
    function first: `fn(request, set_progress, *values)`; set_progress(values for the `progress` outputs),
    a no-op without them. The URL's search is added as the last State. Refusals as in `page_callback`.

    The job runs without a Flask request (another process or machine): `request.area_options` and the
    rest work, `flask.g` and `flask.session` do not."""
    has_progress = bool(kwargs.get("progress"))

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def job(*values: Any) -> Any:
            set_progress: Progress = _progress_of(values[0]) if has_progress else _no_progress
            *inputs, search = values[1:] if has_progress else values
            identity = _job_identity(search)
            _fresh_connections()
            return answer(lambda: background_request(identity),
                           lambda request: fn(request, set_progress, *inputs), on_refusal)
        dash.callback(*dependencies, State("url", "search"), background=True, **kwargs)(job)
        return job
    return decorate


def _no_progress(*_values: Any) -> None:
    return None


def _progress_of(dash_set_progress: Callable[[list[Any]], None]) -> Progress:
    """set_progress(value_1, value_2, ...): one value per `progress` output."""
    def set_progress(*values: Any) -> None:
        dash_set_progress(list(values))
    return set_progress


@contextmanager
def ticking(set_progress: Progress, values: Callable[[float], tuple[Any, ...]], every: float = 0.5) -> Iterator[None]:
    """While the block runs, `set_progress(*values(seconds so far))` every `every` seconds (for work that
    cannot report its own progress, such as one import call): the user sees it is still busy."""
    stop = threading.Event()
    start = time.monotonic()

    def tick() -> None:
        while not stop.wait(every):
            set_progress(*values(time.monotonic() - start))
    thread = threading.Thread(target=tick, daemon=True, name="vios-progress")
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 1)

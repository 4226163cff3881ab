"""GET /_rijen/<name>?gebied=&sector=&peildatum=: the rows of a large grid as JSON, fetched by the page
after its layout (assets/grid_rows_fetch.js) instead of inside it.

Why: at country scope the certification table is ~8,000 rows (2.7 MB of JSON); encoding them in the
layout response cost every page view ~60 ms of the worker's time (Overzicht's 340 municipalities with
their changes: 160 kB, ~10 ms, and the browser parses the layout later). Here they are encoded and gzipped once
per data version, scope and user's filters (services.school_facts.derived, shared by all workers), so a
view costs a cache lookup. A page registers its rows with `source(name)`; the same request context as
the page's (the user from the session, the selection from the query) decides what may be read, so a
refusal here is the page's refusal, as Dutch JSON (403; 503 for a busy database).
"""
from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlencode

import dash
import dash_ag_grid as dag
import flask
from dash import ClientsideFunction, Input, Output, dcc, html

from services.school_facts import derived
from web.request_context import BUSY, SELECTION_PARAMS, Request, answer, request_context

PREFIX = "/_rijen/"  # under /_: the login guard answers 401 JSON, not the login page
Source = Callable[[Request], bytes]  # the rows of the request's selection, as `encoded` gives them
_SOURCES: dict[str, Source] = {}


def source(name: str) -> Callable[[Source], Source]:
    """Register fn(request) -> encoded rows as GET PREFIX + name."""
    def register(fn: Source) -> Source:
        _SOURCES[name] = fn
        return fn
    return register


def names() -> list[str]:
    return list(_SOURCES)


def encoded(rows: list[dict[str, Any]]) -> bytes:
    """The rows as gzipped JSON (level 1: ~6x smaller at a fifth of level 6's time)."""
    return gzip.compress(json.dumps(rows, separators=(",", ":"), ensure_ascii=False).encode(), compresslevel=1)


def since_compare_date(request: Request, name: str, build: Callable[[date], list[dict[str, Any]]]) -> bytes:
    """build(compare date)'s rows encoded, kept per data version, selection and the request's compare date
    (services.school_facts.derived, for all workers): for a source whose rows show changes since then."""
    scope, compare_with = request.scope, request.compare_choice.on
    return derived(request.session, scope, request.principal, name, compare_with,
                   lambda: encoded(build(compare_with)), active_from=min(compare_with, scope.as_of))


def url(name: str, request: Request) -> str:
    """The address of `name`'s rows for the request's selection (the page's own query)."""
    query = {k: request.query[k] for k in SELECTION_PARAMS if request.query.get(k)}
    return PREFIX + name + ("?" + urlencode(query) if query else "")


def _url_id(grid_id: str) -> str:
    return f"{grid_id}-rijen"


def _error_id(grid_id: str) -> str:
    return f"{grid_id}-rijen-fout"


def fetched_grid(rows_url: str, *, id: str, inline: list[dict[str, Any]] | None = None, **props: Any) -> html.Div:
    """An ag-grid without rows, with the address of its rows beside it (fetch_callback loads them); until
    they arrive the grid shows its loading overlay, a failure gets its Dutch message below the grid.
    With `inline` the grid has those rows at once and fetches none: for a grid as high as its few rows
    (components.grid.grows_with_rows), whose rows arriving later would push everything below it down."""
    return html.Div([
        dcc.Store(id=_url_id(id), data=rows_url if inline is None else None),
        dag.AgGrid(id=id, rowData=inline, **props),
        html.Div(id=_error_id(id), role="alert", className="text-danger small"),
    ])


def fetch_callback(grid_id: str) -> None:
    """Register, at import of the page, the clientside callback that fetches grid_id's rows
    (assets/grid_rows_fetch.js): the rows, or no rows and the server's Dutch message."""
    dash.clientside_callback(ClientsideFunction("vios_rows", "fetch_rows"),
                             Output(grid_id, "rowData"), Output(_error_id(grid_id), "children"),
                             Input(_url_id(grid_id), "data"))


def install(server: flask.Flask) -> None:
    server.add_url_rule(PREFIX + "<name>", "vios_rows", rows, methods=["GET"])


def _error(message: str, status: int) -> flask.Response:
    return flask.Response(json.dumps({"error": message}), status=status, mimetype="application/json")


def rows(name: str) -> flask.Response:
    fn = _SOURCES.get(name)
    if fn is None:
        return _error("Deze tabel bestaat niet.", 404)
    body = answer(lambda: request_context(flask.request.args.to_dict()), fn,
                  lambda message: _error(message, 503 if message == BUSY else 403))
    if isinstance(body, flask.Response):
        return body
    if "gzip" in flask.request.accept_encodings:
        response = flask.Response(body, status=200, mimetype="application/json")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = flask.Response(gzip.decompress(body), status=200, mimetype="application/json")
    response.headers["Vary"] = "Accept-Encoding"
    return response

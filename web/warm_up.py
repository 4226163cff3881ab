"""A web worker warms up as it starts (gunicorn's post_worker_init, in a thread of its own).

It draws the heaviest pages once for the whole country at today, as a beheerder sees them, without an
HTTP request. What each page remembers per process is then there before the first user asks: every
school's facts and status timeline (services.school_facts, domain.overview), the rows and series derived
from them, and plotly's figure classes. At 8,000 schools a worker's first layout of such
a page took 150-550 ms, the next ones 5-30 ms.

The pages are drawn by their own layouts, so the dates and choices they use are the pages' own (no second
copy of their defaults here). Nothing is written: a layout only reads. Whatever fails leaves the worker
cold, never wrong: every result is keyed by the data version it was computed from.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from urllib.parse import urlencode

import dash
import flask

from domain import clock
from services.gc_pause import freeze_kept
from services.permissions import Principal
from web import row_data

# The pages whose first layout at country scope is heavy (Netwerk and Planning draw little there).
PAGES = ("/", "/certificering", "/gemeenten")
# Who the pages are drawn for: a beheerder sees the whole country (no user of the database: user id 0).
WARM_UP_PRINCIPAL = Principal(user_id=0, username="warm-up", role="beheerder")

log = logging.getLogger(__name__)

# What a page asks right after its layout (its first callbacks) and is heavy at country scope: fn(search) with
# the page's query as the URL's search. Registered by the pages (after_layout), drawn after their layouts.
_AFTER_LAYOUT: dict[tuple[str, str], Callable[[str], object]] = {}


def after_layout(path: str, name: str, fn: Callable[[str], object]) -> None:
    """Warm fn(search) up too once the page at path is drawn: a callback it calls as it opens (Gemeenten's map
    and change list took a worker 0.4-0.7 s on its first country view at 16,000 schools)."""
    _AFTER_LAYOUT[(path, name)] = fn


def warm_pages(server: flask.Flask, paths: tuple[str, ...] = PAGES) -> list[str]:
    """Draw each page of paths, its first callbacks (after_layout) and load each grid's rows (web.row_data) at
    country scope at today; the paths and callbacks drawn (a failure is logged, not raised)."""
    layouts = {page["path"]: page["layout"] for page in dash.page_registry.values()}
    query = {"gebied": "nl", "peildatum": clock.today().isoformat()}
    drawn = []
    with server.test_request_context("/"):
        flask.g.principal = WARM_UP_PRINCIPAL
        for path in paths:
            try:
                layouts[path](**query)
            except Exception:  # a worker starts also when the database is not there (yet)
                log.warning("page %s not drawn in advance", path, exc_info=True)
                continue
            drawn.append(path)
    search = "?" + urlencode(query)
    for (path, name), fn in _AFTER_LAYOUT.items():
        if path not in drawn:
            continue
        with server.test_request_context("/"):
            flask.g.principal = WARM_UP_PRINCIPAL
            try:
                fn(search)
            except Exception:
                log.warning("%s not drawn in advance", name, exc_info=True)
                continue
        drawn.append(name)
    for name in row_data.names():  # the grids' rows, which their pages fetch after the layout
        with server.test_request_context(row_data.PREFIX + name, query_string=query):
            flask.g.principal = WARM_UP_PRINCIPAL
            try:
                loaded = row_data.rows(name).status_code == 200
            except Exception:
                loaded = False
            if loaded:
                drawn.append(row_data.PREFIX + name)
            else:
                log.warning("rows %s not loaded in advance", name, exc_info=True)
    return drawn


def warm_and_freeze(server: flask.Flask) -> None:
    """warm_pages, then what they loaded is kept out of the collector's full runs (services.gc_pause)."""
    warm_pages(server)
    freeze_kept()


def start(server: flask.Flask) -> threading.Thread:
    """warm_and_freeze in a thread of its own: the worker answers requests meanwhile."""
    thread = threading.Thread(target=warm_and_freeze, args=(server,), name="warm-up", daemon=True)
    thread.start()
    return thread

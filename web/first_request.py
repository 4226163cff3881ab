"""Dash sets itself up on a worker's first request, in before_request functions behind a plain flag: it
copies the registered callbacks into its map and adds the pages' router. The flag is set as the set-up
starts, so in a fresh gunicorn worker (several threads) a second request went on while the first one was
still setting up: one got a 500 ("dictionary changed size during iteration", a script of the page missing),
and another could be answered with half the callbacks. Here those functions run one at a time, so no request
passes them until the set-up is done; afterwards each is a flag check under an uncontended lock."""
from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask

_SETTING_UP = threading.Lock()


def serialise_dash_set_up(server: Flask) -> None:
    """Run Dash's before_request functions (registered when the Dash app was made) one at a time."""
    funcs = server.before_request_funcs.setdefault(None, [])
    funcs[:] = [_one_at_a_time(f) if _is_dash(f) else f for f in funcs]


def _is_dash(fn: Callable[..., Any]) -> bool:
    return getattr(fn, "__module__", "").split(".")[0] == "dash"


def _one_at_a_time(fn: Callable[[], Any]) -> Callable[[], Any]:
    @functools.wraps(fn)
    def run() -> Any:
        with _SETTING_UP:
            return fn()
    return run

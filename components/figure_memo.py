"""Small plotly charts remembered for their figures: plotly.py takes 10-25 ms to build each of the overview's
charts (validation of every property; 60-80 ms for the first of a kind in a process), most of a page's layout,
and the same figures give the same chart on every opening of an area's page until the data change. The answer
is the same JSON as the figure itself. Kept per process and in the store every worker shares
(services.school_facts.shared_store; keyed with the code's version), so one worker builds a chart for all.

Only for arguments that are plain JSON (dicts, lists, numbers, text): anything else is built every time.
"""
from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go

from services.code_version import code_version
from services.school_facts import shared_store

SIZE = 256  # figures per process (a few KB each)
_LOCK = threading.Lock()
_FIGURES: OrderedDict[tuple[Callable[..., go.Figure], str], str] = OrderedDict()


def remembered(build: Callable[..., go.Figure], *args: Any) -> dict[str, Any]:
    """build(*args) as a figure dict (a fresh one each time: callers may change it), built once for the same
    arguments (per process, and for all workers through the shared store)."""
    try:
        key = (build, json.dumps(args, sort_keys=True, allow_nan=False))
    except (TypeError, ValueError):  # not plain JSON: no key that is sure to mean the same figure
        return dict(build(*args).to_plotly_json())
    with _LOCK:
        figure = _FIGURES.get(key)
        if figure is not None:
            _FIGURES.move_to_end(key)
    if figure is None:
        figure = shared_json(f"{build.__module__}.{build.__qualname__}", key[1], lambda: str(build(*args).to_json()))
        with _LOCK:
            _FIGURES[key] = figure
            while len(_FIGURES) > SIZE:
                _FIGURES.popitem(last=False)
    return dict(json.loads(figure))


def shared_json(name: str, args_json: str, make: Callable[[], str]) -> str:
    """The JSON `name` makes of args_json from the store every worker shares, else make() here (and put there);
    for pure functions of their arguments only."""
    store = shared_store()
    key = "figure:" + hashlib.sha256(f"{code_version()}|{name}|{args_json}".encode()).hexdigest()
    found = store.get(key) if store is not None else None
    if isinstance(found, str):
        return found
    figure = make()
    if store is not None:
        store.set(key, figure)
    return figure

"""Small plotly charts remembered for their figures: plotly.py takes 10-25 ms to build each of the overview's
charts (validation of every property), most of a page's layout, and the same figures give the same chart on
every opening of an area's page until the data change. The answer is the same JSON as the figure itself.

Only for arguments that are plain JSON (dicts, lists, numbers, text): anything else is built every time.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import plotly.graph_objects as go

SIZE = 256  # figures per process (a few KB each)
_LOCK = threading.Lock()
_FIGURES: OrderedDict[tuple[Callable[..., go.Figure], str], str] = OrderedDict()


def remembered(build: Callable[..., go.Figure], *args: Any) -> dict[str, Any]:
    """build(*args) as a figure dict (a fresh one each time: callers may change it), built once per process for
    the same arguments."""
    try:
        key = (build, json.dumps(args, sort_keys=True, allow_nan=False))
    except (TypeError, ValueError):  # not plain JSON: no key that is sure to mean the same figure
        return dict(build(*args).to_plotly_json())
    with _LOCK:
        figure = _FIGURES.get(key)
        if figure is not None:
            _FIGURES.move_to_end(key)
    if figure is None:
        figure = str(build(*args).to_json())
        with _LOCK:
            _FIGURES[key] = figure
            while len(_FIGURES) > SIZE:
                _FIGURES.popitem(last=False)
    return dict(json.loads(figure))

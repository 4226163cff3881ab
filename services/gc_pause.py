"""Python's cyclic garbage collector: paused while a bulk read builds many objects at once, and its full runs
made rarer in the web app.

Loading the school facts of the whole country makes some 100,000 small objects; every few hundred of
them the collector runs, and its full runs walk every object the process keeps (the caches of the
figures), so at national scale half of the load time went to collecting nothing (measured: 210-326 ms
with the collector, 106-111 ms without). The objects are freed by reference counting as always; only
the search for cycles waits until the read is done. Threads share the collector: it is switched back on
when the last pausing thread leaves.

The web app keeps large caches, and a full run of the collector walks them all: opening pages one after
another in a warm process at 8,000 schools took median 115 ms, p90 255 ms with Python's default thresholds,
72 / 94 ms with full runs ten times rarer (collect_less_often; the young generations are collected as
always, so cycles are still found, later). What a worker loaded as it started (web.warm_up: every school's
facts and the heaviest pages' results) is then kept out of those runs (freeze_kept): at 32,000 schools, twelve
new peildatums at country scope in a row took at most 1.7 s each instead of 2.1 s (median 1.13 / 1.18 s).
"""
from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_state = {"paused": 0, "enable_after": True}


@contextmanager
def paused_collection() -> Iterator[None]:
    with _LOCK:
        if _state["paused"] == 0:
            _state["enable_after"] = gc.isenabled()   # as it was before the first pause
        _state["paused"] += 1
        gc.disable()
    try:
        yield
    finally:
        with _LOCK:
            _state["paused"] -= 1
            if _state["paused"] == 0 and _state["enable_after"]:
                gc.enable()


# Python's defaults are (700, 10, 10): a full run after ten runs of the middle generation.
THRESHOLDS = (700, 10, 100)


def collect_less_often() -> None:
    """Full runs of the collector ten times rarer (THRESHOLDS), for a process with large caches."""
    gc.set_threshold(*THRESHOLDS)


def freeze_kept() -> None:
    """Keep every object the process holds now out of the collector's runs (gc.freeze): for what stays
    loaded for the process's life (a worker's warm-up). They are still freed by reference counting."""
    gc.freeze()

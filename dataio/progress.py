"""How far a long import is: the importers report their step and rows, whoever runs them listens.

The importers call `rows(step, total)` and `advance()` without knowing who listens; the web's background
job (pages/data.py) listens with `listening(...)` and shows "Rijen controleren: 6.000 van 12.000 (50%)".
Nobody listening (the CLI, the tests) costs one context-variable look-up per report. A report is sent at
most once per `STEP_SHARE` of the rows, so a national file makes about a hundred reports, not 8,000.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

READING = "Bestand lezen"
CHECKING = "Rijen controleren"
WAITING = "Wachten tot andere wijzigingen zijn opgeslagen"
WRITING = "Opslaan"
STEP_SHARE = 0.01
UNCOUNTED_EVERY = 1000  # rows between reports when the total is not known


@dataclass(frozen=True)
class State:
    """One report: the step, and the rows done of the rows in that step (total 0: the total is not known,
    as while a workbook is read)."""
    step: str
    done: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        """0..1 of this step (0 without a count)."""
        return min(1.0, self.done / self.total) if self.total else 0.0

    def label(self) -> str:
        """Dutch, for the progress bar: 'Rijen controleren: 6.000 van 12.000 (50%)'."""
        if not self.total:
            return f"{self.step}: {_nl(self.done)} rijen" if self.done else self.step
        return f"{self.step}: {_nl(self.done)} van {_nl(self.total)} ({self.share:.0%})"


Listener = Callable[[State], None]
_LISTENER: ContextVar[Listener | None] = ContextVar("vios_import_progress", default=None)
_COUNTER: ContextVar[_Counter | None] = ContextVar("vios_import_counter", default=None)


@contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Within the block, every report of an importer goes to `listener`."""
    token, counting = _LISTENER.set(listener), _COUNTER.set(None)
    try:
        yield
    finally:
        _COUNTER.reset(counting)
        _LISTENER.reset(token)


def step(name: str) -> None:
    """A step without a row count (reading the file, waiting for the write lock)."""
    _COUNTER.set(None)
    listener = _LISTENER.get()
    if listener is not None:
        listener(State(name))


def rows(name: str, total: int = 0) -> None:
    """A step over `total` rows (0: not known) starts; `advance()` counts them."""
    listener = _LISTENER.get()
    if listener is None:
        _COUNTER.set(None)
        return
    counter = _Counter(name, max(total, 0), listener)
    _COUNTER.set(counter)
    listener(State(name, 0, counter.total))


def advance(count: int = 1) -> None:
    """`count` more rows of the current step are done."""
    counter = _COUNTER.get()
    if counter is not None:
        counter.advance(count)


class _Counter:
    def __init__(self, name: str, total: int, listener: Listener) -> None:
        self.name, self.total, self.listener = name, total, listener
        self.done = 0
        self.every = max(1, math.ceil(total * STEP_SHARE)) if total else UNCOUNTED_EVERY
        self.reported = 0

    def advance(self, count: int) -> None:
        self.done = min(self.total, self.done + count) if self.total else self.done + count
        if self.done != self.reported and (self.done - self.reported >= self.every or self.done == self.total):
            self.reported = self.done
            self.listener(State(self.name, self.done, self.total))


def _nl(number: int) -> str:
    return f"{number:,}".replace(",", ".")

"""The one clock of the product: "today" and "now" come from here, nowhere else.

`VIOS_TODAY=YYYY-MM-DD` fixes today for everything that runs in the process (web app, CLI,
seeds, benchmarks, tests); `fixed_today()` does the same from code (tests, demos). With a
fixed today, "now" is that day at the current wall-clock time in the Netherlands, so times
recorded during a demo still follow each other within the day.

Dates in the product are Dutch calendar dates: today is the date in Europe/Amsterdam,
also on a server that runs in UTC (at 00:30 in Amsterdam it is already the next day).
A lint rule (ruff TID251) refuses `date.today()`, `datetime.now()` and friends elsewhere.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Amsterdam")
ENV_VAR = "VIOS_TODAY"

_fixed: date | None = None  # set by fixed_today(); wins over VIOS_TODAY


def _system_now() -> datetime:
    """The system clock, in UTC: the only place the product reads it."""
    return datetime.now(UTC)


def configured_today() -> date | None:
    """The fixed today (from `fixed_today()` or VIOS_TODAY), or None when the real date is used."""
    if _fixed is not None:
        return _fixed
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{ENV_VAR}={raw!r} is geen datum; gebruik JJJJ-MM-DD, bijv. 2026-11-23.") from None


def now() -> datetime:
    """The current moment, timezone-aware in UTC (what the database stores)."""
    real = _system_now()
    fixed = configured_today()
    if fixed is None:
        return real
    local = real.astimezone(TIMEZONE)
    shifted = datetime.combine(fixed, local.timetz().replace(tzinfo=None), tzinfo=TIMEZONE)
    return shifted.astimezone(UTC)


def local_now() -> datetime:
    """The current moment in Dutch local time (for timestamps shown to users and file names)."""
    return now().astimezone(TIMEZONE)


def today() -> date:
    """Today's date in the Netherlands (or the fixed today)."""
    fixed = configured_today()
    return fixed if fixed is not None else _system_now().astimezone(TIMEZONE).date()


@contextmanager
def fixed_today(day: date) -> Iterator[None]:
    """Within the block, today is `day` for the whole process (tests, demos)."""
    global _fixed
    previous, _fixed = _fixed, day
    try:
        yield
    finally:
        _fixed = previous

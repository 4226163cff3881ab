"""Axes of counts (schools, audits): whole-number ticks only, never '0, 1, 1, 1'."""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any


def count_axis(values: Iterable[float | int | None]) -> dict[str, Any]:
    """update_yaxes(**count_axis(values)): ticks 0, 1, 2 ... for small counts, else a round step
    (2, 5, 10, 20, 50 ...) giving at most about eight ticks; whole numbers, from zero."""
    top = max([v for v in values if v is not None] + [1])
    step = 1
    while top / step > 8:
        for factor in (2, 2.5, 2):   # 1 -> 2 -> 5 -> 10 -> 20 -> 50 ...
            step = int(step * factor)
            if top / step <= 8:
                break
    return {"rangemode": "tozero", "tickformat": "d", "tick0": 0, "dtick": step}

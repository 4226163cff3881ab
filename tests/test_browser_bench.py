"""bench/browser_timing.py's table over several rounds: the p95 is taken over every kept round's callbacks."""
from __future__ import annotations

import statistics

import pytest

from bench.browser_timing import Row, _p95, combined

pytestmark = pytest.mark.unit


def _row(page: str, server: list[float], data_s: float, drawn_s: float, kb: float) -> Row:
    return Row(page, "heel Nederland", 7876, 8000, len(server), statistics.median(server), _p95(server),
               max(server), max(server), data_s, drawn_s, kb, kb, server_ms=server)


def test_bb001_rounds_combine_into_one_row_per_page_with_the_p95_of_all_their_callbacks():
    first = [_row("Overzicht", [10.0] * 9 + [150.0], 0.4, 0.9, 200), _row("Gemeenten", [20.0, 30.0], 0.8, 1.7, 600)]
    second = [_row("Overzicht", [12.0] * 10, 0.5, 0.7, 210), _row("Gemeenten", [25.0, 35.0], 0.6, 1.9, 610)]
    overview, municipalities = combined([first, second])
    # 20 callbacks: the p95 is the 19th slowest, so one slow first layout no longer is the p95
    assert (overview.server_p95_ms, overview.server_worst_ms, overview.server_median_ms) == (12.0, 150.0, 12.0)
    assert (overview.data_s, overview.drawn_s, overview.json_kb) == (0.5, 0.9, 210)   # slowest round, last sizes
    assert municipalities.server_ms == [20.0, 30.0, 25.0, 35.0] and municipalities.drawn_s == 1.9
    assert combined([first]) == first


def test_bb002_the_p95_is_the_nearest_rank():
    assert [_p95([float(v) for v in range(1, n + 1)]) for n in (1, 2, 10, 19, 20, 21, 40)] == [1, 2, 10, 19, 19, 20, 38]

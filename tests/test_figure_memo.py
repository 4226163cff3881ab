"""components.figure_memo: a chart remembered for its figures is the same figure, built once per process."""
from __future__ import annotations

import json
from datetime import date

import plotly.graph_objects as go
import pytest
from conftest import MemoryStore
from plotly.io.json import to_json_plotly

from components.charts import coverage_chart, expiring_chart, status_phase_chart
from components.figure_memo import remembered
from domain.status_phase import PHASE_KEYS, STATUS_ORDER

pytestmark = pytest.mark.unit


def _plain(figure: object) -> object:
    return json.loads(to_json_plotly(figure))


def test_the_remembered_chart_is_the_chart_and_is_built_once():
    matrix = {s: {k: (i + j) % 4 for j, k in enumerate(PHASE_KEYS)} for i, s in enumerate(STATUS_ORDER)}
    rows = [{"name": f"Gemeente {i}", "cbs_code": f"GM{i:04d}", "schools": i, "valid_certificates": i // 2,
             "coverage": (i // 2) / i, "coverage_change": 0.1} for i in range(1, 30)]
    quarters = [{"quarter": f"2027 K{q}", "count": q} for q in range(1, 5)]
    for build, args in ((status_phase_chart, (matrix, None)), (status_phase_chart, (matrix, matrix)),
                        (coverage_chart, (rows, " van bestuur X")), (expiring_chart, (quarters, {"2027 K1": 3}))):
        assert _plain(remembered(build, *args)) == _plain(build(*args))
    calls: list[int] = []

    def counted(n: int) -> go.Figure:
        calls.append(n)
        return go.Figure(go.Bar(x=[1, 2], y=[n, n]))
    first = remembered(counted, 5)
    first["layout"]["title"] = "changed by a caller"
    again = remembered(counted, 5)
    assert calls == [5] and "title" not in again["layout"]   # built once; a caller's change stays its own
    remembered(counted, 6)
    assert calls == [5, 6]


def test_arguments_that_are_not_plain_json_are_built_every_time():
    calls: list[date] = []

    def dated(day: date) -> go.Figure:
        calls.append(day)
        return go.Figure(go.Bar(x=[day.isoformat()], y=[1]))
    for _ in range(2):
        assert _plain(remembered(dated, date(2026, 11, 23)))["data"][0]["x"] == ["2026-11-23"]
    assert len(calls) == 2


def test_a_chart_one_worker_built_is_read_by_the_others_until_the_code_changes(monkeypatch):
    """The shared store: a second process (its own memory empty) reads the figure instead of building it; a
    new version of the code builds it again (the store outlives a restart)."""
    from components import figure_memo
    from services import code_version, school_facts

    store = MemoryStore()
    monkeypatch.setattr(school_facts, "_SHARED", store)
    calls: list[dict[str, int]] = []

    def counted(order: dict[str, int]) -> go.Figure:
        calls.append(order)
        return go.Figure(go.Bar(x=list(order), y=list(order.values())))
    order = {"b": 2, "a": 1}  # the order of the arguments is the chart's: it is built from them, not their key
    first = remembered(counted, order)
    assert first["data"][0]["x"] == ["b", "a"] and len(store.values) == 1
    monkeypatch.setattr(figure_memo, "_FIGURES", type(figure_memo._FIGURES)())  # another worker
    assert remembered(counted, order) == first and len(calls) == 1
    monkeypatch.setattr(figure_memo, "_FIGURES", type(figure_memo._FIGURES)())
    monkeypatch.setattr(figure_memo, "code_version", lambda: "an upgrade")
    assert remembered(counted, order) == first and len(calls) == 2 and len(store.values) == 2
    assert len(code_version.code_version()) == 16

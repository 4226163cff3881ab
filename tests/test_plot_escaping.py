"""Markup in names never becomes live markup in Plotly figures (issue 13, finding 11): every figure is
built directly with a school, municipality and region named like a link, and no text of the figure
JSON (hover, tick, legend, label, annotation) contains the tag any more."""
from __future__ import annotations

import json
from datetime import date

import pytest

from components import certification_charts, charts, meeting_map, municipality_charts, network_graph, planning_charts
from components import map as school_map
from components.safe_text import plot_text
from domain.lifecycle import Segment
from domain.municipality_comparison import CoverageSeries, MunicipalityInfo
from domain.planning import CoverageRow
from services.municipality_comparison import MunicipalityRow, SchoolPoint, centres_of
from services.planning.queries import Projection

pytestmark = pytest.mark.unit

LINK = "<a href=x>y</a>"
AS_OF = date(2026, 11, 23)


def _figures(code: str, name: str) -> dict:
    return {"cbs_code": code, "name": name, "schools": 4, "valid_certificates": 2, "coverage": 0.5,
            "expiring_soon": 0, "expired": 0, "never_certified": 2, "in_trajectory": 1,
            "in_trajectory_by_phase": {"intake": 1}}


def _rows() -> list[MunicipalityRow]:
    return [MunicipalityRow(figures=_figures(code, name), approach_model="eigen", approach_phase="uitvoering",
                            taking_part=2, changes={"coverage": 0.1}, distribution={"valid": 2, "never": 2},
                            distribution_changes={"valid": 1})
            for code, name in (("GM0001", LINK), ("GM0002", "Gewoon"))]


def _segment() -> Segment:
    return Segment(phase="intake", label="Intake", start=date(2026, 1, 1), end=date(2026, 3, 1))


class _GanttRow:
    name, code, stall_reasons = LINK, "01AB00", ("vastgelopen in " + LINK,)
    segments = [_segment()]


def _all_figures() -> dict[str, object]:
    infos = [MunicipalityInfo(cbs_code="GM0001", name=LINK, region_id=1, province_id=1, approach_model="eigen",
                              approach_phase="uitvoering", elements=(), schools=4)]
    series = {"GM0001": CoverageSeries(name=LINK, points=[("2026-K3", 0.5, 2, 4), ("2026-K4", 0.6, 3, 5)]),
              "GM0002": CoverageSeries(name="Gewoon", points=[("2026-K3", 0.2, 1, 5)])}
    point = SchoolPoint(code="01AB00", name=LINK, municipality=LINK, status="valid", phase=None,
                        in_trajectory=False, lat=50.8, lon=5.7, municipality_code="GM0001")
    shapes = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "GM0001", "properties": {}, "geometry": {
            "type": "Polygon", "coordinates": [[[5.6, 50.7], [5.8, 50.7], [5.8, 50.9], [5.6, 50.7]]]}}]}
    projection = Projection(quarters=["2026-K4", "2027-K1"],
                            municipalities=[CoverageRow(code="GM0001", name=LINK, schools=4, covered=[1, 2],
                                                        coverage=[0.25, 0.5])],
                            total=CoverageRow(code="", name="Hele regio", schools=4, covered=[1, 2],
                                              coverage=[0.25, 0.5]),
                            audits=[], over_capacity=[], certified_quarter="2027-K1")
    return {
        "gantt": certification_charts.gantt_chart([_GanttRow()], AS_OF),
        "school timeline": certification_charts.gantt_chart(
            [certification_charts.TimelineRow("Cyclus 1", LINK, [_segment()])], AS_OF),
        "coverage": charts.coverage_chart([r.figures for r in _rows()]),
        "coverage bars": municipality_charts.coverage_bars(_rows(), "GM0001", frozenset({"GM0002"})),
        "phase bars": municipality_charts.phase_bars(_rows(), True, "GM0001"),
        "approach": municipality_charts.approach_heatmap(infos, "GM0001"),
        "coverage lines": municipality_charts.coverage_lines(series, {"GM0001": LINK, "GM0002": "Regio"},
                                                             single_limit=1),
        "map": school_map.school_map([point], {"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": "GM0001", "properties": {}, "geometry": {
                "type": "Polygon", "coordinates": [[[5.6, 50.7], [5.8, 50.7], [5.8, 50.9], [5.6, 50.7]]]}}]},
            {"GM0001": (LINK, 0.5)}, target="GM0001", target_name=LINK),
        "meeting map": meeting_map.meeting_map(centres_of([point]), None, {"GM0001": (LINK, 0.5)}, {"GM0001": 4},
                                               "GM0001"),
        "meeting map shaded": meeting_map.meeting_map(centres_of([point]), shapes, {"GM0001": (LINK, 0.5)},
                                                      {"GM0001": 4}),
        "planning": planning_charts.coverage_projection_chart(projection),
        "network heat map": network_graph.heatmap_figure([LINK, "Gewoon"], ["politie"], [[1.0], [0.0]],
                                                         aggregated=False),
    }


@pytest.mark.parametrize("name", list(_all_figures()))
def test_no_markup_from_data_in_any_figure_text(name):
    figure = _all_figures()[name]   # a go.Figure or a plain-dict figure (components.plain_figure)
    texts = list(_strings(json.loads(figure.to_json() if hasattr(figure, "to_json") else json.dumps(figure))))
    assert [t for t in texts if "<a" in t or "</a" in t] == []
    assert any("&lt;a href=x&gt;y&lt;/a&gt;" in t for t in texts)  # the name is still shown, as text


def _strings(node: object):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def test_plot_text_escapes_markup_and_keeps_plain_names():
    assert plot_text(LINK) == "&lt;a href=x&gt;y&lt;/a&gt;"
    assert plot_text("Sint-Jozef & Maria") == "Sint-Jozef &amp; Maria"
    assert plot_text("Gulpen-Wittem") == "Gulpen-Wittem" and plot_text(None) == ""

"""The Gemeenten and Certificering figures built as plain dicts (components.plain_figure, issue 16): plotly
accepts each one unchanged, so the browser draws exactly what a go.Figure with the same properties would give."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import plotly.graph_objects as go
import pytest
from plotly.io.json import to_json_plotly

from components import certification_charts, meeting_map, planning_charts
from components import map as school_map
from components import municipality_charts as charts
from components.plain_figure import merge, update_axes
from domain.lifecycle import QuarterDemand, Segment
from domain.municipality_comparison import CoverageSeries, MunicipalityInfo
from domain.planning import CoverageRow
from services.municipality_comparison import AreaRow, MunicipalityRow, SchoolPoint, centres_of
from services.planning.queries import Projection

pytestmark = pytest.mark.unit
AS_OF = date(2026, 11, 23)


def _row(code: str, name: str, schools: int, valid: int) -> MunicipalityRow:
    figures = {"cbs_code": code, "name": name, "schools": schools, "valid_certificates": valid,
               "coverage": valid / schools if schools else None, "expiring_soon": 1 if valid else 0, "expired": 0,
               "never_certified": schools - valid, "in_trajectory": 1 if schools else 0,
               "in_trajectory_by_phase": {"intake": 1 if schools else 0, "audit": 0}}
    return MunicipalityRow(figures=figures, approach_model="eigen", approach_phase="uitvoering", taking_part=valid,
                           changes={"coverage": 0.1 if schools else None}, distribution={}, distribution_changes={})


ROWS = [_row(f"GM{i:04d}", f"Gemeente {i}", i % 7, i % 3) for i in range(1, 40)]
INFOS = [MunicipalityInfo(cbs_code=r.cbs_code, name=r.name, region_id=i % 4, province_id=i % 2,
                          approach_model="eigen", approach_phase="uitvoering",
                          elements=("kernteam",) if i % 2 else (), schools=r.schools) for i, r in enumerate(ROWS)]
AREAS = [AreaRow(area_key=f"p{k}", name=f"Gebied {k}", figures={
    **{f: sum(r.figures[f] for r in ROWS if int(r.cbs_code[2:]) % 2 == k)  # type: ignore[literal-required]
       for f in ("schools", "valid_certificates", "expiring_soon", "expired", "never_certified", "in_trajectory")},
    "coverage": 0.3 + k / 10, "in_trajectory_by_phase": {"intake": 3, "audit": 0}},
    changes={"coverage": -0.05 if k else None}, municipalities=20 - k, elements_in_use={"kernteam": 5 * k})
    for k in (0, 1)]
SERIES = {r.cbs_code: CoverageSeries(r.name, [("2026 K3", 0.25, 1, 4), ("2026 K4", None, 0, 0)]) for r in ROWS}
GROUPS = {r.cbs_code: f"Provincie {i % 5}" for i, r in enumerate(ROWS)}
POINTS = [SchoolPoint(code=f"{i:02d}AB00", name=f"School {i}", municipality=ROWS[i % 3].name,
                      status=("valid", "expiring", "expired", "never")[i % 4], phase=None, in_trajectory=False,
                      lat=52 + i / 100, lon=5 + i / 100, municipality_code=ROWS[i % 3].cbs_code) for i in range(12)]
SHAPES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "id": "GM0001", "properties": {}, "geometry": {
        "type": "Polygon", "coordinates": [[[5.0, 52.0], [5.1, 52.0], [5.1, 52.1], [5.0, 52.0]]]}}]}
COVERAGE = {r.cbs_code: (r.name, r.figures["coverage"]) for r in ROWS}
PEERS = frozenset({"GM0002", "GM0005"})
SCHOOLS = {r.cbs_code: r.schools for r in ROWS}
FORECAST = [QuarterDemand(2027, q, f"2027-K{q}", q, 2, q + 2, 4, q + 2 > 4) for q in range(1, 5)]
ROW = CoverageRow(code="GM0001", name="Gemeente 1", schools=4, covered=[1, 2], coverage=[0.25, 0.5])
PROJECTION = Projection(quarters=["2026-K4", "2027-K1"], municipalities=[ROW],
                        total=replace(ROW, code="", name="Regio"), audits=[], over_capacity=[],
                        certified_quarter="2027-K1")
GANTT = [certification_charts.TimelineRow(f"School {i}", f"{i:02d}AB00", [
    Segment("intake", "Intake", date(2026, 1, 1), date(2026, 3, 1)),
    Segment("audit", "Audit", date(2026, 3, 1), date(2026, 3, 1))], ("fase te lang",) if i % 2 else ())
    for i in range(4)]


def _figures() -> dict[str, dict]:
    return {
        "coverage bars": charts.coverage_bars(ROWS),
        "coverage bars, chosen": charts.coverage_bars(ROWS, "GM0001", PEERS),
        "phase bars": charts.phase_bars(ROWS),
        "phase bars in %, chosen": charts.phase_bars(ROWS, True, "GM0001", PEERS),
        "approach": charts.approach_heatmap(INFOS, "GM0003", PEERS),
        "coverage bars per province, chosen": charts.coverage_bars(ROWS, "GM0001", PEERS, AREAS),
        "phase bars per province in %": charts.phase_bars(ROWS, True, None, frozenset(), AREAS),
        "approach per province, chosen": charts.approach_heatmap(INFOS, "GM0003", PEERS, AREAS),
        "lines, one panel": charts.coverage_lines(dict(list(SERIES.items())[:5]), GROUPS),
        "lines, small multiples": charts.coverage_lines(SERIES, GROUPS, "GM0001", PEERS),
        "lines, none": charts.coverage_lines({}),
        "school map": school_map.school_map(POINTS, None, COVERAGE),
        "meeting map": meeting_map.meeting_map(centres_of(POINTS), None, COVERAGE, SCHOOLS, "GM0001", PEERS),
        "meeting map shaded": meeting_map.meeting_map(centres_of(POINTS), SHAPES, COVERAGE, SCHOOLS, "GM0001", PEERS),
        "meeting map, nothing": meeting_map.meeting_map(centres_of([]), None, {}, {}),
        "tranche funnel": certification_charts.funnel_chart((("intake", "Intake", 3), ("audit", "Audit", 0)), AS_OF),
        "tranche gantt": certification_charts.gantt_chart(GANTT, AS_OF),
        "tranche gantt, no schools": certification_charts.gantt_chart([], AS_OF),
        "audit forecast": certification_charts.forecast_chart(FORECAST),
        "audit forecast, no capacity": certification_charts.forecast_chart(
            [replace(q, capacity=None, over_capacity=False) for q in FORECAST]),
        "coverage projection": planning_charts.coverage_projection_chart(PROJECTION),
        "coverage projection, certified after the quarters": planning_charts.coverage_projection_chart(
            replace(PROJECTION, certified_quarter="2029-K1")),
        "school map on OpenStreetMap with boundaries": school_map.school_map(
            POINTS, SHAPES, COVERAGE, "open-street-map", "GM0001", PEERS, ROWS[0].name, {ROWS[1].name}),
    }


def _plain(figure: object) -> object:
    return json.loads(to_json_plotly(figure))


@pytest.mark.parametrize("name", list(_figures()))
def test_pf001_plotly_accepts_every_plain_figure_unchanged(name):
    figure = _figures()[name]
    assert isinstance(figure, dict) and figure["data"] is not None
    # go.Figure validates every property (a ValueError for an unknown one) and gives its JSON back
    assert _plain(go.Figure(figure).to_plotly_json()) == _plain(figure)
    assert figure["layout"]["template"] == go.Figure().to_plotly_json()["layout"]["template"]   # looks the same


def test_pf002_the_highlight_is_in_the_plain_figures():
    bars = charts.coverage_bars(ROWS, "GM0001", PEERS)["data"][0]
    colours = dict(zip(bars["ids"], bars["marker"]["color"], strict=True))
    assert colours["GM0001"] == charts.TARGET_COLOUR and colours["GM0002"] == charts.PEER_COLOUR
    assert set(bars["ids"]) == {r.cbs_code for r in ROWS if r.schools}   # no bar without schools
    lines = charts.coverage_lines(SERIES, GROUPS, "GM0001", PEERS)["data"]
    by_code = {t["meta"]: t for t in lines}
    assert by_code["GM0001"]["line"]["width"] == 3 and by_code["GM0002"]["line"]["color"] == charts.PEER_COLOUR
    # highlighted lines drawn last in their panel
    first_panel = [t["meta"] for t in lines if t["legendgroup"] == by_code["GM0001"]["legendgroup"]]
    assert first_panel[-1] in {"GM0001", *PEERS}


def test_pf003_merge_and_update_axes_as_plotly():
    layout: dict = {"xaxis": {"title": {"text": "a"}}, "xaxis2": {}, "xaxisx": {}}
    merge(layout, {"xaxis": {"title": {"font": {"size": 3}}}, "height": 3})
    assert layout["xaxis"] == {"title": {"text": "a", "font": {"size": 3}}} and layout["height"] == 3
    update_axes(layout, "xaxis", {"tickformat": ".0%"})
    assert layout["xaxis2"] == {"tickformat": ".0%"} and layout["xaxisx"] == {}
    fresh: dict = {}
    update_axes(fresh, "yaxis", {"rangemode": "tozero"})
    assert fresh == {"yaxis": {"rangemode": "tozero"}}


def test_pf010_hundreds_of_municipalities_give_one_line_per_group_with_the_chosen_ones_over_them():
    """The whole country (342 municipalities): one coverage line per province, the province's own coverage
    (its valid certificates over its schools at each quarter end, not an average of shares), and the chosen
    municipality and its peers drawn over them; below the limit, one line per municipality as before."""
    from domain.municipality_comparison import group_series

    many = {f"GM{i:04d}": CoverageSeries(f"Gemeente {i}", [("2026 K3", None, i % 3, 4 + i % 2),
                                                           ("2026 K4", None, 0, i % 2)])
            for i in range(1, charts.PER_AREA_ABOVE + 12)}
    groups = {code: f"Provincie {int(code[2:]) % 4}" for code in many}
    lines = charts.coverage_lines(many, groups, "GM0005", {"GM0006"})["data"]
    by_meta = {t["meta"]: t for t in lines}
    assert set(by_meta) == {f"groep:Provincie {k}" for k in range(4)} | {"GM0005", "GM0006"}
    assert [t["meta"] for t in lines][-1] == "GM0005"   # the chosen one on top
    assert by_meta["GM0005"]["line"]["color"] == charts.TARGET_COLOUR
    assert {t["line"]["color"] for t in lines if t["meta"].startswith("groep:")} == {charts.MUTED_COLOUR}
    first = [c for c in many if groups[c] == "Provincie 1"]
    valid, schools = sum(many[c].points[0][2] for c in first), sum(many[c].points[0][3] for c in first)
    assert by_meta["groep:Provincie 1"]["y"][0] == round(valid / schools, 4)
    assert by_meta["groep:Provincie 1"]["customdata"][0] == [valid, schools]
    assert group_series(many, groups)["Provincie 1"].points[1][1] == round(
        sum(many[c].points[1][2] for c in first) / sum(many[c].points[1][3] for c in first), 4)
    few = dict(list(many.items())[:charts.PER_AREA_ABOVE])
    assert {t["meta"] for t in charts.coverage_lines(few, groups)["data"]} == set(few)


def test_pf011_per_province_the_charts_show_the_provinces_with_the_chosen_municipalities_among_them():
    """The whole country (per_area): one bar or row per province, its own figures; a chosen municipality
    and its peers are bars and rows of their own among them (the provinces muted), with their colours."""
    assert charts.per_area(charts.PER_AREA_ABOVE, AREAS) == [] and charts.per_area(charts.PER_AREA_ABOVE + 1, AREAS)
    plain = charts.coverage_bars(ROWS, areas=AREAS)["data"][0]
    assert plain["ids"] == ["gebied:p0", "gebied:p1"] and plain["x"] == [0.3, 0.4]   # lowest coverage first
    assert plain["y"] == ["Provincie Gebied 0", "Provincie Gebied 1"] and plain["text"] == ["30%", "40% (\u22125,0 pp)"]
    assert plain["customdata"][1] == [AREAS[1].figures["valid_certificates"], AREAS[1].schools]
    assert set(plain["marker"]["color"]) == {charts.BASE_COLOUR}
    chosen = charts.coverage_bars(ROWS, "GM0001", PEERS, AREAS)
    colours = dict(zip(chosen["data"][0]["ids"], chosen["data"][0]["marker"]["color"], strict=True))
    assert colours == {"gebied:p0": charts.MUTED_COLOUR, "gebied:p1": charts.MUTED_COLOUR,
                       "GM0001": charts.TARGET_COLOUR, **{c: charts.PEER_COLOUR for c in PEERS
                                                          if next(r for r in ROWS if r.cbs_code == c).schools}}
    assert "per provincie, met de gekozen gemeenten" in chosen["layout"]["title"]["text"]

    phases = charts.phase_bars(ROWS, False, "GM0001", PEERS, AREAS)["data"]
    never = next(t for t in phases if t["meta"] == "status:never")
    # the provinces alphabetical from the top, the chosen ones above them (plotly draws y from the bottom)
    assert never["y"] == ["Provincie Gebied 1", "Provincie Gebied 0", "<b>Gemeente 5</b>", "<b>Gemeente 2</b>",
                          "<b>Gemeente 1</b>"]
    assert never["x"][:2] == [AREAS[1].figures["never_certified"], AREAS[0].figures["never_certified"]]
    assert never["marker"]["opacity"] == [0.35, 0.35, 1.0, 1.0, 1.0]

    heat = charts.approach_heatmap(INFOS, "GM0003", PEERS, AREAS)["data"][0]
    column = list(charts.APPROACH_ELEMENTS).index("kernteam")
    assert heat["y"][:2] == ["Provincie Gebied 1", "Provincie Gebied 0"]
    assert [row[column] for row in heat["z"][:2]] == [5 / 19, 0]
    assert heat["customdata"][0][column] == "5 van 19 gemeenten" and heat["text"][0][column] == "26%"
    chosen_rows = {y: z for y, z in zip(heat["y"][2:], heat["z"][2:], strict=True)}
    assert chosen_rows["<b>Gemeente 2</b>"][column] == 1 and chosen_rows["<b>Gemeente 3</b>"][column] == 0


def names(figure: dict) -> dict[str, str]:
    """The name each municipality carries on the map ('' when only on hover)."""
    shown = {c[0]: t for trace in figure["data"] if trace.get("meta") == "namen"
             for t, c in zip(trace["text"], trace["customdata"], strict=True)}
    return {c[0]: shown.get(c[0], "") for trace in figure["data"] if trace.get("meta") == "gemeente"
            for c in trace["customdata"]}


def test_pf012_the_map_names_every_municipality_of_a_region_but_only_the_largest_and_chosen_of_the_country():
    """Up to PER_AREA_ABOVE municipalities each bubble carries its name; more (the country): only the
    NAMED_LARGEST largest and the chosen ones, every bubble still naming itself on hover."""
    count = charts.PER_AREA_ABOVE + 10
    coverage = {f"GM{i:04d}": (f"Gemeente {i}", 0.5) for i in range(count)}
    schools = {code: 1 + i for i, code in enumerate(coverage)}   # the last codes are the largest
    points = [SchoolPoint(code=f"{i:02d}AB{i % 100:02d}", name=f"School {i}", municipality=name, status="valid",
                          phase=None, in_trajectory=False, lat=51 + i // 10 / 2, lon=3 + i % 10,
                          municipality_code=code)    # far enough apart for every name
              for i, (code, (name, _)) in enumerate(coverage.items())]

    def hovers(figure: dict) -> dict[str, str]:
        return {c[0]: c[4] for trace in figure["data"] if trace.get("meta") == "gemeente" for c in trace["customdata"]}

    few = dict(list(coverage.items())[:charts.PER_AREA_ABOVE])
    assert all(names(meeting_map.meeting_map(centres_of(points), None, few, schools))[c] == few[c][0] for c in few)
    shown = names(meeting_map.meeting_map(centres_of(points), None, coverage, schools, "GM0000", {"GM0001"}))
    largest = {f"GM{i:04d}" for i in range(count - meeting_map.NAMED_LARGEST, count)}
    assert {c for c, t in shown.items() if t} == largest | {"GM0000", "GM0001"}
    assert shown["GM0000"] == "<b>Gemeente 0</b>"
    assert (hovers(meeting_map.meeting_map(centres_of(points), None, coverage, schools))
            == {c: n for c, (n, _) in coverage.items()})


def _bubble_at(code: str, lat: float, lon: float) -> SchoolPoint:
    return SchoolPoint(code=f"{code[2:]}AB00", name="School", municipality=code, status="valid", phase=None,
                       in_trajectory=False, lat=lat, lon=lon, municipality_code=code)


def test_pf014_a_name_that_would_cover_another_is_left_to_the_hover():
    """Neighbours too close for both names (Zuid-Limburg): the one with more schools keeps its name, the other
    names itself on hover only, unless it is the chosen municipality or a peer; names far apart all stay."""
    coverage = {"GM0001": ("Gemeente Groot", 0.5), "GM0002": ("Gemeente Klein", 0.2), "GM0003": ("Verweg", 0.9)}
    schools = {"GM0001": 40, "GM0002": 10, "GM0003": 20}
    points = [_bubble_at("GM0001", 50.85, 5.70), _bubble_at("GM0002", 50.86, 5.71), _bubble_at("GM0003", 52.5, 6.5)]
    shown = names(meeting_map.meeting_map(centres_of(points), None, coverage, schools))
    assert shown == {"GM0001": "Gemeente Groot", "GM0002": "", "GM0003": "Verweg"}
    chosen = names(meeting_map.meeting_map(centres_of(points), None, coverage, schools, "GM0002"))
    assert chosen == {"GM0001": "", "GM0002": "<b>Gemeente Klein</b>", "GM0003": "Verweg"}
    peers = names(meeting_map.meeting_map(centres_of(points), None, coverage, schools, "GM0003", {"GM0002"}))
    assert peers["GM0002"] == "Gemeente Klein" and peers["GM0003"] == "<b>Verweg</b>"
    apart = [_bubble_at("GM0001", 50.85, 5.70), _bubble_at("GM0002", 51.60, 4.40), points[2]]
    assert all(names(meeting_map.meeting_map(centres_of(apart), None, coverage, schools)).values())


def test_pf013_each_bubble_sits_at_the_mean_of_its_schools_coordinates():
    """The meeting map's bubble of a municipality: at the mean latitude and longitude of its schools on the map,
    sized by its number of schools (the points where the number is not known)."""
    figure = meeting_map.meeting_map(centres_of(POINTS), None, COVERAGE, {})
    drawn = {c[0]: (y, x) for trace in figure["data"] if trace.get("meta") == "gemeente"
             for c, x, y in zip(trace["customdata"], trace["x"], trace["y"], strict=True)}
    for code in {p.municipality_code for p in POINTS}:
        members = [p for p in POINTS if p.municipality_code == code]
        assert drawn[code] == pytest.approx((sum(p.lat for p in members) / len(members),
                                             sum(p.lon for p in members) / len(members)))
    sizes = {c[0]: c[3] for trace in figure["data"] if trace.get("meta") == "gemeente" for c in trace["customdata"]}
    assert sizes == {code: sum(p.municipality_code == code for p in POINTS) for code in sizes}

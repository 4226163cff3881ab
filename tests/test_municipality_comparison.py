"""Unit tests of domain.changes and domain.municipality_comparison on hand-made histories, with
hand-computed answers."""
from __future__ import annotations

from datetime import date

import pytest

from domain.certification import Event
from domain.changes import (
    PartnershipFact,
    change_summary,
    changes_between,
    default_compare_date,
    distribution_deltas,
    figure_deltas,
    municipality_deltas,
)
from domain.municipality_comparison import (
    MunicipalityInfo,
    QuarterPoint,
    approach_matrix,
    coverage_series,
    peers,
    quarter_points,
)
from domain.overview import SchoolFacts, figures, school_status

D = date


def _school(sid: int, code: str, municipality: str, trajectories: dict, validity: int = 24) -> SchoolFacts:
    return SchoolFacts(sid, code, f"School {code}", "vo", f"GM000{1 if municipality == 'Aa' else 2}", municipality,
                       validity_months=validity, window_months=6,
                       trajectories={t: [Event(p, on, i) for i, (p, on) in enumerate(evs)]
                                     for t, evs in trajectories.items()})


@pytest.fixture
def history() -> list[SchoolFacts]:
    a = _school(1, "AAAA00", "Aa", {1: [("registered", D(2025, 1, 10)), ("intake", D(2025, 2, 1)),
                                       ("improvement", D(2025, 3, 1)), ("audit", D(2025, 8, 1)),
                                       ("committee", D(2025, 9, 1)), ("certified", D(2025, 10, 1))]},
                validity=12)                                   # expires 2026-10-01
    b = _school(2, "BBBB00", "Aa", {2: [("registered", D(2024, 1, 1)), ("certified", D(2024, 6, 15))]})
    # b expires 2026-06-15, never renewed
    c = _school(3, "CCCC00", "Bb", {3: [("registered", D(2026, 5, 1)), ("intake", D(2026, 7, 1))]})
    return [a, b, c]


def test_cmp001_default_compare_date_is_three_months_earlier_with_month_end_rule():
    assert default_compare_date(D(2026, 11, 23)) == D(2026, 8, 23)
    assert default_compare_date(D(2026, 5, 31)) == D(2026, 2, 28)


def test_cmp002_changes_between_two_dates(history):
    partnerships = [
        PartnershipFact("AAAA00", "School AAAA00", "Aa", "Politie", "kernteam", D(2026, 4, 1), None),  # on start: no
        PartnershipFact("BBBB00", "School BBBB00", "Aa", "Halt", "advies", D(2025, 1, 1), D(2026, 7, 1)),
        PartnershipFact("CCCC00", "School CCCC00", "Bb", "GGD", "kernteam", D(2026, 5, 5), None),
    ]
    changes = changes_between(history, D(2026, 4, 1), D(2026, 7, 1), partnerships)
    assert [(c.on, c.kind, c.school_code, c.phase_from, c.phase_to) for c in changes] == [
        (D(2026, 5, 1), "phase", "CCCC00", None, "registered"),
        (D(2026, 5, 5), "partnership_started", "CCCC00", None, None),
        (D(2026, 6, 15), "expired", "BBBB00", None, None),
        (D(2026, 7, 1), "phase", "CCCC00", "registered", "intake"),
        (D(2026, 7, 1), "partnership_ended", "BBBB00", None, None),
    ]
    assert changes[1].detail == "GGD (kernteam)"
    summary = change_summary(changes)
    assert summary.kinds == {"certified": 0, "expired": 1, "phase": 2, "partnership_started": 1,
                             "partnership_ended": 1}
    assert summary.entered == {"registered": 1, "intake": 1}
    assert summary.left == {"registered": 1}
    # the dates in the other order give the same list
    assert changes_between(history, D(2026, 7, 1), D(2026, 4, 1), partnerships) == changes


def test_cmp003_certification_in_the_period_names_the_phase_left(history):
    changes = changes_between(history, D(2025, 8, 31), D(2025, 10, 1))
    assert [(c.kind, c.phase_from, c.phase_to) for c in changes] == [
        ("phase", "audit", "committee"), ("certified", "committee", "certified")]


def test_cmp004_a_renewed_certificate_does_not_expire():
    renewed = _school(4, "DDDD00", "Aa", {1: [("certified", D(2024, 1, 1))], 2: [("certified", D(2025, 12, 1))]})
    assert [c.kind for c in changes_between([renewed], D(2025, 12, 15), D(2026, 2, 1))] == []
    # the expiry date itself belongs to the period (on expires_on the certificate is expired)
    lapsed = _school(5, "EEEE00", "Aa", {1: [("certified", D(2024, 1, 1))]})
    assert [c.on for c in changes_between([lapsed], D(2025, 12, 31), D(2026, 1, 1))] == [D(2026, 1, 1)]
    assert changes_between([lapsed], D(2026, 1, 1), D(2026, 3, 1)) == []


def test_cmp005_figure_deltas_between_two_as_of_dates(history):
    then = figures(school_status(f, D(2026, 4, 1)) for f in history)
    now = figures(school_status(f, D(2026, 7, 1)) for f in history)
    # hand-computed: at 1-4-2026 A and B are valid and both expire within six months; C has nothing yet.
    assert (then["valid_certificates"], then["expiring_soon"], then["coverage"]) == (2, 2, 0.6667)
    # at 1-7-2026 B has expired and C is in intake
    assert (now["valid_certificates"], now["expired"], now["in_trajectory"], now["coverage"]) == (1, 1, 1, 0.3333)
    changes = figure_deltas(now, then)
    assert changes["schools"] == 0 and changes["valid_certificates"] == -1
    assert changes["coverage"] == -0.3334
    assert changes["expiring_soon"] == -1 and changes["expired"] == 1 and changes["never_certified"] == 0
    assert changes["in_trajectory"] == 1 and changes["in_trajectory_by_phase"]["intake"] == 1
    assert changes["in_trajectory_by_phase"]["audit"] == 0


def test_cmp006_municipality_and_distribution_deltas():
    now = [{"cbs_code": "GM1", "schools": 4, "valid_certificates": 2, "coverage": 0.5, "expiring_soon": 0,
            "expired": 0, "never_certified": 2, "in_trajectory": 0, "in_trajectory_by_phase": {"intake": 0}},
           {"cbs_code": "GM2", "schools": 1, "valid_certificates": 1, "coverage": 1.0, "expiring_soon": 0,
            "expired": 0, "never_certified": 0, "in_trajectory": 0, "in_trajectory_by_phase": {"intake": 0}}]
    then = [{**now[0], "valid_certificates": 1, "coverage": 0.25, "in_trajectory_by_phase": {"intake": 1}}]
    result = municipality_deltas(now, then)
    assert result["GM1"]["valid_certificates"] == 1 and result["GM1"]["coverage"] == 0.25
    assert result["GM1"]["in_trajectory_by_phase"] == {"intake": -1}
    # a municipality without schools at the earlier date: counts from 0, coverage change unknown
    assert result["GM2"]["schools"] == 1 and result["GM2"]["coverage"] is None
    assert distribution_deltas({"valid": 3, "never": 1}, {"valid": 1, "expired": 2}) == {
        "valid": 2, "never": 1, "expired": -2}


def _info(code, name, region, province, model, schools, elements=()):
    return MunicipalityInfo(code, name, region, province, model, "uitvoering", tuple(elements), schools)


MUNICIPALITIES = [
    _info("GM01", "Aa", 1, 10, "arnhem", 10, ("kernteam", "convenant")),
    _info("GM02", "Bb", 1, 10, "delft", 5),
    _info("GM03", "Cc", 2, 10, "arnhem", 6, ("convenant",)),
    _info("GM04", "Dd", 2, 20, "geen", 14),
    _info("GM05", "Ee", None, 20, "arnhem", 16),
    _info("GM06", "Ff", None, None, "geen", 10),
]


@pytest.mark.parametrize("kind, expected", [
    ("region", ["GM02"]),
    ("province", ["GM02", "GM03"]),
    ("model", ["GM03", "GM05"]),
    # within ±50% of 10 schools (5..15), closest first: Ff (10), then Cc (6, |4|) and Dd (14, |4|) by name
    ("size", ["GM06", "GM03", "GM04"]),
])
def test_cmp007_peers(kind, expected):
    assert peers("GM01", MUNICIPALITIES, kind, size_count=3) == expected


def test_cmp008_peers_unknown_target_or_kind():
    assert peers("GM99", MUNICIPALITIES, "region") == []
    assert peers("GM06", MUNICIPALITIES, "region") == []      # no region: no regional peers
    with pytest.raises(ValueError):
        peers("GM01", MUNICIPALITIES, "colour")


def test_cmp009_approach_matrix():
    assert approach_matrix(MUNICIPALITIES[:3], ["kernteam", "convenant"]) == [[1, 1], [0, 0], [0, 1]]


def test_cmp010_quarter_points_end_with_the_as_of_date():
    assert quarter_points(D(2026, 11, 23), 3) == [
        QuarterPoint("2026 K2", D(2026, 6, 30)), QuarterPoint("2026 K3", D(2026, 9, 30)),
        QuarterPoint("2026 K4", D(2026, 11, 23))]
    assert quarter_points(D(2026, 2, 10), 2) == [QuarterPoint("2025 K4", D(2025, 12, 31)),
                                                 QuarterPoint("2026 K1", D(2026, 2, 10))]
    assert len(quarter_points(D(2026, 11, 23), 20)) == 20


def test_cmp011_coverage_series_from_per_quarter_rows(history):
    points = quarter_points(D(2026, 7, 1), 2)     # 2026 K2 as of 30-6, 2026 K3 as of 1-7
    from domain.overview import figures_per_municipality

    series = coverage_series([(p, figures_per_municipality(school_status(f, p.on) for f in history))
                              for p in points])
    # Aa: A valid and B expired on 15-6 -> 1 of 2 at both points; Bb: C never certified
    assert series["GM0001"].points == [("2026 K2", 0.5, 1, 2), ("2026 K3", 0.5, 1, 2)]
    assert series["GM0002"].points == [("2026 K2", 0.0, 0, 1), ("2026 K3", 0.0, 0, 1)]
    # a municipality without schools at a point has no value there
    late = coverage_series([(points[0], []), (points[1], [{"cbs_code": "GM9", "name": "Zz", "coverage": 1.0,
                                                          "valid_certificates": 1, "schools": 1}])])
    assert late["GM9"].points == [("2026 K2", None, 0, 0), ("2026 K3", 1.0, 1, 1)]


def test_cmp012_taking_part_means_in_trajectory_or_valid_certificate(history):
    from domain.municipality_comparison import taking_part

    # 1-7-2026: A valid, B expired (not taking part any more), C in intake
    assert taking_part(school_status(f, D(2026, 7, 1)) for f in history) == 2
    # 1-1-2025: B valid, A not yet registered, C nothing
    assert taking_part(school_status(f, D(2025, 1, 1)) for f in history) == 1


def test_cmp013_coverage_at_points_equals_the_figures_at_each_date(history):
    from dataclasses import replace

    from domain.municipality_comparison import coverage_at_points
    from domain.overview import active_on, figures_per_municipality

    # D left the register on 1-3-2026: it counts at the end of 2025 K4, not at later points
    closed = replace(_school(4, "DDDD00", "Bb", {4: [("certified", D(2025, 6, 1))]}), active=False,
                     inactive_since=D(2026, 3, 1))
    facts = history + [closed]
    points = quarter_points(D(2026, 11, 23), 5)      # 2025 K4 ... 2026 K4
    for point, rows in coverage_at_points(facts, points):
        statuses = [school_status(f, point.on) for f in facts if active_on(f, point.on)]
        expected = [{k: m[k] for k in ("cbs_code", "name", "schools", "valid_certificates", "coverage")}
                    for m in figures_per_municipality(statuses)]
        assert rows == expected, point
    first = dict((p.label, rows) for p, rows in coverage_at_points(facts, points))
    assert [m["schools"] for m in first["2025 K4"]] == [2, 2] and [m["schools"] for m in first["2026 K2"]] == [2, 1]
    assert not active_on(closed, D(2026, 3, 1)) and active_on(closed, D(2026, 2, 28))


def test_cmp020_service_equals_the_report_at_every_date(demo_db):
    """The comparison loads the facts once for all dates: the figures equal `vios report` at each date."""
    from dataclasses import replace

    from conftest import DEMO_TODAY

    from domain.scope import Scope
    from models.db import session_scope
    from services.municipality_comparison import comparison
    from services.report import overview_report

    with session_scope() as session:
        for scope in (Scope(as_of=DEMO_TODAY), Scope(as_of=DEMO_TODAY, sector="vo")):
            compare_with = D(DEMO_TODAY.year - 1, 2, 28)
            data = comparison(session, scope, compare_with, None, quarters=6, with_points=False)
            now = overview_report(session, scope)
            then = overview_report(session, replace(scope, as_of=compare_with))
            assert data.totals == now["totals"] and data.totals_then == then["totals"]
            assert [m.figures for m in data.municipalities] == now["municipalities"]
            assert data.total_changes["valid_certificates"] == (
                now["totals"]["valid_certificates"] - then["totals"]["valid_certificates"])
            for index, point in enumerate(quarter_points(DEMO_TODAY, 6)):
                at = {m["cbs_code"]: m for m in overview_report(session, replace(scope, as_of=point.on))[
                    "municipalities"]}
                for code, entry in data.series.items():
                    label, coverage, valid, schools = entry.points[index]
                    assert label == point.label
                    if code in at:
                        assert (coverage, valid, schools) == (at[code]["coverage"], at[code]["valid_certificates"],
                                                              at[code]["schools"])
                    else:
                        assert schools == 0


def test_cmp021_overview_since_equals_the_report_at_both_dates(demo_db):
    """The overview page loads the facts once for both dates: equal to two `vios report` runs."""
    from dataclasses import replace

    from conftest import DEMO_TODAY

    from domain.scope import Scope
    from models.db import session_scope
    from services.report import overview_changes, overview_report, overview_since

    with session_scope() as session:
        for scope in (Scope(as_of=DEMO_TODAY), Scope(as_of=DEMO_TODAY, sector="vo")):
            for compare_with in (default_compare_date(DEMO_TODAY), D(DEMO_TODAY.year - 1, 2, 28),
                                 D(DEMO_TODAY.year + 1, 1, 1)):
                now, changes = overview_since(session, scope, compare_with, None)
                then = overview_report(session, replace(scope, as_of=compare_with))
                assert now == overview_report(session, scope)
                assert changes == overview_changes(now, then)


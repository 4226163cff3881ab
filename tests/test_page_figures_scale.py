"""The pages' figures (service level) equal `vios report --json` on the national set of 8,000 schools, at a few dates.

The pages compute from the cached facts of every school (services.school_facts: one load per data
version, a view per as-of date, statuses remembered per school and date); `vios report --json` runs in
a process of its own, so computes everything cold. Compared: Gemeenten (its totals, every municipality
row, the map's coverage and the coverage series at every quarter end), Certificering (the table's
certificate statuses and phases), Planning (a region's coverage per municipality) and Overzicht (the
report and its one load for two dates).
"""
from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import vios_cli
from sqlalchemy import func, select
from sqlmodel import Session, col

from domain.municipality_comparison import quarter_points
from domain.scope import Scope
from models import Municipality, Region, School
from models.db import make_engine
from services import school_facts as facts_module
from services.certification_reads import CertificationReads
from services.municipality_comparison import comparison, map_data
from services.planning import region_data
from services.report import overview_since

pytestmark = [pytest.mark.db, pytest.mark.slow]

TODAY = date(2026, 11, 23)
DATES = (date(2024, 9, 30), date(2026, 3, 31), TODAY)
# The national set at full size (every province, region and municipality; 30 s for the module);
# VIOS_NATIONAL_SCHOOLS=600 for a quick run.
SCHOOLS = os.environ.get("VIOS_NATIONAL_SCHOOLS", "8000")


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("page-figures") / "national.db"
    result = vios_cli.run(db, "seed", "scale", "--schools", SCHOOLS, "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    return db


def _report(db: Path, as_of: date, *area: str) -> dict:
    shown = vios_cli.run(db, "report", "--as-of", as_of.isoformat(), *area, "--json", real=True)
    assert shown.returncode == 0, shown.stderr
    return json.loads(shown.stdout)


def _json(value: object) -> object:
    return json.loads(json.dumps(value))


def _region(session: Session) -> tuple[int, str]:
    row = session.execute(
        select(col(Region.id), col(Region.name)).join(Municipality, col(Municipality.region_id) == col(Region.id))
        .join(School, col(School.municipality_id) == col(Municipality.id))
        .group_by(col(Region.id), col(Region.name)).order_by(func.count(col(School.id)).desc())).first()
    assert row is not None
    return int(row[0]), str(row[1])


def test_pf001_every_page_shows_the_figures_of_vios_report(national):
    engine = make_engine(f"sqlite:///{national}")
    try:
        with Session(engine) as session:
            region_id, region_name = _region(session)
            facts_module.clear_cache()
            for as_of in DATES:
                for scope, area in ((Scope(as_of=as_of), ()),
                                    (Scope(as_of=as_of, region_id=region_id), ("--region", region_name))):
                    expected = _report(national, as_of, *area)
                    assert expected["totals"]["schools"] > 0
                    by_code = {m["cbs_code"]: m for m in expected["municipalities"]}

                    # Overzicht
                    now, _ = overview_since(session, scope, date(2023, 1, 1), None)
                    assert _json(now) == expected

                    # Gemeenten: totals, rows, map and the series' last point (the as-of date)
                    data = comparison(session, scope, date(2023, 1, 1), None, quarters=8, with_points=False)
                    assert _json(data.totals) == expected["totals"]
                    assert [_json(m.figures) for m in data.municipalities] == expected["municipalities"]
                    shown = map_data(session, scope, None)
                    assert {c: list(v) for c, v in _json(shown.coverage).items()} == {
                        c: [m["name"], m["coverage"]] for c, m in by_code.items()}
                    for code, series in data.series.items():
                        label, coverage, valid, schools = series.points[-1]
                        if code not in by_code:  # a municipality whose schools left before the as-of date
                            assert schools == 0
                            continue
                        assert (coverage, valid, schools) == (by_code[code]["coverage"],
                                                              by_code[code]["valid_certificates"],
                                                              by_code[code]["schools"])

                    # Certificering: the table's statuses and phases add up to the report's totals
                    rows = CertificationReads(session, scope, None).rows
                    statuses = Counter(r.status for r in rows)
                    totals = expected["totals"]
                    assert len(rows) == totals["schools"]
                    assert statuses["valid"] + statuses["expiring"] == totals["valid_certificates"]
                    assert (statuses["expiring"], statuses["expired"], statuses["never"]) == (
                        totals["expiring_soon"], totals["expired"], totals["never_certified"])

                    # Planning (a region's page): the coverage per municipality its priorities start from
                    if scope.region_id is not None:
                        planned = region_data(session, session.get(Region, region_id), as_of)
                        assert len(planned.statuses) == totals["schools"]
                        assert planned.coverage == {c: m["coverage"] for c, m in by_code.items()}
    finally:
        engine.dispose()


def test_pf002_the_coverage_series_equals_the_report_at_each_quarter_end(national):
    engine = make_engine(f"sqlite:///{national}")
    try:
        with Session(engine) as session:
            scope = Scope(as_of=TODAY)
            data = comparison(session, scope, TODAY, None, quarters=8, with_points=False)
            for i, point in enumerate(quarter_points(TODAY, 8)[::3]):  # three of the eight quarter ends
                expected = {m["cbs_code"]: m for m in _report(national, point.on)["municipalities"]}
                for code, series in data.series.items():
                    label, coverage, valid, schools = series.points[i * 3]
                    assert label == point.label
                    if code in expected:
                        assert (coverage, valid, schools) == (expected[code]["coverage"],
                                                              expected[code]["valid_certificates"],
                                                              expected[code]["schools"])
                    else:
                        assert schools == 0
    finally:
        engine.dispose()


def test_pf003_the_cached_view_at_a_date_equals_a_direct_load(national):
    """Every school's facts at a date, from the one load of all events, equal a load up to that date."""
    engine = make_engine(f"sqlite:///{national}")
    try:
        with Session(engine) as session:
            facts_module.clear_cache()
            conn = session.connection()
            for as_of in (date(2020, 1, 1), *DATES, date(2026, 12, 20)):
                cached = facts_module.school_facts(session, Scope(as_of=as_of))
                direct = facts_module._load(conn, facts_module.school_filters(Scope(as_of=as_of)), as_of)
                assert [(f.school_id, f.active, f.inactive_since, f.validity_months, f.window_months)
                        for f in cached] == [(f.school_id, f.active, f.inactive_since, f.validity_months,
                                              f.window_months) for f in direct]
                assert [{t: sorted(e, key=lambda x: (x.on, x.recorded_seq)) for t, e in f.trajectories.items()}
                        for f in cached] == [{t: sorted(e, key=lambda x: (x.on, x.recorded_seq))
                                              for t, e in f.trajectories.items()} for f in direct]
    finally:
        engine.dispose()


def test_pf004_each_province_of_the_country_view_is_vios_report_for_that_province(national):
    """At country scope the charts show provinces (AreaRow): each one's figures are exactly `vios report
    --province`'s totals, its changes those between the report at the two dates, and its municipalities and
    approach elements those of its municipalities in the table."""
    from domain.changes import figure_deltas

    engine = make_engine(f"sqlite:///{national}")
    compare = DATES[1]
    try:
        with Session(engine) as session:
            data = comparison(session, Scope(as_of=TODAY), compare, None, quarters=0, with_points=False)
            assert len(data.areas) == 12 and all(a.area_key.startswith("p") for a in data.areas)
            assert sum(a.schools for a in data.areas) == data.totals["schools"]
            infos = {m.cbs_code: m for m in data.infos}
            for area in data.areas[::4]:   # three of the twelve, each two `vios report` runs
                now = _report(national, TODAY, "--province", area.name)["totals"]
                then = _report(national, compare, "--province", area.name)["totals"]
                assert _json(area.figures) == now
                assert _json(area.changes) == _json(figure_deltas(now, then))
                members = [m for m in infos.values() if f"p{m.province_id}" == area.area_key]
                assert area.municipalities == len(members) > 0
                assert area.elements_in_use == {e: sum(1 for m in members if e in m.elements)
                                                for e in area.elements_in_use}
            assert comparison(session, Scope(as_of=TODAY, province_id=int(data.areas[0].area_key[1:])), compare,
                              None, quarters=0, with_points=False).areas == []   # a province: per municipality
    finally:
        engine.dispose()

"""The cached school facts give exactly the figures of `vios report --json`, and every write is seen at once.

services.school_facts caches the facts per data version (models.DataVersion, raised by database
triggers on every write to school, municipality, region, trajectory and phaseevent). These tests run
the national-scale generator at a few hundred schools, compare the figures a warm process computes
(cached, and through overview_since's one load for two dates) with `vios report --json` in a fresh
process, and check that writes of every kind (ORM, Core, raw SQL) change the figures immediately.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
import vios_cli
from conftest import MemoryStore
from sqlalchemy import func, select, text
from sqlmodel import Session, col

from domain.scope import Scope
from models import Municipality, PhaseEvent, Region, School, Trajectory, table_of
from models.db import make_engine
from services import school_facts as facts_module
from services.report import overview_report, overview_since

pytestmark = pytest.mark.db  # opens databases of its own

TODAY = date(2026, 11, 23)
DATES = (date(2023, 3, 31), date(2025, 6, 30), date(2026, 2, 28), TODAY)


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("facts-cache") / "national.db"
    result = vios_cli.run(db, "seed", "scale", "--schools", "400", "--today", TODAY.isoformat())
    assert result.returncode == 0, result.stderr
    return db


@pytest.fixture
def session(tmp_path, national):
    copy = tmp_path / "copy.db"  # writes stay in this test
    with sqlite3.connect(national) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # also what is still in the -wal file
    engine = make_engine(f"sqlite:///{copy}")
    with Session(engine) as s:
        yield s
    engine.dispose()


def _region(session: Session) -> tuple[int, str]:
    """The region with the most schools."""
    row = session.execute(
        select(col(Region.id), col(Region.name)).join(Municipality, col(Municipality.region_id) == col(Region.id))
        .join(School, col(School.municipality_id) == col(Municipality.id))
        .group_by(col(Region.id), col(Region.name)).order_by(func.count(col(School.id)).desc())).first()
    assert row is not None
    return int(row[0]), str(row[1])


def _json(report: object) -> object:
    return json.loads(json.dumps(report))


@pytest.mark.slow
def test_fc001_cached_figures_equal_vios_report_json(national):
    engine = make_engine(f"sqlite:///{national}")
    try:
        with Session(engine) as session:
            region_id, region_name = _region(session)
            facts_module.clear_cache()
            for as_of in DATES:
                for scope, area in ((Scope(as_of=as_of), ()), (Scope(as_of=as_of, region_id=region_id),
                                                               ("--region", region_name))):
                    # the command line in a process of its own: a cold computation
                    shown = vios_cli.run(national, "report", "--as-of", as_of.isoformat(), *area, "--json", real=True)
                    assert shown.returncode == 0, shown.stderr
                    expected = json.loads(shown.stdout)
                    assert expected["totals"]["schools"] > 0
                    first = overview_report(session, scope)
                    again = overview_report(session, scope)  # from the cache
                    assert _json(first) == expected
                    assert _json(again) == expected
                    # the overview page's one load for two dates gives the report at each
                    now, _ = overview_since(session, scope, TODAY, None)
                    assert _json(now) == expected
    finally:
        engine.dispose()


def _figures(session: Session, scope: Scope) -> object:
    return _json(overview_report(session, scope))


def _cold(session: Session, scope: Scope) -> object:
    facts_module.clear_cache()
    return _figures(session, scope)


def test_fc002_every_kind_of_write_is_seen_at_once(session):
    region_id, _ = _region(session)
    scope = Scope(as_of=TODAY, region_id=region_id)
    before = _figures(session, scope)
    _figures(session, scope)  # cached now

    # raw SQL: a school leaves the register
    school_id = session.scalar(select(col(School.id)).join(Municipality).where(
        col(Municipality.region_id) == region_id, col(School.active).is_(True)).order_by(col(School.id)))
    session.execute(text("UPDATE school SET active = 0, inactive_since = '2026-01-01' WHERE id = :id"),
                    {"id": school_id})
    after = _figures(session, scope)
    assert after["totals"]["schools"] == before["totals"]["schools"] - 1
    assert after == _cold(session, scope)

    # the ORM: the region's validity changes every certificate's expiry
    region = session.get(Region, region_id)
    assert region is not None
    region.validity_months = 6
    session.add(region)
    session.flush()
    shorter = _figures(session, scope)
    assert shorter["totals"]["valid_certificates"] < after["totals"]["valid_certificates"]
    assert shorter == _cold(session, scope)

    # Core: the region's most recent phase event is deleted
    event_id = session.scalar(
        select(func.max(col(PhaseEvent.id))).join(Trajectory).join(School).join(Municipality)
        .where(col(Municipality.region_id) == region_id))
    assert event_id is not None
    _figures(session, scope)
    session.execute(table_of(PhaseEvent).delete().where(col(PhaseEvent.id) == event_id))
    assert _figures(session, scope) == _cold(session, scope)
    session.rollback()
    assert _figures(session, scope) == before  # the rolled-back writes are gone, and so are their figures


def test_fc003_the_data_version_rises_on_every_write(session):
    def version() -> int:
        return int(session.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one())

    statements = [
        "UPDATE school SET name = name || ' ' WHERE id = (SELECT min(id) FROM school)",
        "UPDATE municipality SET name = name || ' ' WHERE id = (SELECT min(id) FROM municipality)",
        "UPDATE region SET expiring_window_months = 3 WHERE id = (SELECT min(id) FROM region)",
        "UPDATE trajectory SET school_id = school_id WHERE id = (SELECT min(id) FROM trajectory)",
        "DELETE FROM phaseevent WHERE id = (SELECT max(id) FROM phaseevent)",
        "UPDATE tranche SET name = name || ' ' WHERE id = (SELECT min(id) FROM tranche)",
        "UPDATE partnership SET role = role WHERE id = (SELECT min(id) FROM partnership)",
        "UPDATE organisation SET name = name || ' ' WHERE id = (SELECT min(id) FROM organisation)",
    ]
    for sql in statements:
        seen = version()
        session.execute(text(sql))
        assert version() > seen, sql


def test_fc003b_the_facts_version_rises_only_with_the_facts_own_tables(session):
    """The school facts are kept per facts version: a write to a school, municipality, region, trajectory or
    phase event raises it; a partnership, organisation or tranche (part of other cached results) does not."""
    def versions() -> tuple[int, int]:
        row = session.execute(text("SELECT version, facts_version FROM data_version WHERE id = 1")).one()
        return int(row[0]), int(row[1])

    facts = ["UPDATE school SET name = name || ' ' WHERE id = (SELECT min(id) FROM school)",
             "UPDATE municipality SET name = name || ' ' WHERE id = (SELECT min(id) FROM municipality)",
             "UPDATE region SET expiring_window_months = 3 WHERE id = (SELECT min(id) FROM region)",
             "UPDATE trajectory SET school_id = school_id WHERE id = (SELECT min(id) FROM trajectory)",
             "DELETE FROM phaseevent WHERE id = (SELECT max(id) FROM phaseevent)"]
    others = ["UPDATE tranche SET name = name || ' ' WHERE id = (SELECT min(id) FROM tranche)",
              "UPDATE partnership SET role = role WHERE id = (SELECT min(id) FROM partnership)",
              "UPDATE organisation SET name = name || ' ' WHERE id = (SELECT min(id) FROM organisation)"]
    for sql in facts + others:
        (version, facts_version) = versions()
        session.execute(text(sql))
        after = versions()
        assert after[0] > version, sql
        assert (after[1] > facts_version) == (sql in facts), sql


def test_fc003c_editing_a_partnership_keeps_the_loaded_facts(session):
    """After a partnership's edit the next request gets the same cached facts (no load of every school); after
    a trajectory's, new facts for its school only (the change log, models.FactsChange), the others kept with
    their remembered statuses."""
    region_id, _ = _region(session)
    scope = Scope(as_of=TODAY, region_id=region_id)
    session.commit()
    first = facts_module.school_facts(session, scope)
    session.commit()
    session.execute(text("UPDATE partnership SET role = role WHERE id = (SELECT min(id) FROM partnership)"))
    session.commit()
    again = facts_module.school_facts(session, scope)
    assert [id(f) for f in again] == [id(f) for f in first]
    session.commit()
    changed = session.execute(text(
        "SELECT school_id FROM trajectory WHERE id = (SELECT min(trajectory.id) FROM trajectory JOIN school ON "
        "school.id = trajectory.school_id JOIN municipality ON municipality.id = school.municipality_id "
        "WHERE municipality.region_id = :r)"), {"r": region_id}).scalar_one()
    session.execute(text("UPDATE trajectory SET school_id = school_id WHERE school_id = :s"), {"s": changed})
    session.commit()
    after = {f.school_id: f for f in facts_module.school_facts(session, scope)}
    assert after[changed] is not next(f for f in first if f.school_id == changed)
    assert all(after[f.school_id] is f for f in first if f.school_id != changed)


def test_fc004_a_rolled_back_write_leaves_nothing_behind_in_the_cache(session):
    """A transaction that wrote reads its own uncommitted version number; after a rollback the next
    write raises the same number for other data, so nothing computed in a writing transaction is kept."""
    region_id, _ = _region(session)
    scope = Scope(as_of=TODAY, region_id=region_id)
    before = _figures(session, scope)
    version = "SELECT version FROM data_version WHERE id = 1"
    seen = session.execute(text(version)).scalar()

    # one row, one raise of the version: shorter certificates, then the transaction fails
    session.execute(text("UPDATE region SET validity_months = 6 WHERE id = :id"), {"id": region_id})
    shorter = _figures(session, scope)
    assert shorter["totals"]["valid_certificates"] < before["totals"]["valid_certificates"]
    session.rollback()

    # another write of one row: the same version number as the rolled-back one
    session.execute(text("UPDATE region SET expiring_window_months = 1 WHERE id = :id"), {"id": region_id})
    session.commit()
    assert session.execute(text(version)).scalar() == seen + 1
    after = _figures(session, scope)
    assert after["totals"]["valid_certificates"] == before["totals"]["valid_certificates"]
    assert after == _cold(session, scope)


def test_fc005_a_derived_result_is_computed_once_for_every_worker(session):
    region_id, _ = _region(session)
    scope = Scope(as_of=TODAY, region_id=region_id)
    store, before = MemoryStore(), facts_module._SHARED
    facts_module.share_with(store)
    try:
        calls: list[int] = []

        def compute() -> object:
            calls.append(1)
            return _figures(session, scope)

        first = facts_module.derived(session, scope, None, "test", None, compute)
        facts_module.clear_cache()  # another worker: nothing in its own memory
        again = facts_module.derived(session, scope, None, "test", None, compute)
        assert again == first and len(calls) == 1 and len(store.values) == 1
        # a write: a new version, a new key
        session.execute(text("UPDATE region SET validity_months = 6 WHERE id = :id"), {"id": region_id})
        session.commit()
        changed = facts_module.derived(session, scope, None, "test", None, compute)
        assert changed != first and changed == _cold(session, scope) and len(calls) == 2
    finally:
        facts_module.share_with(before)


def test_fc_epoch_a_new_database_at_the_same_address_is_never_served_the_old_ones_figures(tmp_path):
    """A database made anew at the same file (a reset demo, a restore) counts its data version from 0
    again; the epoch made with it keeps the cached figures of the earlier one out."""
    db = tmp_path / "same-place.db"
    figures = []
    for schools in (300, 200):  # the same writes in number would give the same version numbers
        for leftover in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            leftover.unlink(missing_ok=True)
        result = vios_cli.run(db, "seed", "scale", "--schools", str(schools), "--today", TODAY.isoformat(),
                              real=True)  # a process of its own: no engine of the deleted file
        assert result.returncode == 0, result.stderr
        engine = make_engine(f"sqlite:///{db}")
        try:
            with Session(engine) as session:
                session.execute(text("UPDATE data_version SET version = 7"))  # the same number for both
                session.commit()
                shown = _json(overview_report(session, Scope(as_of=TODAY))["totals"])
                facts_module.clear_cache()  # what a fresh process computes
                fresh = _json(overview_report(session, Scope(as_of=TODAY))["totals"])
                figures.append((shown, fresh))
        finally:
            engine.dispose()
    assert figures[0][0] != figures[1][0]
    assert all(shown == fresh for shown, fresh in figures)


def _facts_of(facts: list) -> list:
    return [(f.school_id, f.code, f.name, f.sector, f.municipality_code, f.municipality_name, f.validity_months,
             f.window_months, f.active, f.inactive_since,
             sorted((tid, [(e.phase, e.on) for e in events]) for tid, events in f.trajectories.items()))
            for f in facts]


def test_fc006_facts_brought_up_to_date_from_the_change_log_equal_a_fresh_load(session):
    """After each kind of committed write, the cached facts (the earlier entry with only the changed schools
    loaded again, models.FactsChange) equal the facts loaded afresh, and an untouched school keeps its
    facts (and remembered statuses); a region's change loads every school again."""
    scope = Scope(as_of=TODAY)
    session.commit()
    first = {f.school_id: f for f in facts_module.school_facts(session, scope)}
    untouched = max(first)
    a, b, c, d = sorted(first)[:4]
    trajectory_of = dict(session.execute(text("SELECT school_id, max(id) FROM trajectory GROUP BY school_id")).all())
    with_events = [s for s in (a, b, c, d) if s in trajectory_of] or [s for s in first if s in trajectory_of][:2]
    other_municipality = session.execute(text(
        "SELECT id FROM municipality WHERE id != (SELECT municipality_id FROM school WHERE id = :d) "
        "ORDER BY id LIMIT 1"), {"d": d}).scalar_one()
    writes = [
        ("INSERT INTO phaseevent (trajectory_id, phase, \"on\", note, recorded_by, recorded_at) "
         "VALUES (:t, 'withdrawn', '2026-11-20', '', 'test', '2026-11-20 10:00:00')",
         {"t": trajectory_of[with_events[0]]}),
        ("DELETE FROM phaseevent WHERE id = (SELECT max(id) FROM phaseevent WHERE trajectory_id = :t)",
         {"t": trajectory_of[with_events[-1]]}),
        ("UPDATE school SET name = name || ' (nieuw)' WHERE id = :s", {"s": c}),
        ("UPDATE school SET municipality_id = :m WHERE id = :s", {"m": other_municipality, "s": d}),
        ("INSERT INTO school (code, name, sector, municipality_id, street, house_number, postcode, city, phone, "
         "website, denomination, active) SELECT '99ZZ00', 'Nieuwe school (fictief)', 'po', municipality_id, '', '', "
         "'', '', '', '', '', 1 FROM school WHERE id = :s", {"s": a}),
        ("UPDATE region SET validity_months = 12 WHERE id = (SELECT min(id) FROM region)", {}),
    ]
    for number, (sql, params) in enumerate(writes):
        session.execute(text(sql), params)
        session.commit()
        cached = facts_module.school_facts(session, scope)
        session.commit()
        kept = {f.school_id: f for f in cached}.get(untouched) is first[untouched]
        facts_module.clear_cache()
        fresh = facts_module.school_facts(session, scope)
        session.commit()
        assert _facts_of(cached) == _facts_of(fresh), sql
        assert kept == (number < len(writes) - 1), sql   # the region's change: every school loaded again
        facts_module.clear_cache()
        first = {f.school_id: f for f in facts_module.school_facts(session, scope)}
        session.commit()


def test_fc007_a_pruned_change_log_makes_an_older_worker_load_everything_again(session):
    """prune_change_log folds the old rows into one row without school: a worker whose facts are older
    than the kept versions loads every school again (the right facts), one within them keeps its own."""
    from models import FactsChange

    scope = Scope(as_of=TODAY)
    session.commit()
    old = {f.school_id: f for f in facts_module.school_facts(session, scope)}
    session.commit()
    some = sorted(old)[:3]
    for school_id in some:  # three facts versions, one school each
        session.execute(text("UPDATE school SET name = name || ' *' WHERE id = :s"), {"s": school_id})
        session.commit()
    rows_before = session.scalar(select(func.count()).select_from(FactsChange))
    removed = facts_module.prune_change_log(session, keep=1)
    session.commit()
    assert removed >= 2 and session.scalar(select(func.count()).select_from(FactsChange)) == rows_before - removed + 1
    cached = {f.school_id: f for f in facts_module.school_facts(session, scope)}
    session.commit()
    assert cached[max(old)] is not old[max(old)]                    # loaded again: the log no longer says which
    assert [cached[s].name for s in some] == [old[s].name + " *" for s in some]
    session.execute(text("UPDATE school SET name = name || '!' WHERE id = :s"), {"s": some[0]})
    session.commit()
    later = {f.school_id: f for f in facts_module.school_facts(session, scope)}
    session.commit()
    assert later[max(old)] is cached[max(old)] and later[some[0]].name.endswith("*!")  # within the kept versions


def test_fc008_the_packed_series_equal_the_domain_definition_also_after_a_write(session):
    """services' coverage at the quarter ends (one packed sum per municipality, each school's part remembered
    on the cached facts) equals domain.municipality_comparison.coverage_at_points, before and after a write
    changed one school's history (then only that school's part is computed again)."""
    from domain.municipality_comparison import coverage_at_points, quarter_points
    from services.municipality_comparison import _coverage_at_points

    points = quarter_points(TODAY, 8)
    scope = Scope(as_of=TODAY)
    session.commit()
    for write in ("", "UPDATE phaseevent SET \"on\" = '2026-01-02' WHERE id = (SELECT max(id) FROM phaseevent "
                      "WHERE phase = 'certified')"):
        if write:
            session.execute(text(write))
            session.commit()
        facts = facts_module.school_facts(session, scope, active_from=points[0].on)
        session.commit()
        expected = coverage_at_points(facts, points)
        assert sum(len(rows) for _, rows in expected) > 8
        assert _coverage_at_points(facts, points) == expected
        assert _coverage_at_points(facts, points) == expected  # the remembered parts


def test_fc009_planning_region_data_is_kept_per_data_version_and_sees_a_write(session):
    """services.planning.tranche_data.region_data is kept per data version: the same result while nothing
    changed, and a new one with the change after a partnership ended (a table under the data version)."""
    from datetime import timedelta

    from models import Partnership
    from services.planning.tranche_data import _region_data, region_data

    region = session.get(Region, _region(session)[0])
    session.commit()
    first = region_data(session, region, TODAY)
    session.commit()
    assert region_data(session, region, TODAY) is first
    school_id, partners = next((s, p) for s, p in first.partners.items() if p)
    link = session.scalars(select(Partnership).where(col(Partnership.school_id) == school_id,
                                                     col(Partnership.organisation_id) == min(partners))).first()
    link.end_on = TODAY - timedelta(days=1)
    session.commit()
    after = region_data(session, region, TODAY)
    session.commit()
    assert after is not first and min(partners) not in after.partners.get(school_id, frozenset())
    assert after == _region_data(session, region, region.id, TODAY)

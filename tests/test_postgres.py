"""The app on PostgreSQL: same migrations, seeds, report, exchange workbook and CLI as on SQLite.

Needs VIOS_TEST_POSTGRES_URL (postgresql://user@host:port/db); scripts/test.sh starts a throwaway
server (scripts/pg-test-server.sh) and sets it. Without it the module is skipped, or fails when
VIOS_REQUIRE_POSTGRES=1. The role must be allowed to create databases: the tests work in fresh
databases <db>_demo and <db>_scale, created from <db> as template (so with its collation), and
dropped afterwards.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date
from pathlib import Path

import openpyxl
import pytest

PG_URL = os.environ.get("VIOS_TEST_POSTGRES_URL")
if not PG_URL:
    _reason = os.environ.get("VIOS_TEST_POSTGRES_SKIP") or (
        "VIOS_TEST_POSTGRES_URL is not set (scripts/test.sh sets it when it can start a throwaway PostgreSQL)")
    if os.environ.get("VIOS_REQUIRE_POSTGRES"):
        raise RuntimeError(f"VIOS_REQUIRE_POSTGRES is set but the PostgreSQL tests cannot run: {_reason}")
    pytest.skip(f"PostgreSQL tests: {_reason}", allow_module_level=True)

from alembic.script import ScriptDirectory  # noqa: E402
from sqlalchemy import create_engine, func, inspect, select, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlmodel import Session  # noqa: E402

import settings  # noqa: E402
from dataio.exchange import export_workbook, import_workbook  # noqa: E402
from domain.scope import Scope  # noqa: E402
from models import (  # noqa: E402
    AuditEntry,
    Board,
    Contact,
    Municipality,
    Organisation,
    Partnership,
    PhaseEvent,
    Province,
    Region,
    School,
    Trajectory,
    Tranche,
)
from models.db import make_engine, session_scope  # noqa: E402
from seed.demo import TABLES, seed_demo  # noqa: E402
from seed.scale import seed_scale  # noqa: E402
from services.areas import area_options, find_area_key  # noqa: E402
from services.migrate import alembic_config, upgrade  # noqa: E402
from services.report import overview_report  # noqa: E402

pytestmark = pytest.mark.db  # a real PostgreSQL server (scripts/pg-test-server.sh)

TODAY = date(2026, 11, 23)
AS_OF = [date(2026, 11, 23), date(2025, 6, 30)]
# (area name or None for the whole country, sector)
SCOPES = [(None, None), ("Maastricht-Heuvelland", None), ("Zuid-Holland", None), ("Limburg", None), (None, "vo"),
          ("Maastricht-Heuvelland", "vo")]
VIOS = shutil.which("vios") or str(Path(sys.executable).parent / "vios")


# ---------------------------------------------------------------- databases

def pg_url_for(database: str, scheme: str = "postgresql") -> str:
    """VIOS_TEST_POSTGRES_URL with another database name, as a user would write DATABASE_URL."""
    url = make_url(PG_URL).set(drivername=scheme, database=database)
    return url.render_as_string(hide_password=False)


@contextmanager
def fresh_pg_database(suffix: str) -> Iterator[tuple[str, Engine]]:
    """A new, empty database <db>_<suffix> (template: <db>): its DATABASE_URL and an app engine."""
    base = make_url(PG_URL).database
    name = f"{base}_{suffix}"
    admin = create_engine(settings.sqlalchemy_url(pg_url_for("postgres")), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{base}"')
        url = pg_url_for(name)
        engine = make_engine(settings.sqlalchemy_url(url))
        try:
            yield url, engine
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.dispose()


def sqlite_engine(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def seeded_demo(engine: Engine) -> dict:
    upgrade(engine)
    with session_scope(engine) as session:
        return seed_demo(session, today=TODAY)


@pytest.fixture(scope="module")
def lite(tmp_path_factory) -> Engine:
    """The demo on a temporary SQLite file: the reference."""
    engine = sqlite_engine(tmp_path_factory.mktemp("pg-ref") / "demo.db")
    seeded_demo(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def pg_demo() -> Iterator[tuple[str, Engine, dict]]:
    """The demo on a fresh PostgreSQL database, migrated by Alembic: (DATABASE_URL, engine, seed counts)."""
    with fresh_pg_database("demo") as (url, engine):
        assert engine.dialect.name == "postgresql" and engine.dialect.driver == "psycopg"
        counts = seeded_demo(engine)
        yield url, engine, counts


@pytest.fixture(scope="module")
def pg(pg_demo) -> Engine:
    return pg_demo[1]


def table_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {t.__tablename__: conn.execute(select(func.count()).select_from(t.__table__)).scalar_one()
                for t in TABLES}


def report(engine: Engine, area: str | None, sector: str | None, as_of: date) -> dict:
    with Session(engine) as session:
        region_id = province_id = None
        if area:
            key = find_area_key(session, area)
            assert key, f"{area} missing"
            region_id, province_id = (int(key[1:]), None) if key[0] == "r" else (None, int(key[1:]))
        return overview_report(session, Scope(as_of=as_of, region_id=region_id, province_id=province_id,
                                              sector=sector))


# ---------------------------------------------------------------- schema and seed

def test_pg001_alembic_builds_the_same_schema_as_on_sqlite(pg, lite):
    upgrade(pg)  # idempotent: a second upgrade changes nothing
    with pg.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == \
            [ScriptDirectory.from_config(alembic_config()).get_current_head()]
        assert conn.execute(text("SELECT current_schema()")).scalar_one() == "public"

    def shape(engine: Engine) -> dict:
        insp = inspect(engine)
        return {t: ([c["name"] for c in insp.get_columns(t)], insp.get_pk_constraint(t)["constrained_columns"],
                    sorted((tuple(fk["constrained_columns"]), fk["referred_table"])
                           for fk in insp.get_foreign_keys(t)),
                    # PostgreSQL also lists a unique constraint's index; SQLite does not
                    # expression indexes (the name keys) are left out: SQLite's inspector skips them, and
                    # tests/test_schema_matches_migrations.py checks them on both
                    sorted({tuple(u["column_names"]) for u in insp.get_unique_constraints(t)} |
                           {tuple(i["column_names"]) for i in insp.get_indexes(t)
                            if i["unique"] and None not in i["column_names"]}),
                    sorted(tuple(i["column_names"]) for i in insp.get_indexes(t) if not i["unique"]))
                for t in insp.get_table_names()}

    pg_shape, lite_shape = shape(pg), shape(lite)
    assert {t.__tablename__ for t in TABLES} | {"alembic_version"} <= set(pg_shape)
    assert pg_shape == lite_shape


def test_pg002_demo_seed_loads_the_same_rows(pg_demo, lite):
    _, pg, counts = pg_demo
    assert counts["school"] == 144 and counts["phaseevent"] == 583
    assert table_counts(pg) == table_counts(lite) == counts
    # spot checks of the types that differ most between the backends: JSON, dates, booleans, aware timestamps
    for engine in (pg, lite):
        with Session(engine) as s:
            region = s.execute(select(Region).where(Region.name == "Maastricht-Heuvelland")).scalars().one()
            assert region.required_partner_types and all(isinstance(t, str) for t in region.required_partner_types)
    with Session(pg) as a, Session(lite) as b:
        for model, order in ((School, School.id), (Region, Region.id), (Municipality, Municipality.id),
                             (PhaseEvent, PhaseEvent.id), (Partnership, Partnership.id)):
            rows_pg = [r.model_dump() for r in a.execute(select(model).order_by(order)).scalars()]
            rows_lite = [r.model_dump() for r in b.execute(select(model).order_by(order)).scalars()]
            if model is PhaseEvent:  # the same instants; PostgreSQL returns them in the session's time zone
                assert all(row["recorded_at"].utcoffset() is not None for row in rows_pg)
                for row in rows_pg + rows_lite:
                    row["recorded_at"] = _utc(row["recorded_at"])
            assert rows_pg == rows_lite, model.__name__


def _utc(moment):

    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


# ---------------------------------------------------------------- the overview report

@pytest.mark.parametrize("as_of", AS_OF, ids=str)
@pytest.mark.parametrize("area,sector", SCOPES, ids=lambda v: v or "-")
def test_pg003_overview_report_equals_sqlite(pg, lite, area, sector, as_of):
    on_pg = report(pg, area, sector, as_of)
    on_lite = report(lite, area, sector, as_of)
    assert on_pg == on_lite
    totals = on_pg["totals"]
    assert totals["schools"] > 0 and totals["schools"] == sum(m["schools"] for m in on_pg["municipalities"])
    assert on_pg["as_of"] == as_of.isoformat() and on_pg["scope"]["sector"] == sector


def test_pg004_report_counts_match_plain_sql_on_postgres(pg):
    """The whole-country denominator, counted independently with SQL on PostgreSQL."""
    for as_of in AS_OF:
        with pg.connect() as conn:
            schools = conn.execute(text(
                "SELECT count(*) FROM school WHERE active OR inactive_since > :d"), {"d": as_of}).scalar_one()
            vo = conn.execute(text(
                "SELECT count(*) FROM school WHERE (active OR inactive_since > :d) AND sector = 'vo'"),
                {"d": as_of}).scalar_one()
        assert report(pg, None, None, as_of)["totals"]["schools"] == schools
        assert report(pg, None, "vo", as_of)["totals"]["schools"] == vo
    mh = report(pg, "Maastricht-Heuvelland", None, TODAY)
    assert mh["scope"]["area"].endswith("Maastricht-Heuvelland")
    assert {m["name"] for m in mh["municipalities"]} == {
        "Maastricht", "Eijsden-Margraten", "Gulpen-Wittem", "Meerssen", "Vaals", "Valkenburg aan de Geul"}


def test_pg005_area_options_equal_sqlite(pg, lite):
    with Session(pg) as a, Session(lite) as b:
        assert area_options(a) == area_options(b)
        assert len(area_options(a)) == 1 + 7 + 11


# ---------------------------------------------------------------- exchange workbook

def cells(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
    finally:
        book.close()


def test_pg006_export_from_postgres_imports_into_sqlite_unchanged(pg, lite, tmp_path):
    with Session(pg) as session:
        shown = export_workbook(session, tmp_path / "pg.xlsx")
    assert shown["scholen"] == 144 and shown["fasen"] == 583
    with Session(lite) as session:
        export_workbook(session, tmp_path / "lite.xlsx")

    target = sqlite_engine(tmp_path / "fresh.db")
    with session_scope(target) as session:
        result = import_workbook(session, tmp_path / "pg.xlsx")
    assert not result.errors, result.errors[:5]
    assert result.committed
    with Session(target) as session:
        export_workbook(session, tmp_path / "again.xlsx")
    target.dispose()

    from_pg, again, from_lite = cells(tmp_path / "pg.xlsx"), cells(tmp_path / "again.xlsx"), \
        cells(tmp_path / "lite.xlsx")
    assert list(from_pg) == list(again) == list(from_lite)
    for sheet in from_pg:
        assert len(from_pg[sheet]) == len(again[sheet]) == len(from_lite[sheet]), sheet
        for n, (a, b, c) in enumerate(zip(from_pg[sheet], again[sheet], from_lite[sheet], strict=True), start=1):
            assert a == b, f"{sheet} row {n}: PostgreSQL export {a} != re-export after import {b}"
            assert a == c, f"{sheet} row {n}: PostgreSQL export {a} != SQLite export {c}"
    assert sum(len(rows) - 1 for name, rows in from_pg.items() if name != "toelichting") > 2000


def test_pg007_import_into_postgres(pg, lite, tmp_path):
    """The other direction: a SQLite export into a fresh PostgreSQL database, then the same report."""
    with Session(lite) as session:
        export_workbook(session, tmp_path / "lite.xlsx")
    with fresh_pg_database("import") as (_, target):
        upgrade(target)
        with session_scope(target) as session:
            result = import_workbook(session, tmp_path / "lite.xlsx")
        assert not result.errors, result.errors[:5]
        assert table_counts(target) == table_counts(lite)
        assert report(target, None, None, TODAY) == report(lite, None, None, TODAY)
        assert insert_one_of_each(target)  # sequences after the import's inserts


# ---------------------------------------------------------------- sequences after bulk inserts

def insert_one_of_each(engine: Engine, *, commit: bool = True) -> dict[str, int]:
    """Insert a row in every table through the ORM (ids from the sequences); check each id is max + 1."""
    with engine.connect() as conn:
        before = {t.__tablename__: conn.execute(select(func.max(t.__table__.c.id))).scalar_one() or 0
                  for t in TABLES}
    with Session(engine) as s:
        province = Province(name="Testprovincie (fictief)")
        s.add(province)
        s.flush()
        region = Region(name="Testregio (fictief)", province_id=province.id)
        s.add(region)
        s.flush()
        municipality = Municipality(cbs_code="GM9999", name="Testgemeente (fictief)", province_id=province.id,
                                    region_id=region.id)
        board = Board(number="99999", name="Teststichting (fictief)")
        s.add_all([municipality, board])
        s.flush()
        school = School(code="99ZZ00", name="Testschool (fictief)", sector="vo", municipality_id=municipality.id,
                        board_id=board.id)
        organisation = Organisation(name="Testorganisatie (fictief)", type="politie",
                                    municipality_id=municipality.id)
        tranche = Tranche(region_id=region.id, name="Testtranche", start_on=TODAY)
        s.add_all([school, organisation, tranche])
        s.flush()
        contact = Contact(organisation_id=organisation.id, name="Test Persoon (fictief)")
        trajectory = Trajectory(school_id=school.id, tranche_id=tranche.id)
        s.add_all([contact, trajectory])
        s.flush()
        partnership = Partnership(school_id=school.id, organisation_id=organisation.id, role="kernteam",
                                  contact_id=contact.id, start_on=TODAY)
        event = PhaseEvent(trajectory_id=trajectory.id, phase="registered", on=TODAY)
        s.add_all([partnership, event])
        s.flush()
        ids = {o.__tablename__: o.id for o in (province, region, municipality, board, school, organisation, tranche,
                                               contact, trajectory, partnership, event)}
        if commit:
            s.commit()
        else:
            s.rollback()
    assert ids == {name: n + 1 for name, n in before.items()}
    return ids


def test_pg008_orm_inserts_after_the_demo_seed(pg):
    before = table_counts(pg)
    insert_one_of_each(pg, commit=False)  # rolled back: the demo stays as seeded for the other tests
    assert table_counts(pg) == before


def test_pg009_seed_scale_on_postgres_equals_sqlite(tmp_path):
    lite = sqlite_engine(tmp_path / "scale.db")
    expected = seed_scale(lite, schools=600, seed=3, today=TODAY)
    with fresh_pg_database("scale") as (_, engine):
        upgrade(engine)
        counts = seed_scale(engine, schools=600, seed=3, today=TODAY)
        assert counts == expected and counts["school"] == 600 and counts["municipality"] == 342
        assert table_counts(engine) == table_counts(lite)
        for as_of in AS_OF:
            assert report(engine, None, None, as_of) == report(lite, None, None, as_of)
        assert report(engine, "Zuid-Holland", "po", TODAY) == report(lite, "Zuid-Holland", "po", TODAY)
        ids = insert_one_of_each(engine)
        assert ids["school"] == 601
        with Session(engine) as s:  # committed: visible to a new session, and the seed refuses a second run
            assert s.get(School, ids["school"]).code == "99ZZ00"
            with pytest.raises(ValueError, match="bevat al scholen"):
                seed_scale(s, schools=10, today=TODAY)
    lite.dispose()


# ---------------------------------------------------------------- the console script

def vios(database_url: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.run([VIOS, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("scheme", ["postgresql", "postgres"])
def test_pg010_cli_report_json_on_postgres(pg_demo, scheme):
    url, engine, _ = pg_demo
    url = pg_url_for(make_url(url).database, scheme)  # postgres:// is the Heroku spelling
    for args, (area, sector, as_of) in [
        (("--as-of", "2026-11-23"), (None, None, TODAY)),
        (("--as-of", "30-06-2025", "--region", "Maastricht-Heuvelland", "--sector", "vo"),
         ("Maastricht-Heuvelland", "vo", date(2025, 6, 30))),
    ]:
        result = vios(url, "report", *args, "--json")
        assert result.returncode == 0, result.stderr
        expected = report(engine, area, sector, as_of)
        assert json.loads(result.stdout) == json.loads(json.dumps(expected))


def test_pg011_the_change_log_names_the_schools_a_statement_touched(pg):
    """Migration 0014 on PostgreSQL (statement triggers over the transition tables): one raise of both numbers
    per statement, a change row per school it touched, NULL for a municipality; rolled back afterwards."""
    with pg.connect() as conn:
        def numbers() -> tuple[int, int]:
            row = conn.execute(text("SELECT version, facts_version FROM data_version WHERE id = 1")).one()
            return int(row[0]), int(row[1])

        def logged(after: int) -> set[object]:
            return set(conn.execute(text("SELECT school_id FROM facts_change WHERE facts_version > :v"),
                                    {"v": after}).scalars())

        trajectory, school = conn.execute(text("SELECT id, school_id FROM trajectory ORDER BY id LIMIT 1")).one()
        two = list(conn.execute(text("SELECT id FROM school ORDER BY id LIMIT 2")).scalars())
        version, facts = numbers()
        conn.execute(text("INSERT INTO phaseevent (trajectory_id, phase, \"on\", note, recorded_by, recorded_at) "
                          "VALUES (:t, 'withdrawn', '2026-11-20', '', 'test', now())"), {"t": trajectory})
        assert numbers() == (version + 1, facts + 1) and logged(facts) == {school}
        conn.execute(text("UPDATE school SET name = name || ' ' WHERE id = ANY(:ids)"), {"ids": two})
        assert numbers() == (version + 2, facts + 2) and logged(facts + 1) == set(two)
        conn.execute(text("UPDATE municipality SET name = name || ' ' WHERE id = (SELECT min(id) FROM municipality)"))
        assert logged(facts + 2) == {None}
        conn.execute(text("UPDATE partnership SET role = role WHERE id = (SELECT min(id) FROM partnership)"))
        assert numbers() == (version + 4, facts + 3)   # not a fact: only the data version
        conn.rollback()


def test_pg012_an_audited_import_into_postgres_copies_rows_and_audit_in_batches(lite, tmp_path):
    """The import's bulk write on PostgreSQL (COPY with ids from the sequences, dataio.exchange_apply):
    list columns stay JSON lists, every created row has its one compact audit row with its fields, and
    the data version's statement triggers fire per batch, not per row (an executemany would fire them
    once for each of the export's rows)."""
    from services import audit
    from services.uploads import audited_import

    with Session(lite) as session:
        export_workbook(session, tmp_path / "lite.xlsx")
        regions = {r.name: r.required_partner_types for r in session.scalars(select(Region))}
        elements = {m.cbs_code: m.elements for m in session.scalars(select(Municipality))}
        schools = {s.code: s.name for s in session.scalars(select(School))}
    with fresh_pg_database("copy") as (_, target):
        upgrade(target)
        with session_scope(target) as session:
            version = session.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one()
            result = audited_import(session, lambda s: import_workbook(s, tmp_path / "lite.xlsx"),
                                    username="test-beheerder", filename="lite.xlsx")
        assert not result.errors, result.errors[:5]
        with Session(target) as session:
            assert {r.name: r.required_partner_types for r in session.scalars(select(Region))} == regions
            assert {m.cbs_code: m.elements for m in session.scalars(select(Municipality))} == elements
            created = session.scalars(select(AuditEntry).where(AuditEntry.entity == "school",
                                                               AuditEntry.action == "create")).all()
            stored = {s.id: s for s in session.scalars(select(School))}
            shown = {stored[int(e.entity_id)].code: dict((f, new) for f, _, new in audit.expand(e))
                     for e in created}
            raised = session.execute(text("SELECT version FROM data_version WHERE id = 1")).scalar_one() - version
        assert {code: fields["name"] for code, fields in shown.items()} == schools
        assert 0 < raised < len(schools)


# ---------------------------------------------------------------- a writer that waits for an import

def test_pg013_a_write_waiting_for_an_imports_lock_gets_the_busy_answer(pg_demo, tmp_path, monkeypatch):
    """An import's write phase holds its tables (LOCK TABLE ... SHARE ROW EXCLUSIVE): a phase recorded
    meanwhile, and a second import, wait VIOS_DB_BUSY_TIMEOUT as on SQLite and are then refused with the
    Dutch busy answer, nothing half-done; without a lock timeout they waited until the server killed them."""
    import threading

    from sqlalchemy.exc import OperationalError

    from services import trajectories, transactions
    from services.permissions import Principal

    url, engine, _ = pg_demo
    monkeypatch.setenv("VIOS_DB_BUSY_TIMEOUT", "0.5")
    waiter = make_engine(settings.sqlalchemy_url(url))  # the web app's engine, made with that timeout
    admin = Principal(user_id=0, username="pg013", role="beheerder")
    with Session(engine) as session:
        latest = dict(session.execute(select(PhaseEvent.trajectory_id, PhaseEvent.phase)
                                      .order_by(PhaseEvent.on, PhaseEvent.id)).all())
        tid = min(t for t, phase in latest.items() if phase == "intake")
        before = session.scalar(select(func.count()).select_from(PhaseEvent))
    export = tmp_path / "export.xlsx"
    assert vios(url, "export", str(export)).returncode == 0
    outcome: list[BaseException | None] = []

    def record() -> None:
        try:
            with session_scope(waiter) as session:
                trajectories.record_transition(session, admin, tid, "improvement", TODAY)
            outcome.append(None)
        except BaseException as exc:  # the test looks at what it was
            outcome.append(exc)

    holder = engine.connect()
    try:
        holder.exec_driver_sql('LOCK TABLE "phaseevent", "school" IN SHARE ROW EXCLUSIVE MODE')
        writer = threading.Thread(target=record)
        writer.start()
        writer.join(10)
        waited = writer.is_alive()
        second = subprocess.run([VIOS, "import", str(export)], capture_output=True, text=True, timeout=60,
                                env={**os.environ, "DATABASE_URL": url, "VIOS_DB_BUSY_TIMEOUT": "1"})
    finally:
        holder.rollback()
        holder.close()
        writer.join(30)
        waiter.dispose()
    assert not waited, "the phase record still waited for the lock after 10 s"
    assert len(outcome) == 1 and isinstance(outcome[0], OperationalError), outcome
    assert transactions.is_busy(outcome[0])
    assert second.returncode == 1, second.stderr
    assert "De database is op dit moment bezig" in second.stderr and "Traceback" not in second.stderr
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(PhaseEvent)) == before

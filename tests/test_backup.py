"""`vios backup` and `vios restore`: everything comes back (every table, the audit log, the boundaries),
from a consistent snapshot of a database in use, into an empty database only; SQLite and PostgreSQL."""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import warnings
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from dataio.exchange import export_tables
from models import AuditEntry, PhaseEvent, School
from models.db import make_engine
from services import backup as service
from services.migrate import upgrade, upgrade_to
from tests import vios_cli

pytestmark = pytest.mark.db

BOUNDARIES = {"type": "FeatureCollection", "features": [{
    "type": "Feature", "properties": {"statcode": "GM0935", "statnaam": "Maastricht"},
    "geometry": {"type": "Polygon", "coordinates": [[[5.6, 50.8], [5.8, 50.8], [5.8, 50.9], [5.6, 50.8]]]}}]}


def _rows(engine: sa.Engine) -> dict[str, list[tuple[str, ...]]]:
    """Every table's rows as text, in primary-key order (alembic's bookkeeping and the data version aside)."""
    metadata = sa.MetaData()
    with engine.connect() as connection:
        with warnings.catch_warnings():  # expression indexes are not reflected; the rows are what counts
            warnings.simplefilter("ignore", sa.exc.SAWarning)
            metadata.reflect(bind=connection)
        out = {}
        for table in metadata.sorted_tables:
            if table.name in ("alembic_version", "data_version", "facts_change"):
                continue
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(_text(v) for v in row)
                               for row in connection.execute(sa.select(table).order_by(*order))]
    return out


def _text(value) -> str:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.dumps(json.loads(value), sort_keys=True)
        except ValueError:
            return value
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") and hasattr(value, "day") else value.isoformat()
    return str(value)


def _export(engine: sa.Engine):
    with Session(engine) as session:
        return export_tables(session)


def _copy_demo(demo_db, folder: Path) -> Path:
    """A file copy of this module's demo database (WAL checkpointed first), to change freely."""
    source = Path(demo_db.url.database)
    with sqlite3.connect(source) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    target = folder / "source.db"
    shutil.copyfile(source, target)
    return target


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A separate instance folder (the boundaries live there), switchable to a second 'server'."""
    def use(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        monkeypatch.setenv("VIOS_INSTANCE", str(folder))
        return folder
    return use


def test_bak001_backup_and_restore_bring_back_every_table_the_audit_log_and_the_boundaries(demo_db, tmp_path,
                                                                                         instance):
    old_server = instance("old")
    (old_server / "gemeentegrenzen.geojson").write_text(json.dumps(BOUNDARIES), encoding="utf-8")
    source = _copy_demo(demo_db, tmp_path)
    backup = tmp_path / "vios-backup.zip"

    made = vios_cli.run(source, "backup", str(backup))
    assert made.returncode == 0, made.stderr
    assert "Back-up geschreven naar" in made.stdout and "gemeentegrenzen.geojson" in made.stdout

    new_server = instance("new")
    target = tmp_path / "target.db"
    restored = vios_cli.run(target, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    assert "teruggezet" in restored.stdout

    before, after = make_engine(f"sqlite:///{source}"), make_engine(f"sqlite:///{target}")
    try:
        rows_before, rows_after = _rows(before), _rows(after)
        audit_before = rows_before.pop("auditentry")
        audit_after = rows_after.pop("auditentry")
        assert rows_after == rows_before  # users and their areas, plans, settings, meetings, ... row for row
        assert {"app_user", "userscope", "trancheplan", "meeting", "phaseevent"} <= set(rows_before)
        assert all(rows_before[t] for t in ("app_user", "userscope", "phaseevent", "partnership"))
        # the audit log: every old row unchanged, then one row that says a backup was restored
        assert audit_after[:len(audit_before)] == audit_before
        assert len(audit_after) == len(audit_before) + 1
        with Session(after) as session:
            last = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
        assert last is not None and last.action == "restore" and "vios-backup.zip" in last.detail
        assert _export(after) == _export(before)
        assert json.loads((new_server / "gemeentegrenzen.geojson").read_text(encoding="utf-8")) == BOUNDARIES
        # the restored database goes on: a new row gets a new id
        with Session(after) as session:
            highest = session.exec(select(sa.func.max(PhaseEvent.id))).one()
            event = session.exec(select(PhaseEvent)).first()
            assert event is not None
            copy = PhaseEvent(**{k: v for k, v in event.model_dump().items() if k not in ("id", "version")})
            session.add(copy)
            session.commit()
            assert copy.id is not None and copy.id > highest
    finally:
        before.dispose()
        after.dispose()


def test_bak002_the_backup_of_a_database_in_use_holds_what_was_committed_and_nothing_half_done(demo_db, tmp_path,
                                                                                             instance):
    instance("server")
    source = _copy_demo(demo_db, tmp_path)
    engine = make_engine(f"sqlite:///{source}")
    try:
        with Session(engine) as session:  # committed, but only in the write-ahead log (no checkpoint yet)
            school = session.exec(select(School).order_by(col(School.id))).first()
            assert school is not None
            school.name = "Na de laatste checkpoint"
            session.add(school)
            session.commit()
            school_id = school.id
        assert Path(f"{source}-wal").stat().st_size > 0
        writer = sqlite3.connect(source, timeout=1)  # another user's write, still open during the backup
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE school SET name = 'Half gedaan' WHERE id = ?", (school_id,))
        done = threading.Event()
        result: dict = {}

        def run_backup() -> None:
            result["summary"] = service.backup(tmp_path / "b.zip", engine)
            done.set()

        thread = threading.Thread(target=run_backup)
        thread.start()
        assert done.wait(30), "the backup waited for the open write transaction"
        thread.join()
        writer.rollback()
        writer.close()
        with zipfile.ZipFile(tmp_path / "b.zip") as archive:
            manifest = json.loads(archive.read("manifest.json"))
            lines = archive.read("tables/school.jsonl").decode().splitlines()
        columns = manifest["tables"]["school"]["columns"]
        names = {json.loads(line)[columns.index("id")]: json.loads(line)[columns.index("name")] for line in lines}
        assert names[school_id] == "Na de laatste checkpoint"
        assert manifest["tables"]["school"]["rows"] == len(lines) == result["summary"].tables["school"]
    finally:
        engine.dispose()


def test_bak003_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(demo_db, tmp_path, instance):
    instance("server")
    source = _copy_demo(demo_db, tmp_path)
    backup = tmp_path / "b.zip"
    assert vios_cli.run(source, "backup", str(backup)).returncode == 0
    engine = make_engine(f"sqlite:///{source}")
    try:
        before = _rows(engine)
        refused = vios_cli.run(source, "restore", str(backup))
        assert refused.returncode == 1
        assert "De database is niet leeg" in refused.stderr and "Traceback" not in refused.stderr
        assert _rows(engine) == before
    finally:
        engine.dispose()


def test_bak004_a_file_that_is_no_backup_an_existing_target_and_a_newer_schema_are_refused_in_dutch(
        demo_db, tmp_path, instance):
    instance("server")
    source = _copy_demo(demo_db, tmp_path)
    other = tmp_path / "geen-backup.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("iets.txt", "hallo")
    refused = vios_cli.run(tmp_path / "empty.db", "restore", str(other))
    assert refused.returncode == 1 and "geen back-up van dit programma" in refused.stderr

    exists = tmp_path / "bestaat.zip"
    exists.write_bytes(b"oud")
    assert vios_cli.run(source, "backup", str(exists)).returncode == 2
    assert exists.read_bytes() == b"oud"
    assert vios_cli.run(source, "backup", str(exists), "--overschrijven").returncode == 0

    newer = tmp_path / "nieuwer.zip"
    with zipfile.ZipFile(exists) as old, zipfile.ZipFile(newer, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["revision"] = "9999"
                data = json.dumps(manifest).encode()
            new.writestr(item, data)
    refused = vios_cli.run(tmp_path / "empty2.db", "restore", str(newer))
    assert refused.returncode == 1 and "schemaversie 9999" in refused.stderr


def test_bak005_a_backup_of_an_older_schema_restores_and_is_brought_to_the_newest(tmp_path, instance):
    instance("server")
    old = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade_to("0009", old)
        with old.begin() as connection:  # a region with a meeting, at schema 0009
            connection.execute(sa.text("INSERT INTO province (id, name) VALUES (1, 'Limburg')"))
        summary = service.backup(tmp_path / "old.zip", old)
        assert summary.revision == "0009"
    finally:
        old.dispose()
    new = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    try:
        restored = service.restore(tmp_path / "old.zip", new, username="test")
        assert restored.tables["province"] == 1
        with new.connect() as connection:
            head = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
            assert connection.execute(sa.text("SELECT name FROM province")).scalar() == "Limburg"
        from alembic.script import ScriptDirectory

        from services.migrate import alembic_config
        assert head == ScriptDirectory.from_config(alembic_config()).get_current_head()
    finally:
        new.dispose()


PG_URL = os.environ.get("VIOS_TEST_POSTGRES_URL")


@pytest.mark.skipif(not PG_URL, reason="VIOS_TEST_POSTGRES_URL is not set (scripts/test.sh starts PostgreSQL)")
def test_bak006_a_backup_moves_the_database_from_sqlite_to_postgresql_and_back(demo_db, tmp_path, instance):
    from tests.test_postgres import fresh_pg_database

    instance("server")
    source = _copy_demo(demo_db, tmp_path)
    lite = make_engine(f"sqlite:///{source}")
    back = make_engine(f"sqlite:///{tmp_path / 'back.db'}")
    try:
        service.backup(tmp_path / "lite.zip", lite)
        with fresh_pg_database("backup") as (_url, pg):
            service.restore(tmp_path / "lite.zip", pg, username="test")
            assert _export(pg) == _export(lite)
            with Session(pg) as session:  # sequences continue after the restored ids
                event = session.exec(select(PhaseEvent)).first()
                assert event is not None
                copy = PhaseEvent(**{k: v for k, v in event.model_dump().items() if k not in ("id", "version")})
                session.add(copy)
                session.commit()
                session.delete(copy)
                session.commit()
            service.backup(tmp_path / "pg.zip", pg)
        service.restore(tmp_path / "pg.zip", back, username="test")
        rows_lite, rows_back = _rows(lite), _rows(back)
        audit_lite, audit_back = rows_lite.pop("auditentry"), rows_back.pop("auditentry")
        assert rows_back == rows_lite
        assert audit_back[:len(audit_lite)] == audit_lite
    finally:
        lite.dispose()
        back.dispose()


def test_bak007_an_empty_database_gets_the_schema_before_the_restore(tmp_path, instance):
    instance("server")
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    try:
        upgrade(engine)
        summary = service.backup(tmp_path / "empty.zip", engine)
        assert summary.rows == 0
    finally:
        engine.dispose()
    fresh = tmp_path / "never-migrated.db"
    assert vios_cli.run(fresh, "restore", str(tmp_path / "empty.zip")).returncode == 0

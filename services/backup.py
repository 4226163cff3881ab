"""Backup and restore of everything the product holds: every table (users and their areas, plans, the
audit log, settings, meetings, ...) and the files in the instance folder that are data (the municipality
boundaries).

One portable format for both databases, so a backup also moves a database to another server, SQLite to
PostgreSQL included: a zip with `manifest.json` (format, schema revision, per-table columns with a type
tag and row count) and one JSON-lines file per table.

Consistent while the app is serving:
- SQLite: the online backup API first copies the live database (WAL included) to a temporary file in one
  snapshot; the dump reads that copy.
- PostgreSQL: every table is read in one REPEATABLE READ, READ ONLY transaction (one snapshot).

Restore goes into an empty database only: the schema is brought to the backup's revision, the rows are
inserted in foreign-key order in one transaction, sequences are set past the highest id, and then the
schema is upgraded to the newest revision (so an older backup restores into a newer program).
"""
from __future__ import annotations

import json
import secrets
import sqlite3
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

import settings
from domain import clock
from models.db import get_engine, make_engine
from services import audit, boundaries, migrate

FORMAT = "vios-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 2_000
# Alembic's own bookkeeping and the trigger-kept data version and facts change log are made by the migrations
# and triggers, not restored.
SKIPPED_TABLES = frozenset({"alembic_version", "data_version", "facts_change"})
# Files in the instance folder that are data (the secret key and caches are not: see the README).
DATA_FILES = (boundaries.FILE_NAME,)


class BackupError(ValueError):
    """The backup cannot be made or restored (Dutch message)."""


@dataclass
class BackupSummary:
    revision: str
    tables: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# --- values: JSON in, JSON out, by a type tag per column ------------------------------------------------

def _tag(column: sa.Column[Any]) -> str:
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        return "raw"
    for kind, tag in ((bool, "bool"), (datetime, "datetime"), (date, "date"), (time, "time")):
        if issubclass(python_type, kind):
            return tag
    if isinstance(column.type, sa.JSON) or python_type in (dict, list):
        return "json"
    if python_type is bytes:
        return "bytes"
    return "raw"


def _dump_value(value: Any, tag: str) -> Any:
    if value is None:
        return None
    if tag == "datetime" and isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).isoformat()  # the app keeps every moment in UTC
    if tag in ("datetime", "date", "time"):
        if isinstance(value, str):  # SQLite reflected without a converter
            return value
        return value.isoformat()
    if tag == "bytes":
        return bytes(value).hex()
    if tag == "json" and isinstance(value, str):
        return json.loads(value)
    return value


def _load_value(value: Any, tag: str, aware: bool = False) -> Any:
    """`aware`: the target column keeps a time zone (PostgreSQL timestamptz); naive moments are UTC."""
    if value is None:
        return None
    if tag == "datetime":
        moment = datetime.fromisoformat(value)
        if aware and moment.tzinfo is None:
            return moment.replace(tzinfo=UTC)
        if not aware and moment.tzinfo is not None:
            return moment.astimezone(UTC).replace(tzinfo=None)
        return moment
    if tag == "date":
        return date.fromisoformat(value)
    if tag == "time":
        return time.fromisoformat(value)
    if tag == "bytes":
        return bytes.fromhex(value)
    if tag == "bool":
        return bool(value)
    return value


# --- backup -----------------------------------------------------------------------------------------------

def _tables(connection: Connection) -> list[sa.Table]:
    metadata = sa.MetaData()
    with warnings.catch_warnings():  # the expression indexes of the one key rule are schema, made by migrations
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        metadata.reflect(bind=connection)
    return [t for t in metadata.sorted_tables if t.name not in SKIPPED_TABLES]


def _revision(connection: Connection) -> str:
    try:
        revision = connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
    except sa.exc.DBAPIError:
        revision = None
    if not revision:
        raise BackupError("De database heeft geen schema (voer eerst `vios db upgrade` uit).")
    return str(revision)


def _write_tables(connection: Connection, archive: zipfile.ZipFile, summary: BackupSummary) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for table in _tables(connection):
        columns = list(table.columns)
        tags = [_tag(c) for c in columns]
        count = 0
        order = list(table.primary_key.columns) or columns
        entry = zipfile.ZipInfo(f"tables/{table.name}.jsonl", date_time=_zip_time())
        entry.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(entry, "w", force_zip64=True) as out:
            result = connection.execution_options(yield_per=BATCH).execute(sa.select(table).order_by(*order))
            for row in result:
                record = [_dump_value(v, t) for v, t in zip(row, tags, strict=True)]
                out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
                count += 1
        tables[table.name] = {"columns": [c.name for c in columns], "types": tags, "rows": count}
        summary.tables[table.name] = count
    return tables


def _zip_time() -> tuple[int, int, int, int, int, int]:
    moment = clock.local_now()
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def _dump(connection: Connection, path: Path, *, dialect: str) -> BackupSummary:
    summary = BackupSummary(revision=_revision(connection))
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            tables = _write_tables(connection, archive, summary)
            for name in DATA_FILES:
                source = settings.instance_dir() / name
                if source.exists():
                    archive.write(source, f"files/{name}")
                    summary.files.append(name)
            manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "revision": summary.revision,
                        "created": clock.now().isoformat(), "source": dialect, "tables": tables,
                        "files": summary.files}
            archive.writestr(zipfile.ZipInfo(MANIFEST, date_time=_zip_time()),
                             json.dumps(manifest, ensure_ascii=False, indent=1))
        tmp.replace(path)  # a half-written backup never carries the final name
    finally:
        tmp.unlink(missing_ok=True)
    return summary


def backup(path: Path, engine: Engine | None = None) -> BackupSummary:
    """Write everything to `path` (a zip), from one consistent snapshot while the app may be writing."""
    engine = engine or get_engine()
    if engine.dialect.name == "sqlite":
        return _backup_sqlite(engine, path)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.execute(sa.text("SET TRANSACTION READ ONLY"))
            return _dump(connection, path, dialect=engine.dialect.name)


def _backup_sqlite(engine: Engine, path: Path) -> BackupSummary:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("Een database in het geheugen kan niet worden geback-upt.")
    with tempfile.TemporaryDirectory(prefix="vios-backup-") as folder:
        copy = Path(folder) / "snapshot.db"
        source = sqlite3.connect(database, timeout=settings.db_busy_timeout())
        target = sqlite3.connect(copy)
        try:
            source.backup(target)  # the online backup API: one consistent copy, WAL content included
        finally:
            target.close()
            source.close()
        snapshot = make_engine(f"sqlite:///{copy}")
        try:
            with snapshot.connect() as connection:
                return _dump(connection, path, dialect="sqlite")
        finally:
            snapshot.dispose()


# --- restore ----------------------------------------------------------------------------------------------

def read_manifest(path: Path) -> dict[str, Any]:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest: dict[str, Any] = json.loads(archive.read(MANIFEST))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BackupError(f"'{path}' is geen back-up van dit programma ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"'{path}' is geen back-up van dit programma.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Back-upformaat {manifest.get('format_version')} wordt niet ondersteund "
                          f"(dit programma leest formaat {FORMAT_VERSION}).")
    return manifest


def _known_revisions() -> list[str]:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    return [rev.revision for rev in script.walk_revisions()]


def _check_empty(engine: Engine) -> None:
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return
        for table in _tables(connection):
            if connection.execute(sa.select(sa.func.count()).select_from(table)).scalar():
                raise BackupError(f"De database is niet leeg (tabel '{table.name}' heeft rijen). Een back-up "
                                  "wordt alleen in een lege database teruggezet.")


def _rows(stream: IO[bytes], table: sa.Table, columns: list[str], tags: list[str]) -> Iterator[dict[str, Any]]:
    aware = [bool(getattr(table.columns[c].type, "timezone", False)) if c in table.columns else False
             for c in columns]
    for line in stream:
        values = json.loads(line)
        yield {c: _load_value(v, t, a) for c, v, t, a in zip(columns, values, tags, aware, strict=True)}


def _insert_all(connection: Connection, archive: zipfile.ZipFile, manifest: dict[str, Any],
                progress: Callable[[str, int], None] | None) -> dict[str, int]:
    counts: dict[str, int] = {}
    target = {t.name: t for t in _tables(connection)}
    missing = set(manifest["tables"]) - set(target)
    if missing:
        raise BackupError(f"De back-up bevat tabellen die het schema niet kent: {', '.join(sorted(missing))}.")
    for name, table in target.items():  # foreign-key order of the target schema
        spec = manifest["tables"].get(name)
        if spec is None:
            counts[name] = 0
            continue
        count = 0
        with archive.open(f"tables/{name}.jsonl") as stream:
            batch: list[dict[str, Any]] = []
            for row in _rows(stream, table, spec["columns"], spec["types"]):
                batch.append(row)
                if len(batch) >= BATCH:
                    connection.execute(table.insert(), batch)
                    count += len(batch)
                    batch = []
            if batch:
                connection.execute(table.insert(), batch)
                count += len(batch)
        if count != spec["rows"]:
            raise BackupError(f"Tabel '{name}': {count} rijen gelezen, de back-up noemt er {spec['rows']}.")
        counts[name] = count
        if progress:
            progress(name, count)
    return counts


def _reset_sequences(connection: Connection) -> None:
    if connection.dialect.name != "postgresql":
        return  # SQLite's INTEGER PRIMARY KEY continues after the highest id by itself
    for table in _tables(connection):
        for column in table.primary_key.columns:
            sequence = connection.execute(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                          {"t": table.name, "c": column.name}).scalar()
            if sequence:
                connection.execute(sa.text(f'SELECT setval(:s, COALESCE((SELECT MAX("{column.name}") '
                                           f'FROM "{table.name}"), 0) + 1, false)'), {"s": sequence})


def restore(path: Path, engine: Engine | None = None, *, username: str = "cli",
            progress: Callable[[str, int], None] | None = None) -> BackupSummary:
    """Put a backup into an empty database; all or nothing. Appends one audit entry saying so."""
    engine = engine or get_engine()
    manifest = read_manifest(path)
    revision = manifest["revision"]
    if revision not in _known_revisions():
        raise BackupError(f"De back-up heeft schemaversie {revision}, die dit programma niet kent "
                          "(is de back-up van een nieuwere versie? Werk het programma eerst bij).")
    _check_empty(engine)
    migrate.upgrade_to(revision, engine)
    summary = BackupSummary(revision=revision)
    with zipfile.ZipFile(path) as archive:
        try:
            with engine.begin() as connection:
                summary.tables = _insert_all(connection, archive, manifest, progress)
                _reset_sequences(connection)
        except (sa.exc.DBAPIError, KeyError, ValueError, zipfile.BadZipFile) as exc:
            if isinstance(exc, BackupError):
                raise
            raise BackupError(f"Terugzetten mislukt, er is niets teruggezet: {str(exc).splitlines()[0]}") from None
        for name in manifest.get("files", []):
            if name in DATA_FILES:
                target = settings.instance_dir() / name
                tmp = target.with_name(f".{name}.restore")
                tmp.write_bytes(archive.read(f"files/{name}"))
                tmp.replace(target)
                summary.files.append(name)
    migrate.upgrade(engine)
    with engine.begin() as connection:  # a new epoch: no cache may take this database for an earlier one
        connection.execute(sa.text("UPDATE data_version SET epoch = :epoch"), {"epoch": secrets.token_hex(16)})
    from sqlmodel import Session

    with Session(engine) as session:
        audit.record(session, username=username, action="restore", entity="database",
                     detail=f"back-up {path.name} teruggezet ({summary.rows} rijen, schema {revision})")
        session.commit()
    return summary

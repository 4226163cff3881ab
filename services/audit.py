"""The audit log: who changed what, when, from which value to which.

Append-only: this module only adds and reads rows (models.users also refuses ORM
updates and deletes of AuditEntry). Services call `record` in the same transaction as
the change itself, so a change and its audit rows land together or not at all.

A row a bulk import creates (AuditBuffer.created) is one audit row, field ALL_FIELDS, whose new_value is a
JSON object of the values the per-field rows would hold; readers see every row through `expand`.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, event, inspect, select
from sqlmodel import Session, SQLModel, col

from domain import clock
from models import AuditEntry, table_of
from models.db import copy_rows

# Never written to the log, whatever a caller passes.
SENSITIVE_FIELDS = frozenset({"password", "password_hash", "secret_key"})
HIDDEN = "[verborgen]"
# The field of a compact creation row (AuditBuffer.created): new_value is {field: value as text} in JSON.
ALL_FIELDS = "*"
CSV_HEADER = ["tijdstip (UTC)", "gebruiker", "actie", "tabel", "id", "veld", "oude waarde", "nieuwe waarde",
              "toelichting"]


# AuditEntry's columns as AuditBuffer writes them ("at" first, the same for every row of a buffer).
_COLUMNS = ("at", "username", "action", "entity", "entity_id", "field", "old_value", "new_value", "detail")
# session.info key of the AuditBuffer of the audited block (changes_recorded) a bulk writer adds to.
BUFFER_KEY = "vios_audit_buffer"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _shown(field: str, old: Any, new: Any) -> tuple[str | None, str | None]:
    """Old and new value as the log stores them: text, a sensitive field's values hidden."""
    if field in SENSITIVE_FIELDS:
        old, new = (None if old is None else HIDDEN), (None if new is None else HIDDEN)
    return _text(old), _text(new)


def expand(entry: AuditEntry) -> list[tuple[str | None, str | None, str | None]]:
    """An entry's changes as (field, old, new): a compact creation one per field of its JSON, any other
    row itself (field None for a row without changes)."""
    if entry.field == ALL_FIELDS:
        return [(field, None, value) for field, value in json.loads(entry.new_value or "{}").items()]
    return [(entry.field, entry.old_value, entry.new_value)]


def record(session: Session, *, username: str, action: str, entity: str, entity_id: Any = None,
           changes: Mapping[str, tuple[Any, Any]] | None = None, detail: str = "",
           at: datetime | None = None) -> list[AuditEntry]:
    """Add one row per changed field, or one row without a field when there are no changes."""
    at = at or clock.now()

    def entry(field: str | None = None, old: str | None = None, new: str | None = None) -> AuditEntry:
        return AuditEntry(at=at, username=username[:100], action=action, entity=entity,
                          entity_id=_text(entity_id), detail=detail, field=field, old_value=old, new_value=new)

    if not changes:
        rows = [entry()]
    else:
        rows = [entry(field, *_shown(field, old, new)) for field, (old, new) in changes.items()]
    session.add_all(rows)
    return rows


class AuditBuffer:
    """Audit rows as plain values, written with one multi-row INSERT per batch (no ORM object per field).

    For writers of many rows (imports): `add` takes what `record` takes; `created` the values of a
    row inserted with Core (one compact audit row; changes_recorded writes one per field for a new
    ORM object). Rows are written when the buffer holds `batch` of them and on `flush`; the caller's
    transaction commits or rolls them back with the change itself.
    """

    def __init__(self, session: Session, *, username: str, detail: str = "", at: datetime | None = None,
                 batch: int = 20_000):
        self.session, self.username, self.detail = session, username[:100], detail
        self.at = at or clock.now()
        self.batch = batch
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.paused = False  # while a command writes: it audits its own change (record)

    @contextmanager
    def commands(self) -> Iterator[None]:
        """A block of service commands (services.partnerships ...), which audit their changes themselves:
        what they flush is not audited again by changes_recorded."""
        self.session.flush()  # what was changed before the block is still audited here
        self.paused = True
        try:
            yield
            self.session.flush()
        finally:
            self.paused = False

    @classmethod
    def of(cls, session: Session) -> AuditBuffer | None:
        """The buffer of the audited block the session is in (changes_recorded), else None."""
        buffer = session.info.get(BUFFER_KEY)
        return buffer if isinstance(buffer, cls) else None

    def add(self, *, action: str, entity: str, entity_id: Any = None,
            changes: Mapping[str, tuple[Any, Any]] | None = None, detail: str | None = None) -> None:
        """Buffer rows as tuples in the table's column order (_COLUMNS), ready for the driver."""
        head = (self.username, action, entity, _text(entity_id))
        tail = self.detail if detail is None else detail
        if not changes:
            self.rows.append((*head, None, None, None, tail))
        for field, (old, new) in (changes or {}).items():
            self.rows.append((*head, field, *_shown(field, old, new), tail))
        self._flush_when_full()

    def created(self, entity: str, entity_id: Any, values: Mapping[str, Any]) -> None:
        """A new row: ONE audit row (field ALL_FIELDS) with the fields that have a value (None, '' and []
        are left out) as a JSON object, in their order. One row per field was ~65 % of a national import's
        write phase, which holds the write lock (issue 12)."""
        self.extend([self.created_row(entity, entity_id, values)])

    def created_row(self, entity: str, entity_id: Any, values: Mapping[str, Any]) -> tuple[Any, ...]:
        """The audit row `created` adds, made without writing (an import makes them before its write lock)."""
        shown: dict[str, str | None] = {}
        for k, v in values.items():  # _shown(k, None, v)[1], with the usual case (text) first: 8 fields a row
            if v is None or v == "" or v == []:
                continue
            shown[k] = HIDDEN if k in SENSITIVE_FIELDS else v if type(v) is str else _text(v)
        if not shown:
            return self.username, "create", entity, _text(entity_id), None, None, None, self.detail
        return (self.username, "create", entity, _text(entity_id), ALL_FIELDS, None,
                json.dumps(shown, ensure_ascii=False), self.detail)

    def extend(self, rows: list[tuple[Any, ...]]) -> None:
        """Add rows made by created_row (written when the buffer is full, and on flush)."""
        self.rows.extend(rows)
        self._flush_when_full()

    def _flush_when_full(self) -> None:
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """One executemany (SQLite) or COPY (PostgreSQL) on the driver: the rows share their time, so
        nothing needs SQLAlchemy's per-row parameter processing (at national size that was half of the
        write time)."""
        if not self.rows:
            return
        table = table_of(AuditEntry)
        connection = self.session.connection()
        dialect = connection.dialect
        processor = table.c.at.type.dialect_impl(dialect).bind_processor(dialect)
        at = processor(self.at) if processor is not None else self.at
        if dialect.name == "postgresql":  # COPY, far faster than an executemany
            copy_rows(self.session, table.name, _COLUMNS, ((at, *row) for row in self.rows))
        else:
            columns = ", ".join(dialect.identifier_preparer.quote(n) for n in _COLUMNS)
            marks = ", ".join("?" if dialect.paramstyle in ("qmark", "numeric") else "%s" for _ in _COLUMNS)
            connection.exec_driver_sql(f"INSERT INTO {table.name} ({columns}) VALUES ({marks})",
                                       [(at, *row) for row in self.rows])
        self.written += len(self.rows)
        self.rows = []


@contextmanager
def changes_recorded(session: Session, *, username: str, detail: str = "") -> Iterator[None]:
    """Audit, field by field, every object the block adds to or changes in the session.

    For writers that change many rows through the ORM (imports): the flushes are watched,
    old and new values come from SQLAlchemy's attribute history, and the audit rows are
    added at the end of the block, in the same transaction, with bulk inserts (AuditBuffer).
    Bulk (Core) statements are not seen; writers that use them add their rows to
    `AuditBuffer.of(session)` (or call `record` themselves).
    """
    at = clock.now()
    pending: list[tuple[str, SQLModel, dict[str, tuple[Any, Any]]]] = []
    buffer = AuditBuffer(session, username=username, detail=detail, at=at)

    def after_flush(sess: Session, _context: object) -> None:
        if buffer.paused:
            return
        # new / dirty and the attribute history still show the state before this flush
        for action, objects in (("create", sess.new), ("update", sess.dirty)):
            for obj in objects:
                if isinstance(obj, AuditEntry):
                    continue
                changes = _history(obj, created=action == "create")
                if changes:
                    pending.append((action, obj, changes))

    event.listen(session, "after_flush", after_flush)
    outer = session.info.get(BUFFER_KEY)
    session.info[BUFFER_KEY] = buffer
    try:
        yield
        session.flush()
    finally:
        event.remove(session, "after_flush", after_flush)
        if outer is None:
            session.info.pop(BUFFER_KEY, None)
        else:
            session.info[BUFFER_KEY] = outer
    for action, obj, changes in pending:  # ids of new objects are known after their flush
        buffer.add(action=action, entity=table_of(type(obj)).name,
                   entity_id=inspect(obj).mapper.primary_key_from_instance(obj)[0], changes=changes)
    buffer.flush()


def _history(obj: SQLModel, *, created: bool) -> dict[str, tuple[Any, Any]]:
    state = inspect(obj)
    changes: dict[str, tuple[Any, Any]] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = None if created or not history.deleted else history.deleted[0]
        new = history.added[0] if history.added else None
        if old != new and not (created and new in (None, "", [])):
            changes[attr.key] = (old, new)
    return changes


def snapshot(obj: SQLModel, fields: list[str] | None = None) -> dict[str, Any]:
    """The column values of a table object, to compare before and after a change with `diff`."""
    data = obj.model_dump()
    return {k: data[k] for k in fields} if fields is not None else data


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{field: (old, new)} for every field whose value differs; a missing field counts as None."""
    fields = list(before) + [k for k in after if k not in before]
    return {f: (before.get(f), after.get(f)) for f in fields if before.get(f) != after.get(f)}


def _filtered(stmt: Select[AuditEntry], username: str | None, entity: str | None,
              entity_id: Any) -> Select[AuditEntry]:
    if username is not None:
        stmt = stmt.where(col(AuditEntry.username) == username)
    if entity is not None:
        stmt = stmt.where(col(AuditEntry.entity) == entity)
    if entity_id is not None:
        stmt = stmt.where(col(AuditEntry.entity_id) == _text(entity_id))
    return stmt


def list_entries(session: Session, *, limit: int = 100, offset: int = 0, username: str | None = None,
                 entity: str | None = None, entity_id: Any = None) -> list[AuditEntry]:
    """Newest first."""
    limit, offset = max(0, min(int(limit), 10_000)), max(0, int(offset))
    stmt = _filtered(select(AuditEntry), username, entity, entity_id)
    stmt = stmt.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(limit).offset(offset)
    return list(session.scalars(stmt))


def export_csv(session: Session, *, username: str | None = None, entity: str | None = None) -> bytes:
    """The whole log (or a filtered part), oldest first: semicolon CSV, UTF-8 with BOM, Dutch headers.
    Cells that a spreadsheet would run as a formula are escaped by csv_bytes (dataio.csv_safe)."""
    from dataio.tabular import csv_bytes  # here: importing dataio loads openpyxl, which logins do not need

    stmt = _filtered(select(AuditEntry), username, entity, None).order_by(col(AuditEntry.at), col(AuditEntry.id))
    rows = ([e.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"), e.username, e.action, e.entity, e.entity_id,
             field, old, new, e.detail] for e in session.scalars(stmt) for field, old, new in expand(e))
    return csv_bytes(CSV_HEADER, rows)

"""The audit log: who changed what, when, from which value to which.

Append-only: this module only adds and reads rows (models.users also refuses ORM
updates and deletes of AuditEntry). Services call `record` in the same transaction as
the change itself, so a change and its audit rows land together or not at all.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, event, inspect, select
from sqlmodel import Session, SQLModel, col

from domain import clock
from models import AuditEntry, table_of

# Never written to the log, whatever a caller passes.
SENSITIVE_FIELDS = frozenset({"password", "password_hash", "secret_key"})
HIDDEN = "[verborgen]"
CSV_HEADER = ["tijdstip (UTC)", "gebruiker", "actie", "tabel", "id", "veld", "oude waarde", "nieuwe waarde",
              "toelichting"]


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
        rows = []
        for field, (old, new) in changes.items():
            if field in SENSITIVE_FIELDS:
                old, new = (None if old is None else HIDDEN), (None if new is None else HIDDEN)
            rows.append(entry(field, _text(old), _text(new)))
    session.add_all(rows)
    return rows


@contextmanager
def changes_recorded(session: Session, *, username: str, detail: str = "") -> Iterator[None]:
    """Audit, field by field, every object the block adds to or changes in the session.

    For writers that change many rows through the ORM (imports): the flushes are watched,
    old and new values come from SQLAlchemy's attribute history, and the audit rows are
    added at the end of the block, in the same transaction. Bulk (Core) statements are not
    seen; writers that use them must call `record` themselves.
    """
    at = clock.now()
    pending: list[tuple[str, SQLModel, dict[str, tuple[Any, Any]]]] = []

    def after_flush(sess: Session, _context: object) -> None:
        # new / dirty and the attribute history still show the state before this flush
        for action, objects in (("create", sess.new), ("update", sess.dirty)):
            for obj in objects:
                if isinstance(obj, AuditEntry):
                    continue
                changes = _history(obj, created=action == "create")
                if changes:
                    pending.append((action, obj, changes))

    event.listen(session, "after_flush", after_flush)
    try:
        yield
        session.flush()
    finally:
        event.remove(session, "after_flush", after_flush)
    for action, obj, changes in pending:  # ids of new objects are known after their flush
        record(session, username=username, action=action, entity=table_of(type(obj)).name,
               entity_id=inspect(obj).mapper.primary_key_from_instance(obj)[0], changes=changes,
               detail=detail, at=at)


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
             e.field, e.old_value, e.new_value, e.detail] for e in session.scalars(stmt))
    return csv_bytes(CSV_HEADER, rows)

"""Write transactions when several users (and imports) write at once.

`immediate(session)`: make the request's transaction a write transaction *before* it reads what a
write depends on, so two writers of the same thing run one after the other (a double click, a second
tab, a replayed request). SQLite: `BEGIN IMMEDIATE` on the session's connection (it takes the one
write lock at once; a second writer waits for it, up to the engine's busy timeout). PostgreSQL:
`SELECT ... FOR UPDATE` on the row the write depends on (e.g. the trajectory), so writers of other
rows do not wait.

`check_version(...)` / `flush_versioned(...)`: optimistic concurrency for edit forms. A form carries
the version of the row it was built from (models' `version` columns, SQLAlchemy's version_id_col);
a save whose version is no longer the row's is refused with `StaleVersion`, a Dutch message naming
who changed what and when (from the audit log), and nothing is written.

`is_busy(exc)` / `busy_message()`: the Dutch answer when another writer held SQLite's lock too long
("database is locked"), instead of an HTTP 500. Wire it where a request's transaction ends
(web/request_context.page_callback): catch `sqlalchemy.exc.OperationalError`, and when `is_busy(exc)`
answer `on_refusal(busy_message())` after the rollback.
"""
from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from domain import clock
from models import AuditEntry
from services.audit import expand

BUSY_MESSAGE = ("De database is op dit moment bezig met een andere wijziging (bijvoorbeeld een import). "
                "Er is niets opgeslagen; probeer het over een halve minuut opnieuw.")
# SQLite's lock held too long; PostgreSQL's lock timeout or a deadlock between two writers
_BUSY_TEXTS = ("database is locked", "database table is locked", "database is busy", "lock timeout",
               "could not obtain lock", "deadlock detected")


def dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def immediate(session: Session, lock: tuple[type[Any], int] | None = None) -> bool:
    """Serialise this transaction with other writers; True when this call started the write transaction.

    On SQLite the whole database is locked for writing (`BEGIN IMMEDIATE`) unless this transaction
    already writes (then it holds the lock already); everything the session read before is expired,
    so what follows is read again under the lock. On PostgreSQL `lock = (Model, id)` is locked
    with `SELECT ... FOR UPDATE` (nothing to do without one: the caller's checks run in the
    transaction as they are).
    """
    if session.new or session.dirty or session.deleted:
        session.flush()   # never expire unsaved changes; a write holds SQLite's lock from here on
    if dialect(session) == "sqlite":
        connection = session.connection()
        dbapi = connection.connection.dbapi_connection
        if dbapi is None or getattr(dbapi, "in_transaction", False):
            return False   # pysqlite opens a transaction only for a write: this one writes already
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        session.expire_all()
        return True
    if lock is not None:
        model, row_id = lock
        table: Any = model
        session.execute(select(table.id).where(table.id == row_id).with_for_update())
        session.expire_all()
        return True
    return False


def is_busy(exc: BaseException) -> bool:
    """Whether exc means another writer holds the database (the caller's transaction was rolled back)."""
    original = getattr(exc, "orig", exc)
    return isinstance(exc, OperationalError) and any(t in str(original).lower() for t in _BUSY_TEXTS)


def busy_message() -> str:
    return BUSY_MESSAGE


# ---------------------------------------------------------------- optimistic concurrency

class StaleVersion(ValueError):
    """A save built from an older version of the row than the database holds (Dutch message)."""


# The audit log's field names, as the forms call them.
FIELD_LABELS = {"agreements": "afspraken", "role": "rol", "contact_id": "contactpersoon", "start_on": "startdatum",
                "end_on": "einddatum", "ended_on": "einddatum", "name": "naam", "type": "soort",
                "municipality_id": "gemeente", "phone": "telefoon", "email": "e-mail", "weights": "gewichten",
                "quotas": "quota", "audit_capacity_per_quarter": "auditcapaciteit", "schools": "scholen",
                "status": "status", "display_name": "naam", "user": "gebieden", "region_id": "gebieden",
                "province_id": "gebieden", "board_id": "gebieden"}


def _local(at: Any) -> str:
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return f"{aware.astimezone(clock.TIMEZONE):%d-%m-%Y %H:%M}"


def stale_message(session: Session, entity: str, entity_id: Any, noun: str,
                  also: ColumnElement[bool] | None = None) -> str:
    """'Niet opgeslagen: deze samenwerking is intussen gewijzigd door X op 01-12-2026 10:42 (afspraken);
    herlaad de gegevens.' from the row's latest audit entries (one save writes one row per field; an import's
    creation one row of all its fields, services.audit.expand); `also`: further entries that count as
    changes of it (a user's areas are rows of their own)."""
    about: ColumnElement[bool] = and_(col(AuditEntry.entity) == entity, col(AuditEntry.entity_id) == str(entity_id))
    if also is not None:
        about = or_(about, also)
    rows = list(session.scalars(select(AuditEntry).where(about)
                                .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc()).limit(50)))
    if not rows:
        return f"Niet opgeslagen: {noun} is intussen gewijzigd; herlaad de gegevens en probeer het opnieuw."
    last = rows[0]
    fields = sorted({FIELD_LABELS.get(field, field) for r in rows if r.at == last.at and r.username == last.username
                     for field, _, _ in expand(r) if field})
    what = f" ({', '.join(fields)})" if fields else ""
    return (f"Niet opgeslagen: {noun} is intussen gewijzigd door {last.username} op {_local(last.at)}{what}; "
            "herlaad de gegevens en probeer het opnieuw.")


def check_version(session: Session, obj: Any, version: int | None, *, entity: str, noun: str) -> None:
    """Refuse (StaleVersion) when the form's version is not the row's; None: no form (CLI, import)."""
    if version is None:
        return
    if not isinstance(version, int) or isinstance(version, bool) or obj.version != version:
        raise StaleVersion(stale_message(session, entity, obj.id, noun))


def flush_versioned(session: Session, obj: Any, *, entity: str, noun: str) -> None:
    """Flush; when another transaction saved the row since it was read here (the UPDATE's
    `WHERE version = ...` found nothing) that is the same refusal."""
    obj_id = obj.id
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        raise StaleVersion(stale_message(session, entity, obj_id, noun)) from None

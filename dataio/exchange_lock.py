"""The write phase of an exchange import: one transaction, a short lock, the plan re-checked under it.

An import reads the file and the database and makes its plan without holding any lock (that is most
of its time), then takes the write lock and checks that what it read still holds: a fingerprint of
every table the plan read, taken before the snapshot, must be unchanged under the lock. When another
writer committed in between, the caller plans again under the lock (correct, only slower). The rows
are then written in the same transaction, so the import stays all-or-nothing, and other writers wait
only for the write phase, not for the whole import.

SQLite: `BEGIN IMMEDIATE` (the one write lock; a second writer waits up to the busy timeout).
PostgreSQL: `LOCK TABLE ... IN SHARE ROW EXCLUSIVE MODE` on the tables the import writes: readers go
on, writers of those tables (and a second import) wait until the commit; logins and other tables do not.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import Table, func, select
from sqlmodel import Session

from models import (
    Board,
    Contact,
    DataVersion,
    Municipality,
    Organisation,
    Partnership,
    PhaseEvent,
    Province,
    Region,
    School,
    Trajectory,
    Tranche,
    table_of,
)

# Tables the import writes (and reads for its plan).
WRITTEN = (Province, Region, Municipality, Board, School, Organisation, Contact, Partnership, Tranche, Trajectory,
           PhaseEvent)
# Raised by database triggers on every insert, update and delete (migration 0010).
_COVERED_BY_DATA_VERSION = (Region, Municipality, School, Trajectory, PhaseEvent)
# Every ORM update raises their version column (optimistic concurrency).
_VERSIONED = (Organisation, Contact, Partnership)
# Small tables: compared row by row.
_SMALL = (Province, Board, Tranche)

Fingerprint = tuple[Any, ...]


def fingerprint(session: Session) -> Fingerprint:
    """What the plan depends on, cheaply: any insert, update or delete of a written table changes it."""
    version = table_of(DataVersion)
    parts: list[Any] = [session.scalar(select(version.c.version).where(version.c.id == 1))]
    for versioned in _VERSIONED:
        table: Table = table_of(versioned)
        parts.append(tuple(session.execute(select(func.count(), func.max(table.c.id),
                                                  func.sum(table.c.version))).one()))
    for small in _SMALL:
        table = table_of(small)
        parts.append(hash(tuple(tuple(r) for r in session.execute(select(table).order_by(table.c.id)))))
    return tuple(parts)


def lock_for_writing(session: Session) -> None:
    """Make the session's transaction the import's write transaction (see the module docstring)."""
    if session.new or session.dirty or session.deleted:
        session.flush()
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        dbapi = connection.connection.dbapi_connection
        if dbapi is not None and not getattr(dbapi, "in_transaction", False):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        return  # in a transaction already: pysqlite opens one only for a write, which holds the lock
    if connection.dialect.name == "postgresql":
        names = ", ".join(f'"{table_of(m).name}"' for m in WRITTEN)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")


def covered_tables() -> list[str]:
    """The written tables whose changes the fingerprint sees (all of them; a test keeps it so)."""
    covered = {*_COVERED_BY_DATA_VERSION, *_VERSIONED, *_SMALL}
    return sorted(table_of(m).name for m in WRITTEN if m in covered)

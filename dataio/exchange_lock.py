"""The write phase of an exchange import: one transaction, a short lock, the plan re-checked under it.

An import reads the file and the database and makes its plan without holding any lock (that is most
of its time), then takes the write lock and checks that what it read still holds: a fingerprint of
every table the plan read, taken before the snapshot, must be unchanged under the lock, except for
phases recorded meanwhile for schools the file does not touch (history is append-only). When another
writer changed what the plan read, the caller plans again under the lock (correct, only slower). The rows
are then written in the same transaction, so the import stays all-or-nothing, and other writers wait
only for the write phase, not for the whole import.

SQLite: `BEGIN IMMEDIATE` (the one write lock; a second writer waits up to the busy timeout).
PostgreSQL: `LOCK TABLE ... IN SHARE ROW EXCLUSIVE MODE` on the tables the import writes: readers go
on, writers of those tables (and a second import) wait until the commit; logins and other tables do not.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Table, func, select
from sqlmodel import Session

from models import (
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
    table_of,
)

# Tables the import writes (and reads for its plan).
WRITTEN = (Province, Region, Municipality, Board, School, Organisation, Contact, Partnership, Tranche, Trajectory,
           PhaseEvent)
# Every ORM update raises their version column (optimistic concurrency): compared by count, max id, sum.
_VERSIONED = (Organisation, Contact, Partnership)
# Compared row by row (a hash of every column); at national size a few thousand rows each.
_ROWS = (Province, Region, Municipality, Board, School, Tranche)


@dataclass(frozen=True)
class Fingerprint:
    """What the plan read, cheaply. Phase history is append-only: a phase recorded meanwhile for a school
    the file does not touch leaves the plan valid (the usual web write during an import)."""
    digest: tuple[Any, ...]
    trajectories: dict[int, tuple[Any, ...]]  # id -> (school_id, tranche_id, cycle)
    events: tuple[int, int]  # count, max id


def fingerprint(session: Session) -> Fingerprint:
    parts: list[Any] = []
    for versioned in _VERSIONED:
        table: Table = table_of(versioned)
        parts.append(tuple(session.execute(select(func.count(), func.max(table.c.id),
                                                  func.sum(table.c.version))).one()))
    for model in _ROWS:
        table = table_of(model)
        parts.append(hash(tuple(hash(repr(tuple(r))) for r in session.execute(select(table).order_by(table.c.id)))))
    trajectory, event = table_of(Trajectory), table_of(PhaseEvent)
    trajectories = {r[0]: tuple(r[1:]) for r in session.execute(
        select(trajectory.c.id, trajectory.c.school_id, trajectory.c.tranche_id, trajectory.c.cycle))}
    count, last = session.execute(select(func.count(), func.max(event.c.id))).one()
    return Fingerprint(tuple(parts), trajectories, (int(count), int(last or 0)))


def plan_still_holds(session: Session, before: Fingerprint, history_schools: set[str]) -> bool:
    """Under the write lock: True when nothing the plan read has changed since `before`, other than
    trajectories and phases of schools outside history_schools (the file's trajecten and fasen rows)."""
    now = fingerprint(session)
    if now.digest != before.digest:
        return False
    changed = {i for i in now.trajectories.keys() | before.trajectories.keys()
               if now.trajectories.get(i) != before.trajectories.get(i)}
    schools = {t[0] for i in changed for t in (now.trajectories.get(i), before.trajectories.get(i)) if t}
    if now.events != before.events:
        event = table_of(PhaseEvent)
        new = list(session.execute(select(event.c.trajectory_id).where(event.c.id > before.events[1])).scalars())
        if now.events[0] - before.events[0] != len(new):
            return False  # events were deleted (a merge): plan again
        schools |= {now.trajectories[t][0] for t in new if t in now.trajectories}
    if not schools:
        return True
    school = table_of(School)
    codes = session.execute(select(school.c.code).where(school.c.id.in_(sorted(schools)))).scalars()
    return not ({code.upper() for code in codes} & history_schools)


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
    covered = {*_VERSIONED, *_ROWS, Trajectory, PhaseEvent}
    return sorted(table_of(m).name for m in WRITTEN if m in covered)

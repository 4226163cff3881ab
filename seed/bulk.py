"""Core bulk inserts with ids assigned by the seed (portable: SQLite and PostgreSQL)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlmodel import col

from models import School

BATCH = 5000


class Ids:
    """Hands out consecutive ids, starting after the highest id already in the table."""

    def __init__(self, start: int = 1) -> None:
        self._next = start

    def next(self) -> int:
        value = self._next
        self._next += 1
        return value


@contextmanager
def connection_for(target: Session | Engine | Connection) -> Iterator[Connection]:
    """A connection inside the caller's transaction (Session/Connection) or a new one (Engine)."""
    if isinstance(target, Engine):
        with target.begin() as conn:
            yield conn
    elif isinstance(target, Connection):
        yield target
    else:
        yield target.connection()


def refuse_if_schools(conn: Connection, what: str) -> None:
    if conn.execute(select(col(School.id)).limit(1)).first() is not None:
        raise ValueError(f"De database bevat al scholen; {what} wordt alleen in een lege database geladen.")


def ids_for(conn: Connection, table: Table) -> Ids:
    return Ids((conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1)


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict]) -> int:
    for i in range(0, len(rows), BATCH):
        conn.execute(insert(table), list(rows[i:i + BATCH]))
    return len(rows)


def merge_keyed(conn: Connection, table: Table, key: str, rows: Sequence[dict]) -> tuple[dict, int]:
    """Insert the rows whose natural key is not yet present; return (key -> id for all rows, inserted).

    Lets a seed reuse provinces, municipalities, ... that an earlier import already created.
    """
    wanted = [r[key] for r in rows]
    existing: dict = {}
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        existing.update(conn.execute(select(table.c[key], table.c.id).where(table.c[key].in_(chunk))).all())
    ids = ids_for(conn, table)
    new_rows = []
    for row in rows:
        if row[key] not in existing:
            existing[row[key]] = ids.next()
            new_rows.append({**row, "id": existing[row[key]]})
    insert_rows(conn, table, new_rows)
    return existing, len(new_rows)


def sync_sequences(conn: Connection, tables: Sequence[Table]) -> None:
    """PostgreSQL serial sequences do not see explicit ids; move them past the highest id."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        conn.execute(text(
            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
            f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"
        ))

"""Engine and sessions. SQLite gets WAL and foreign keys; both wait the same busy timeout for a lock."""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

import settings


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False,
                                                  "timeout": settings.db_busy_timeout()})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    # A writer waiting for another's lock (an import's write phase) gives up after the same time as on
    # SQLite, so the user gets the Dutch busy answer instead of a request the server's timeout kills.
    # (lock_timeout=0 would mean: wait for ever.)
    lock_ms = max(1, round(settings.db_busy_timeout() * 1000))
    return create_engine(url, pool_pre_ping=True, connect_args={"options": f"-c lock_timeout={lock_ms}"})


@lru_cache(maxsize=4)
def _engine_for(url: str) -> Engine:
    return make_engine(url)


def get_engine() -> Engine:
    """The engine for the configured DATABASE_URL (one per URL per process)."""
    return _engine_for(settings.database_url())


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A transaction: commits when the block ends, rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def copy_rows(session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """PostgreSQL (psycopg 3): rows into table with one COPY, in the session's transaction; values are
    adapted by psycopg (wrap a JSON column's values in psycopg.types.json.Json). For bulk writers: far
    faster than a row-by-row executemany, and one statement, so the data version's statement triggers
    (migration 0014) fire once, not once per row."""
    from psycopg import sql

    driver = session.connection().connection.driver_connection
    assert driver is not None  # the connection of this session's transaction
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c in columns))
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)

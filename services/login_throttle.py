"""Failed-login counters shared by every worker (a table, not process memory): per client address and
per account-and-address, plus the pace at which failed logins are written to the audit log.

The choice (issue 13): an account locks only for the address the wrong passwords came from, so
somebody elsewhere cannot keep a user locked out; an address that fails often (any accounts) is
refused for a while, which bounds guessing and the scrypt work it costs. ADDRESS_LIMIT is higher than
the account limit because a municipality's users often share one proxy address.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from models.users import LoginThrottle

WINDOW = timedelta(minutes=15)     # failures older than this are forgotten
BLOCK = timedelta(minutes=15)      # how long a key is refused after reaching its limit
ADDRESS_LIMIT = 20                 # failed logins from one address, any accounts, within WINDOW
LOG_INTERVAL = timedelta(minutes=1)  # at most one failed-login audit row per key per minute
_FORGET_AFTER = timedelta(days=1)


def address_key(address: str) -> str:
    return f"addr:{address[:100]}"


def account_key(user_id: int | None, address: str) -> str:
    return f"user:{user_id}@{address[:100]}"


def log_key(user_id: int) -> str:
    return f"log:{user_id}"


def _row(session: Session, key: str, now: datetime) -> LoginThrottle:
    row = session.get(LoginThrottle, key)
    if row is not None:
        return row
    session.execute(delete(LoginThrottle).where(  # forget stale counters while adding one
        col(LoginThrottle.window_start) < now - _FORGET_AFTER,
        col(LoginThrottle.blocked_until).is_(None) | (col(LoginThrottle.blocked_until) < now)))
    try:
        with session.begin_nested():
            row = LoginThrottle(key=key, window_start=now)
            session.add(row)
    except IntegrityError:  # another worker added it a moment ago
        found = session.get(LoginThrottle, key)
        if found is None:
            raise
        return found
    return row


def is_blocked(session: Session, key: str, now: datetime) -> bool:
    row = session.get(LoginThrottle, key)
    return row is not None and row.blocked_until is not None and row.blocked_until > now


def register_failure(session: Session, key: str, now: datetime, limit: int) -> tuple[int, datetime | None]:
    """Count one failure; (the count in the window, the end of the block when this failure started one)."""
    row = _row(session, key, now)
    if row.window_start <= now - WINDOW:
        row.failures, row.window_start = 0, now
        session.add(row)
        session.flush()
    row.failures = LoginThrottle.failures + 1  # in SQL: parallel guesses all count
    session.add(row)
    session.flush()
    session.refresh(row, ["failures"])
    count = row.failures
    if count >= limit:
        row.failures, row.window_start, row.blocked_until = 0, now, now + BLOCK
        session.add(row)
        return count, row.blocked_until
    return count, None


def clear(session: Session, key: str) -> None:
    row = session.get(LoginThrottle, key)
    if row is not None:
        session.delete(row)


def may_log(session: Session, key: str, now: datetime) -> bool:
    """True at most once per LOG_INTERVAL per key (and notes the time)."""
    row = _row(session, key, now)
    if row.logged_at is not None and row.logged_at > now - LOG_INTERVAL:
        return False
    row.logged_at = now
    session.add(row)
    return True

"""Reminders outside the app (issue 15): calendar feed tokens and weekly e-mail digest subscriptions."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from domain import clock


def _utcnow() -> datetime:
    return clock.now()


class CalendarToken(SQLModel, table=True):
    """A user's secret for the iCalendar feed URL (/ical/<token>.ics). Only its SHA-256 is stored; revoked
    tokens stay (revoked_at set) so the feed answers 404 for them, like for an unknown token."""
    __tablename__ = "calendar_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    token_hash: str = Field(unique=True, max_length=64)
    created_at: datetime = Field(default_factory=_utcnow)
    revoked_at: datetime | None = None


class DigestSubscription(SQLModel, table=True):
    """A coordinator's opt-in for the weekly Actielijst e-mail: the address it goes to."""
    __tablename__ = "digest_subscription"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", unique=True)
    email: str = Field(max_length=200)
    created_at: datetime = Field(default_factory=_utcnow)

"""The import history: one row per committed import (page or command line), written in the import's
own transaction, so a row exists exactly when the import's changes do."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text
from sqlmodel import Field, SQLModel

from domain import clock


def _utcnow() -> datetime:
    return clock.now()


class ImportRun(SQLModel, table=True):
    __tablename__ = "import_run"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=_utcnow, index=True)
    username: str = Field(max_length=100)
    kind: str = Field(max_length=20)  # exchange, duo
    filename: str = Field(max_length=255)
    # The regions the import could change, as ",1,3," (a coordinator's regions); "" = every region (beheerder, CLI).
    regions: str = Field(default="", max_length=500)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: int = 0
    rejected: int = 0  # rows refused (a partial import)
    counts: str = Field(default="{}", sa_type=Text)  # JSON: per sheet, per kind (ImportResult.counts)

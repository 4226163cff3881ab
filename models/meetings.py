"""Steering-group meetings: per region or per province, the dates the stuurgroep met, with short
notes or decisions. The latest meeting before the peildatum is the default compare date of
Overzicht and Gemeenten (services.meetings)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from domain import clock


def _utcnow() -> datetime:
    return clock.now()


class Meeting(SQLModel, table=True):
    """One meeting of a region's or a province's steering group (exactly one of the two is set)."""
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("(region_id IS NULL) <> (province_id IS NULL)", name="ck_meeting_one_area"),
    )
    id: int | None = Field(default=None, primary_key=True)
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    province_id: int | None = Field(default=None, foreign_key="province.id", index=True)
    held_on: date = Field(index=True)
    notes: str = Field(default="", max_length=2000)
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=_utcnow)

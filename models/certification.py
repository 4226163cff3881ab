"""Tranches, trajectories and the append-only phase events."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from domain import clock
from models.keys import name_key_sql


class Tranche(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("region_id", "name"),
                      Index("uq_tranche_name_key", "region_id", text(name_key_sql("name")), unique=True))
    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    name: str = Field(max_length=100)
    start_on: date
    capacity: int = 10


class Trajectory(SQLModel, table=True):
    """One pass of a school through the cycle; cycle 1 is first certification."""
    __table_args__ = (UniqueConstraint("school_id", "cycle"),)
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    tranche_id: int | None = Field(default=None, foreign_key="tranche.id", index=True)
    cycle: int = 1


class PhaseEvent(SQLModel, table=True):
    """Append-only: a correction is a new event. The id orders events recorded on one date."""
    id: int | None = Field(default=None, primary_key=True)
    trajectory_id: int = Field(foreign_key="trajectory.id", index=True)
    phase: str = Field(max_length=20)
    on: date = Field(index=True)
    note: str = Field(default="", max_length=2000)
    recorded_by: str = Field(default="", max_length=100)
    # UTC; SQLModel refuses naive datetimes.
    recorded_at: datetime = Field(default_factory=lambda: clock.now())

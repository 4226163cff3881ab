"""Provinces, regions (with their rules) and municipalities."""
from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from domain.vocab import DEFAULT_REQUIRED_PARTNER_TYPES


class Province(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=100)


class Region(SQLModel, table=True):
    """A covenant group of municipalities; owns its certification rules."""
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=150)
    province_id: int | None = Field(default=None, foreign_key="province.id", index=True)
    validity_months: int = 24
    expiring_window_months: int = 6
    required_partner_types: list[str] = Field(
        default_factory=lambda: list(DEFAULT_REQUIRED_PARTNER_TYPES), sa_column=Column(JSON, nullable=False)
    )
    # Typical duration intake -> certificate (DOMAIN.md: 6 to 8 months); used for stall
    # detection and projections.
    expected_months_min: int = 6
    expected_months_max: int = 8
    # A running trajectory longer than this in one phase is flagged as stalled. The server default is
    # the one migration 0003 gave the column (it filled the rows that existed then).
    phase_limit_months: int = Field(default=4, sa_column_kwargs={"server_default": "4"})
    audit_capacity_per_quarter: int | None = None


class Municipality(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    cbs_code: str = Field(unique=True, max_length=6)  # GM0935
    name: str = Field(max_length=150, index=True)
    province_id: int | None = Field(default=None, foreign_key="province.id", index=True)
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    approach_model: str = Field(default="geen", max_length=30)
    approach_phase: str = Field(default="geen", max_length=30)
    approach_phase_since: date | None = None
    elements: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reach: str = Field(default="", max_length=500)

"""Tranche plans: named drafts of which schools enter a future tranche, with the weights,
sector quotas and audit capacity they were made with, and the hand-made overrides with
their reasons. A confirmed plan is read-only (services.planning refuses every change)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column, Index, Integer, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from domain import clock
from models.keys import name_key_sql

PLAN_STATUSES = ("draft", "confirmed")
ITEM_SOURCES = ("proposal", "added", "removed")


def _utcnow() -> datetime:
    return clock.now()


# Optimistic concurrency (as models.network): saving a draft over one that changed since it was opened is refused.
_PLAN_VERSION = Column("version", Integer, nullable=False, server_default="1")


class TranchePlan(SQLModel, table=True):
    """One scenario for a tranche: a named draft, or the confirmed plan."""
    __tablename__ = "trancheplan"
    __table_args__ = (
        UniqueConstraint("tranche_id", "name"),
        Index("uq_trancheplan_name_key", "tranche_id", text(name_key_sql("name")), unique=True),
        CheckConstraint("status IN ('draft', 'confirmed')", name="ck_trancheplan_status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    tranche_id: int = Field(foreign_key="tranche.id", index=True)
    name: str = Field(max_length=100)
    status: str = Field(default="draft", max_length=20)
    # {"recert": 3, "coverage": 2, ...} (domain.planning.Weights) and {"po": 4, ...} (max places per sector)
    weights: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    quotas: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    audit_capacity_per_quarter: int | None = None
    created_by: str = Field(default="", max_length=100)
    created_at: datetime = Field(default_factory=_utcnow)
    updated_at: datetime = Field(default_factory=_utcnow)
    confirmed_by: str | None = Field(default=None, max_length=100)
    confirmed_at: datetime | None = None
    version: int = Field(default=1, sa_column=_PLAN_VERSION)
    __mapper_args__ = {"version_id_col": _PLAN_VERSION}


class TranchePlanItem(SQLModel, table=True):
    """A school in a plan: picked by the proposal, added by hand, or removed by hand.

    'removed' items are not in the plan; they keep the reason and stop a new proposal from
    picking the school again. 'added' and 'removed' need a reason (an override)."""
    __tablename__ = "trancheplanitem"
    __table_args__ = (
        UniqueConstraint("plan_id", "school_id"),
        CheckConstraint("source IN ('proposal', 'added', 'removed')", name="ck_trancheplanitem_source"),
    )
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="trancheplan.id", index=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    source: str = Field(max_length=20)
    reason: str = Field(default="", max_length=1000)
    score: float | None = None   # priority score when the plan was saved (for the record)

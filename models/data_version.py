"""The data version: one row whose numbers every write to the figures' inputs raises.

Database triggers raise `version` on every insert, update and delete of school, municipality, region,
trajectory, phaseevent (migration 0010), tranche, partnership and organisation (0014), whoever writes
(the app's workers, the command line, an import, ORM or Core); `facts_version` only for the first five,
the school facts' own tables (0014). services.school_facts keys its cache of school facts by the facts
version and the results derived from them by the version, each with the epoch: random text made with
the database (migration 0013) and anew by a restore, because a new database at the same address counts
from 0 again.
"""
from __future__ import annotations

from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    __tablename__ = "data_version"
    id: int = Field(primary_key=True)
    version: int = 0
    facts_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    epoch: str | None = Field(default=None, max_length=32)


class FactsChange(SQLModel, table=True):
    """A school whose facts a write changed (migration 0014's triggers): one row per school per write, with
    the facts version that write made; school_id None: any school may have changed (a municipality or a
    region). services.school_facts loads only these schools again for a newer facts version."""
    __tablename__ = "facts_change"
    id: int | None = Field(default=None, primary_key=True)
    facts_version: int = Field(index=True)
    school_id: int | None = None

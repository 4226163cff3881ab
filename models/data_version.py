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

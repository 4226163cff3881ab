"""The data version: one row whose number every write to the figures' inputs raises.

Database triggers (migration 0010) raise it on every insert, update and delete of school,
municipality, region, trajectory and phaseevent, whoever writes (the app's workers, the command
line, an import, ORM or Core). services.school_facts keys its cache of school facts by it, with the
epoch: random text made with the database (migration 0013) and anew by a restore, because a new database
at the same address counts from 0 again.
"""
from __future__ import annotations

from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    __tablename__ = "data_version"
    id: int = Field(primary_key=True)
    version: int = 0
    epoch: str | None = Field(default=None, max_length=32)

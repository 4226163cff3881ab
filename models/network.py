"""Partner organisations, their contact persons and school partnerships."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Index, Integer, text
from sqlmodel import Field, SQLModel

from models.keys import name_key_sql


def version_column() -> Column:
    """Optimistic concurrency (SQLAlchemy's version_id_col): every ORM update adds 1 and only
    succeeds while the row still has the version it was read with; a form sends the version it
    was built from and the services refuse a stale save."""
    return Column("version", Integer, nullable=False, server_default="1")


_ORGANISATION_VERSION = version_column()
_CONTACT_VERSION = version_column()
_PARTNERSHIP_VERSION = version_column()


class Organisation(SQLModel, table=True):
    # one key rule (services.names): unique without case and extra spaces; migration 0008
    __table_args__ = (Index("uq_organisation_name_key", text(name_key_sql("name")), unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=200)
    type: str = Field(max_length=40, index=True)  # domain.vocab.ORGANISATION_TYPES
    municipality_id: int | None = Field(default=None, foreign_key="municipality.id", index=True)
    ended_on: date | None = None  # last day it works with schools; kept for history, never deleted
    version: int = Field(default=1, sa_column=_ORGANISATION_VERSION)
    __mapper_args__ = {"version_id_col": _ORGANISATION_VERSION}


class Contact(SQLModel, table=True):
    """A named person ("namen en rugnummers"): personal data."""
    __table_args__ = (Index("uq_contact_name_key", "organisation_id", text(name_key_sql("name")), unique=True),)
    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    name: str = Field(max_length=150)
    role: str = Field(default="", max_length=150)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=200)
    ended_on: date | None = None  # last day as contact person (left the job); kept for history
    version: int = Field(default=1, sa_column=_CONTACT_VERSION)
    __mapper_args__ = {"version_id_col": _CONTACT_VERSION}


class Partnership(SQLModel, table=True):
    """An edge school - organisation; ended by an end date, never deleted."""
    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(foreign_key="school.id", index=True)
    organisation_id: int = Field(foreign_key="organisation.id", index=True)
    role: str = Field(max_length=30)  # domain.vocab.PARTNERSHIP_ROLES
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    start_on: date
    end_on: date | None = None
    agreements: str = Field(default="", max_length=2000)
    version: int = Field(default=1, sa_column=_PARTNERSHIP_VERSION)
    __mapper_args__ = {"version_id_col": _PARTNERSHIP_VERSION}

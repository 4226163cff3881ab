"""School boards and school locations (vestigingen, DUO codes)."""
from __future__ import annotations

from datetime import date

from sqlmodel import Field, SQLModel


class Board(SQLModel, table=True):
    """Bevoegd gezag (school board), keyed by its DUO number."""
    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(unique=True, max_length=10)
    name: str = Field(default="", max_length=200)


class School(SQLModel, table=True):
    """One school location, identified by its 6-character DUO code (e.g. 02QZ00)."""
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=6)
    name: str = Field(max_length=200, index=True)
    sector: str = Field(max_length=5, index=True)
    municipality_id: int = Field(foreign_key="municipality.id", index=True)
    board_id: int | None = Field(default=None, foreign_key="board.id", index=True)
    street: str = Field(default="", max_length=200)
    house_number: str = Field(default="", max_length=20)
    postcode: str = Field(default="", max_length=7)
    city: str = Field(default="", max_length=100)
    phone: str = Field(default="", max_length=30)
    website: str = Field(default="", max_length=200)
    denomination: str = Field(default="", max_length=100)
    latitude: float | None = None
    longitude: float | None = None
    pupils: int | None = None
    # A school that disappears from the DUO register is kept, marked inactive from
    # that date, so coverage at earlier dates still counts it.
    active: bool = True
    inactive_since: date | None = None

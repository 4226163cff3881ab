"""The navigation bar's school search: schools the user may read, by name, DUO code or town."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from models import Municipality, School
from services.permissions import Principal, school_filter_for

MIN_LENGTH = 2
LIMIT = 8


@dataclass(frozen=True)
class SchoolHit:
    code: str
    name: str
    place: str          # the town (the municipality when the address has none)
    active: bool


def search_schools(session: Session, principal: Principal, text: str, limit: int = LIMIT) -> list[SchoolHit]:
    """At most `limit` schools the user may read whose name, code (BRIN or BRIN + vestiging) or town
    (address or municipality) contains the text; active schools first, then by name. Shorter than
    MIN_LENGTH characters: nothing (a single letter matches half the country)."""
    text = " ".join(text.split())[:100]
    if len(text) < MIN_LENGTH:
        return []
    wanted = text.lower()
    matches = or_(func.lower(col(School.name)).contains(wanted, autoescape=True),
                  func.lower(col(School.code)).startswith(wanted.replace(" ", ""), autoescape=True),
                  func.lower(col(School.city)).contains(wanted, autoescape=True),
                  func.lower(col(Municipality.name)).contains(wanted, autoescape=True))
    rows = session.execute(
        select(col(School.code), col(School.name), col(School.city), col(Municipality.name), col(School.active))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .where(matches, *school_filter_for(principal))
        .order_by(col(School.active).desc(), col(School.name), col(School.code))
        .limit(limit)).all()
    return [SchoolHit(code, name, city or municipality, bool(active))
            for code, name, city, municipality, active in rows]

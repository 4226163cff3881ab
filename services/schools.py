"""One school by its DUO code, read with the user's permission: the one lookup of the network and school pages."""
from __future__ import annotations

import re

from sqlmodel import Session, col, select

from models import School
from services.errors import NotFound
from services.permissions import Principal, ensure_can_read_school

# A DUO school location code: four characters of the institution, two digits of the location.
SCHOOL_CODE = re.compile(r"^[0-9A-Z]{4}[0-9]{2}$")


def readable_school(session: Session, principal: Principal, code: str) -> School:
    """The school with this DUO code: NotFound when there is none (or the code is malformed),
    PermissionDenied when the user may not read it."""
    code = (code or "").strip().upper()
    school = session.exec(select(School).where(col(School.code) == code)).first() if SCHOOL_CODE.match(code) else None
    if school is None or school.id is None:
        raise NotFound(f"School {code}" if SCHOOL_CODE.match(code) else "Deze school")
    ensure_can_read_school(session, principal, school.id)
    return school

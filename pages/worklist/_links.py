"""Links of the Actielijst's items: built from checked values only (DUO codes, ids, the checked scope)."""
from __future__ import annotations

from datetime import date

from services.schools import SCHOOL_CODE


def _query(region_id: int, as_of: date) -> str:
    return f"gebied=r{region_id}&peildatum={as_of.isoformat()}"


def school_page(code: str, as_of: date) -> str | None:
    return f"/school/{code}?peildatum={as_of.isoformat()}" if SCHOOL_CODE.match(code) else None


def network_editor(code: str, region_id: int, as_of: date) -> str | None:
    return f"/netwerk?{_query(region_id, as_of)}&school={code}" if SCHOOL_CODE.match(code) else None


def certification(region_id: int, as_of: date, code: str | None = None) -> str:
    """Certificering in the region; with a school, its record form opened on it."""
    school = f"&school={code}" if code and SCHOOL_CODE.match(code) else ""
    return f"/certificering?{_query(region_id, as_of)}{school}"


def planning(region_id: int, as_of: date) -> str:
    return f"/planning?{_query(region_id, as_of)}"

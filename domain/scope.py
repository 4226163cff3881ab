"""The global selection every page and report respects: area, sector and as-of date."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.vocab import SECTORS


@dataclass(frozen=True)
class Scope:
    as_of: date
    region_id: int | None = None
    province_id: int | None = None
    sector: str | None = None

    def __post_init__(self) -> None:
        if self.sector is not None and self.sector not in SECTORS:
            raise ValueError(f"onbekende sector '{self.sector}'")
        if self.region_id is not None and self.province_id is not None:
            raise ValueError("kies een regio of een provincie, niet beide")

    @property
    def area_key(self) -> str:
        """Compact form used in URLs: r<id>, p<id> or 'nl'."""
        return area_key_of(self.region_id, self.province_id)


def area_key_of(region_id: int | None, province_id: int | None) -> str:
    """The area key of a region or province (parse_area_key's inverse): r<id>, p<id> or 'nl'."""
    if region_id is not None:
        return f"r{region_id}"
    if province_id is not None:
        return f"p{province_id}"
    return "nl"


def parse_area_key(key: str | None) -> tuple[int | None, int | None]:
    """(region_id, province_id) from 'r12' / 'p3' / 'nl'; anything else means the whole country."""
    if key and len(key) > 1 and key[0] in "rp" and key[1:].isdigit():
        value = int(key[1:])
        return (value, None) if key[0] == "r" else (None, value)
    return None, None


def scope_from_params(params: Mapping[str, Any], today: date,
                      known_areas: set[str] | None = None) -> tuple[Scope, list[str]]:
    """The scope from URL query parameters (gebied, sector, peildatum), never trusting them.

    Invalid values fall back to the default (whole country, all sectors, today)
    and produce a Dutch warning to show the user.
    """
    from domain.dates import parse_date

    warnings: list[str] = []
    area = params.get("gebied") or "nl"
    if area != "nl" and (parse_area_key(area) == (None, None) or (known_areas is not None and area not in known_areas)):
        warnings.append(f"Onbekend gebied '{area}': heel Nederland getoond.")
        area = "nl"
    region_id, province_id = parse_area_key(area)
    sector = params.get("sector") or None
    if sector is not None and sector not in SECTORS:
        warnings.append(f"Onbekende sector '{sector}': alle sectoren getoond.")
        sector = None
    as_of = today
    if params.get("peildatum"):
        try:
            as_of = parse_date(params["peildatum"])
        except ValueError as exc:
            warnings.append(f"Peildatum: {exc}; vandaag getoond.")
    return Scope(as_of=as_of, region_id=region_id, province_id=province_id, sector=sector), warnings


def scope_query(scope: Scope) -> str:
    """The URL query string that restores this scope ('?gebied=r1&sector=vo&peildatum=2026-11-23')."""
    parts = [f"gebied={scope.area_key}"]
    if scope.sector:
        parts.append(f"sector={scope.sector}")
    parts.append(f"peildatum={scope.as_of.isoformat()}")
    return "?" + "&".join(parts)


# The "compare with" date of the comparison and overview pages (issue 6): ?vergelijk=2026-08-23.
COMPARE_PARAM = "vergelijk"

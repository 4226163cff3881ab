"""Partner-network definitions (DOMAIN.md): completeness and the missing core partners."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


def partnership_active(start_on: date, end_on: date | None, as_of: date) -> bool:
    """Active at as_of: started on or before it and not ended before it.

    The end date (einddatum) is the last day of the partnership, as Dutch agreements read it.
    """
    return start_on <= as_of and (end_on is None or as_of <= end_on)


def still_working(ended_on: date | None, as_of: date) -> bool:
    """An organisation or a contact person works up to and including its last day (einddatum); the forms
    offer only those still working today (services.permissions.linkable_organisation_clauses)."""
    return ended_on is None or as_of <= ended_on


def contact_active(ended_on: date | None, as_of: date) -> bool:
    """A contact person is a partnership's contact up to and including their last day."""
    return still_working(ended_on, as_of)


@dataclass(frozen=True)
class Completeness:
    share: float | None          # None when the region requires no partner types
    present: tuple[str, ...]     # required types the school has, in the region's order
    missing: tuple[str, ...]     # required types the school lacks: the gaps


def completeness(required_types: Iterable[str], active_types: Iterable[str]) -> Completeness:
    """Share of the region's required partner types with an active partnership at the date."""
    required = list(dict.fromkeys(required_types))
    have = set(active_types)
    present = tuple(t for t in required if t in have)
    missing = tuple(t for t in required if t not in have)
    return Completeness(len(present) / len(required) if required else None, present, missing)

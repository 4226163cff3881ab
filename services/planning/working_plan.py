"""The working plan as the browser keeps it: a list of items {school_id, source, reason}.
It is untrusted: every use cleans it, and checks it against the tranche's candidates,
free places and quotas again."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypedDict

from domain.planning import PlanRefused, check_limits
from services.planning.tranche_data import TrancheContext

Source = Literal["proposal", "added", "removed"]
SOURCES: tuple[Source, ...] = ("proposal", "added", "removed")


class PlanItem(TypedDict):
    school_id: int
    source: Source      # proposal, added by hand, removed by hand
    reason: str         # required for hand-made changes


def clean_items(raw: object) -> list[PlanItem]:
    """Plan items from untrusted input; PlanRefused for a bad row."""
    items: list[PlanItem] = []
    seen: set[int] = set()
    for row in raw if isinstance(raw, list) else []:
        if not isinstance(row, dict):
            raise PlanRefused("Ongeldige planregel.")
        sid, source = row.get("school_id"), row.get("source")
        reason = str(row.get("reason") or "").strip()[:1000]
        if not isinstance(sid, int) or isinstance(sid, bool) or source not in SOURCES:
            raise PlanRefused("Ongeldige planregel.")
        if sid in seen:
            raise PlanRefused("Een school staat twee keer in het plan.")
        if source != "proposal" and not reason:
            raise PlanRefused("Geef een reden voor elke handmatige wijziging.")
        seen.add(sid)
        items.append({"school_id": sid, "source": source, "reason": reason})
    return items


def included(items: list[PlanItem]) -> list[int]:
    """The schools in the plan (not the ones removed by hand)."""
    return [i["school_id"] for i in items if i["source"] != "removed"]


def check_items(ctx: TrancheContext, items: list[PlanItem], quotas: Mapping[str, int]) -> None:
    """PlanRefused unless every planned school is a candidate and they fit the free places and quotas."""
    by_id = {c.school_id: c for c in ctx.candidates}
    planned = included(items)
    if any(sid not in by_id for sid in planned):
        raise PlanRefused("Een school in het plan is geen kandidaat (meer) voor deze tranche: maak een nieuw voorstel.")
    check_limits([by_id[sid].sector for sid in planned], ctx.free, quotas)


def clean_audit_capacity(value: object) -> int | None:
    """Audits per quarter from untrusted input; empty means no limit."""
    if value is None or value == "":
        return None
    if not isinstance(value, int | float | str) or isinstance(value, bool):
        raise PlanRefused("De auditcapaciteit per kwartaal is een geheel getal.")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise PlanRefused("De auditcapaciteit per kwartaal is een geheel getal.") from None
    if not 0 <= number <= 10_000:
        raise PlanRefused("De auditcapaciteit per kwartaal ligt tussen 0 en 10.000.")
    return number

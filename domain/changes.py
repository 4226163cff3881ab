"""What changed between the compare date ("Vergelijk met", ?vergelijk=) and the as-of date.

The figures' changes and the events in between, shown on the overview and on Gemeenten. Plain
functions on plain data: the figures come from domain.overview, the certificate rules from
domain.certification; nothing here redefines coverage, expiry or phase at a date.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.certification import Event, certificate_status
from domain.dates import add_months
from domain.overview import FIGURE_FIELDS, SchoolFacts, certificates_of

DEFAULT_COMPARE_MONTHS = 3
# A figure's change per field of domain.overview.Figures (None: unknown), with in_trajectory_by_phase per phase.
FigureChanges = dict[str, Any]
Number = float | int


def default_compare_date(as_of: date) -> date:
    """The 'compare with' date when none is chosen: three months before the as-of date."""
    return add_months(as_of, -DEFAULT_COMPARE_MONTHS)


# ---------------------------------------------------------------- changes of figures

def delta(now: Number | None, then: Number | None) -> Number | None:
    """now - then; None when either is unknown (a coverage of an area without schools)."""
    if now is None or then is None:
        return None
    difference = now - then
    return round(difference, 4) if isinstance(difference, float) else difference


def figure_deltas(now: Mapping[str, Any], then: Mapping[str, Any] | None) -> FigureChanges:
    """Change of every figure of domain.overview.figures between two dates.

    Without figures at the earlier date (the area had no schools then) every count
    changed from 0 and the coverage change is unknown.
    """
    then = then or {}
    changes: FigureChanges = {
        f: delta(now.get(f), then.get(f, 0 if f != "coverage" else None)) for f in FIGURE_FIELDS}
    before: Mapping[str, int] = then.get("in_trajectory_by_phase", {})
    now_by_phase: Mapping[str, int] = now.get("in_trajectory_by_phase", {})
    changes["in_trajectory_by_phase"] = {p: n - before.get(p, 0) for p, n in now_by_phase.items()}
    return changes


def municipality_deltas(now: Sequence[Mapping[str, Any]],
                        then: Sequence[Mapping[str, Any]]) -> dict[str, FigureChanges]:
    """cbs_code -> figure_deltas for every municipality of `now` (rows of figures_per_municipality)."""
    earlier = {m["cbs_code"]: m for m in then}
    return {m["cbs_code"]: figure_deltas(m, earlier.get(m["cbs_code"])) for m in now}


def distribution_deltas(now: Mapping[str, int], then: Mapping[str, int]) -> dict[str, int]:
    """Change per category of domain.overview.phase_distribution (categories of both dates)."""
    return {c: now.get(c, 0) - then.get(c, 0) for c in {*now, *then}}


# ---------------------------------------------------------------- what happened in between

@dataclass(frozen=True)
class Change:
    """One thing that happened to a school between the two dates."""
    on: date
    kind: str               # certified / expired / phase / partnership_started / partnership_ended
    school_code: str
    school_name: str
    municipality_name: str
    phase_from: str | None = None
    phase_to: str | None = None
    detail: str = ""         # e.g. the partner organisation of a partnership


@dataclass(frozen=True)
class PartnershipFact:
    """A partnership of a school, as far as the change list needs it."""
    school_code: str
    school_name: str
    municipality_name: str
    organisation: str
    role: str
    start_on: date
    end_on: date | None


CHANGE_KINDS: dict[str, str] = {
    "certified": "Gecertificeerd",
    "expired": "Certificaat verlopen",
    "phase": "Andere fase",
    "partnership_started": "Samenwerking gestart",
    "partnership_ended": "Samenwerking beëindigd",
}


def _ordered(events: Iterable[Event]) -> list[Event]:
    return sorted(events, key=lambda e: (e.on, e.recorded_seq))


def changes_between(facts: Iterable[SchoolFacts], start: date, end: date,
                    partnerships: Iterable[PartnershipFact] = ()) -> list[Change]:
    """Everything that happened after `start` up to and including `end`, oldest first.

    - certified: a 'certified' phase event in the period;
    - expired: a certificate whose expires_on lies in the period and after which the
      school has no valid certificate (certificate_status says 'expired' on that day);
    - phase: every other phase event, naming the phase left (the trajectory's previous
      event) and the phase entered;
    - partnerships that started or ended in the period.
    """
    if end < start:
        start, end = end, start
    changes: list[Change] = []
    for f in facts:
        who = (f.code, f.name, f.municipality_name)
        for events in f.trajectories.values():
            previous: str | None = None
            for event in _ordered(events):
                if start < event.on <= end:
                    kind = "certified" if event.phase == "certified" else "phase"
                    changes.append(Change(event.on, kind, *who, phase_from=previous, phase_to=event.phase))
                previous = event.phase
        certs = certificates_of(f)
        for cert in certs:
            if start < cert.expires_on <= end and certificate_status(certs, cert.expires_on) == "expired":
                changes.append(Change(cert.expires_on, "expired", *who))
    for p in partnerships:
        who = (p.school_code, p.school_name, p.municipality_name)
        detail = f"{p.organisation} ({p.role})"
        if start < p.start_on <= end:
            changes.append(Change(p.start_on, "partnership_started", *who, detail=detail))
        if p.end_on is not None and start < p.end_on <= end:
            changes.append(Change(p.end_on, "partnership_ended", *who, detail=detail))
    order = list(CHANGE_KINDS)
    return sorted(changes, key=lambda c: (c.on, order.index(c.kind), c.school_code))


@dataclass(frozen=True)
class ChangeSummary:
    """Counts for the steering group: per kind, and per phase how many schools entered and left it."""
    kinds: dict[str, int]
    entered: dict[str, int]
    left: dict[str, int]


def change_summary(changes: Iterable[Change]) -> ChangeSummary:
    kinds = {k: 0 for k in CHANGE_KINDS}
    entered: dict[str, int] = {}
    left: dict[str, int] = {}
    for c in changes:
        kinds[c.kind] += 1
        if c.kind in ("phase", "certified") and c.phase_to is not None:
            entered[c.phase_to] = entered.get(c.phase_to, 0) + 1
            if c.phase_from is not None:
                left[c.phase_from] = left.get(c.phase_from, 0) + 1
    return ChangeSummary(kinds, entered, left)

"""Comparing municipalities: changes between two dates, the events in between, peers, series.

Plain functions on plain data. The figures themselves come from domain.overview
(school_status, figures, phase_distribution) and the certificate rules from
domain.certification: nothing here redefines coverage, expiry or phase at a date.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from domain.certification import VALID_STATUSES, Event, certificate_status
from domain.dates import add_months, quarter_end, quarter_label, quarter_of
from domain.overview import (
    FIGURE_FIELDS,
    SchoolFacts,
    SchoolStatus,
    active_on,
    certificates_of,
    coverage_share,
)

DEFAULT_COMPARE_MONTHS = 3


def default_compare_date(as_of: date) -> date:
    """The 'compare with' date when none is chosen: three months before the as-of date."""
    return add_months(as_of, -DEFAULT_COMPARE_MONTHS)


# ---------------------------------------------------------------- changes of figures

def taking_part(statuses: Iterable[SchoolStatus]) -> int:
    """Schools taking part at the as-of date: in a trajectory or holding a valid certificate
    (a school whose certificate expired without a new trajectory, or that withdrew, no longer does)."""
    return sum(1 for s in statuses if s.in_trajectory or s.has_valid_certificate)


def delta(now: float | int | None, then: float | int | None) -> float | int | None:
    """now - then; None when either is unknown (a coverage of an area without schools)."""
    if now is None or then is None:
        return None
    difference = now - then
    return round(difference, 4) if isinstance(difference, float) else difference


def figure_deltas(now: Mapping, then: Mapping | None) -> dict:
    """Change of every figure of domain.overview.figures between two dates.

    Without figures at the earlier date (the area had no schools then) every count
    changed from 0 and the coverage change is unknown.
    """
    then = then or {}
    changes = {f: delta(now.get(f), then.get(f, 0 if f != "coverage" else None)) for f in FIGURE_FIELDS}
    before = then.get("in_trajectory_by_phase", {})
    changes["in_trajectory_by_phase"] = {
        p: n - before.get(p, 0) for p, n in now.get("in_trajectory_by_phase", {}).items()}
    return changes


def municipality_deltas(now: Sequence[Mapping], then: Sequence[Mapping]) -> dict[str, dict]:
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


def change_summary(changes: Iterable[Change]) -> dict:
    """Counts for the steering group: per kind, and per phase how many schools entered and left it."""
    kinds = {k: 0 for k in CHANGE_KINDS}
    entered: dict[str, int] = {}
    left: dict[str, int] = {}
    for c in changes:
        kinds[c.kind] += 1
        if c.kind in ("phase", "certified"):
            entered[c.phase_to] = entered.get(c.phase_to, 0) + 1
            if c.phase_from is not None:
                left[c.phase_from] = left.get(c.phase_from, 0) + 1
    return {"kinds": kinds, "entered": entered, "left": left}


# ---------------------------------------------------------------- peers

PEER_KINDS: dict[str, str] = {
    "region": "Zelfde regio",
    "province": "Zelfde provincie",
    "size": "Vergelijkbaar aantal scholen",
    "model": "Zelfde aanpakmodel",
}


@dataclass(frozen=True)
class MunicipalityInfo:
    cbs_code: str
    name: str
    region_id: int | None
    province_id: int | None
    approach_model: str
    approach_phase: str
    elements: tuple[str, ...]
    schools: int = 0


def peers(target: str, municipalities: Sequence[MunicipalityInfo], kind: str, size_count: int = 5,
          size_tolerance: float = 0.5) -> list[str]:
    """CBS codes of the peers of `target` among `municipalities` (the target itself excluded).

    region / province / model: the same region, province or approach model (unknown never matches);
    size: the municipalities whose number of schools lies within size_tolerance (±50%) of the
    target's, the `size_count` closest first (ties by name).
    """
    if kind not in PEER_KINDS:
        raise ValueError(f"onbekende vergelijkingsgroep '{kind}'")
    by_code = {m.cbs_code: m for m in municipalities}
    me = by_code.get(target)
    if me is None:
        return []
    others = [m for m in municipalities if m.cbs_code != target]
    if kind == "region":
        return [m.cbs_code for m in others if me.region_id is not None and m.region_id == me.region_id]
    if kind == "province":
        return [m.cbs_code for m in others if me.province_id is not None and m.province_id == me.province_id]
    if kind == "model":
        return [m.cbs_code for m in others if m.approach_model == me.approach_model]
    low, high = me.schools * (1 - size_tolerance), me.schools * (1 + size_tolerance)
    close = sorted((m for m in others if low <= m.schools <= high),
                   key=lambda m: (abs(m.schools - me.schools), m.name))
    return [m.cbs_code for m in close[:size_count]]


def approach_matrix(municipalities: Sequence[MunicipalityInfo], elements: Sequence[str]) -> list[list[int]]:
    """Rows: municipalities; columns: elements; 1 when the municipality uses the element."""
    return [[1 if e in m.elements else 0 for e in elements] for m in municipalities]


# ---------------------------------------------------------------- coverage over time

@dataclass(frozen=True)
class QuarterPoint:
    label: str      # '2026 K3'
    on: date        # the quarter's last day, or the as-of date for the running quarter


def quarter_points(as_of: date, count: int) -> list[QuarterPoint]:
    """The `count` quarters ending with the one containing as_of, each as of its last day
    (the running quarter as of as_of itself), oldest first."""
    year, quarter = quarter_of(as_of)
    points = []
    for _ in range(count):
        points.append(QuarterPoint(quarter_label(year, quarter), min(quarter_end(year, quarter), as_of)))
        quarter -= 1
        if quarter == 0:
            year, quarter = year - 1, 4
    return points[::-1]


def coverage_at_points(facts: Sequence[SchoolFacts], points: Sequence[QuarterPoint]) -> list[tuple[QuarterPoint,
                                                                                              list[dict]]]:
    """Per point, per municipality: schools active at that date, valid certificates, coverage (the
    coverage fields of figures_per_municipality), from facts loaded once for all points (with
    school_facts(active_from=first point)). Each school's certificates are derived once."""
    certs = [certificates_of(f) for f in facts]
    result = []
    for point in points:
        counts: dict[tuple[str, str], list[int]] = {}
        for f, school_certs in zip(facts, certs, strict=True):
            if not active_on(f, point.on):
                continue
            entry = counts.setdefault((f.municipality_code, f.municipality_name), [0, 0])
            entry[0] += 1
            if school_certs and certificate_status(school_certs, point.on, f.window_months) in VALID_STATUSES:
                entry[1] += 1
        rows = [{"cbs_code": code, "name": name, "schools": n, "valid_certificates": valid,
                 "coverage": coverage_share(valid, n)}
                for (code, name), (n, valid) in sorted(counts.items(), key=lambda kv: kv[0][1])]
        result.append((point, rows))
    return result


def coverage_series(per_point: Sequence[tuple[QuarterPoint, Sequence[Mapping]]]) -> dict[str, dict]:
    """cbs_code -> {'name', 'points': [(label, coverage or None, valid, schools)]} from the rows of
    figures_per_municipality computed as of each point (a municipality missing at a point has no value)."""
    series: dict[str, dict] = {}
    for index, (_point, rows) in enumerate(per_point):
        for m in rows:
            entry = series.setdefault(m["cbs_code"], {"name": m["name"], "points": [None] * len(per_point)})
            entry["points"][index] = (m["coverage"], m["valid_certificates"], m["schools"])
    labels = [p.label for p, _ in per_point]
    for entry in series.values():
        entry["points"] = [(labels[i], *(v if v else (None, 0, 0))) for i, v in enumerate(entry["points"])]
    return series


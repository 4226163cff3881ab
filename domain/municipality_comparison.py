"""Municipalities compared (the Gemeenten page): participation, peers, approach, coverage over time.

Plain functions on plain data. The figures themselves come from domain.overview
(school_status, figures) and the certificate rules from domain.certification; the changes
since the compare date from domain.changes. Nothing here redefines coverage, expiry or phase.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypedDict

from domain.certification import VALID_STATUSES, certificate_status
from domain.dates import quarter_end, quarter_label, quarter_of
from domain.overview import SchoolFacts, SchoolStatus, active_on, certificates_of, coverage_share


def taking_part(statuses: Iterable[SchoolStatus]) -> int:
    """Schools taking part at the as-of date: in a trajectory or holding a valid certificate
    (a school whose certificate expired without a new trajectory, or that withdrew, no longer does)."""
    return sum(1 for s in statuses if s.in_trajectory or s.has_valid_certificate)


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


class CoverageAt(TypedDict):
    """A municipality's coverage at one date (the coverage fields of figures_per_municipality)."""
    cbs_code: str
    name: str
    schools: int
    valid_certificates: int
    coverage: float | None


def coverage_at_points(facts: Sequence[SchoolFacts],
                       points: Sequence[QuarterPoint]) -> list[tuple[QuarterPoint, list[CoverageAt]]]:
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
        rows = [CoverageAt(cbs_code=code, name=name, schools=n, valid_certificates=valid,
                           coverage=coverage_share(valid, n))
                for (code, name), (n, valid) in sorted(counts.items(), key=lambda kv: (kv[0][1], kv[0][0]))]
        result.append((point, rows))
    return result


# (quarter label, coverage or None, valid certificates, schools)
SeriesPoint = tuple[str, float | None, int, int]


@dataclass(frozen=True)
class CoverageSeries:
    """One municipality's coverage per quarter, oldest first."""
    name: str
    points: list[SeriesPoint]


def coverage_series(per_point: Sequence[tuple[QuarterPoint, Sequence[Mapping[str, Any]]]]) -> dict[str, CoverageSeries]:
    """cbs_code -> its CoverageSeries from the rows of figures_per_municipality computed as of each
    point (a municipality missing at a point has no value there: (label, None, 0, 0))."""
    names: dict[str, str] = {}
    values: dict[str, list[tuple[float | None, int, int] | None]] = {}
    for index, (_point, rows) in enumerate(per_point):
        for m in rows:
            names.setdefault(m["cbs_code"], m["name"])
            entry = values.setdefault(m["cbs_code"], [None] * len(per_point))
            entry[index] = (m["coverage"], m["valid_certificates"], m["schools"])
    labels = [p.label for p, _ in per_point]
    return {code: CoverageSeries(names[code], [(labels[i], *(v if v else (None, 0, 0))) for i, v in enumerate(entry)])
            for code, entry in values.items()}


def group_series(series: Mapping[str, CoverageSeries], groups: Mapping[str, str]) -> dict[str, CoverageSeries]:
    """group name -> the group's coverage per quarter (groups: cbs_code -> group, e.g. its province): the
    valid certificates and the schools of its municipalities added up at each quarter end, so the group's
    coverage is coverage_share of those sums, not an average of its municipalities' shares."""
    members: dict[str, list[CoverageSeries]] = {}
    for code in sorted(series, key=lambda c: series[c].name):
        members.setdefault(groups.get(code) or "Overig", []).append(series[code])
    result = {}
    for name, parts in sorted(members.items()):
        points: list[SeriesPoint] = []
        for i, (label, *_rest) in enumerate(parts[0].points):
            valid, schools = sum(p.points[i][2] for p in parts), sum(p.points[i][3] for p in parts)
            points.append((label, coverage_share(valid, schools), valid, schools))
        result[name] = CoverageSeries(name, points)
    return result

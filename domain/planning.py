"""Tranche planning: candidates, priority scores, the proposal, comparing drafts and the
projection of coverage. Pure functions on plain values (no database, no Dash).

Rules (issue 7; definitions from DOMAIN.md via domain.certification / domain.lifecycle):

- A tranche *finishes* on add_months(start_on, region.expected_months_max).
- Candidates are the region's active schools without a running trajectory (latest phase of
  any trajectory active, also one registered for a later date) that either have no valid
  certificate at as_of ('never', 'expired') or whose valid certificate expires on or before
  the finish date ('due': not valid any more on the day the tranche finishes).
- Priority components, each between 0 and 1:
    recert     expired 1, due 0.75, never certified 0;
    coverage   1 - coverage of the school's municipality at as_of (no schools: 1);
    readiness  mean of network completeness (none required / unknown: 0) and the
               municipality's approach phase (geen 0, verkenning 1/3, plan 2/3, uitvoering 1);
    waiting    whole months since the school's first registration in a trajectory that did
               not end in a certificate (postponed, withdrawn), / 36, at most 1; never registered: 0;
    learning   share of the school's active partner organisations that also work with a
               school already planned in this tranche (no partners: 0).
  score = 100 * sum(weight * component) / sum(weights); points per component add up to it.
- The proposal keeps the schools added by hand, then repeatedly picks the candidate with the
  highest score given the schools picked so far (the learning effect changes as the tranche
  fills), skipping schools removed by hand and sectors whose quota is full, until the
  capacity is reached. Ties: lowest DUO code. It never exceeds capacity or quotas: when the
  hand-picked schools alone do, it refuses (PlanRefused) instead of trimming silently.
- Projection: a school of the plan (or of a running trajectory) is expected to be certified
  at add_months(tranche start, expected_audit_months(min, max)) (the audit date of
  domain.lifecycle.audit_forecast), a date before the first quarter counting at that
  quarter's end; the certificate lasts validity_months. Existing certificates run out on their
  expiry date: only what is planned is assumed. Coverage per quarter is measured at the
  quarter's last day.
"""
from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date

from domain.certification import Certificate, certificate
from domain.dates import add_months, next_quarters, quarter_end, quarter_label
from domain.lifecycle import expected_audit_months, months_between

COMPONENT_LABELS: dict[str, str] = {
    "recert": "Hercertificering nodig",
    "coverage": "Dekkingsachterstand gemeente",
    "readiness": "Gereedheid (netwerk, aanpak)",
    "waiting": "Wachttijd sinds aanmelding",
    "learning": "Leereffect (gedeelde partners)",
}
CANDIDATE_LABELS: dict[str, str] = {
    "expired": "Certificaat verlopen",
    "due": "Hercertificering nodig",
    "never": "Nooit gecertificeerd",
}
RECERT_POINTS: dict[str, float] = {"expired": 1.0, "due": 0.75, "never": 0.0}
APPROACH_READINESS: dict[str, float] = {"geen": 0.0, "verkenning": 1 / 3, "plan": 2 / 3, "uitvoering": 1.0}
WAITING_FULL_MONTHS = 36
MAX_WEIGHT = 10.0


class PlanRefused(ValueError):
    """A plan change that breaks a rule (capacity, quota, missing reason); Dutch message."""


MAX_TRANCHE_CAPACITY = 1000


def tranche_start_error(start_on: date, today: date) -> str | None:
    """The rule for a new tranche's start (the planning form's and the import's): after today."""
    return None if start_on > today else "De startdatum van een nieuwe tranche moet na vandaag liggen."


def capacity_error(capacity: object) -> str | None:
    """The rule for a tranche's capacity, of the planning page's form and the import alike: a whole number
    of schools from 1 to MAX_TRANCHE_CAPACITY; the Dutch refusal, or None."""
    if isinstance(capacity, bool) or not isinstance(capacity, int) or not 1 <= capacity <= MAX_TRANCHE_CAPACITY:
        return f"De capaciteit is een geheel aantal scholen van 1 tot {MAX_TRANCHE_CAPACITY}."
    return None


@dataclass(frozen=True)
class Weights:
    recert: float = 3.0
    coverage: float = 2.0
    readiness: float = 2.0
    waiting: float = 1.0
    learning: float = 1.0

    @classmethod
    def from_dict(cls, data: Mapping[str, object] | None) -> Weights:
        """From untrusted input: numbers between 0 and MAX_WEIGHT; missing keys keep the default."""
        values = {}
        for f in fields(cls):
            raw = (data or {}).get(f.name)
            if raw is None or raw == "":
                continue
            try:
                if not isinstance(raw, int | float | str):
                    raise TypeError(raw)
                value = float(raw)
            except (TypeError, ValueError):
                raise PlanRefused(f"Gewicht '{COMPONENT_LABELS[f.name]}' is geen getal.") from None
            if not 0 <= value <= MAX_WEIGHT:
                raise PlanRefused(f"Gewicht '{COMPONENT_LABELS[f.name]}' moet tussen 0 en {MAX_WEIGHT:g} liggen.")
            values[f.name] = value
        return cls(**values)

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def clean_quotas(data: Mapping[str, object] | None, sectors: Iterable[str]) -> dict[str, int]:
    """Maximum places per sector from untrusted input; empty values mean no quota."""
    known = set(sectors)
    result = {}
    for sector, raw in (data or {}).items():
        if raw is None or raw == "":
            continue
        if sector not in known:
            raise PlanRefused(f"Onbekende sector '{sector}'.")
        try:
            if not isinstance(raw, int | float | str):
                raise TypeError(raw)
            value = int(raw)
        except (TypeError, ValueError):
            raise PlanRefused(f"Quotum voor {sector} is geen geheel getal.") from None
        if value < 0:
            raise PlanRefused(f"Quotum voor {sector} mag niet negatief zijn.")
        result[sector] = value
    return result


@dataclass(frozen=True)
class Candidate:
    school_id: int
    code: str
    name: str
    sector: str
    municipality_code: str
    municipality_name: str
    kind: str                       # expired / due / never (CANDIDATE_LABELS)
    expires_on: date | None
    completeness: float | None
    approach_phase: str
    waiting_since: date | None
    partners: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Scored:
    candidate: Candidate
    components: dict[str, float]    # each 0..1
    points: dict[str, float]        # share of the score per component (sums to score)
    score: float                    # 0..100


def tranche_finish(start_on: date, expected_months_max: int) -> date:
    return add_months(start_on, expected_months_max)


def candidate_kind(certificate_status: str, expires_on: date | None, running_trajectory: bool,
                   finishes_on: date) -> str | None:
    """'expired' / 'due' / 'never', or None when the school is no candidate (see module doc)."""
    if running_trajectory:
        return None
    if certificate_status in ("valid", "expiring"):
        return "due" if expires_on is not None and expires_on <= finishes_on else None
    return certificate_status if certificate_status in ("never", "expired") else None


def static_components(c: Candidate, coverage: float | None, as_of: date) -> dict[str, float]:
    """The components that do not depend on the other schools in the plan."""
    approach = APPROACH_READINESS.get(c.approach_phase, 0.0)
    waiting = 0.0
    if c.waiting_since is not None:
        waiting = min(1.0, months_between(c.waiting_since, as_of) / WAITING_FULL_MONTHS)
    return {
        "recert": RECERT_POINTS.get(c.kind, 0.0),
        "coverage": 1.0 - coverage if coverage is not None else 1.0,
        "readiness": ((c.completeness or 0.0) + approach) / 2,
        "waiting": waiting,
    }


def learning_component(partners: frozenset[int], planned_partners: set[int] | frozenset[int]) -> float:
    if not partners:
        return 0.0
    return len(partners & planned_partners) / len(partners)


def _scored(c: Candidate, static: dict[str, float], learning: float, weights: Weights) -> Scored:
    components = {**static, "learning": learning}
    w = weights.as_dict()
    total = sum(w.values())
    points = {k: (100 * w[k] * components[k] / total if total else 0.0) for k in COMPONENT_LABELS}
    return Scored(c, components, points, sum(points.values()))


def score_against(candidates: Sequence[Candidate], weights: Weights, *, coverage: Mapping[str, float | None],
                  as_of: date, planned_ids: Iterable[int]) -> list[Scored]:
    """Every candidate scored against a fixed set of planned schools (a plan member's learning
    effect counts the *other* planned schools), best first, ties by DUO code."""
    planned = set(planned_ids)
    by_org: dict[int, int] = defaultdict(int)   # organisation -> number of planned schools with it
    for c in candidates:
        if c.school_id in planned:
            for org in c.partners:
                by_org[org] += 1
    result = []
    for c in candidates:
        own = 1 if c.school_id in planned else 0
        shared = sum(1 for org in c.partners if by_org.get(org, 0) - own > 0)
        learning = shared / len(c.partners) if c.partners else 0.0
        result.append(_scored(c, static_components(c, coverage.get(c.municipality_code), as_of), learning, weights))
    return sorted(result, key=lambda s: (-s.score, s.candidate.code))


@dataclass(frozen=True)
class Proposal:
    chosen: list[Scored]            # hand-picked first, then in the order the proposal picked them
    warnings: list[str] = field(default_factory=list)


def check_limits(sectors: Sequence[str], capacity: int, quotas: Mapping[str, int]) -> None:
    """PlanRefused when schools of these sectors do not fit the capacity or a sector quota."""
    if len(sectors) > capacity:
        raise PlanRefused(f"Dit zijn {len(sectors)} scholen, meer dan de {capacity} vrije plaatsen van de tranche. "
                          "Verwijder eerst een school of verhoog de capaciteit.")
    counts: dict[str, int] = defaultdict(int)
    for s in sectors:
        counts[s] += 1
    for sector, n in sorted(counts.items()):
        if sector in quotas and n > quotas[sector]:
            raise PlanRefused(f"Het quotum voor {sector} is {quotas[sector]}; dit plan heeft er {n}.")


def propose(candidates: Sequence[Candidate], weights: Weights, *, capacity: int, quotas: Mapping[str, int],
            coverage: Mapping[str, float | None], as_of: date, fixed: Iterable[int] = (),
            excluded: Iterable[int] = ()) -> Proposal:
    """Fill the tranche up to capacity by priority (see the module doc); deterministic."""
    by_id = {c.school_id: c for c in candidates}
    fixed_ids = [i for i in dict.fromkeys(fixed)]
    unknown = [i for i in fixed_ids if i not in by_id]
    if unknown:
        raise PlanRefused("Een handmatig toegevoegde school is geen kandidaat (meer) voor deze tranche.")
    check_limits([by_id[i].sector for i in fixed_ids], capacity, quotas)
    skip = set(excluded) | set(fixed_ids)
    pool = sorted((c for c in candidates if c.school_id not in skip), key=lambda c: c.code)
    static_total = []
    w = weights.as_dict()
    for c in pool:
        comp = static_components(c, coverage.get(c.municipality_code), as_of)
        static_total.append(sum(w[k] * comp[k] for k in comp))
    org_index: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(pool):
        for org in c.partners:
            org_index[org].append(i)
    planned_orgs: set[int] = set()
    shared = [0] * len(pool)

    def plan_orgs(partners: frozenset[int]) -> set[int]:
        """Add the organisations to the plan; the pool positions whose shared count grew."""
        changed = set()
        for org in partners:
            if org not in planned_orgs:
                planned_orgs.add(org)
                for i in org_index.get(org, ()):
                    shared[i] += 1
                    changed.add(i)
        return changed

    counts: dict[str, int] = defaultdict(int)
    chosen: list[Scored] = []
    for i in fixed_ids:
        c = by_id[i]
        chosen.append(_scored(c, static_components(c, coverage.get(c.municipality_code), as_of),
                              learning_component(c.partners, planned_orgs), weights))
        counts[c.sector] += 1
        plan_orgs(c.partners)
    # Greedy fill with a heap: a candidate's value only grows (its learning effect) as the
    # tranche fills, so each change pushes a fresh entry and outdated entries are skipped.
    # Key: (-value rounded to 9 decimals, position in the code-sorted pool): ties by DUO code.
    def value(i: int) -> float:
        c = pool[i]
        return round(static_total[i] + (w["learning"] * shared[i] / len(c.partners) if c.partners else 0.0), 9)

    version = [0] * len(pool)
    heap = [(-value(i), i, 0) for i in range(len(pool))]
    heapq.heapify(heap)
    taken = [False] * len(pool)
    while len(chosen) < capacity and heap:
        _, i, v = heapq.heappop(heap)
        c = pool[i]
        if taken[i] or v != version[i] or (c.sector in quotas and counts[c.sector] >= quotas[c.sector]):
            continue
        taken[i] = True
        chosen.append(_scored(c, static_components(c, coverage.get(c.municipality_code), as_of),
                              learning_component(c.partners, planned_orgs), weights))
        counts[c.sector] += 1
        for j in plan_orgs(c.partners):
            if not taken[j]:
                version[j] += 1
                heapq.heappush(heap, (-value(j), j, version[j]))
    warnings = []
    if len(chosen) < capacity:
        warnings.append(f"Er zijn te weinig kandidaten (binnen de quota) om alle {capacity} plaatsen te vullen: "
                        f"{len(chosen)} gepland.")
    return Proposal(chosen, warnings)


# ---------------------------------------------------------------- projection and comparison

def expected_certificate_date(start_on: date, expected_months_min: int, expected_months_max: int) -> date:
    """When a school starting on start_on is expected to be audited and certified."""
    return add_months(start_on, expected_audit_months(expected_months_min, expected_months_max))


@dataclass(frozen=True)
class ProjectedSchool:
    school_id: int
    municipality_code: str
    municipality_name: str
    current: Certificate | None          # the certificate at as_of (valid or not), if any
    expected_certified_on: date | None   # running trajectory or in the plan


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    schools: int
    covered: list[int]                   # per quarter
    coverage: list[float | None]         # per quarter


def projected_certificates(s: ProjectedSchool, *, as_of: date, validity_months: int) -> list[Certificate]:
    certs = [s.current] if s.current else []
    if s.expected_certified_on is not None:
        first_end = quarter_end(*next_quarters(as_of, 1)[0])
        on = s.expected_certified_on if s.expected_certified_on > as_of else first_end
        certs.append(certificate(on, validity_months))
    return certs


def coverage_projection(schools: Sequence[ProjectedSchool], *, as_of: date, validity_months: int,
                        quarters: int = 12) -> tuple[list[str], list[CoverageRow], CoverageRow]:
    """(quarter labels, one row per municipality by name, the total) of expected coverage at
    each quarter's last day, from as_of's quarter on."""
    wanted = next_quarters(as_of, quarters)
    ends = [quarter_end(y, q) for y, q in wanted]
    # per municipality, the number of its schools covered at each quarter's end
    counts: dict[tuple[str, str], list[int]] = {}
    sizes: dict[tuple[str, str], int] = defaultdict(int)
    for s in schools:
        key = (s.municipality_code, s.municipality_name)
        covered = counts.setdefault(key, [0] * len(ends))
        sizes[key] += 1
        at: set[int] = set()
        for cert in projected_certificates(s, as_of=as_of, validity_months=validity_months):
            at.update(cert.valid_among(ends))
        for i in at:
            covered[i] += 1

    def row(code: str, name: str, n: int, covered: list[int]) -> CoverageRow:
        return CoverageRow(code, name, n, covered, [round(k / n, 4) if n else None for k in covered])

    rows = [row(code, name, sizes[(code, name)], covered)
            for (code, name), covered in sorted(counts.items(), key=lambda kv: kv[0][1])]
    total = [sum(r.covered[i] for r in rows) for i in range(len(ends))]
    return [quarter_label(y, q) for y, q in wanted], rows, row("", "Hele regio", sum(sizes.values()), total)


def remove_dates(dates: Iterable[date], to_remove: Iterable[date]) -> list[date]:
    """dates without one occurrence of each date in to_remove (a multiset difference)."""
    left: dict[date, int] = defaultdict(int)
    for d in to_remove:
        left[d] += 1
    result = []
    for d in dates:
        if left.get(d, 0) > 0:
            left[d] -= 1
        else:
            result.append(d)
    return result


def plan_difference(a: Iterable[int], b: Iterable[int]) -> tuple[list[int], list[int], list[int]]:
    """(only in a, only in b, in both), each sorted."""
    sa, sb = set(a), set(b)
    return sorted(sa - sb), sorted(sb - sa), sorted(sa & sb)

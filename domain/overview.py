"""Per-school status at a date and the overview figures built from it.

Input is plain data (see SchoolFacts); the definitions come from
domain.certification so that the UI, the CLI report and later pages agree.
"""
from __future__ import annotations

from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import TypedDict, TypeVar, cast

from domain.certification import (
    ACTIVE_PHASES,
    VALID_STATUSES,
    Certificate,
    Event,
    certificate_status,
    certificates_from_events,
    current_certificate,
    phase_at,
)
from domain.dates import add_months, next_quarters, quarter_label, quarter_of

T = TypeVar("T")


@dataclass
class SchoolFacts:
    """What the overview needs to know about one school location."""
    school_id: int
    code: str
    name: str
    sector: str
    municipality_code: str
    municipality_name: str
    validity_months: int = 24
    window_months: int = 6
    # trajectory id -> its phase events
    trajectories: dict[int, list[Event]] = field(default_factory=dict)
    # a school that left the DUO register counts until inactive_since (see active_on)
    active: bool = True
    inactive_since: date | None = None
    # Results of the facts alone remembered on them (remember(): the current trajectory's days in phase and
    # stalls per date, coverage at a series of dates), bounded to MEMO_DATES entries; None: computed every
    # time. services.school_facts gives the facts it caches (never changed after loading) an empty dict,
    # which also makes school_status keep the facts' status timeline.
    remembered: dict[Hashable, object] | None = field(default=None, compare=False, repr=False)
    timeline: StatusTimeline | None = field(default=None, compare=False, repr=False)


MEMO_DATES = 24


def remember(facts: SchoolFacts, key: Hashable, compute: Callable[[], T]) -> T:
    """compute() for a result of these facts alone, remembered in facts.remembered when it has a memo (a
    pure function of the facts, which are never changed once they have one); key names the result."""
    memo = facts.remembered
    if memo is None:
        return compute()
    if key in memo:
        return cast(T, memo[key])
    if len(memo) >= MEMO_DATES:
        memo.clear()
    value = memo[key] = compute()
    return value


def active_on(facts: SchoolFacts, d: date) -> bool:
    """Whether the school location counts at d: active, or inactive only after d."""
    return facts.active or (facts.inactive_since is not None and facts.inactive_since > d)


@dataclass
class SchoolStatus:
    school_id: int
    code: str
    name: str
    sector: str
    municipality_code: str
    municipality_name: str
    certificate_status: str          # valid / expiring / expired / never
    issued_on: date | None
    expires_on: date | None
    phase: str | None                 # phase of the school's current trajectory at as_of
    in_trajectory: bool

    @property
    def has_valid_certificate(self) -> bool:
        return self.certificate_status in VALID_STATUSES


def certificates_of(facts: SchoolFacts) -> list[Certificate]:
    """Every certificate of the school in its facts (one per 'certified' event), oldest first.
    The definitions at a date (certificate_status, current_certificate) ignore later ones."""
    certified_dates = [e.on for events in facts.trajectories.values() for e in events if e.phase == "certified"]
    if not certified_dates:
        return []
    return list(_certificates(tuple(certified_dates), facts.validity_months))


@lru_cache(maxsize=65536)
def _certificates(certified_dates: tuple[date, ...], validity_months: int) -> tuple[Certificate, ...]:
    """certificates_from_events, remembered: a pure function of immutable values (dates, months), so a
    series of dates or a second request derives each school's certificates once."""
    return tuple(certificates_from_events(certified_dates, validity_months))


def school_status(facts: SchoolFacts, as_of: date) -> SchoolStatus:
    """The school's certificate status and phase at as_of. For facts that remember (the cached ones, never
    changed once loaded) it is looked up in their status timeline, built once: any date then costs a
    bisection, not a computation from every event."""
    if facts.remembered is None:
        return _school_status(facts, as_of)
    return timeline_of(facts).at(as_of)


def timeline_of(facts: SchoolFacts) -> StatusTimeline:
    """The facts' status timeline, built once (for facts that remember, else every time)."""
    timeline = facts.timeline
    if timeline is None:
        timeline = status_timeline(facts)
        if facts.remembered is not None:
            facts.timeline = timeline
    return timeline


@dataclass(frozen=True)
class StatusTimeline:
    """A school's status as spans of constant value: statuses[i] holds from starts[i] until the next start."""
    starts: tuple[date, ...]           # ascending; the first is date.min
    statuses: tuple[SchoolStatus, ...]

    def at(self, as_of: date) -> SchoolStatus:
        return self.statuses[bisect_right(self.starts, as_of) - 1]


def status_timeline(facts: SchoolFacts, *, same_until: tuple[StatusTimeline, date] | None = None) -> StatusTimeline:
    """The spans of school_status, computed by the definition itself (_school_status) on every date where
    one of its inputs can change: each event's date (phases, the current trajectory, a certificate's
    start), each certificate's end, and the first date on which it is 'expiring' (window_months ahead).
    Between two such dates nothing the definition reads changes (tests/test_status_timeline.py checks it
    against the direct computation on random histories and dates).

    same_until=(timeline, d): the timeline of the same school with more events, all dated after d (the
    facts as they were on d: services.school_facts' view at a date). A status on or before d reads no
    later event, so those spans are taken over and only the dates after d are computed."""
    changes = {date.min}
    for events in facts.trajectories.values():
        changes.update(e.on for e in events)
    for cert in certificates_of(facts):
        changes.update((cert.expires_on, expiring_from(cert.expires_on, facts.window_months)))
    starts: list[date] = []
    statuses: list[SchoolStatus] = []
    if same_until is not None:
        known, until = same_until
        kept = bisect_right(known.starts, until)
        starts, statuses = list(known.starts[:kept]), list(known.statuses[:kept])
        changes = {on for on in changes if on > until}
    for on in sorted(changes):
        status = _school_status(facts, on)
        if not statuses or status != statuses[-1]:
            starts.append(on)
            statuses.append(status)
    return StatusTimeline(tuple(starts), tuple(statuses))


def expiring_from(expires_on: date, window_months: int) -> date:
    """The first date d with expires_on <= add_months(d, window_months): from then on a certificate ending
    on expires_on is within the window (certificate_status). add_months never decreases as d grows, so
    the dates that qualify follow each other; the one month-arithmetic guess is corrected by days."""
    day = timedelta(days=1)
    d = add_months(expires_on, -window_months)
    while add_months(d - day, window_months) >= expires_on:
        d -= day
    while add_months(d, window_months) < expires_on:
        d += day
    return d


def _school_status(facts: SchoolFacts, as_of: date) -> SchoolStatus:
    if not facts.trajectories:  # no event, no certificate: what the definitions give for an empty history
        return SchoolStatus(facts.school_id, facts.code, facts.name, facts.sector, facts.municipality_code,
                            facts.municipality_name, "never", None, None, None, False)
    certs = certificates_of(facts)
    status = certificate_status(certs, as_of, facts.window_months)
    cert = current_certificate(certs, as_of)
    active = any(phase_at(events, as_of) in ACTIVE_PHASES for events in facts.trajectories.values())
    return SchoolStatus(
        facts.school_id, facts.code, facts.name, facts.sector, facts.municipality_code, facts.municipality_name,
        status, cert.issued_on if cert else None, cert.expires_on if cert else None,
        _current_phase(facts.trajectories, as_of), active,
    )


def current_trajectory_id(trajectories: dict[int, list[Event]], as_of: date) -> int | None:
    """The trajectory whose phase is the school's phase at as_of: the one with the most
    recent event on or before as_of, an active trajectory winning over a finished one
    (so a certified school that started its re-certification shows that phase)."""
    best_key, best = None, None
    for trajectory_id, events in trajectories.items():
        phase = phase_at(events, as_of)
        if phase is None:
            continue
        last = max((e.on, e.recorded_seq) for e in events if e.on <= as_of)
        key = (phase in ACTIVE_PHASES, last)
        if best_key is None or key > best_key:
            best_key, best = key, trajectory_id
    return best


def _current_phase(trajectories: dict[int, list[Event]], as_of: date) -> str | None:
    current = current_trajectory_id(trajectories, as_of)
    return phase_at(trajectories[current], as_of) if current is not None else None


FIGURE_FIELDS = (
    "schools", "valid_certificates", "coverage", "expiring_soon", "expired", "never_certified", "in_trajectory",
)


def coverage_share(valid: int, schools: int) -> float | None:
    """DOMAIN.md coverage: valid certificates / all active schools, 4 decimals; None without schools."""
    return round(valid / schools, 4) if schools else None


class Figures(TypedDict):
    """The key figures of a set of schools (FIGURE_FIELDS plus the trajectories per active phase)."""
    schools: int
    valid_certificates: int
    coverage: float | None
    expiring_soon: int
    expired: int
    never_certified: int
    in_trajectory: int
    in_trajectory_by_phase: dict[str, int]


class MunicipalityFigures(Figures):
    """A row of figures_per_municipality: one municipality's Figures (the rows of `vios report`)."""
    cbs_code: str
    name: str


class QuarterCount(TypedDict):
    quarter: str
    count: int


def figures(statuses: Iterable[SchoolStatus]) -> Figures:
    """Key figures of a set of schools (DOMAIN.md: coverage = valid / all active schools)."""
    statuses = list(statuses)
    counts = Counter(s.certificate_status for s in statuses)
    by_phase = Counter(s.phase for s in statuses if s.in_trajectory)
    n = len(statuses)
    valid = counts["valid"] + counts["expiring"]
    return {
        "schools": n,
        "valid_certificates": valid,
        "coverage": coverage_share(valid, n),
        "expiring_soon": counts["expiring"],
        "expired": counts["expired"],
        "never_certified": counts["never"],
        "in_trajectory": sum(1 for s in statuses if s.in_trajectory),
        "in_trajectory_by_phase": {p: by_phase.get(p, 0) for p in ACTIVE_PHASES},
    }


def figures_per_municipality(statuses: Iterable[SchoolStatus]) -> list[MunicipalityFigures]:
    groups: dict[tuple[str, str], list[SchoolStatus]] = defaultdict(list)
    for s in statuses:
        groups[(s.municipality_code, s.municipality_name)].append(s)
    rows: list[MunicipalityFigures] = []
    for (code, name), members in sorted(groups.items(), key=lambda kv: (kv[0][1], kv[0][0])):  # by name
        rows.append({"cbs_code": code, "name": name, **figures(members)})
    return rows


def expiring_per_quarter(statuses: Iterable[SchoolStatus], as_of: date, quarters: int = 8) -> list[QuarterCount]:
    """Valid certificates at as_of by the quarter they expire in, for the coming quarters."""
    wanted = next_quarters(as_of, quarters)
    counts = Counter(quarter_of(s.expires_on) for s in statuses if s.has_valid_certificate and s.expires_on)
    return [QuarterCount(quarter=quarter_label(y, q), count=counts.get((y, q), 0)) for y, q in wanted]


def phase_distribution(statuses: Iterable[SchoolStatus]) -> dict[str, int]:
    """Each school counted once, in the first category that applies: its trajectory
    phase when in a trajectory, else its certificate (valid, expiring, expired),
    else postponed or withdrawn, else never certified."""
    dist: Counter[str] = Counter()
    for s in statuses:
        if s.in_trajectory and s.phase is not None:
            dist[s.phase] += 1
        elif s.certificate_status != "never":
            dist[s.certificate_status] += 1
        elif s.phase in ("postponed", "withdrawn"):
            dist[s.phase] += 1
        else:
            dist["never"] += 1
    return dict(dist)

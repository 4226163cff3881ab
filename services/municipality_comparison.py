"""Read model of the Gemeenten page: the municipalities in scope compared, and the map's data.

Every figure is computed by services.school_facts.school_facts + domain.overview as of each date
(the as-of date, the compare date, every quarter end), for the schools the principal may read;
the facts are loaded once for all those dates. This module only loads, combines and hands over
typed data (MunicipalityComparison, MapData).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import ClassVar

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import Session, col

from domain.changes import (
    CHANGE_KINDS,
    Change,
    ChangeSummary,
    FigureChanges,
    PartnershipFact,
    change_summary,
    changes_between,
    delta,
    distribution_deltas,
    figure_deltas,
    municipality_deltas,
)
from domain.municipality_comparison import (
    CoverageAt,
    CoverageSeries,
    MunicipalityInfo,
    QuarterPoint,
    coverage_series,
    quarter_points,
    taking_part,
)
from domain.overview import (
    Figures,
    MunicipalityFigures,
    SchoolFacts,
    SchoolStatus,
    active_on,
    certificates_of,
    coverage_share,
    figures,
    figures_per_municipality,
    phase_distribution,
    remember,
    school_status,
)
from domain.scope import Scope, area_key_of
from domain.status_phase import StatusPhase, matrix_delta, status_by_phase
from domain.vocab import APPROACH_ELEMENTS
from models import Municipality, Organisation, Partnership, Province, Region, School
from services.permissions import Principal, school_filter_for
from services.school_facts import derived, school_facts


@dataclass(frozen=True)
class FiguredRow:
    """A municipality's row of `vios report` (figures_per_municipality), with its code, name and schools
    at hand (components.municipality_charts.Figured)."""
    figures: MunicipalityFigures

    @property
    def cbs_code(self) -> str:
        return self.figures["cbs_code"]

    @property
    def name(self) -> str:
        return self.figures["name"]

    @property
    def schools(self) -> int:
        return self.figures["schools"]


@dataclass(frozen=True)
class MunicipalityRow(FiguredRow):
    """One municipality on the Gemeenten page (figures: exactly its row of `vios report`)."""
    approach_model: str
    approach_phase: str
    taking_part: int
    changes: FigureChanges                # each figure's change since the compare date, also taking_part
    distribution: dict[str, int]          # domain.overview.phase_distribution
    distribution_changes: dict[str, int]

    @property
    def coverage_change(self) -> float | None:
        return self.changes["coverage"]


@dataclass(frozen=True)
class AreaRow:
    """At country scope, one province as a single row of the charts: the figures of its schools
    (domain.overview.figures: the same as `vios report` for that province), their changes since the
    compare date, and how many of its municipalities use each approach element. area_key is the scope
    to drill down to ('p3'; '' for schools of a municipality without a province)."""
    area_key: str
    name: str
    figures: Figures
    changes: FigureChanges
    municipalities: int
    elements_in_use: dict[str, int]      # approach element -> its municipalities using it

    ID_PREFIX: ClassVar[str] = "gebied:"

    @property
    def cbs_code(self) -> str:
        """The row's id among the municipalities' CBS codes in a chart (never one of them)."""
        return self.ID_PREFIX + self.area_key

    @property
    def schools(self) -> int:
        return self.figures["schools"]

    @property
    def coverage_change(self) -> float | None:
        return self.changes["coverage"]


@dataclass(frozen=True)
class SchoolPoint:
    """A school on the map, with its status at the as-of date."""
    code: str
    name: str
    municipality: str
    status: str
    phase: str | None
    in_trajectory: bool
    lat: float
    lon: float
    municipality_code: str = ""


@dataclass(frozen=True)
class MunicipalityComparison:
    """Everything the Gemeenten page shows, for the schools in scope the principal may read."""
    as_of: date
    compare_with: date
    totals: Figures
    totals_then: Figures
    total_changes: FigureChanges
    taking_part: int
    municipalities: list[MunicipalityRow]
    infos: list[MunicipalityInfo]
    areas: list[AreaRow]                  # at country scope: per province (else empty), by name
    changes: list[Change]                 # the events between the two dates, oldest first
    change_summary: ChangeSummary
    series: dict[str, CoverageSeries]     # coverage per quarter per cbs_code (empty without quarters)
    points: list[SchoolPoint]             # only with_points
    status_phase: StatusPhase             # the totals by certificate status and trajectory phase
    status_phase_changes: StatusPhase     # ... minus those at the compare date


@dataclass(frozen=True)
class Centre:
    """A municipality's schools on the map: the mean of their coordinates, and how many they are."""
    lat: float
    lon: float
    points: int


def centres_of(points: Iterable[SchoolPoint]) -> dict[str, Centre]:
    """Each municipality's centre (cbs_code -> Centre) of the given points."""
    groups: dict[str, list[SchoolPoint]] = defaultdict(list)
    for p in points:
        groups[p.municipality_code].append(p)
    return {code: Centre(sum(p.lat for p in members) / len(members), sum(p.lon for p in members) / len(members),
                         len(members)) for code, members in groups.items()}


@dataclass(frozen=True)
class MapData:
    """The map at the as-of date: school points, coverage per municipality, the municipalities (for peers)."""
    points: list[SchoolPoint]
    coverage: dict[str, tuple[str, float | None]]     # cbs_code -> (name, coverage)
    infos: list[MunicipalityInfo]


def _in_scope(scope: Scope, principal: Principal | None) -> list[ColumnElement[bool]]:
    """WHERE clauses (with School joined to Municipality): the scope's area and sector, and only the
    schools the principal may read. Whether a school is active at a date is decided from its facts."""
    clauses: list[ColumnElement[bool]] = []
    if scope.region_id is not None:
        clauses.append(col(Municipality.region_id) == scope.region_id)
    if scope.province_id is not None:
        clauses.append(col(Municipality.province_id) == scope.province_id)
    if scope.sector is not None:
        clauses.append(col(School.sector) == scope.sector)
    if principal is not None:
        clauses += school_filter_for(principal)
    return clauses


def municipality_infos(session: Session, codes: set[str], counts: dict[str, int]) -> list[MunicipalityInfo]:
    """Region, province and approach of the given municipalities, sorted by name."""
    if not codes:
        return []
    rows = session.execute(
        select(col(Municipality.cbs_code), col(Municipality.name), col(Municipality.region_id),
               col(Municipality.province_id), col(Municipality.approach_model), col(Municipality.approach_phase),
               col(Municipality.elements))
        .where(col(Municipality.cbs_code).in_(sorted(codes)))
    ).all()
    return sorted((MunicipalityInfo(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6] or ()), counts.get(r[0], 0))
                   for r in rows), key=lambda m: m.name)


def partnership_facts(session: Session, scope: Scope, principal: Principal | None, school_ids: set[int],
                      start: date, end: date) -> list[PartnershipFact]:
    """Partnerships of the given schools (in scope) that started or ended after start up to end."""
    low, high = min(start, end), max(start, end)
    started = and_(col(Partnership.start_on) > low, col(Partnership.start_on) <= high)
    ended = and_(col(Partnership.end_on) > low, col(Partnership.end_on) <= high)
    # Core execution on the connection, like services.school_facts: no per-row ORM machinery.
    rows = session.connection().execute(
        select(col(Partnership.school_id), col(School.code), col(School.name), col(Municipality.name),
               col(Organisation.name), col(Partnership.role), col(Partnership.start_on), col(Partnership.end_on))
        .join(School, col(Partnership.school_id) == col(School.id))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .join(Organisation, col(Partnership.organisation_id) == col(Organisation.id))
        .where(or_(started, ended), *_in_scope(scope, principal))
    ).all()
    return [PartnershipFact(r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows if r[0] in school_ids]


def school_points(session: Session, scope: Scope, principal: Principal | None,
                  statuses: list[SchoolStatus]) -> list[SchoolPoint]:
    """The given schools (in scope) with coordinates, and their status, for the map."""
    wanted = {s.school_id: s for s in statuses}
    if not wanted:
        return []
    rows = session.connection().execute(
        select(col(School.id), col(School.latitude), col(School.longitude))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .where(col(School.latitude).is_not(None), col(School.longitude).is_not(None), *_in_scope(scope, principal))
    ).all()
    points = []
    for school_id, lat, lon in rows:
        s = wanted.get(school_id) if school_id is not None else None
        if s is not None and lat is not None and lon is not None:
            points.append(SchoolPoint(s.code, s.name, s.municipality_name, s.certificate_status, s.phase,
                                      s.in_trajectory, lat, lon, s.municipality_code))
    return points


@dataclass(frozen=True)
class MapAreas:
    """The map's data without its school points, but with each municipality's centre of them: what the
    meeting-room map draws (computed once per data version, not on every highlight)."""
    coverage: dict[str, tuple[str, float | None]]     # cbs_code -> (name, coverage)
    infos: list[MunicipalityInfo]
    centres: dict[str, Centre]


def map_areas(session: Session, scope: Scope, principal: Principal | None) -> MapAreas:
    """map_data without the points, kept apart: a worker that finds it in the shared cache loads no points (a
    country's 32,000 took 70 ms to unpickle, 4.5 MB); only the map on OpenStreetMap shows them."""
    def compute() -> MapAreas:
        data = map_data(session, scope, principal)
        return MapAreas(data.coverage, data.infos, centres_of(data.points))
    return derived(session, scope, principal, "map areas", None, compute)


def map_data(session: Session, scope: Scope, principal: Principal | None) -> MapData:
    """The map's data at the as-of date (the school facts loaded once; cached per data version: it
    reads only schools, municipalities and the facts)."""
    return derived(session, scope, principal, "map", None, lambda: _map_data(session, scope, principal))


def _map_data(session: Session, scope: Scope, principal: Principal | None) -> MapData:
    statuses = [school_status(f, scope.as_of) for f in school_facts(session, scope, principal)]
    rows = figures_per_municipality(statuses)
    return MapData(points=school_points(session, scope, principal, statuses),
                   coverage={m["cbs_code"]: (m["name"], m["coverage"]) for m in rows},
                   infos=municipality_infos(session, {m["cbs_code"] for m in rows},
                                            {m["cbs_code"]: m["schools"] for m in rows}))


# The coverage series' quarters (the Gemeenten page): also the facts' first date, so part of the cache key of
# the figures; Overzicht asks for the same (without the series) and finds them cached.
QUARTERS = 8


def comparison(session: Session, scope: Scope, compare_with: date, principal: Principal | None, *,
               quarters: int = QUARTERS, with_points: bool = True, with_changes: bool = True,
               with_series: bool = True) -> MunicipalityComparison:
    """The municipalities in scope compared, for the schools the principal may read.

    Each row's figures are exactly those of `vios report` (figures_per_municipality), with the
    approach model and phase, each figure's change since compare_with, and the phase distribution.
    The facts are loaded once for every date needed (as-of, compare date, quarter ends). Without
    with_changes the list of events (and its summary) is left empty: changes_since gives it apart.
    """
    first, last = min(compare_with, scope.as_of), max(compare_with, scope.as_of)
    points = quarter_points(scope.as_of, quarters) if quarters else []
    earliest = min([first] + [p.on for p in points])
    loaded: list[list[SchoolFacts]] = []

    def facts() -> list[SchoolFacts]:
        """The facts, loaded only when a result is not cached yet (a worker whose cache every worker
        shares has it need not load every school's facts first)."""
        if not loaded:
            loaded.append(school_facts(session, replace(scope, as_of=last), principal, active_from=earliest))
        return loaded[0]

    # the figures read only what the data version covers: cached per version (the change list reads
    # partnerships too: only their part is computed every time)
    part = derived(session, scope, principal, "comparison", compare_with,
                   lambda: _figures_part(session, scope, compare_with, facts()), active_from=earliest)
    changes = events_between(session, scope, principal, facts, first, last) if with_changes else []
    return MunicipalityComparison(
        as_of=scope.as_of, compare_with=compare_with, totals=part.totals, totals_then=part.totals_then,
        total_changes=part.total_changes, taking_part=part.taking_part, municipalities=part.municipalities,
        infos=part.infos, areas=part.areas, changes=changes, change_summary=change_summary(changes),
        series=_series(session, scope, principal, facts, points, earliest) if points and with_series else {},
        points=school_points(session, scope, principal, [school_status(f, scope.as_of) for f in facts()
                                                         if active_on(f, scope.as_of)]) if with_points else [],
        status_phase=part.status_phase, status_phase_changes=part.status_phase_changes)


@dataclass(frozen=True)
class _FiguresPart:
    """The part of MunicipalityComparison computed from the facts and the municipalities only."""
    totals: Figures
    totals_then: Figures
    total_changes: FigureChanges
    taking_part: int
    municipalities: list[MunicipalityRow]
    infos: list[MunicipalityInfo]
    areas: list[AreaRow]
    status_phase: StatusPhase
    status_phase_changes: StatusPhase


def _figures_part(session: Session, scope: Scope, compare_with: date, facts: list[SchoolFacts]) -> _FiguresPart:
    statuses_now = [school_status(f, scope.as_of) for f in facts if active_on(f, scope.as_of)]
    statuses_then = [school_status(f, compare_with) for f in facts if active_on(f, compare_with)]
    rows_now = figures_per_municipality(statuses_now)
    changes_per_municipality = municipality_deltas(rows_now, figures_per_municipality(statuses_then))

    groups = _by_municipality(statuses_now)
    groups_then = _by_municipality(statuses_then)
    counts = {code: len(members) for code, members in groups.items()}
    infos = municipality_infos(session, set(counts), counts)
    info_by_code = {m.cbs_code: m for m in infos}
    rows = []
    for m in rows_now:
        code = m["cbs_code"]
        info = info_by_code.get(code)
        now, then = groups[code], groups_then.get(code, [])
        rows.append(MunicipalityRow(
            figures=m, approach_model=info.approach_model if info else "geen",
            approach_phase=info.approach_phase if info else "geen", taking_part=taking_part(now),
            changes={**changes_per_municipality[code], "taking_part": delta(taking_part(now), taking_part(then))},
            distribution=phase_distribution(now),
            distribution_changes=distribution_deltas(phase_distribution(now), phase_distribution(then))))
    totals_now, totals_then = figures(statuses_now), figures(statuses_then)
    return _FiguresPart(
        totals=totals_now, totals_then=totals_then,
        total_changes={**figure_deltas(totals_now, totals_then),
                       "taking_part": taking_part(statuses_now) - taking_part(statuses_then)},
        taking_part=taking_part(statuses_now), municipalities=rows, infos=infos,
        areas=_areas(session, statuses_now, statuses_then, infos) if scope.area_key == "nl" else [],
        status_phase=status_by_phase(statuses_now),
        status_phase_changes=matrix_delta(status_by_phase(statuses_now), status_by_phase(statuses_then)))


def _areas(session: Session, now: list[SchoolStatus], then: list[SchoolStatus],
           infos: list[MunicipalityInfo]) -> list[AreaRow]:
    """The schools per province at both dates (a municipality's province from the database, also for
    one that had schools only at the compare date), as AreaRows sorted by name."""
    province_of = {m.cbs_code: m.province_id for m in infos}
    missing = {s.municipality_code for s in then} - set(province_of)
    if missing:
        province_of.update(session.execute(select(col(Municipality.cbs_code), col(Municipality.province_id))
                                           .where(col(Municipality.cbs_code).in_(sorted(missing)))).tuples().all())
    names = dict(session.execute(select(col(Province.id), col(Province.name))).tuples().all())
    by_area_now: dict[int | None, list[SchoolStatus]] = defaultdict(list)
    by_area_then: dict[int | None, list[SchoolStatus]] = defaultdict(list)
    for statuses, into in ((now, by_area_now), (then, by_area_then)):
        for s in statuses:
            into[province_of.get(s.municipality_code)].append(s)
    rows = []
    for province_id, members in by_area_now.items():
        in_area = [m for m in infos if m.province_id == province_id]
        area_now, area_then = figures(members), figures(by_area_then.get(province_id, []))
        rows.append(AreaRow(
            area_key=area_key_of(None, province_id) if province_id is not None else "",
            name=names.get(province_id, "Overig") if province_id is not None else "Overig",
            figures=area_now, changes=figure_deltas(area_now, area_then), municipalities=len(in_area),
            elements_in_use={e: sum(1 for m in in_area if e in m.elements) for e in APPROACH_ELEMENTS}))
    return sorted(rows, key=lambda a: a.name)


Facts = list[SchoolFacts] | Callable[[], list[SchoolFacts]]


def events_between(session: Session, scope: Scope, principal: Principal | None, facts: Facts,
                   first: date, last: date) -> list[Change]:
    """The events after first up to last (domain.changes.changes_between) of the schools active at
    first, from facts loaded up to last (or a function loading them when needed): the Gemeenten page's
    list and `vios report --since`."""
    low, high = min(first, last), max(first, last)

    def compute() -> list[Change]:
        active = [f for f in (facts() if callable(facts) else facts) if active_on(f, first)]
        in_period = {f.school_id for f in active}
        # only the schools with an event or an expiry in the period can have a change (the same list, faster)
        from_facts = changes_between([f for f in active if f.trajectories and _dated_in(f, low, high)], first, last)
        from_partnerships = changes_between([], first, last, partnership_facts(
            session, scope, principal, in_period, first, last))
        # in changes_between's order (a stable sort: each part is in that order already)
        order = list(CHANGE_KINDS)
        return sorted([*from_facts, *from_partnerships], key=lambda c: (c.on, order.index(c.kind), c.school_code))

    # partnerships and organisations are under the data version too (migration 0014): cached as a whole
    return derived(session, scope, principal, "changes", (first, last), compute, active_from=low)


def _dated_in(f: SchoolFacts, low: date, high: date) -> bool:
    """Whether an event or a certificate's expiry of the school lies after low up to high."""
    return (any(low < e.on <= high for events in f.trajectories.values() for e in events)
            or any(low < c.expires_on <= high for c in certificates_of(f)))


def _by_municipality(statuses: list[SchoolStatus]) -> dict[str, list[SchoolStatus]]:
    groups: dict[str, list[SchoolStatus]] = defaultdict(list)
    for s in statuses:
        groups[s.municipality_code].append(s)
    return groups


def quarterly_coverage(session: Session, scope: Scope, principal: Principal | None,
                       quarters: int) -> dict[str, CoverageSeries]:
    """Coverage per municipality as of each quarter's end (the running quarter: as of the as-of date)."""
    points = quarter_points(scope.as_of, quarters)
    return _series(session, scope, principal, lambda: school_facts(session, scope, principal, active_from=points[0].on),
                   points, points[0].on)


def _series(session: Session, scope: Scope, principal: Principal | None, facts: Callable[[], list[SchoolFacts]],
            points: list[QuarterPoint], active_from: date) -> dict[str, CoverageSeries]:
    """The coverage series at the points, from facts() = school_facts(..., active_from=active_from);
    cached per data version (a function of the facts only)."""
    return derived(session, scope, principal, "series", tuple(points),
                   lambda: coverage_series(_coverage_at_points(facts(), points)), active_from=active_from)


# One field of this many bits per point in a packed count: a municipality has far fewer than 65,536 schools.
_FIELD_BITS = 16
_FIELD_MASK = (1 << _FIELD_BITS) - 1


def _packed_coverage(f: SchoolFacts, dates: tuple[date, ...]) -> tuple[int, int]:
    """(active, valid) of one school at the dates, one bit per date in its field, so a municipality's
    counts at every date are one sum of integers; remembered on the cached facts, so after a write only
    the changed schools are computed again."""
    def compute() -> tuple[int, int]:
        active = valid = 0
        for i, on in enumerate(dates):
            if active_on(f, on):
                active |= 1 << (_FIELD_BITS * i)
                if f.trajectories and school_status(f, on).has_valid_certificate:
                    valid |= 1 << (_FIELD_BITS * i)
        return active, valid
    return remember(f, ("coverage at", dates), compute)


def _coverage_at_points(facts: list[SchoolFacts], points: list[QuarterPoint]) -> list[tuple[QuarterPoint,
                                                                                           list[CoverageAt]]]:
    """domain.municipality_comparison.coverage_at_points from the statuses school_status remembers
    for the cached facts (the same certificate_status at each point): per point, per municipality,
    the coverage fields of figures_per_municipality."""
    dates = tuple(p.on for p in points)
    packed: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    for f in facts:
        packed[(f.municipality_code, f.municipality_name)].append(_packed_coverage(f, dates))
    sums = {key: (sum(a for a, _ in values), sum(v for _, v in values)) for key, values in packed.items()}
    ordered = sorted(sums.items(), key=lambda kv: (kv[0][1], kv[0][0]))
    result = []
    for i, point in enumerate(points):
        shift = _FIELD_BITS * i
        rows = []
        for (code, name), (active, valid) in ordered:
            n = (active >> shift) & _FIELD_MASK
            if n:
                got = (valid >> shift) & _FIELD_MASK
                rows.append(CoverageAt(cbs_code=code, name=name, schools=n, valid_certificates=got,
                                       coverage=coverage_share(got, n)))
        result.append((point, rows))
    return result


def panel_names(session: Session, scope: Scope, infos: list[MunicipalityInfo]) -> dict[str, str]:
    """cbs_code -> panel of the coverage series' small multiples: the province (whole country) or the
    region (a province); none within a region."""
    if scope.region_id is not None:
        return {}
    if scope.province_id is None:
        provinces = dict(session.execute(select(col(Province.id), col(Province.name))).tuples().all())
        return {m.cbs_code: provinces.get(m.province_id, "Overig") if m.province_id is not None else "Overig"
                for m in infos}
    regions = dict(session.execute(select(col(Region.id), col(Region.name))).tuples().all())
    return {m.cbs_code: regions.get(m.region_id, "Zonder regio") if m.region_id is not None else "Zonder regio"
            for m in infos}


def changes_since(session: Session, scope: Scope, principal: Principal | None, since: date) -> list[Change]:
    """The events between `since` and the as-of date, oldest first: the same as `comparison(...).changes`
    and `vios report --since`'s events, without computing the figures (the change list's CSV export)."""
    first, last = min(since, scope.as_of), max(since, scope.as_of)
    return events_between(session, scope, principal,
                          lambda: school_facts(session, replace(scope, as_of=last), principal, active_from=first),
                          first, last)

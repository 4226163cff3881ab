"""The certification pages' data (read side of the trajectories; the writes are services.trajectories).

Reads return frozen dataclasses (CertificationRow, TrancheOverview, ExpiryRow, ForecastInputs).
`CertificationReads` loads them for one scope and user, each part once (one per request); the
module functions are its one-off forms. Certificate status and phase come from
services.school_facts + domain.overview, so the figures agree with the overview page.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property, partial
from typing import TypeVar

from sqlalchemy import ColumnElement, select
from sqlmodel import Session, col

from domain.certification import ACTIVE_PHASES, STATUS_LABELS, Event, phase_at
from domain.dates import add_months, format_nl
from domain.lifecycle import (
    PRE_AUDIT_PHASES,
    QuarterDemand,
    Segment,
    audit_forecast,
    current_phase,
    days_in_phase,
    funnel,
    label,
    phase_segments,
    stall_flags,
)
from domain.overview import SchoolFacts, SchoolStatus, current_trajectory_id, remember, school_status
from domain.scope import Scope
from models import Municipality, PhaseEvent, Region, School, Trajectory, Tranche
from services.errors import NotFound
from services.permissions import (
    Principal,
    ensure_can_read_area,
    ensure_can_read_school,
    school_filter_for,
)
from services.school_facts import RECORDED_AT, derived, school_facts

T = TypeVar("T")

# Stall limits for schools outside any region (Region's own defaults otherwise).
DEFAULT_LIMITS = (8, 4)  # (expected_months_max: intake -> certificate, phase_limit_months)


# ---------------------------------------------------------------- events

def naive_utc(at: datetime | None) -> datetime | None:
    # SQLite gives naive values back (UTC), PostgreSQL aware ones: compare them one way.
    return at.astimezone(UTC).replace(tzinfo=None) if at is not None and at.tzinfo is not None else at


def saved_id(row_id: int | None) -> int:
    """The id of a flushed row (None only before the flush)."""
    if row_id is None:
        raise RuntimeError("row not flushed")
    return row_id


def events_of(session: Session, trajectory_ids: list[int]) -> dict[int, list[Event]]:
    """Domain events per trajectory (ties ordered by recording time, then id)."""
    events: dict[int, list[Event]] = defaultdict(list)
    if trajectory_ids:
        # As services.school_facts loads them: Core on the connection, recorded_at as the plain DATETIME (the
        # ORM's row loading and SQLModel's time-zone type were two thirds of a region's events, 16,000 schools).
        # The flush the ORM's query would do first, so what this transaction wrote is there.
        session.flush()
        for tid, phase, on, at, eid in session.connection().execute(
                select(col(PhaseEvent.trajectory_id), col(PhaseEvent.phase), col(PhaseEvent.on), RECORDED_AT,
                       col(PhaseEvent.id)).where(col(PhaseEvent.trajectory_id).in_(trajectory_ids))):
            events[tid].append(Event(phase, on, (naive_utc(at), eid)))
    return events


# ---------------------------------------------------------------- read models

@dataclass(frozen=True)
class CertificationRow:
    """One school of the certification table at the as-of date. phase and status are
    domain.overview.school_status's; the tranche, days and stalls are of the trajectory that
    phase comes from."""
    school_id: int
    code: str
    name: str
    sector: str
    municipality: str
    trajectory_id: int | None
    tranche_id: int | None
    tranche: str
    phase: str | None
    phase_label: str
    days_in_phase: int | None
    issued_on: date | None
    expires_on: date | None
    status: str
    status_label: str
    stall_reasons: tuple[str, ...]

    @property
    def stalled(self) -> bool:
        return bool(self.stall_reasons)


@dataclass(frozen=True)
class TrancheSchool:
    """A school of a tranche at the as-of date, with its Gantt segments."""
    school_id: int
    code: str
    name: str
    trajectory_id: int
    phase: str
    phase_label: str
    segments: tuple[Segment, ...]
    stall_reasons: tuple[str, ...]


@dataclass(frozen=True)
class TrancheOverview:
    """A tranche of the region: its funnel [(phase, label, count)] and schools at the as-of date."""
    tranche_id: int
    name: str
    start_on: date
    capacity: int
    funnel: tuple[tuple[str, str, int], ...]
    schools: tuple[TrancheSchool, ...]

    @property
    def schools_count(self) -> int:
        return len(self.schools)

    @property
    def stalled_count(self) -> int:
        return sum(1 for s in self.schools if s.stall_reasons)


@dataclass(frozen=True)
class ExpiryRow:
    """A school whose valid certificate expires within the window; planned_in names the tranche
    of its planned re-audit (or its running trajectory), '' when none is planned."""
    school_id: int
    code: str
    name: str
    sector: str
    municipality: str
    issued_on: date | None
    expires_on: date
    days_left: int
    status: str
    planned_in: str

    @property
    def reaudit_planned(self) -> bool:
        return bool(self.planned_in)


@dataclass(frozen=True)
class ForecastInputs:
    """What forecast() fed to audit_forecast, for a page's explanation."""
    expiries: list[date]
    planned_tranches: list[tuple[date, int]]


@dataclass(frozen=True)
class _RegionTrajectory:
    tranche_id: int
    trajectory_id: int
    school_id: int
    code: str
    name: str
    events: list[Event]


# (current trajectory, days in its phase, stall reasons) of a school at a date
TrajectoryParts = tuple[int | None, int | None, tuple[str, ...]]


def _parts(f: SchoolFacts, as_of: date, limits: tuple[int, int]) -> TrajectoryParts:
    """The school's current trajectory at as_of, days in its phase and stall reasons under limits
    (expected_months_max, phase_limit_months)."""
    tid = current_trajectory_id(f.trajectories, as_of)
    events = f.trajectories.get(tid, []) if tid is not None else []
    if not events:
        return tid, None, ()
    total_limit, phase_limit = limits
    stalls = stall_flags(events, as_of, phase_limit_months=phase_limit, total_limit_months=total_limit)
    return tid, days_in_phase(events, as_of), tuple(stalls)


def _municipality_clauses(scope: Scope) -> list[ColumnElement[bool]]:
    """WHERE clauses on Municipality for the scope's area."""
    clauses: list[ColumnElement[bool]] = []
    if scope.region_id is not None:
        clauses.append(col(Municipality.region_id) == scope.region_id)
    if scope.province_id is not None:
        clauses.append(col(Municipality.province_id) == scope.province_id)
    return clauses


def _school_clauses(scope: Scope, school_id: int | None) -> list[ColumnElement[bool]]:
    """WHERE clauses (on School joined with Municipality) for the scope's area and sector (and one school)."""
    clauses = _municipality_clauses(scope)
    if scope.sector is not None:
        clauses.append(col(School.sector) == scope.sector)
    if school_id is not None:
        clauses.append(col(School.id) == school_id)
    return clauses


class CertificationReads:
    """The certification reads of one scope for one user (None: the command line, no restriction).

    Each part is loaded once, on first use: make one per request. The school facts are read
    once for the table and both expiry lists, and reused for the forecast when the scope is the
    region itself; the region's trajectories once for the tranches and the forecast.
    """

    def __init__(self, session: Session, scope: Scope, principal: Principal | None = None, *,
                 school_id: int | None = None) -> None:
        self.session, self.scope, self.principal, self.school_id = session, scope, principal, school_id

    # -- the table and the expiry lists (the scope's schools)

    @cached_property
    def facts(self) -> list[SchoolFacts]:
        return school_facts(self.session, self.scope, self.principal, school_id=self.school_id)

    @cached_property
    def statuses(self) -> list[SchoolStatus]:
        return [school_status(f, self.scope.as_of) for f in self.facts]

    def cached(self, name: str, params: Hashable, compute: Callable[[], T], *, shared: bool = True) -> T:
        """compute() for a result of this scope and user derived only from what the data version covers
        (services.school_facts.derived: with shared, also for the other workers); for one school computed
        every time."""
        if self.school_id is not None:
            return compute()
        return derived(self.session, self.scope, self.principal, name, params, compute, shared=shared)

    @cached_property
    def rows(self) -> list[CertificationRow]:
        """One row per school in scope at scope.as_of (ordered by DUO code)."""
        # this process only: the pages share what they make of the rows (pages.certification._table)
        return self.cached("certification-rows", None, self._rows, shared=False)

    def _rows(self) -> list[CertificationRow]:
        tranches = self._tranche_names()
        rows = []
        for f, st, (tid, days, stalls) in zip(self.facts, self.statuses, self._trajectory_parts(), strict=True):
            tranche_id, tranche = tranches.get(tid, (None, "")) if tid is not None else (None, "")
            rows.append(CertificationRow(
                school_id=f.school_id, code=f.code, name=f.name, sector=f.sector, municipality=f.municipality_name,
                trajectory_id=tid, tranche_id=tranche_id, tranche=tranche, phase=st.phase,
                phase_label=label(st.phase) if st.phase else "", days_in_phase=days,
                issued_on=st.issued_on, expires_on=st.expires_on, status=st.certificate_status,
                status_label=STATUS_LABELS[st.certificate_status], stall_reasons=stalls))
        return rows

    def _trajectory_parts(self) -> list[TrajectoryParts]:
        """Per school of facts: (current trajectory, days in its phase, stall reasons) at scope.as_of."""
        as_of = self.scope.as_of
        limits = self._stall_limits()
        parts: list[TrajectoryParts] = []
        for f in self.facts:
            limit = limits.get(f.municipality_code, DEFAULT_LIMITS)
            parts.append(remember(f, ("trajectory parts", as_of, limit), partial(_parts, f, as_of, limit)))
        return parts

    def _stall_limits(self) -> dict[str, tuple[int, int]]:
        """Municipality code -> (expected_months_max, phase_limit_months) of its region, for the
        scope's municipalities (filtered in SQL, not by a list of the schools' ids)."""
        rows = self.session.execute(
            select(col(Municipality.cbs_code), col(Region.expected_months_max), col(Region.phase_limit_months))
            .outerjoin(Region, col(Municipality.region_id) == col(Region.id))
            .where(*_municipality_clauses(self.scope))).all()
        return {code: (total, phase) if total else DEFAULT_LIMITS for code, total, phase in rows}

    def _tranche_names(self) -> dict[int, tuple[int | None, str]]:
        """trajectory id -> (tranche id, name), for the trajectories of the scope's schools."""
        query = (select(col(Trajectory.id), col(Tranche.id), col(Tranche.name))
                 .join(School, col(Trajectory.school_id) == col(School.id))
                 .join(Municipality, col(School.municipality_id) == col(Municipality.id))
                 .outerjoin(Tranche, col(Trajectory.tranche_id) == col(Tranche.id))
                 .where(*_school_clauses(self.scope, self.school_id)))
        return {tid: (trid, name or "") for tid, trid, name in self.session.execute(query).all()}

    @cached_property
    def _planned_reaudits(self) -> dict[int, str]:
        """school id -> tranche name, for schools with a valid certificate outside a trajectory
        at as_of that have a trajectory in a tranche starting after as_of whose latest phase (any
        date) is active: a re-audit already planned."""
        as_of = self.scope.as_of
        wanted = {s.school_id for s in self.statuses if s.has_valid_certificate and not s.in_trajectory}
        if not wanted:
            return {}
        # the future tranches' trajectories of the scope's schools (SQL), then the wanted ones of them
        rows = [r for r in self.session.execute(
            select(col(Trajectory.id), col(Trajectory.school_id), col(Tranche.name))
            .join(Tranche, col(Trajectory.tranche_id) == col(Tranche.id))
            .join(School, col(Trajectory.school_id) == col(School.id))
            .join(Municipality, col(School.municipality_id) == col(Municipality.id))
            .where(col(Tranche.start_on) > as_of, *_school_clauses(self.scope, self.school_id))).all()
            if r[1] in wanted]
        events = events_of(self.session, [r[0] for r in rows])
        return {sid: name for tid, sid, name in rows if current_phase(events[tid]) in ACTIVE_PHASES}

    def expiring(self, months: int) -> list[ExpiryRow]:
        """Schools whose certificate is valid at as_of and expires on or before
        add_months(as_of, months), soonest first. A re-audit is planned when the school is in a
        trajectory at as_of (domain.overview's in_trajectory) or has an active trajectory in a
        tranche that starts after as_of; planned_in names the tranche (or the current phase)."""
        return self.cached("expiring", months, lambda: self._expiring(months))

    def _expiring(self, months: int) -> list[ExpiryRow]:
        as_of = self.scope.as_of
        horizon = add_months(as_of, months)
        due = [(s, s.expires_on) for s in self.statuses
               if s.has_valid_certificate and s.expires_on is not None and s.expires_on <= horizon]
        rows = []
        for s, expires_on in sorted(due, key=lambda d: (d[1], d[0].code)):
            planned_in = (f"lopend traject ({label(s.phase)})" if s.in_trajectory
                          else self._planned_reaudits.get(s.school_id, ""))
            rows.append(ExpiryRow(school_id=s.school_id, code=s.code, name=s.name, sector=s.sector,
                                  municipality=s.municipality_name, issued_on=s.issued_on, expires_on=expires_on,
                                  days_left=(expires_on - as_of).days, status=s.certificate_status,
                                  planned_in=planned_in))
        return rows

    # -- the tranches and the audit forecast (the scope's region)

    @cached_property
    def region(self) -> Region:
        """The scope's region (read permission checked); ValueError without one."""
        region_id = self.scope.region_id
        if region_id is None:
            raise ValueError("Kies een regio.")
        if self.principal is not None:
            ensure_can_read_area(self.session, self.principal, region_id, None)
        region = self.session.get(Region, region_id)
        if region is None:
            raise ValueError("Onbekende regio.")
        return region

    @cached_property
    def _region_trajectories(self) -> list[_RegionTrajectory]:
        """The trajectories of the region's tranches (the user's schools), by school code."""
        filters = [col(Tranche.region_id) == self.region.id]
        if self.principal is not None:
            filters += school_filter_for(self.principal)
        rows = self.session.execute(
            select(col(Tranche.id), col(Trajectory.id), col(School.id), col(School.code), col(School.name))
            .join(Trajectory, col(Trajectory.tranche_id) == col(Tranche.id))
            .join(School, col(Trajectory.school_id) == col(School.id))
            .where(*filters).order_by(col(School.code))).all()
        events = events_of(self.session, [r[1] for r in rows])
        return [_RegionTrajectory(r[0], r[1], r[2], r[3], r[4], events[r[1]]) for r in rows]

    @cached_property
    def _tranches(self) -> list[Tranche]:
        return list(self.session.scalars(select(Tranche).where(col(Tranche.region_id) == self.region.id)
                                         .order_by(col(Tranche.start_on), col(Tranche.id))))

    @cached_property
    def tranches(self) -> list[TrancheOverview]:
        """Per tranche of the region (by start date): funnel and the schools' Gantt segments at
        as_of. A trajectory without events on or before as_of is left out. Kept per data version (a
        region's page: ~90 ms at 340 schools, every view)."""
        self.region  # noqa: B018 - the read permission is checked also when the result is cached
        return self.cached("tranches", None, self._tranche_overviews)

    def _tranche_overviews(self) -> list[TrancheOverview]:
        region, as_of = self.region, self.scope.as_of
        by_tranche: dict[int, list[TrancheSchool]] = defaultdict(list)
        for t in self._region_trajectories:
            phase = phase_at(t.events, as_of)
            if phase is None:
                continue
            stalls = stall_flags(t.events, as_of, phase_limit_months=region.phase_limit_months,
                                 total_limit_months=region.expected_months_max)
            by_tranche[t.tranche_id].append(TrancheSchool(
                school_id=t.school_id, code=t.code, name=t.name, trajectory_id=t.trajectory_id, phase=phase,
                phase_label=label(phase), segments=tuple(phase_segments(t.events, as_of)),
                stall_reasons=tuple(stalls)))
        result = []
        for tranche in self._tranches:
            schools = by_tranche.get(saved_id(tranche.id), [])
            result.append(TrancheOverview(
                tranche_id=saved_id(tranche.id), name=tranche.name, start_on=tranche.start_on,
                capacity=tranche.capacity, funnel=tuple(funnel(s.phase for s in schools)), schools=tuple(schools)))
        return result

    @cached_property
    def forecast_inputs(self) -> ForecastInputs:
        """Expiries: the expiry dates of certificates valid at as_of of the region's schools with no
        running or planned trajectory (those are counted through their tranche, never twice).
        Tranches: per tranche of the region, the trajectories still before their audit (phase at
        as_of in registered / intake / improvement / not_passed, or no event yet while the latest
        phase is active). Kept per data version."""
        self.region  # noqa: B018 - the read permission is checked also when the result is cached
        return self.cached("forecast-inputs", None, self._forecast_inputs)

    def _forecast_inputs(self) -> ForecastInputs:
        as_of = self.scope.as_of
        whole_region = Scope(as_of, region_id=self.region.id)
        same = self.scope == whole_region and self.school_id is None
        reads = self if same else CertificationReads(self.session, whole_region, self.principal)
        planned = reads._planned_reaudits
        expiries = sorted(s.expires_on for s in reads.statuses
                          if s.has_valid_certificate and not s.in_trajectory and s.expires_on is not None
                          and s.school_id not in planned)
        starts = {saved_id(t.id): t.start_on for t in self._tranches}
        counts: dict[int, int] = defaultdict(int)
        for t in self._region_trajectories:
            phase = phase_at(t.events, as_of)
            if phase in PRE_AUDIT_PHASES or (phase is None and current_phase(t.events) in ACTIVE_PHASES):
                counts[t.tranche_id] += 1
        return ForecastInputs(expiries, sorted((starts[t], n) for t, n in counts.items()))

    def forecast(self, quarters: int = 12) -> list[QuarterDemand]:
        """Audits demanded per quarter for the next three years (12 quarters, from as_of's quarter)
        against Region.audit_capacity_per_quarter; see domain.lifecycle.audit_forecast for the rules
        (re-audits of the resulting certificates after Region.validity_months are included)."""
        region, inputs = self.region, self.forecast_inputs
        return audit_forecast(inputs.expiries, inputs.planned_tranches, as_of=self.scope.as_of, quarters=quarters,
                              expected_months_min=region.expected_months_min,
                              expected_months_max=region.expected_months_max,
                              capacity_per_quarter=region.audit_capacity_per_quarter,
                              validity_months=region.validity_months)


# ---------------------------------------------------------------- one-off reads

def certification_rows(session: Session, scope: Scope, principal: Principal | None = None, *,
                       school_id: int | None = None) -> list[CertificationRow]:
    """One row per school in scope at scope.as_of (ordered by DUO code)."""
    return CertificationReads(session, scope, principal, school_id=school_id).rows


def school_row(session: Session, code: str, as_of: date, principal: Principal) -> CertificationRow:
    """The row of one school by DUO code for this user. Raises NotFound for an unknown code (or a
    school not active at as_of) and PermissionDenied when the user may not read the school."""
    school_id = session.scalar(select(col(School.id)).where(col(School.code) == code))
    if school_id is None:
        raise NotFound(f"School {code}" if code else "Deze school")
    ensure_can_read_school(session, principal, school_id)
    rows = certification_rows(session, Scope(as_of=as_of), principal, school_id=school_id)
    if not rows:
        raise NotFound(f"School {code} op {format_nl(as_of)}")
    return rows[0]


def expiry_list(session: Session, scope: Scope, months: int, principal: Principal | None = None) -> list[ExpiryRow]:
    """CertificationReads.expiring: certificates valid at scope.as_of expiring within `months`."""
    return CertificationReads(session, scope, principal).expiring(months)


def _region_reads(session: Session, region_id: int, as_of: date, principal: Principal | None) -> CertificationReads:
    return CertificationReads(session, Scope(as_of, region_id=region_id), principal)


def tranche_overview(session: Session, region_id: int, as_of: date,
                     principal: Principal | None = None) -> list[TrancheOverview]:
    """CertificationReads.tranches of the region at as_of."""
    return _region_reads(session, region_id, as_of, principal).tranches


def forecast_inputs(session: Session, region_id: int, as_of: date,
                    principal: Principal | None = None) -> ForecastInputs:
    """CertificationReads.forecast_inputs of the region at as_of (kept per data version, as the plan is
    redrawn on every change of the proposal)."""
    return derived(session, Scope(as_of, region_id=region_id), principal, "forecast inputs", (),
                   lambda: _region_reads(session, region_id, as_of, principal).forecast_inputs)


def forecast(session: Session, region_id: int, as_of: date, principal: Principal | None = None, *,
             quarters: int = 12) -> list[QuarterDemand]:
    """CertificationReads.forecast of the region at as_of."""
    return _region_reads(session, region_id, as_of, principal).forecast(quarters)

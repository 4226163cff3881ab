"""Certification trajectories: phase changes (write side) and the certification pages' data (read side).

Writes: every change is a new PhaseEvent (history is never edited), checked on the server
with domain.lifecycle, allowed only to users who may edit the school
(permissions.ensure_can_edit_school), and logged with services.audit in the same
transaction. Nothing is committed here: the caller's session_scope commits or rolls back.
A refused change raises before anything is added to the session.

Reads return plain dicts / dataclasses; certificate status and phase come from
services.snapshot + domain.overview, so the figures agree with the overview page.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from domain.certification import ACTIVE_PHASES, STATUS_LABELS, Event, phase_at
from domain.dates import add_months
from domain.lifecycle import (
    CORRECTION_PREFIX,
    PRE_AUDIT_PHASES,
    QuarterDemand,
    TransitionRefused,
    audit_forecast,
    check_correction,
    check_transition,
    current_phase,
    days_in_phase,
    funnel,
    label,
    phase_segments,
    stall_flags,
)
from domain.overview import current_trajectory_id, school_status
from domain.scope import Scope
from models import Municipality, PhaseEvent, Region, School, Trajectory, Tranche
from services import audit
from services.permissions import (
    EDIT_DENIED,
    PermissionDenied,
    Principal,
    ensure_can_edit_school,
    ensure_can_read_area,
    school_filter_for,
    school_location,
)
from services.snapshot import school_facts

# Stall limits for schools outside any region (Region's own defaults otherwise).
DEFAULT_LIMITS = (8, 4)  # (expected_months_max: intake -> certificate, phase_limit_months)


# ---------------------------------------------------------------- helpers

def _events(session: Session, trajectory_id: int) -> list[Event]:
    rows = session.execute(select(PhaseEvent.phase, PhaseEvent.on, PhaseEvent.recorded_at, PhaseEvent.id)
                           .where(PhaseEvent.trajectory_id == trajectory_id)).all()
    return [Event(phase, on, (naive_utc(at), eid)) for phase, on, at, eid in rows]


def naive_utc(at):
    # SQLite gives naive values back, PostgreSQL aware ones: compare them one way.
    return at.replace(tzinfo=None) if at is not None and at.tzinfo is not None else at


def _trajectory_for_edit(session: Session, principal: Principal, trajectory_id: int) -> Trajectory:
    trajectory = session.get(Trajectory, trajectory_id)
    if trajectory is None:  # an unknown id gets the same answer as a forbidden one
        raise PermissionDenied(EDIT_DENIED)
    ensure_can_edit_school(session, principal, trajectory.school_id)
    return trajectory


def _active_trajectory(session: Session, school_id: int, *, exclude: int | None = None) -> tuple[int, str] | None:
    """(trajectory id, current phase) of a trajectory of the school whose latest phase is active."""
    for (tid,) in session.execute(select(Trajectory.id).where(Trajectory.school_id == school_id)).all():
        if tid == exclude:
            continue
        phase = current_phase(_events(session, tid))
        if phase in ACTIVE_PHASES:
            return tid, phase
    return None


def _check_tranche(session: Session, school_id: int, tranche_id: int) -> Tranche:
    tranche = session.get(Tranche, tranche_id)
    where = school_location(session, school_id)
    if tranche is None or where is None or tranche.region_id != where[0]:
        raise TransitionRefused("Deze tranche hoort niet bij de regio van de school.")
    return tranche


def _add_event(session: Session, principal: Principal, trajectory_id: int, phase: str, on: date,
               note: str) -> PhaseEvent:
    event = PhaseEvent(trajectory_id=trajectory_id, phase=phase, on=on, note=(note or "")[:2000],
                       recorded_by=principal.username[:100])
    session.add(event)
    session.flush()
    audit.record(session, username=principal.username, action="create", entity="phaseevent", entity_id=event.id,
                 changes={"trajectory_id": (None, trajectory_id), "phase": (None, phase), "on": (None, on)},
                 detail=note or "")
    return event


def _new_trajectory(session: Session, principal: Principal, school_id: int, tranche_id: int) -> Trajectory:
    cycle = (session.scalar(select(func.max(Trajectory.cycle)).where(Trajectory.school_id == school_id)) or 0) + 1
    trajectory = Trajectory(school_id=school_id, tranche_id=tranche_id, cycle=cycle)
    session.add(trajectory)
    session.flush()
    audit.record(session, username=principal.username, action="create", entity="trajectory",
                 entity_id=trajectory.id,
                 changes={"school_id": (None, school_id), "tranche_id": (None, tranche_id), "cycle": (None, cycle)})
    return trajectory


# ---------------------------------------------------------------- writes

def record_transition(session: Session, principal: Principal, trajectory_id: int, new_phase: str, on: date,
                      note: str = "", *, today: date | None = None) -> PhaseEvent:
    """Append the next phase of a trajectory. Raises PermissionDenied or TransitionRefused (Dutch)."""
    trajectory = _trajectory_for_edit(session, principal, trajectory_id)
    check_transition(_events(session, trajectory_id), new_phase, on, today=today)
    if new_phase in ACTIVE_PHASES:
        # e.g. postponed -> registered: never two running trajectories for one school
        other = _active_trajectory(session, trajectory.school_id, exclude=trajectory_id)
        if other is not None:
            raise TransitionRefused(f"Deze school heeft al een lopend traject (fase '{label(other[1])}').")
    return _add_event(session, principal, trajectory_id, new_phase, on, note)


def correct_to(session: Session, principal: Principal, trajectory_id: int, previous_phase: str, on: date,
               note: str, *, today: date | None = None) -> PhaseEvent:
    """A correction: a new event back to the phase before the current one; note gets 'Correctie:'."""
    _trajectory_for_edit(session, principal, trajectory_id)
    check_correction(_events(session, trajectory_id), previous_phase, on, today=today)
    text = (note or "").strip()
    if not text.removeprefix(CORRECTION_PREFIX).strip():
        raise TransitionRefused("Geef bij een correctie in de notitie de reden op.")
    if not text.startswith(CORRECTION_PREFIX):
        text = f"{CORRECTION_PREFIX} {text}".strip()
    return _add_event(session, principal, trajectory_id, previous_phase, on, text)


def start_trajectory(session: Session, principal: Principal, school_id: int, tranche_id: int, on: date,
                     note: str = "", *, today: date | None = None) -> Trajectory:
    """A new trajectory (first certification or re-certification) starting with 'registered'."""
    ensure_can_edit_school(session, principal, school_id)
    _check_tranche(session, school_id, tranche_id)
    active = _active_trajectory(session, school_id)
    if active is not None:
        raise TransitionRefused(f"Deze school heeft al een lopend traject (fase '{label(active[1])}').")
    check_transition([], "registered", on, today=today)
    trajectory = _new_trajectory(session, principal, school_id, tranche_id)
    _add_event(session, principal, trajectory.id, "registered", on, note)
    return trajectory


def move_to_tranche(session: Session, principal: Principal, trajectory_id: int, new_tranche_id: int, on: date,
                    note: str = "", *, today: date | None = None) -> Trajectory:
    """Postpone a trajectory and register the school in another tranche; returns the new trajectory.

    The old trajectory keeps its events and gets a 'postponed' event; the new one (next
    cycle number) starts with 'registered' on the same date.
    """
    trajectory = _trajectory_for_edit(session, principal, trajectory_id)
    if new_tranche_id == trajectory.tranche_id:
        raise TransitionRefused("De school zit al in deze tranche.")
    tranche = _check_tranche(session, trajectory.school_id, new_tranche_id)
    check_transition(_events(session, trajectory_id), "postponed", on, today=today)
    other = _active_trajectory(session, trajectory.school_id, exclude=trajectory_id)
    if other is not None:
        raise TransitionRefused(f"Deze school heeft al een ander lopend traject (fase '{label(other[1])}').")
    text = note or f"Verplaatst naar {tranche.name}."
    _add_event(session, principal, trajectory_id, "postponed", on, text)
    new = _new_trajectory(session, principal, trajectory.school_id, new_tranche_id)
    _add_event(session, principal, new.id, "registered", on, text)
    return new


# ---------------------------------------------------------------- reads

def _region_settings(session: Session, school_ids: list[int]) -> dict[int, tuple[int, int]]:
    """school id -> (expected_months_max, phase_limit_months) of its region."""
    if not school_ids:
        return {}
    rows = session.execute(select(School.id, Region.expected_months_max, Region.phase_limit_months)
                           .join(Municipality, School.municipality_id == Municipality.id)
                           .outerjoin(Region, Municipality.region_id == Region.id)
                           .where(School.id.in_(school_ids))).all()
    return {sid: (total, phase) if total else DEFAULT_LIMITS for sid, total, phase in rows}


def _tranche_names(session: Session, trajectory_ids: list[int]) -> dict[int, tuple[int | None, str]]:
    if not trajectory_ids:
        return {}
    rows = session.execute(select(Trajectory.id, Tranche.id, Tranche.name)
                           .outerjoin(Tranche, Trajectory.tranche_id == Tranche.id)
                           .where(Trajectory.id.in_(trajectory_ids))).all()
    return {tid: (trid, name or "") for tid, trid, name in rows}


def certification_rows(session: Session, scope: Scope, principal: Principal | None = None, *,
                       school_id: int | None = None) -> list[dict]:
    """One row per school in scope at scope.as_of (ordered by DUO code).

    Keys: school_id, code, name, sector, municipality, trajectory_id, tranche_id, tranche, phase,
    phase_label, days_in_phase, issued_on, expires_on, status, status_label, stall_reasons, stalled.
    phase and status are domain.overview.school_status's; the tranche, days and stalls are of the
    trajectory that phase comes from.
    """
    facts = school_facts(session, scope, principal, school_id=school_id)
    current = {f.school_id: current_trajectory_id(f.trajectories, scope.as_of) for f in facts}
    tranches = _tranche_names(session, [t for t in current.values() if t is not None])
    limits = _region_settings(session, [f.school_id for f in facts])
    rows = []
    for f in facts:
        st = school_status(f, scope.as_of)
        tid = current[f.school_id]
        events = f.trajectories.get(tid, []) if tid is not None else []
        total_limit, phase_limit = limits.get(f.school_id, DEFAULT_LIMITS)
        stalls = stall_flags(events, scope.as_of, phase_limit_months=phase_limit,
                             total_limit_months=total_limit) if events else []
        tranche_id, tranche = tranches.get(tid, (None, "")) if tid is not None else (None, "")
        rows.append({
            "school_id": f.school_id, "code": f.code, "name": f.name, "sector": f.sector,
            "municipality": f.municipality_name, "trajectory_id": tid, "tranche_id": tranche_id,
            "tranche": tranche, "phase": st.phase, "phase_label": label(st.phase) if st.phase else "",
            "days_in_phase": days_in_phase(events, scope.as_of) if events else None,
            "issued_on": st.issued_on, "expires_on": st.expires_on,
            "status": st.certificate_status, "status_label": STATUS_LABELS[st.certificate_status],
            "stall_reasons": stalls, "stalled": bool(stalls),
        })
    return rows


def certification_row(session: Session, code: str, as_of: date, principal: Principal | None = None) -> dict | None:
    """certification_rows' row of one school by DUO code (None when unknown or not readable)."""
    school_id = session.scalar(select(School.id).where(School.code == code))
    if school_id is None:
        return None
    rows = certification_rows(session, Scope(as_of=as_of), principal, school_id=school_id)
    return rows[0] if rows else None


def _region(session: Session, region_id: int, principal: Principal | None) -> Region:
    if principal is not None:
        ensure_can_read_area(session, principal, region_id, None)
    region = session.get(Region, region_id)
    if region is None:
        raise ValueError("Onbekende regio.")
    return region


def _region_trajectories(session: Session, region_id: int, principal: Principal | None):
    """(tranche, trajectory id, school id, code, name, events) of the region's tranches."""
    filters = [Tranche.region_id == region_id]
    if principal is not None:
        filters += school_filter_for(principal)
    rows = session.execute(
        select(Tranche.id, Trajectory.id, School.id, School.code, School.name)
        .join(Trajectory, Trajectory.tranche_id == Tranche.id)
        .join(School, Trajectory.school_id == School.id)
        .where(*filters).order_by(School.code)).all()
    events = events_of(session, [r[1] for r in rows])
    return [(r[0], r[1], r[2], r[3], r[4], events[r[1]]) for r in rows]


def tranche_overview(session: Session, region_id: int, as_of: date,
                     principal: Principal | None = None) -> list[dict]:
    """Per tranche of the region (by start date): funnel and the schools' Gantt segments at as_of.

    Each tranche: tranche_id, name, start_on, capacity, schools_count, funnel [(phase, label, count)],
    stalled_count, schools [{school_id, code, name, trajectory_id, phase, phase_label, segments
    [Segment(phase, label, start, end)], stall_reasons}]. A trajectory without events on or before
    as_of is left out.
    """
    region = _region(session, region_id, principal)
    by_tranche: dict[int, list] = defaultdict(list)
    for tranche_id, tid, sid, code, name, events in _region_trajectories(session, region_id, principal):
        phase = phase_at(events, as_of)
        if phase is None:
            continue
        stalls = stall_flags(events, as_of, phase_limit_months=region.phase_limit_months,
                             total_limit_months=region.expected_months_max)
        by_tranche[tranche_id].append({
            "school_id": sid, "code": code, "name": name, "trajectory_id": tid, "phase": phase,
            "phase_label": label(phase), "segments": phase_segments(events, as_of), "stall_reasons": stalls,
        })
    result = []
    for t in session.scalars(select(Tranche).where(Tranche.region_id == region_id)
                             .order_by(Tranche.start_on, Tranche.id)):
        schools = by_tranche.get(t.id, [])
        result.append({
            "tranche_id": t.id, "name": t.name, "start_on": t.start_on, "capacity": t.capacity,
            "schools_count": len(schools), "funnel": funnel(s["phase"] for s in schools),
            "stalled_count": sum(1 for s in schools if s["stall_reasons"]), "schools": schools,
        })
    return result


def events_of(session: Session, trajectory_ids: list[int]) -> dict[int, list[Event]]:
    """Domain events per trajectory (ties ordered by recording time, then id)."""
    events: dict[int, list[Event]] = defaultdict(list)
    if trajectory_ids:
        for tid, phase, on, at, eid in session.execute(
                select(PhaseEvent.trajectory_id, PhaseEvent.phase, PhaseEvent.on, PhaseEvent.recorded_at,
                       PhaseEvent.id).where(PhaseEvent.trajectory_id.in_(trajectory_ids))).all():
            events[tid].append(Event(phase, on, (naive_utc(at), eid)))
    return events


def _planned_reaudits(session: Session, school_ids: list[int], as_of: date) -> dict[int, str]:
    """school id -> tranche name of a trajectory in a tranche starting after as_of whose latest
    phase (any date) is active: a re-audit already planned."""
    if not school_ids:
        return {}
    rows = session.execute(select(Trajectory.id, Trajectory.school_id, Tranche.name)
                           .join(Tranche, Trajectory.tranche_id == Tranche.id)
                           .where(Trajectory.school_id.in_(school_ids), Tranche.start_on > as_of)).all()
    events = events_of(session, [r[0] for r in rows])
    return {sid: name for tid, sid, name in rows if current_phase(events[tid]) in ACTIVE_PHASES}


def expiry_list(session: Session, scope: Scope, months: int, principal: Principal | None = None) -> list[dict]:
    """Schools whose certificate is valid at scope.as_of and expires on or before
    add_months(as_of, months), soonest first.

    reaudit_planned: the school is in a trajectory at as_of (domain.overview's in_trajectory)
    or has an active trajectory in a tranche that starts after as_of. planned_in names the
    tranche (or the current phase).
    """
    horizon = add_months(scope.as_of, months)
    statuses = [school_status(f, scope.as_of) for f in school_facts(session, scope, principal)]
    due = [s for s in statuses if s.has_valid_certificate and s.expires_on and s.expires_on <= horizon]
    future = _planned_reaudits(session, [s.school_id for s in due if not s.in_trajectory], scope.as_of)
    rows = []
    for s in sorted(due, key=lambda s: (s.expires_on, s.code)):
        planned_in = (f"lopend traject ({label(s.phase)})" if s.in_trajectory else future.get(s.school_id, ""))
        rows.append({
            "school_id": s.school_id, "code": s.code, "name": s.name, "sector": s.sector,
            "municipality": s.municipality_name, "issued_on": s.issued_on, "expires_on": s.expires_on,
            "days_left": (s.expires_on - scope.as_of).days, "status": s.certificate_status,
            "reaudit_planned": bool(planned_in), "planned_in": planned_in,
        })
    return rows


@dataclass(frozen=True)
class ForecastInputs:
    """What forecast() fed to audit_forecast, for a page's explanation."""
    expiries: list[date]
    planned_tranches: list[tuple[date, int]]


def forecast_inputs(session: Session, region_id: int, as_of: date,
                    principal: Principal | None = None) -> ForecastInputs:
    """Expiries: the expiry dates of certificates valid at as_of of schools with no running or
    planned trajectory (those are counted through their tranche, never twice). Tranches: per
    tranche of the region, the trajectories still before their audit (phase at as_of in
    registered / intake / improvement / not_passed, or no event yet while the latest phase is active)."""
    _region(session, region_id, principal)
    statuses = [school_status(f, as_of) for f in school_facts(session, Scope(as_of, region_id=region_id), principal)]
    valid = [s for s in statuses if s.has_valid_certificate and not s.in_trajectory and s.expires_on]
    future = _planned_reaudits(session, [s.school_id for s in valid], as_of)
    expiries = sorted(s.expires_on for s in valid if s.school_id not in future)
    starts = dict(session.execute(select(Tranche.id, Tranche.start_on).where(Tranche.region_id == region_id)).all())
    counts: dict[int, int] = defaultdict(int)
    for tranche_id, _tid, _sid, _code, _name, events in _region_trajectories(session, region_id, principal):
        phase = phase_at(events, as_of)
        if phase in PRE_AUDIT_PHASES or (phase is None and current_phase(events) in ACTIVE_PHASES):
            counts[tranche_id] += 1
    planned = sorted((starts[t], n) for t, n in counts.items())
    return ForecastInputs(expiries, planned)


def forecast(session: Session, region_id: int, as_of: date, principal: Principal | None = None, *,
             quarters: int = 12) -> list[QuarterDemand]:
    """Audits demanded per quarter for the next three years (12 quarters, from as_of's quarter)
    against Region.audit_capacity_per_quarter; see domain.lifecycle.audit_forecast for the rules
    (re-audits of the resulting certificates after Region.validity_months are included)."""
    region = _region(session, region_id, principal)
    inputs = forecast_inputs(session, region_id, as_of, principal)
    return audit_forecast(inputs.expiries, inputs.planned_tranches, as_of=as_of, quarters=quarters,
                          expected_months_min=region.expected_months_min,
                          expected_months_max=region.expected_months_max,
                          capacity_per_quarter=region.audit_capacity_per_quarter,
                          validity_months=region.validity_months)

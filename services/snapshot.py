"""Load what the domain layer needs for a scope, in a few set-based queries."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import or_, select
from sqlmodel import Session

from domain.certification import Event
from domain.overview import SchoolFacts
from domain.scope import Scope
from models import Municipality, PhaseEvent, Province, Region, School, Trajectory
from services.permissions import Principal, school_filter_for


def _school_filters(scope: Scope, active_from: date | None = None) -> list:
    """WHERE clauses for the schools in scope that are active at scope.as_of (with active_from: at
    any date from active_from on, for series of dates that load the facts once)."""
    first = min(active_from, scope.as_of) if active_from is not None else scope.as_of
    clauses = [or_(School.active.is_(True), School.inactive_since > first)]
    if scope.region_id is not None:
        clauses.append(Municipality.region_id == scope.region_id)
    if scope.province_id is not None:
        clauses.append(Municipality.province_id == scope.province_id)
    if scope.sector is not None:
        clauses.append(School.sector == scope.sector)
    return clauses


def school_facts(session: Session, scope: Scope, principal: Principal | None = None, *,
                 school_id: int | None = None, active_from: date | None = None) -> list[SchoolFacts]:
    """One SchoolFacts per school location active in scope at scope.as_of.

    With a principal only the schools that user may read (a bestuurder: their boards' schools);
    None (the command line) means no restriction. With active_from also the schools active at any
    date from active_from on (events still up to scope.as_of); domain.overview.active_on(facts, d)
    then picks the schools of one date, so a series of dates needs one load.
    """
    filters = _school_filters(scope, active_from)
    if school_id is not None:
        filters.append(School.id == school_id)
    if principal is not None:
        filters += school_filter_for(principal)
    # Core execution on the connection: skips the ORM's per-row loading machinery.
    conn = session.connection()
    school_rows = conn.execute(
        select(School.id, School.code, School.name, School.sector, Municipality.cbs_code, Municipality.name,
               Region.validity_months, Region.expiring_window_months, School.active, School.inactive_since)
        .join(Municipality, School.municipality_id == Municipality.id)
        .outerjoin(Region, Municipality.region_id == Region.id)
        .where(*filters)
        .order_by(School.code)
    ).all()
    facts = {
        row[0]: SchoolFacts(row[0], row[1], row[2], row[3], row[4], row[5],
                            validity_months=row[6] or 24, window_months=row[7] or 6,
                            active=bool(row[8]), inactive_since=row[9])
        for row in school_rows
    }
    event_rows = conn.execute(
        select(Trajectory.school_id, PhaseEvent.trajectory_id, PhaseEvent.phase, PhaseEvent.on,
               PhaseEvent.recorded_at, PhaseEvent.id)
        .join(Trajectory, PhaseEvent.trajectory_id == Trajectory.id)
        .join(School, Trajectory.school_id == School.id)
        .join(Municipality, School.municipality_id == Municipality.id)
        .where(*filters, PhaseEvent.on <= scope.as_of)
    ).all()
    grouped: dict[int, dict[int, list[Event]]] = defaultdict(lambda: defaultdict(list))
    for school_id, trajectory_id, phase, on, recorded_at, event_id in event_rows:
        # Ties on one date: the later recorded event wins (recorded_at, then insertion order).
        grouped[school_id][trajectory_id].append(Event(phase, on, (recorded_at, event_id)))
    for school_id, trajectories in grouped.items():
        if school_id in facts:
            facts[school_id].trajectories = dict(trajectories)
    return list(facts.values())


def scope_label(session: Session, scope: Scope) -> str:
    """Dutch name of the selected area, e.g. 'Regio Maastricht-Heuvelland'."""
    if scope.region_id is not None:
        region = session.get(Region, scope.region_id)
        return f"Regio {region.name}" if region else "Onbekende regio"
    if scope.province_id is not None:
        province = session.get(Province, scope.province_id)
        return f"Provincie {province.name}" if province else "Onbekende provincie"
    return "Heel Nederland"



"""The facts the overview figures are computed from: one SchoolFacts per school in a scope.

`school_facts` loads, in two set-based queries, every school location of a scope (area, sector,
as-of date; optionally only what a user may read) with its municipality, its region's
certification settings and its phase events up to the as-of date. domain.overview turns these
facts into statuses and counts; the overview, report, comparison, planning and trajectory
services all start from here, so their figures agree.

The facts are cached per process, keyed by the database, the data version (models.DataVersion: one
number that database triggers raise on every insert, update and delete of school, municipality,
region, trajectory and phaseevent, whoever writes), the query's WHERE clauses (scope, sector, the
user's filter) and the dates. The version is read first, in the request's own transaction, so a
cached entry never holds data older than its version; a write (in any worker or process) makes
every later request load afresh. Callers get a new list of shared SchoolFacts: read them, never
change them. A database without the data_version table is never cached.
"""
from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Hashable
from datetime import date

from sqlalchemy import inspect, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from domain.certification import Event
from domain.overview import SchoolFacts
from domain.scope import Scope
from models import DataVersion, Municipality, PhaseEvent, Region, School, Trajectory
from services.permissions import Principal, school_filter_for


def school_filters(scope: Scope, active_from: date | None = None) -> list[ColumnElement[bool]]:
    """WHERE clauses for the schools in scope that are active at scope.as_of (with active_from: at
    any date from active_from on, for series of dates that load the facts once)."""
    first = min(active_from, scope.as_of) if active_from is not None else scope.as_of
    clauses = [or_(col(School.active).is_(True), col(School.inactive_since) > first)]
    if scope.region_id is not None:
        clauses.append(col(Municipality.region_id) == scope.region_id)
    if scope.province_id is not None:
        clauses.append(col(Municipality.province_id) == scope.province_id)
    if scope.sector is not None:
        clauses.append(col(School.sector) == scope.sector)
    return clauses


def school_facts(session: Session, scope: Scope, principal: Principal | None = None, *,
                 school_id: int | None = None, active_from: date | None = None) -> list[SchoolFacts]:
    """One SchoolFacts per school location active in scope at scope.as_of.

    With a principal only the schools that user may read (a bestuurder: their boards' schools);
    None (the command line) means no restriction. With active_from also the schools active at any
    date from active_from on (events still up to scope.as_of); domain.overview.active_on(facts, d)
    then picks the schools of one date, so a series of dates needs one load.
    """
    filters = school_filters(scope, active_from)
    if school_id is not None:
        filters.append(col(School.id) == school_id)
    if principal is not None:
        filters += school_filter_for(principal)
    # Core execution on the connection: skips the ORM's per-row loading machinery.
    conn = session.connection()
    version = data_version(conn) if school_id is None else None  # one school: quick, not worth an entry
    if version is None:
        return _load(conn, filters, scope.as_of)
    key = _cache_key(conn, version, filters, scope.as_of)
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is not None:
            _CACHE.move_to_end(key)
            return list(cached)
    facts = _load(conn, filters, scope.as_of)
    with _LOCK:
        _CACHE[key] = tuple(facts)
        while len(_CACHE) > CACHE_ENTRIES:
            _CACHE.popitem(last=False)
    return facts


# (database, data version, compiled WHERE clauses with their parameters, as-of date) -> the facts.
# Per process and only ever correct entries (a new version is a new key); bounded, least recently
# used dropped first. One national scope at 8,000 schools is a few MB.
CACHE_ENTRIES = 12
_CACHE: OrderedDict[Hashable, tuple[SchoolFacts, ...]] = OrderedDict()
_LOCK = threading.Lock()
_VERSIONED: set[str] = set()  # databases known to have the data_version table


def data_version(conn: Connection) -> int | None:
    """The data version of the database (see models.DataVersion); None without the table."""
    url = conn.engine.url.render_as_string(hide_password=False)
    if url not in _VERSIONED:
        if not inspect(conn).has_table(DataVersion.__tablename__):
            return None
        _VERSIONED.add(url)
    value = conn.execute(select(col(DataVersion.version)).where(col(DataVersion.id) == 1)).scalar()
    return int(value) if value is not None else None


def clear_cache() -> None:
    """Forget every cached school facts (for benchmarks and tests that time or compare a cold load)."""
    with _LOCK:
        _CACHE.clear()


def _cache_key(conn: Connection, version: int, filters: list[ColumnElement[bool]], as_of: date) -> Hashable:
    compiled = [clause.compile(dialect=conn.dialect) for clause in filters]
    where = tuple((str(c), tuple(sorted((k, _hashable(v)) for k, v in c.params.items()))) for c in compiled)
    return conn.engine.url.render_as_string(hide_password=False), version, where, as_of


def _hashable(value: object) -> Hashable:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_hashable(v) for v in value)
    assert isinstance(value, Hashable)
    return value


def _load(conn: Connection, filters: list[ColumnElement[bool]], as_of: date) -> list[SchoolFacts]:
    school_rows = conn.execute(
        select(col(School.id), col(School.code), col(School.name), col(School.sector), col(Municipality.cbs_code),
               col(Municipality.name), col(Region.validity_months), col(Region.expiring_window_months),
               col(School.active), col(School.inactive_since))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .outerjoin(Region, col(Municipality.region_id) == col(Region.id))
        .where(*filters)
        .order_by(col(School.code))
    ).all()
    facts: dict[int, SchoolFacts] = {}
    for sid, code, name, sector, cbs_code, municipality, validity, window, active, inactive_since in school_rows:
        assert sid is not None  # a primary key read from the database
        facts[sid] = SchoolFacts(sid, code, name, sector, cbs_code, municipality, validity_months=validity or 24,
                                 window_months=window or 6, active=bool(active), inactive_since=inactive_since)
    event_rows = conn.execute(
        select(col(Trajectory.school_id), col(PhaseEvent.trajectory_id), col(PhaseEvent.phase), col(PhaseEvent.on),
               col(PhaseEvent.recorded_at), col(PhaseEvent.id))
        .join(Trajectory, col(PhaseEvent.trajectory_id) == col(Trajectory.id))
        .join(School, col(Trajectory.school_id) == col(School.id))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .where(*filters, col(PhaseEvent.on) <= as_of)
    ).all()
    grouped: dict[int, dict[int, list[Event]]] = defaultdict(lambda: defaultdict(list))
    for school_id, trajectory_id, phase, on, recorded_at, event_id in event_rows:
        # Ties on one date: the later recorded event wins (recorded_at, then insertion order).
        grouped[school_id][trajectory_id].append(Event(phase, on, (recorded_at, event_id)))
    for school_id, trajectories in grouped.items():
        if school_id in facts:
            facts[school_id].trajectories = dict(trajectories)
    return list(facts.values())

"""The facts the overview figures are computed from: one SchoolFacts per school in a scope.

`school_facts` loads, in two set-based queries, every school location of a scope (area, sector,
as-of date; optionally only what a user may read) with its municipality, its region's
certification settings and its phase events up to the as-of date. domain.overview turns these
facts into statuses and counts; the overview, report, comparison, planning and trajectory
services all start from here, so their figures agree.

The facts are cached per process, keyed by the database, the facts version (models.DataVersion: a
number that database triggers raise on every insert, update and delete of school, municipality,
region, trajectory and phaseevent, whoever writes) and the as-of date: one entry holds the facts of
every school location of the database, shared by every scope, sector and user; the scope's WHERE
clauses (area, sector, activity, the user's filter) select in SQL which of them a call returns, in
DUO-code order. The version is read first, in the request's own transaction, so a cached entry never
holds data older than its version; a write (in any worker or process) makes every later request load
afresh. Callers get a new list of shared SchoolFacts: read them, never change them (each remembers its
statuses at the last few dates, domain.overview.school_status). A database without the data_version
table is never cached.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Hashable
from dataclasses import replace
from datetime import date
from typing import Protocol, TypeVar, cast

from sqlalchemy import DateTime, delete, func, inspect, or_, select, text, type_coerce
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from domain.certification import Event
from domain.overview import SchoolFacts, status_timeline, timeline_of
from domain.scope import Scope
from models import DataVersion, FactsChange, Municipality, PhaseEvent, Region, School, Trajectory
from services.code_version import code_version
from services.gc_pause import paused_collection
from services.permissions import Principal, school_filter_for

T = TypeVar("T")


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
    version = _cache_version(conn, facts=True) if school_id is None else None  # one school: not worth an entry
    if version is None:
        return _load(conn, filters, scope.as_of)
    # Every school of the database is loaded once per facts version and as-of date (shared by every
    # scope, sector and user); the scope's WHERE clauses only select which of them, in SQL.
    every = _every_school(conn, version, scope.as_of)
    ids = conn.execute(
        select(col(School.id)).join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .where(*filters).order_by(col(School.code))).scalars()
    return [every[sid] for sid in ids if sid in every]


def _every_school(conn: Connection, version: str, as_of: date) -> dict[int, SchoolFacts]:
    """school id -> facts (events up to as_of) of every school location in the database, cached.

    Every event is loaded once per facts version; the view at an as-of date keeps the same SchoolFacts
    (and so its remembered statuses) for each school without an event after that date, and gives the
    others a copy with only the events up to it: exactly what _load(conn, [], as_of) gives."""
    url = conn.engine.url.render_as_string(hide_password=False)
    key = (url, version, as_of)
    with _LOCK:
        view = _VIEWS.get(key)
        if view is not None:
            _VIEWS.move_to_end(key)
            return view
        full = _CACHE.get((url, version))
        earlier = _latest_before(url, version)
    if full is None:
        full = _updated(conn, earlier, version) if earlier is not None else None
        if full is None:
            full = _Full(_with_memos(_load(conn, [], None)), version)
        with _LOCK:
            _CACHE[(url, version)] = full
            while len(_CACHE) > CACHE_ENTRIES:
                _CACHE.popitem(last=False)
    view = full.at(as_of)
    with _LOCK:
        _VIEWS[key] = view
        while len(_VIEWS) > VIEW_ENTRIES:
            _VIEWS.popitem(last=False)
    return view


def _with_memos(loaded: list[SchoolFacts]) -> dict[int, SchoolFacts]:
    for f in loaded:
        f.remembered = {}  # before anyone else sees them
    return {f.school_id: f for f in loaded}


# More changed schools than this since the cached facts: load every school (one query is quicker then).
DELTA_SCHOOLS = 2_000


def _latest_before(url: str, version: str) -> _Full | None:
    """The cached entry of this database with the highest facts version below `version` (call under _LOCK)."""
    after = _number(version)
    entries = [(number[1], full) for (u, _), full in _CACHE.items()
               if u == url and after is not None and (number := _number(full.version)) is not None
               and number[0] == after[0] and number[1] < after[1]]
    return max(entries, key=lambda e: e[0])[1] if entries else None


def _updated(conn: Connection, earlier: _Full, version: str) -> _Full | None:
    """The facts at `version` from an earlier entry of the same database (_latest_before): the schools the
    change log (models.FactsChange, migration 0014) names for the versions in between loaded again, every
    other school kept as it is, with its remembered statuses. None when that is not quicker (a municipality
    or region changed, more than DELTA_SCHOOLS schools): load every school."""
    before, after = _number(earlier.version), _number(version)
    assert before is not None and after is not None
    changed = set(conn.execute(select(col(FactsChange.school_id)).distinct().where(
        col(FactsChange.facts_version) > before[1], col(FactsChange.facts_version) <= after[1])).scalars())
    if None in changed or len(changed) > DELTA_SCHOOLS:
        return None
    facts = {sid: f for sid, f in earlier.facts.items() if sid not in changed}
    if changed:
        facts.update(_with_memos(_load(conn, [col(School.id).in_(sorted(changed))], None)))
    return _Full(facts, version)


# The change log keeps the schools of this many recent facts versions; older rows become one "anything
# may have changed" row, so a worker whose facts are older than that loads every school again.
KEEP_VERSIONS = 1_000


def prune_change_log(session: Session, keep: int = KEEP_VERSIONS) -> int:
    """Fold the log's rows older than the last `keep` facts versions into one row without school (in the
    caller's write transaction); returns the number of rows removed. Called after every import, the
    writer of most rows; a phase recording adds one row."""
    newest = session.scalar(select(func.max(col(FactsChange.facts_version))))
    if newest is None or newest <= keep:
        return 0
    cutoff = newest - keep
    removed = session.execute(delete(FactsChange).where(col(FactsChange.facts_version) <= cutoff)
                              .execution_options(synchronize_session=False))
    count = int(getattr(removed, "rowcount", 0) or 0)
    if count:
        session.add(FactsChange(facts_version=cutoff, school_id=None))
        session.flush()
    return count


def _number(version: str) -> tuple[str, int] | None:
    """(epoch, number) of a facts version "epoch:f<number>"."""
    epoch, _, number = version.rpartition(":f")
    return (epoch, int(number)) if number.isdigit() else None


class _Full:
    """The facts of every school with all their events at a facts version, and the latest event date of each."""

    def __init__(self, facts: dict[int, SchoolFacts], version: str) -> None:
        self.facts, self.version = facts, version
        self.latest = {sid: max(e.on for events in f.trajectories.values() for e in events)
                       for sid, f in facts.items() if f.trajectories}

    def at(self, as_of: date) -> dict[int, SchoolFacts]:
        view = dict(self.facts)
        for sid, latest in self.latest.items():
            if latest > as_of:
                f = self.facts[sid]
                kept = {tid: [e for e in events if e.on <= as_of] for tid, events in f.trajectories.items()}
                before = replace(f, trajectories={tid: events for tid, events in kept.items() if events},
                                 remembered={}, timeline=None)
                # its statuses up to as_of are the full facts' ones: only the spans after as_of are computed
                before.timeline = status_timeline(before, same_until=(timeline_of(f), as_of))
                view[sid] = before
        return view


# (database, facts version) -> the facts of every school with all events; (database, facts version,
# as-of date) -> the view at that date. Per process and only ever correct entries (a new version is a
# new key); bounded, least recently used dropped first. Every school at 8,000 schools is a few MB.
CACHE_ENTRIES = 2
VIEW_ENTRIES = 12
_CACHE: OrderedDict[tuple[str, str], _Full] = OrderedDict()
_VIEWS: OrderedDict[Hashable, dict[int, SchoolFacts]] = OrderedDict()
_LOCK = threading.Lock()
_VERSIONED: set[str] = set()  # databases known to have the data_version table


def derived(session: Session, scope: Scope, principal: Principal | None, name: str, params: Hashable,
            compute: Callable[[], T], *, active_from: date | None = None, shared: bool = True) -> T:
    """compute() for a result derived only from what the data version covers (the school facts, and
    school, municipality, region, tranche, trajectory, phase-event, partnership and organisation rows)
    for the schools of scope (with active_from: school_facts' series of dates) that principal may read;
    cached per process, keyed by the data version, the scope's and the user's WHERE clauses, name and
    params; with shared (the result pickles and holds no SchoolFacts) also in the store every worker
    shares (share_with: the web app's Flask-Caching), so one worker computes it for all. Read the
    result, never change it. Without the data_version table, or in a transaction that wrote: computed
    every time."""
    conn = session.connection()
    version = _cache_version(conn)
    if version is None:
        return compute()
    filters = school_filters(scope, active_from) + (school_filter_for(principal) if principal is not None else [])
    compiled = [clause.compile(dialect=conn.dialect) for clause in filters]
    where = tuple((str(c), tuple(sorted((k, _hashable(v)) for k, v in c.params.items()))) for c in compiled)
    key = (conn.engine.url.render_as_string(hide_password=False), version, scope.as_of, where, name, params)
    with _LOCK:
        if key in _DERIVED:
            _DERIVED.move_to_end(key)
            return cast(T, _DERIVED[key])
    store = _SHARED if shared else None
    # with the code's version: the shared store outlives a restart, and an upgrade may compute it differently
    shared_key = ("derived:" + hashlib.sha256(repr((code_version(), key)).encode()).hexdigest()
                  if store is not None else "")
    found = store.get(shared_key) if store is not None else None
    if found is not None:
        value = cast(T, found)
    else:
        value = compute()
        if store is not None:
            store.set(shared_key, value)
    with _LOCK:
        _DERIVED[key] = value
        while len(_DERIVED) > DERIVED_ENTRIES:
            _DERIVED.popitem(last=False)
    return value


class SharedStore(Protocol):
    """A cache every worker shares (web.cache gives Flask-Caching's); get gives None for a miss."""

    def get(self, key: str) -> object | None: ...

    def set(self, key: str, value: object) -> None: ...


_SHARED: SharedStore | None = None


def shared_store() -> SharedStore | None:
    """The store every worker shares (None outside the web app)."""
    return _SHARED


def share_with(store: SharedStore | None) -> None:
    """Keep derived results also in store (None: only in this process)."""
    global _SHARED
    _SHARED = store


DERIVED_ENTRIES = 64
_DERIVED: OrderedDict[Hashable, object] = OrderedDict()


def _hashable(value: object) -> Hashable:
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_hashable(v) for v in value)
    assert isinstance(value, Hashable)
    return value


def data_version(conn: Connection) -> str | None:
    """The data version of the database with its epoch, "epoch:version" (see models.DataVersion); None
    without the table."""
    versions = _versions(conn)
    return versions[0] if versions is not None else None


def _versions(conn: Connection) -> tuple[str, str] | None:
    """("epoch:version", "epoch:f<facts version>") of the database; None without the data_version table."""
    url = conn.engine.url.render_as_string(hide_password=False)
    if url not in _VERSIONED:
        if not inspect(conn).has_table(DataVersion.__tablename__):
            return None
        _VERSIONED.add(url)
    row = conn.execute(select(col(DataVersion.epoch), col(DataVersion.version), col(DataVersion.facts_version))
                       .where(col(DataVersion.id) == 1)).first()
    return (f"{row[0] or ''}:{row[1]}", f"{row[0] or ''}:f{row[2]}") if row is not None else None


def _cache_version(conn: Connection, *, facts: bool = False) -> str | None:
    """The version to key cached results by: the data version, or with facts the facts version (the school
    facts change only with their own tables: a partnership's edit keeps them). None (do not cache) when
    this transaction has written: its version number is not yet committed, and after a rollback the next
    write would raise the same number for other data."""
    versions = _versions(conn)
    if versions is None or _has_written(conn):
        return None
    return versions[1] if facts else versions[0]


def _has_written(conn: Connection) -> bool:
    if conn.dialect.name == "sqlite":
        # the sqlite3 module opens a transaction only for a write (or services.transactions' BEGIN IMMEDIATE)
        return bool(getattr(conn.connection.dbapi_connection, "in_transaction", True))
    if conn.dialect.name == "postgresql":
        return conn.execute(text("SELECT txid_current_if_assigned() IS NOT NULL")).scalar() is True
    return True  # unknown: never cache


def clear_cache() -> None:
    """Forget every cached school facts (for benchmarks and tests that time or compare a cold load)."""
    with _LOCK:
        _CACHE.clear()
        _VIEWS.clear()
        _DERIVED.clear()


def _load(conn: Connection, filters: list[ColumnElement[bool]], as_of: date | None) -> list[SchoolFacts]:
    """The facts of the schools matching filters, with their events up to as_of (None: all)."""
    with paused_collection():
        return _load_facts(conn, filters, as_of)


# recorded_at only orders the events of one day: read as the database's plain DATETIME, not through
# SQLModel's time-zone type (a Python call per value: half the load time at national scale); the values
# of one database are all naive (SQLite) or all aware (PostgreSQL), so they compare alike.
RECORDED_AT = type_coerce(col(PhaseEvent.recorded_at), DateTime())


def _load_facts(conn: Connection, filters: list[ColumnElement[bool]], as_of: date | None) -> list[SchoolFacts]:
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
    query = (select(col(Trajectory.school_id), col(PhaseEvent.trajectory_id), col(PhaseEvent.phase),
                    col(PhaseEvent.on), RECORDED_AT, col(PhaseEvent.id))
             .join(Trajectory, col(PhaseEvent.trajectory_id) == col(Trajectory.id)))
    if filters:
        query = (query.join(School, col(Trajectory.school_id) == col(School.id))
                 .join(Municipality, col(School.municipality_id) == col(Municipality.id)).where(*filters))
    if as_of is not None:
        query = query.where(col(PhaseEvent.on) <= as_of)
    event_rows = conn.execute(query.order_by(col(PhaseEvent.trajectory_id), col(PhaseEvent.id))).all()
    grouped: dict[int, dict[int, list[Event]]] = defaultdict(lambda: defaultdict(list))
    for school_id, trajectory_id, phase, on, recorded_at, event_id in event_rows:
        # Ties on one date: the later recorded event wins (recorded_at, then insertion order).
        grouped[school_id][trajectory_id].append(Event(phase, on, (recorded_at, event_id)))
    for school_id, trajectories in grouped.items():
        if school_id in facts:
            facts[school_id].trajectories = dict(trajectories)
    return list(facts.values())

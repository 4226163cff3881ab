"""The audit log as a person reads it (Beheer): Dutch action names, names instead of ids, local times,
one row per change (its fields together), filtered per school and per user.

services.audit writes and lists the raw rows (append-only); this module only reads them.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import and_, false, or_, select, true
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from domain import clock
from domain.certification import PHASES
from domain.vocab import ORGANISATION_TYPES, PARTNERSHIP_ROLES
from models import (
    AuditEntry,
    Board,
    Contact,
    Meeting,
    Municipality,
    Organisation,
    Partnership,
    PhaseEvent,
    Province,
    Region,
    School,
    Trajectory,
    Tranche,
    TranchePlan,
    User,
    UserScope,
)
from services.audit import expand
from services.audit_labels import FIELDS, action_label
from services.auth import ROLE_LABELS

# The entity names the writers use (table names, and the Dutch ones of services.partnerships).
SCHOOL_ENTITIES = ("school",)
TRAJECTORY_ENTITIES = ("trajectory",)
EVENT_ENTITIES = ("phaseevent",)
PARTNERSHIP_ENTITIES = ("partnership", "samenwerking")
ORGANISATION_ENTITIES = ("organisation", "organisatie")
CONTACT_ENTITIES = ("contact", "contactpersoon")

@dataclass(frozen=True)
class AuditRow:
    """One change as shown: when (local time, dd-mm-jjjj uu:mm), who, what, on what, and its fields."""
    at: str
    user: str
    action: str
    subject: str
    changes: str
    detail: str


def local_time(at: datetime) -> str:
    """'23-11-2026 14:05' in Europe/Amsterdam (a stored time without zone is UTC)."""
    aware = at if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.astimezone(clock.TIMEZONE).strftime("%d-%m-%Y %H:%M")


def _as_int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


class _Names:
    """The names behind the ids of the shown entries, each kind loaded with one query."""

    def __init__(self, session: Session, entries: Sequence[AuditEntry]) -> None:
        self.session = session
        wanted: dict[str, set[int]] = defaultdict(set)
        for e in entries:
            key = _as_int(e.entity_id)
            if key is not None:
                wanted[e.entity].add(key)
            for field, old, new in expand(e):
                if field and field.endswith("_id"):
                    wanted[field].update(k for k in (_as_int(old), _as_int(new)) if k is not None)
        self.events = self._rows(PhaseEvent, wanted["phaseevent"], lambda r: (r.trajectory_id, r.phase))
        trajectory_ids = wanted["trajectory"] | wanted["trajectory_id"] | {t for t, _ in self.events.values()}
        self.trajectories = self._rows(Trajectory, trajectory_ids, lambda r: (r.school_id, r.cycle))
        partnership_ids = set().union(*(wanted[k] for k in PARTNERSHIP_ENTITIES))
        self.partnerships = self._rows(Partnership, partnership_ids, lambda r: (r.school_id, r.organisation_id))
        school_ids = (wanted["school"] | wanted["school_id"] | {s for s, _ in self.trajectories.values()}
                      | {s for s, _ in self.partnerships.values()})
        self.schools = self._rows(School, school_ids, lambda r: f"{r.name} ({r.code})")
        org_ids = (set().union(*(wanted[k] for k in ORGANISATION_ENTITIES)) | wanted["organisation_id"]
                   | {o for _, o in self.partnerships.values()})
        self.organisations = self._rows(Organisation, org_ids, lambda r: r.name)
        contact_ids = set().union(*(wanted[k] for k in CONTACT_ENTITIES)) | wanted["contact_id"]
        self.contacts = self._rows(Contact, contact_ids, lambda r: r.name)
        self.tranches = self._rows(Tranche, wanted["tranche"] | wanted["tranche_id"], lambda r: r.name)
        self.plans = self._rows(TranchePlan, wanted["trancheplan"], lambda r: r.name)
        self.users = self._rows(User, wanted["app_user"] | wanted["user_id"], lambda r: r.username)
        self.scopes = self._rows(UserScope, wanted["userscope"], lambda r: r.user_id)
        self.meetings = self._rows(Meeting, wanted["meeting"], lambda r: r.held_on)
        self.municipalities = self._rows(Municipality, wanted["municipality_id"], lambda r: r.name)
        self.regions = self._rows(Region, wanted["region_id"], lambda r: r.name)
        self.provinces = self._rows(Province, wanted["province_id"], lambda r: r.name)
        self.boards = self._rows(Board, wanted["board_id"] | wanted["board"], lambda r: r.name or r.number)

    def _rows(self, model: Any, ids: Iterable[int], value: Any) -> dict[int, Any]:
        ids = sorted(ids)
        if not ids:
            return {}
        return {row.id: value(row) for row in self.session.scalars(select(model).where(col(model.id).in_(ids)))}

    def _school_of_trajectory(self, tid: int | None) -> str:
        found = self.trajectories.get(tid) if tid is not None else None
        return self.schools.get(found[0], "") if found else ""

    def subject(self, e: AuditEntry) -> str:
        """What the change is about, by name: 'Kastanjehof (01AY00)', 'GGD Zuid Limburg bij Kastanjehof'."""
        key = _as_int(e.entity_id)
        if key is None:
            return e.entity_id or ""
        if e.entity in EVENT_ENTITIES:
            event = self.events.get(key)
            return self._school_of_trajectory(event[0]) if event else ""
        if e.entity in TRAJECTORY_ENTITIES:
            found = self.trajectories.get(key)
            return f"{self._school_of_trajectory(key)}, cyclus {found[1]}" if found else ""
        if e.entity in PARTNERSHIP_ENTITIES:
            link = self.partnerships.get(key)
            return f"{self.organisations.get(link[1], '')} bij {self.schools.get(link[0], '')}" if link else ""
        simple = {**dict.fromkeys(SCHOOL_ENTITIES, self.schools), **dict.fromkeys(ORGANISATION_ENTITIES,
                  self.organisations), **dict.fromkeys(CONTACT_ENTITIES, self.contacts), "tranche": self.tranches,
                  "trancheplan": self.plans, "app_user": self.users, "board": self.boards}
        if e.entity in simple:
            return str(simple[e.entity].get(key, ""))
        if e.entity == "meeting" and key in self.meetings:
            return f"vergadering van {self.meetings[key].strftime('%d-%m-%Y')}"
        return ""

    def value(self, field: str | None, value: str | None) -> str:
        """A stored value as shown: a name for an id, a Dutch label for a phase, type or role, dd-mm-jjjj."""
        if value is None or value == "":
            return "–"
        ids = {"school_id": self.schools, "organisation_id": self.organisations, "contact_id": self.contacts,
               "tranche_id": self.tranches, "municipality_id": self.municipalities, "region_id": self.regions,
               "board_id": self.boards, "user_id": self.users, "province_id": self.provinces}
        if field == "trajectory_id" and _as_int(value) is not None:
            found = self.trajectories.get(int(value))
            return f"cyclus {found[1]}" if found else value
        if field in ids and _as_int(value) is not None:
            return str(ids[field].get(int(value), value))
        labels = {"phase": PHASES, "type": ORGANISATION_TYPES, "role": {**PARTNERSHIP_ROLES, **ROLE_LABELS}}
        if field in labels:
            return str(labels[field].get(value, value))
        try:
            return date.fromisoformat(value).strftime("%d-%m-%Y") if len(value) == 10 else value
        except ValueError:
            return value


def _grouped(entries: Sequence[AuditEntry]) -> list[list[AuditEntry]]:
    """The rows of one change together (record() writes them with one time, user, action and entity)."""
    groups: list[list[AuditEntry]] = []
    for e in entries:
        last = groups[-1][0] if groups else None
        if last is not None and (last.at, last.username, last.action, last.entity, last.entity_id, last.detail) == (
                e.at, e.username, e.action, e.entity, e.entity_id, e.detail):
            groups[-1].append(e)
        else:
            groups.append([e])
    return groups


def school_clause(session: Session, text: str) -> ColumnElement[bool]:
    """The entries about a school (its code, or any school whose name contains the text): the school itself,
    its trajectories and their phases, its partnerships."""
    wanted = text.strip()
    if not wanted:
        return true()
    schools = list(session.scalars(select(col(School.id)).where(or_(
        col(School.code) == wanted.upper(), col(School.name).ilike(f"%{wanted}%"))).limit(200)))
    if not schools:
        return false()
    trajectories = list(session.scalars(select(col(Trajectory.id)).where(col(Trajectory.school_id).in_(schools))))
    events = list(session.scalars(select(col(PhaseEvent.id)).where(col(PhaseEvent.trajectory_id).in_(trajectories))))
    partnerships = list(session.scalars(select(col(Partnership.id)).where(col(Partnership.school_id).in_(schools))))

    def about(entities: tuple[str, ...], ids: Sequence[int | None]) -> ColumnElement[bool]:
        return and_(col(AuditEntry.entity).in_(entities), col(AuditEntry.entity_id).in_([str(i) for i in ids]))

    return or_(about(SCHOOL_ENTITIES, schools), about(TRAJECTORY_ENTITIES, trajectories),
               about(EVENT_ENTITIES, events), about(PARTNERSHIP_ENTITIES, partnerships))


def readable_log(session: Session, *, limit: int = 500, username: str | None = None,
                 school: str | None = None) -> list[AuditRow]:
    """The newest `limit` audit rows (optionally of one user, or about one school), one row per change."""
    stmt = select(AuditEntry)
    if username:
        stmt = stmt.where(col(AuditEntry.username) == username)
    if school:
        stmt = stmt.where(school_clause(session, school))
    entries = list(session.scalars(stmt.order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
                                   .limit(max(0, min(limit, 10_000)))))
    names = _Names(session, entries)
    users = dict(session.execute(select(col(User.username), col(User.display_name))).tuples().all())
    rows = []
    for group in _grouped(entries):
        first = group[0]
        changes = "; ".join(
            f"{FIELDS.get(field, field)}: " + (names.value(field, new) if old is None else
                                               f"{names.value(field, old)} → {names.value(field, new)}")
            for e in sorted(group, key=lambda x: x.id or 0) for field, old, new in expand(e) if field)
        who = users.get(first.username) or ""
        rows.append(AuditRow(at=local_time(first.at), user=f"{who} ({first.username})" if who else first.username,
                             action=action_label(first.entity, first.action),
                             subject=names.subject(first), changes=changes, detail=first.detail))
    return rows


def user_choices(session: Session) -> list[dict[str, str]]:
    """Everyone who appears in the log (also removed or system users), for the filter."""
    names = session.scalars(select(col(AuditEntry.username)).distinct().order_by(col(AuditEntry.username))).all()
    shown = dict(session.execute(select(col(User.username), col(User.display_name))).tuples().all())
    return [{"label": f"{shown[n]} ({n})" if shown.get(n) else n, "value": n} for n in names]

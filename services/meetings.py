"""The steering group's meetings per region or province (models.Meeting): read by everyone who may
read the area, kept by its coordinators and the beheerder (services.permissions.can_edit_meetings),
every change in the audit log. Also the compare date of Overzicht, Gemeenten and the meeting
report, which defaults to the latest meeting before the peildatum (domain.compare_choice)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, select

from domain.compare_choice import CompareChoice, choose_compare_date
from domain.dates import format_nl
from domain.scope import COMPARE_PARAM, Scope
from models import Meeting
from services import audit
from services.errors import NotFound
from services.permissions import Principal, ensure_can_edit_meetings

ENTITY = "meeting"
MAX_NOTES = 2000


class MeetingRefused(ValueError):
    """A meeting that cannot be stored (Dutch message)."""


@dataclass(frozen=True)
class MeetingRow:
    id: int
    held_on: date
    notes: str
    created_by: str


def _area_clause(scope: Scope) -> list:
    if scope.region_id is not None:
        return [col(Meeting.region_id) == scope.region_id]
    if scope.province_id is not None:
        return [col(Meeting.province_id) == scope.province_id]
    return []


def meetings_of(session: Session, scope: Scope) -> list[MeetingRow]:
    """The meetings of the scope's region or province, newest first (none for the whole country)."""
    clause = _area_clause(scope)
    if not clause:
        return []
    rows = session.exec(select(Meeting).where(*clause)
                        .order_by(col(Meeting.held_on).desc(), col(Meeting.id).desc())).all()
    return [MeetingRow(m.id or 0, m.held_on, m.notes, m.created_by) for m in rows]


def compare_choice(session: Session, scope: Scope, query: Mapping[str, str]) -> CompareChoice:
    """The compare date for a page or report: ?vergelijk= if it is before the peildatum, else the
    latest meeting of the area before the peildatum, else three months before it."""
    return choose_compare_date(query.get(COMPARE_PARAM), scope.as_of, [m.held_on for m in meetings_of(session, scope)])


def add_meeting(session: Session, principal: Principal, scope: Scope, held_on: date, notes: str) -> MeetingRow:
    """Store a meeting of the scope's region or province (PermissionDenied, MeetingRefused)."""
    ensure_can_edit_meetings(principal, scope.region_id, scope.province_id)
    notes = notes.strip()
    if len(notes) > MAX_NOTES:
        raise MeetingRefused(f"De aantekeningen zijn te lang (hoogstens {MAX_NOTES} tekens).")
    if any(m.held_on == held_on for m in meetings_of(session, scope)):
        raise MeetingRefused(f"Er staat al een vergadering op {format_nl(held_on)}.")
    meeting = Meeting(region_id=scope.region_id, province_id=scope.province_id, held_on=held_on, notes=notes,
                      created_by=principal.username)
    session.add(meeting)
    session.flush()
    audit.record(session, username=principal.username, action="create", entity=ENTITY, entity_id=meeting.id,
                 changes={"held_on": (None, held_on), "notes": (None, notes),
                          "region_id": (None, scope.region_id), "province_id": (None, scope.province_id)})
    return MeetingRow(meeting.id or 0, held_on, notes, principal.username)


def delete_meeting(session: Session, principal: Principal, meeting_id: int) -> MeetingRow:
    """Remove a meeting (its area's editors only); the audit log keeps what it was."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound("Vergadering")
    ensure_can_edit_meetings(principal, meeting.region_id, meeting.province_id)
    row = MeetingRow(meeting_id, meeting.held_on, meeting.notes, meeting.created_by)
    audit.record(session, username=principal.username, action="delete", entity=ENTITY, entity_id=meeting_id,
                 changes={"held_on": (meeting.held_on, None), "notes": (meeting.notes, None)})
    session.delete(meeting)
    return row

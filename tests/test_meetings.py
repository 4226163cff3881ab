"""Steering-group meetings (issue 14): the compare date rule, who keeps the meetings, the audit log."""
from __future__ import annotations

from datetime import date

import pytest
from conftest import DEMO_TODAY
from sqlmodel import select

from domain.compare_choice import choose_compare_date
from domain.scope import Scope
from models import AuditEntry, Province, Region
from models.db import session_scope
from services import meetings
from services.permissions import PermissionDenied, Principal

AS_OF = date(2026, 11, 23)


@pytest.mark.unit
def test_meet001_default_is_the_latest_meeting_before_the_peildatum_else_three_months():
    dates = [date(2026, 3, 10), date(2026, 9, 15), date(2026, 11, 23), date(2027, 1, 5)]
    choice = choose_compare_date(None, AS_OF, dates)
    assert (choice.on, choice.meeting, choice.explicit, choice.warnings) == (date(2026, 9, 15), True, False, [])
    assert choice.label == "de vergadering van 15-09-2026"
    # the peildatum moves back: the default follows it
    assert choose_compare_date(None, date(2026, 6, 30), dates).on == date(2026, 3, 10)
    # no meeting before it: three months earlier
    early = choose_compare_date(None, date(2026, 3, 10), dates)
    assert (early.on, early.meeting) == (date(2025, 12, 10), False)
    assert choose_compare_date(None, AS_OF, []).on == date(2026, 8, 23)


@pytest.mark.unit
def test_meet002_a_compare_date_on_or_after_the_peildatum_is_refused_in_dutch():
    dates = [date(2026, 3, 10)]
    # the URL still holds the compare date chosen at a later peildatum
    choice = choose_compare_date("2026-09-01", date(2025, 6, 30), dates)
    assert choice.on == date(2025, 3, 30) and not choice.explicit
    assert choice.warnings == ["De vergelijkdatum 01-09-2026 ligt niet vóór de peildatum 30-06-2025; vergeleken "
                               "met drie maanden eerder (30-03-2025)."]
    same = choose_compare_date("2026-11-23", AS_OF, dates)
    assert same.on == date(2026, 3, 10) and "laatste vergadering ervoor (10-03-2026)" in same.warnings[0]
    bad = choose_compare_date("31-02-2026", AS_OF, dates)
    assert bad.on == date(2026, 3, 10) and bad.warnings[0].startswith("Vergelijkdatum:")
    # a valid explicit date is kept (and known as a meeting when it is one)
    kept = choose_compare_date("2026-03-10", AS_OF, dates)
    assert (kept.on, kept.meeting, kept.explicit, kept.warnings) == (date(2026, 3, 10), True, True, [])
    assert choose_compare_date("01-10-2026", AS_OF, dates).on == date(2026, 10, 1)


def _ids(session) -> tuple[int, int, int]:
    region = session.exec(select(Region).where(Region.name == "Maastricht-Heuvelland")).one()
    other = session.exec(select(Region).where(Region.name != "Maastricht-Heuvelland")).first()
    province = session.exec(select(Province).where(Province.name == "Limburg")).one()
    return region.id, other.id, province.id


def test_meet003_coordinator_and_beheerder_keep_meetings_others_may_not(demo_db):
    with session_scope() as session:
        region_id, other_region, province_id = _ids(session)
    admin = Principal(1, "t-admin", "beheerder")
    coordinator = Principal(2, "t-coord", "coordinator", region_ids=frozenset({region_id}))
    steering = Principal(3, "t-stuur", "stuurgroeplid", province_ids=frozenset({province_id}))
    region, province = Scope(AS_OF, region_id=region_id), Scope(AS_OF, province_id=province_id)
    with session_scope() as session:
        meetings.add_meeting(session, coordinator, region, date(2026, 9, 15), "Besluit: tranche 4 start in januari.")
        meetings.add_meeting(session, admin, region, date(2026, 6, 1), "")
        meetings.add_meeting(session, admin, province, date(2026, 10, 1), "Provinciale stuurgroep")
    for who, scope in ((steering, region), (steering, province), (coordinator, province),
                       (coordinator, Scope(AS_OF, region_id=other_region))):
        with pytest.raises(PermissionDenied), session_scope() as session:
            meetings.add_meeting(session, who, scope, date(2026, 9, 16), "x")
    with pytest.raises(meetings.MeetingRefused, match="al een vergadering op 15-09-2026"), session_scope() as s:
        meetings.add_meeting(s, admin, region, date(2026, 9, 15), "dubbel")
    with session_scope() as session:
        rows = meetings.meetings_of(session, region)
        assert [(m.held_on, m.notes) for m in rows] == [(date(2026, 9, 15), "Besluit: tranche 4 start in januari."),
                                                        (date(2026, 6, 1), "")]
        assert [m.held_on for m in meetings.meetings_of(session, province)] == [date(2026, 10, 1)]
        assert meetings.meetings_of(session, Scope(AS_OF)) == []
        # the compare date of the region: its latest meeting before the peildatum
        assert meetings.compare_choice(session, region, {}).on == date(2026, 9, 15)
        assert meetings.compare_choice(session, region, {"vergelijk": "2026-06-01"}).on == date(2026, 6, 1)
        assert meetings.compare_choice(session, Scope(date(2026, 7, 1), region_id=region_id), {}).on == date(2026, 6, 1)
        audited = session.exec(select(AuditEntry).where(AuditEntry.entity == "meeting")).all()
        assert {(a.username, a.action) for a in audited} == {("t-coord", "create"), ("t-admin", "create")}
        assert any(a.field == "notes" and a.new_value == "Besluit: tranche 4 start in januari." for a in audited)
    with pytest.raises(PermissionDenied), session_scope() as session:
        meetings.delete_meeting(session, steering, rows[1].id)
    with session_scope() as session:
        meetings.delete_meeting(session, coordinator, rows[1].id)
        assert [m.held_on for m in meetings.meetings_of(session, region)] == [date(2026, 9, 15)]
        deleted = session.exec(select(AuditEntry).where(AuditEntry.entity == "meeting",
                                                        AuditEntry.action == "delete")).all()
        assert {a.old_value for a in deleted} >= {"2026-06-01"}
    assert DEMO_TODAY == AS_OF

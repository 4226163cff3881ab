"""Issue 15's rough edges without a browser: the readable audit log, the school search, the board's
scope label, and the one rule for showing write forms."""
from __future__ import annotations

from datetime import date

from conftest import DEMO_TODAY, USERS
from sqlalchemy import func, select

from domain.certification import PHASES, allowed_next
from domain.scope import Scope
from models import Board, Municipality, PhaseEvent, Region, School, Trajectory
from models.db import session_scope
from seed import demo_data
from services import audit_log, permissions, trajectories
from services.areas import scope_label
from services.auth import get_user
from services.school_search import search_schools


def _principal(session, role: str) -> permissions.Principal:
    return permissions.principal_for(session, get_user(session, USERS[role][0]))


def _open_trajectory(session) -> tuple[School, Trajectory, str]:
    """A school in Maastricht-Heuvelland with a trajectory that can move on, and its last phase."""
    for trajectory in session.scalars(select(Trajectory).order_by(Trajectory.id)):
        last = session.scalars(select(PhaseEvent).where(PhaseEvent.trajectory_id == trajectory.id)
                               .order_by(PhaseEvent.on.desc(), PhaseEvent.id.desc())).first()
        school = session.get(School, trajectory.school_id)
        region = session.get(Region, session.get(Municipality, school.municipality_id).region_id)
        if last and allowed_next(last.phase) and region.name == "Maastricht-Heuvelland" and last.on <= DEMO_TODAY:
            return school, trajectory, last.phase
    raise AssertionError("no open trajectory in the demo")


def test_edges001_a_recorded_phase_reads_as_a_dutch_row_with_names_and_local_time(demo_db):
    with session_scope() as session:
        coordinator = _principal(session, "coordinator")
        school, trajectory, phase = _open_trajectory(session)
        new_phase = allowed_next(phase)[0]
        trajectories.record_transition(session, coordinator, trajectory.id, new_phase, DEMO_TODAY, "gesprek gevoerd")
        name, code = school.name, school.code
    with session_scope() as session:
        rows = audit_log.readable_log(session, limit=50)
    row = next(r for r in rows if r.action == "Fase vastgelegd")
    assert row.subject == f"{name} ({code})"                       # not "phaseevent 591"
    assert f"fase: {PHASES[new_phase]}" in row.changes             # the label, not the stored key
    assert f"datum: {DEMO_TODAY.strftime('%d-%m-%Y')}" in row.changes
    assert "school_id" not in row.changes and "trajectory_id" not in row.changes
    assert row.user == f"Test coordinator ({USERS['coordinator'][0]})"
    assert row.detail == "gesprek gevoerd"
    # dd-mm-jjjj uu:mm in Europe/Amsterdam: on the fixed test day (winter) one hour ahead of UTC
    assert row.at.startswith(DEMO_TODAY.strftime("%d-%m-%Y")) and len(row.at) == 16


def test_edges002_the_audit_log_filters_per_school_and_per_user(demo_db):
    with session_scope() as session:
        coordinator = _principal(session, "coordinator")
        school, trajectory, phase = _open_trajectory(session)
        trajectories.record_transition(session, coordinator, trajectory.id, allowed_next(phase)[0], DEMO_TODAY, "")
        code, name = school.code, school.name
    with session_scope() as session:
        about = audit_log.readable_log(session, school=code)
        assert about and all(name in r.subject for r in about)
        assert audit_log.readable_log(session, school="geen-school-heet-zo") == []
        mine = audit_log.readable_log(session, username=USERS["coordinator"][0])
        assert mine and all(r.user.endswith(f"({USERS['coordinator'][0]})") for r in mine)
        assert USERS["coordinator"][0] in [o["value"] for o in audit_log.user_choices(session)]


def test_edges003_local_times_and_action_names():
    from datetime import UTC, datetime

    assert audit_log.local_time(datetime(2026, 7, 1, 12, 5, tzinfo=UTC)) == "01-07-2026 14:05"   # summer: +2
    assert audit_log.local_time(datetime(2026, 11, 23, 12, 5)) == "23-11-2026 13:05"              # naive = UTC
    assert audit_log.action_label("samenwerking", "update") == "Partnerschap gewijzigd"
    assert audit_log.action_label("organisatie", "end") == "Organisatie beëindigd"


def test_edges004_the_search_finds_by_name_code_and_town_only_what_the_user_may_see(demo_db):
    with session_scope() as session:
        admin, board = _principal(session, "beheerder"), _principal(session, "bestuurder")
        school = session.scalars(select(School).where(School.active).order_by(School.id)).first()
        by_name = search_schools(session, admin, school.name[:12].lower())
        assert school.code in [h.code for h in by_name]
        assert [h.code for h in search_schools(session, admin, school.code.lower())][0] == school.code
        assert school.code in [h.code for h in search_schools(session, admin, school.code[:4])]
        town = session.get(Municipality, school.municipality_id).name
        assert all(h.place for h in search_schools(session, admin, town))
        assert search_schools(session, admin, "a") == []             # one letter: nothing
        assert search_schools(session, admin, "%") == []             # a wildcard is a character
        # a bestuurder finds only the board's schools
        board_ids = board.board_ids
        for hit in search_schools(session, board, "vmbo", limit=50):
            found = session.scalars(select(School).where(School.code == hit.code)).one()
            assert found.board_id in board_ids


def test_edges005_a_board_scope_is_labelled_as_the_boards(demo_db):
    with session_scope() as session:
        board_user = _principal(session, "bestuurder")
        region = session.scalars(select(Region).where(Region.name == "Maastricht-Heuvelland")).one()
        board = session.scalars(select(Board).where(Board.number == demo_data.BOARDS[0][0])).one()
        scope = Scope(region_id=region.id, as_of=date(2026, 11, 23))
        assert scope_label(session, scope, board_user) == (
            f"Scholen van bestuur {board.name} in regio Maastricht-Heuvelland")
        assert scope_label(session, scope, _principal(session, "coordinator")) == "Regio Maastricht-Heuvelland"
        assert scope_label(session, scope) == "Regio Maastricht-Heuvelland"


def test_edges006_only_writing_roles_get_write_forms(demo_db):
    with session_scope() as session:
        shown = {role: permissions.can_write_anything(_principal(session, role)) for role in USERS}
    assert shown == {"beheerder": True, "coordinator": True, "stuurgroeplid": False, "bestuurder": False}


def test_edges007_a_contact_at_another_regions_organisation_is_refused_with_the_reason(demo_db):
    import pytest

    from models import Organisation
    from services import partnerships

    with session_scope() as session:
        coordinator = _principal(session, "coordinator")
        parkstad = session.scalars(select(Region).where(Region.name == "Parkstad Limburg")).one()
        org = session.scalars(select(Organisation).join(Municipality, Organisation.municipality_id == Municipality.id)
                              .where(Municipality.region_id == parkstad.id).order_by(Organisation.id)).first()
        with pytest.raises(permissions.PermissionDenied) as refused:
            partnerships.add_contact(session, coordinator, organisation_id=org.id, name="Nieuwe Persoon")
    assert str(refused.value) == (
        f"Geen toegang: {org.name} hoort bij regio Parkstad Limburg; alleen de coördinator van die regio "
        "(of de beheerder) kan de organisatie en haar contactpersonen wijzigen of aanvullen.")


def test_edges008_the_organisation_choices_follow_the_link_rule(demo_db):
    """The Netwerk form offers only organisations of the school's region (or already working with it)."""
    from models import Organisation, Partnership
    from services import partnerships

    with session_scope() as session:
        coordinator = _principal(session, "coordinator")
        school, _trajectory, _phase = _open_trajectory(session)
        region_id = session.get(Municipality, school.municipality_id).region_id
        offered = {o["value"] for o in partnerships.organisation_choices(session, coordinator, school.id)}
        assert offered
        linked = set(session.scalars(select(Partnership.organisation_id).where(Partnership.school_id == school.id)))
        for org in session.scalars(select(Organisation).where(Organisation.id.in_(offered))):
            if org.id in linked:
                continue
            if org.municipality_id is not None:      # in the school's region
                assert session.get(Municipality, org.municipality_id).region_id == region_id
            else:                                    # without one: working with a school the coordinator may edit
                served = session.scalars(select(Municipality.region_id).join(
                    School, School.municipality_id == Municipality.id).join(
                    Partnership, Partnership.school_id == School.id).where(Partnership.organisation_id == org.id))
                assert set(served) & coordinator.region_ids
        assert len(offered) < session.scalar(select(func.count()).select_from(Organisation))

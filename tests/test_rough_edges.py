"""Issue 15's rough edges without a browser: the readable audit log, the school search, the board's
scope label, and the one rule for showing write forms."""
from __future__ import annotations

from datetime import date

from conftest import DEMO_TODAY, USERS
from sqlalchemy import select

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

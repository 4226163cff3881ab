"""Personal data (issue 13, finding 6): one list (services.permissions.PERSONAL_FIELDS) used by the
school page and the exports; "Vastgelegd door" only for the roles that may see personal data."""
from __future__ import annotations

import pytest
from conftest import USERS, client_login
from sqlalchemy import select
from test_access_routes import _call

from dataio.exchange_schema import SHEETS
from models import Board, Municipality, PhaseEvent, Province, Region, School, Trajectory
from models.db import session_scope
from seed import demo_data
from services.permissions import PERSONAL_FIELDS


@pytest.fixture(scope="module")
def school_with_history(demo_db) -> tuple[str, str]:
    """A school every test user may read (the bestuurder's board, in Limburg), with a recorded phase."""
    with session_scope() as session:
        row = session.execute(
            select(School.code, PhaseEvent.recorded_by)
            .join(Trajectory, Trajectory.school_id == School.id)
            .join(PhaseEvent, PhaseEvent.trajectory_id == Trajectory.id)
            .join(Board, Board.id == School.board_id).join(Municipality, Municipality.id == School.municipality_id)
            .join(Region, Region.id == Municipality.region_id).join(Province, Province.id == Region.province_id)
            .where(Board.number == demo_data.BOARDS[0][0], Province.name == "Limburg",
                   Region.name == "Maastricht-Heuvelland", PhaseEvent.recorded_by != "")
            .order_by(School.code)).first()
    assert row is not None, "the demo has such a school"
    return row[0], row[1]


def _school_page(dash_app, role: str, code: str) -> str:
    client = dash_app.server.test_client()
    client_login(client, USERS[role][0])
    response = _call(client, dash_app, "_pages_content.children", {
        "_pages_location.pathname": f"/school/{code}", "_pages_location.search": "?peildatum=2026-11-23"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["stuurgroeplid", "bestuurder"])
def test_recording_user_is_hidden_from_roles_without_personal_data(dash_app, school_with_history, role):
    code, recorder = school_with_history
    body = _school_page(dash_app, role, code)
    assert "school-history" in body and "Fasegeschiedenis" in body
    assert "Vastgelegd door" not in body and recorder not in body


@pytest.mark.parametrize("role", ["beheerder", "coordinator"])
def test_recording_user_is_shown_to_roles_with_personal_data(dash_app, school_with_history, role):
    code, recorder = school_with_history
    body = _school_page(dash_app, role, code)
    assert "Vastgelegd door" in body and recorder in body


def test_the_exchange_export_leaves_out_exactly_the_personal_fields():
    marked = {(sheet.name, col.name) for sheet in SHEETS for col in sheet.cols if col.personal}
    assert marked == set(PERSONAL_FIELDS.values())


@pytest.mark.parametrize(("role", "sees"), [("stuurgroeplid", False), ("bestuurder", False), ("coordinator", True)])
def test_the_school_profile_itself_carries_the_recording_user_only_for_roles_that_may_see_it(
        dash_app, school_with_history, role, sees):
    from datetime import date

    from services import auth, permissions, school_profile

    code, recorder = school_with_history
    with session_scope() as session:
        principal = permissions.principal_for(session, auth.get_user(session, USERS[role][0]))
        profile = school_profile.school_profile(session, code, date(2026, 11, 23), principal)
    recorders = {e.recorded_by for t in profile.trajectories for e in t.events}
    assert (recorder in recorders) is sees and (recorders == {""}) is not sees

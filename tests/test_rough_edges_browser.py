"""Issue 15's rough edges in the browser: the school search, school names that open the school page
(keeping peildatum and area) for a stuurgroeplid and a bestuurder, the board's scope labelled as such,
no write forms for read-only roles, the expiry list on first view, the Netwerk tab kept."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from conftest import USERS, choose, login, region_key, start, wait_until
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from sqlalchemy import select

from models import Board, Municipality, Region, School
from models.db import session_scope
from seed import demo_data

PEILDATUM = "2026-10-01"


def _query(duo) -> dict[str, list[str]]:
    return parse_qs(urlparse(duo.driver.current_url).query)


def _board_school() -> School:
    """An active school of the test bestuurder's board in Maastricht-Heuvelland (the coordinator's region)."""
    with session_scope() as session:
        board = session.scalars(select(Board).where(Board.number == demo_data.BOARDS[0][0])).one()
        region = session.scalars(select(Region).where(Region.name == "Maastricht-Heuvelland")).one()
        return session.scalars(select(School).join(Municipality, School.municipality_id == Municipality.id)
                               .where(School.board_id == board.id, School.active, Municipality.region_id == region.id)
                               .order_by(School.name)).first()


def _follow(duo, link) -> None:
    """Click a link like a user: scrolled into the middle of the window first (no bar in front of it)."""
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", link)
    link.click()


@pytest.fixture
def as_role(dash_duo, dash_app):
    def log_in(role: str):
        start(dash_duo, dash_app)
        login(dash_duo, USERS[role][0])
        return dash_duo
    return log_in


def test_edges101_the_search_opens_a_school_by_keyboard_keeping_the_peildatum(as_role):
    duo = as_role("coordinator")
    school = _board_school()
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={PEILDATUM}")
    duo.wait_for_element("#cert-grid")
    box = duo.wait_for_element("#school-search")
    box.send_keys(school.name[:14])
    duo.wait_for_contains_text("#school-search-results", school.name)
    duo.wait_for_contains_text("#school-search-status", "gevonden")
    box.send_keys(Keys.ARROW_DOWN)                      # to the first hit
    assert duo.driver.switch_to.active_element.tag_name == "a"
    hits = duo.find_elements("#school-search-list a")
    target = next(i for i, a in enumerate(hits) if school.name in a.text)
    for _ in range(target):
        duo.driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    duo.driver.switch_to.active_element.send_keys(Keys.ENTER)
    duo.wait_for_text_to_equal("#school-name", school.name)
    assert urlparse(duo.driver.current_url).path == f"/school/{school.code}"
    assert _query(duo)["peildatum"] == [PEILDATUM] and _query(duo)["gebied"] == [area]
    wait_until(lambda: duo.find_element("#school-search").get_attribute("value") == "")   # cleared on a new page
    # a code finds it too, and Enter in the field opens the first hit
    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={PEILDATUM}")
    box = duo.wait_for_element("#school-search")
    box.send_keys(school.code)
    duo.wait_for_contains_text("#school-search-list", school.code)
    box.send_keys(Keys.ENTER)
    duo.wait_for_text_to_equal("#school-name", school.name)
    assert duo.get_logs() == []


def test_edges102_a_stuurgroeplid_opens_a_school_from_the_grid_and_goes_on_to_its_network(as_role):
    duo = as_role("stuurgroeplid")
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={PEILDATUM}")
    link = duo.wait_for_element("#cert-grid a.school-link")
    name = link.text
    assert not duo.driver.find_elements(By.ID, "cert-record")          # read-only: no recorder form
    link.click()
    duo.wait_for_text_to_equal("#school-name", name)
    assert _query(duo)["peildatum"] == [PEILDATUM] and _query(duo)["gebied"] == [area]
    network_link = duo.wait_for_element("#school-network-link")
    network_query = parse_qs(urlparse(network_link.get_attribute("href")).query)
    assert network_query["gebied"] == [area] and network_query["peildatum"] == [PEILDATUM]
    # the Gemeenten page's list of changes links the schools too
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={PEILDATUM}")
    link = duo.wait_for_element("a.school-link")
    name = link.text
    _follow(duo, link)
    duo.wait_for_text_to_equal("#school-name", name)
    assert duo.get_logs() == []


def test_edges103_a_bestuurder_sees_the_boards_schools_labelled_and_opens_them(as_role):
    duo = as_role("bestuurder")
    area = region_key("Maastricht-Heuvelland")
    with session_scope() as session:
        board = session.scalars(select(Board).where(Board.number == demo_data.BOARDS[0][0])).one().name
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={PEILDATUM}")
    duo.wait_for_contains_text("#scope-description",
                               f"Scholen van bestuur {board} in regio Maastricht-Heuvelland")
    assert "Regio Maastricht-Heuvelland" not in duo.find_element("#scope-description").text
    assert not duo.driver.find_elements(By.ID, "cert-record")          # no recorder form
    assert not duo.driver.find_elements(By.ID, "cert-forecast")        # no board-versus-region capacity
    duo.wait_for_contains_text("#cert-forecast-over", "niet")
    # the first expiry tab shows its list at once, with school links
    expiring = duo.wait_for_element("#cert-expiry-6")
    assert expiring.is_displayed()
    link = expiring.find_element(By.CSS_SELECTOR, "a.school-link")
    name = link.text
    _follow(duo, link)
    duo.wait_for_text_to_equal("#school-name", name)
    assert _query(duo)["peildatum"] == [PEILDATUM]
    # the overview says whose figures they are too
    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={PEILDATUM}")
    duo.wait_for_contains_text("#scope-description", f"Scholen van bestuur {board}")
    duo.wait_for_contains_text("#ov-per-municipality", f"Per gemeente, alleen de scholen van bestuur {board}")
    assert duo.get_logs() == []


# Per page, the controls that write (ids of the pages' modules).
WRITE_CONTROLS = {
    "/certificering": ["cert-record", "cert-note"],
    "/netwerk": ["net-editor"],
    "/gemeenten": ["cmp-meeting-add"],
    "/gegevens": ["data-upload"],
    "/planning": ["plan-new-create", "plan-save", "plan-save-name", "plan-add", "plan-remove", "plan-confirm"],
}


@pytest.mark.parametrize("role", ["stuurgroeplid", "bestuurder"])
def test_edges104_read_only_roles_get_no_write_forms_on_any_page(as_role, role):
    duo = as_role(role)
    area = region_key("Maastricht-Heuvelland")
    for path, controls in WRITE_CONTROLS.items():
        if path == "/planning" and role == "bestuurder":
            continue   # not a page of the bestuurder (services.permissions.PLAN_ROLES)
        duo.wait_for_page(f"{duo.server_url}{path}?gebied={area}")
        duo.wait_for_element("#_pages_content h2")
        if path == "/planning":
            duo.wait_for_element("#plan-grid")
        for control in controls:   # not in the page, or (kept for the page's own callbacks) not shown
            assert not [e for e in duo.driver.find_elements(By.ID, control) if e.is_displayed()], \
                f"{role} sees {control} on {path}"
        logs = duo.get_logs()
        assert logs == [], (path, [entry["message"][100:500] for entry in logs])


def test_edges105_changing_the_area_on_netwerk_keeps_the_tab(as_role):
    duo = as_role("beheerder")
    duo.wait_for_page(f"{duo.server_url}/netwerk?gebied={region_key('Maastricht-Heuvelland')}")
    duo.wait_for_element("#net-tabs")
    duo.driver.find_elements(By.CSS_SELECTOR, "#net-tabs .nav-link")[1].click()
    duo.wait_for_contains_text("#net-area-summary", "scholen")
    choose(duo, "#scope-area", "Regio Parkstad Limburg")
    wait_until(lambda: _query(duo).get("gebied") == [region_key("Parkstad Limburg")])
    duo.wait_for_contains_text("#net-area-summary", "scholen")
    assert "active" in duo.driver.find_elements(By.CSS_SELECTOR, "#net-tabs .nav-link")[1].get_attribute("class")
    assert duo.get_logs() == []

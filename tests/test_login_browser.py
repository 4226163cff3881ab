"""Browser tests of logging in and out, what each role sees, and the Beheer page."""
from __future__ import annotations

from conftest import DEMO_TODAY, PASSWORD, USERS, click, login, start
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from domain import clock
from models.db import session_scope
from services import auth, permissions

XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>"


def _principal(username: str) -> permissions.Principal:
    with session_scope() as session:
        return permissions.principal_for(session, auth.get_user(session, username))


def _area_labels(duo) -> list[str]:
    duo.find_element("#scope-area").click()
    duo.wait_for_element(".dash-dropdown-option")
    labels = [o.text for o in duo.find_elements(".dash-dropdown-option")]
    duo.find_element("body").send_keys("\ue00c")  # Escape
    return labels


def _expected_labels(username: str) -> list[str]:
    with session_scope() as session:
        return [o["label"] for o in permissions.readable_area_options(session, _principal(username))]


def _nav_links(duo) -> list[str]:
    return [a.text for a in duo.driver.find_elements(By.CSS_SELECTOR, ".navbar-nav a")]


def _no_alert(duo) -> None:
    try:
        _ = duo.driver.switch_to.alert  # raises when there is none
    except NoAlertPresentException:
        return
    raise AssertionError("a JavaScript alert appeared")


def test_auth001_log_in_and_out(dash_duo, dash_app):
    start(dash_duo, dash_app)
    dash_duo.driver.get(f"{dash_duo.server_url}/")
    dash_duo.wait_for_element("#login-form")           # not logged in: the login page
    login(dash_duo, USERS["beheerder"][0])
    dash_duo.wait_for_contains_text("#nav-user", "beheerder")
    dash_duo.wait_for_element("#ov-kpi-schools")
    click(dash_duo, "#logout-button")
    dash_duo.wait_for_element("#login-form")
    dash_duo.driver.get(f"{dash_duo.server_url}/gegevens")
    dash_duo.wait_for_element("#login-form")           # the session is gone
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#nav-user")
    assert dash_duo.get_logs() == []


def test_auth002_wrong_password_shows_a_dutch_error(dash_duo, dash_app):
    start(dash_duo, dash_app)
    login(dash_duo, USERS["stuurgroeplid"][0], "Helemaal-fout-123", expect_success=False)
    assert "onjuist wachtwoord" in dash_duo.find_element("#login-error").text
    login(dash_duo, USERS["stuurgroeplid"][0], PASSWORD)   # and the right one still works
    assert dash_duo.get_logs() == []


def test_auth003_each_role_sees_its_own_areas_and_menu(dash_duo, dash_app):
    start(dash_duo, dash_app)
    for role in ("coordinator", "bestuurder", "stuurgroeplid", "beheerder"):
        username = USERS[role][0]
        dash_duo.driver.delete_all_cookies()
        login(dash_duo, username)
        dash_duo.wait_for_element("#ov-kpi-schools")
        labels = _area_labels(dash_duo)
        assert labels == _expected_labels(username), role
        if role == "coordinator":
            assert labels == ["Regio Maastricht-Heuvelland"]
        if role == "beheerder":
            assert "Heel Nederland" in labels
        else:
            assert "Heel Nederland" not in labels
        assert ("Beheer" in _nav_links(dash_duo)) == (role == "beheerder"), role
        if role == "bestuurder":
            # the overview counts only the board's own schools
            from domain.scope import Scope, parse_area_key
            from services.report import overview_report

            area = dash_duo.find_element("#scope-area").text
            key = next(o["value"] for o in _options(username) if o["label"] in area)
            region_id, province_id = parse_area_key(key)
            with session_scope() as session:
                expected = overview_report(session, Scope(as_of=_today(), region_id=region_id,
                                                          province_id=province_id), _principal(username))
            dash_duo.wait_for_text_to_equal("#ov-kpi-schools", str(expected["totals"]["schools"]))
    assert dash_duo.get_logs() == []


def _options(username: str) -> list[dict]:
    with session_scope() as session:
        return permissions.readable_area_options(session, _principal(username))


def _today():

    return clock.today()


def test_auth004_forbidden_area_in_the_url_is_refused(dash_duo, dash_app):
    start(dash_duo, dash_app)
    login(dash_duo, USERS["coordinator"][0])
    dash_duo.wait_for_page(f"{dash_duo.server_url}/?gebied=nl&peildatum={DEMO_TODAY.isoformat()}")
    dash_duo.wait_for_contains_text("#access-denied", "Geen toegang")
    assert not dash_duo.driver.find_elements(By.CSS_SELECTOR, "#ov-kpi-schools")
    dash_duo.wait_for_page(f"{dash_duo.server_url}/beheer")
    dash_duo.wait_for_contains_text("#access-denied", "Geen toegang")
    # a coordinator imports for the own region only, and never the national DUO register
    dash_duo.wait_for_page(f"{dash_duo.server_url}/gegevens")
    dash_duo.wait_for_element("#data-import-limited")
    assert [o.text for o in dash_duo.find_elements("#data-kind label")] == [
        "Uitwisselbestand (.xlsx of zip met CSV-bestanden)"]
    assert dash_duo.get_logs() == []


def test_auth005_admin_adds_a_user_and_sees_the_password_once(duo):
    duo.wait_for_page(f"{duo.server_url}/beheer")
    duo.wait_for_element("#admin-user-table")
    duo.find_element("#admin-new-username").send_keys("t-browser-new")
    duo.find_element("#admin-new-name").send_keys(XSS)
    from conftest import choose

    choose(duo, "#admin-new-role", "coördinator")
    choose(duo, "#admin-new-scope", "Regio Maastricht-Heuvelland")
    click(duo, "#admin-add")
    duo.wait_for_element("#admin-new-password")
    password = duo.find_element("#admin-new-password").text
    assert len(password) == 19 and password.count("-") == 3
    duo.wait_for_contains_text("#admin-user-table", "t-browser-new")
    assert XSS in duo.find_element("#admin-user-table").text   # shown as text, not run
    _no_alert(duo)
    duo.wait_for_contains_text("#admin-audit-table", "t-browser-new")
    with session_scope() as session:
        user = auth.get_user(session, "t-browser-new")
        assert user is not None and user.role == "coordinator"
    # the new user can log in with the password shown
    duo.driver.delete_all_cookies()
    login(duo, "t-browser-new", password)
    assert duo.get_logs() == []

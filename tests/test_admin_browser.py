"""Beheer in the browser: disabling, enabling and resetting an account, each its own action."""
from __future__ import annotations

from datetime import UTC, datetime

from conftest import PASSWORD, choose, click, login

from models.db import session_scope
from services import auth


def _account_result(duo, text: str) -> None:
    duo.wait_for_contains_text("#admin-account-result", text)


def _wait_for_value(duo, selector: str, value: str) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(duo.driver, 10).until(lambda d: duo.find_element(selector).get_attribute("value") == value)


def test_adm001_disable_enable_and_reset_an_account(duo):
    with session_scope() as session:
        if auth.get_user(session, "t-adm-account") is None:
            auth.create_user(session, username="t-adm-account", role="stuurgroeplid", password=PASSWORD,
                             display_name="Account test", actor="tests")
    duo.wait_for_page(f"{duo.server_url}/beheer")
    duo.wait_for_element("#admin-user-table")
    click(duo, "#admin-disable")
    _account_result(duo, "Kies eerst een gebruiker.")

    choose(duo, "#admin-account", "t-adm-account")
    click(duo, "#admin-disable")
    _account_result(duo, "Gebruiker 't-adm-account' uitgeschakeld.")
    with session_scope() as session:
        assert auth.get_user(session, "t-adm-account").active is False
    duo.wait_for_contains_text("#admin-user-table", "uitgeschakeld")

    click(duo, "#admin-enable")
    _account_result(duo, "Gebruiker 't-adm-account' ingeschakeld.")
    with session_scope() as session:
        assert auth.get_user(session, "t-adm-account").active is True

    click(duo, "#admin-reset")
    duo.wait_for_element("#admin-reset-password")
    password = duo.find_element("#admin-reset-password").text
    assert len(password) == 19 and password != PASSWORD
    duo.wait_for_contains_text("#admin-audit-table", "t-adm-account")
    # the new password works, the old one no longer does
    duo.driver.delete_all_cookies()
    login(duo, "t-adm-account", PASSWORD, expect_success=False)
    login(duo, "t-adm-account", password)
    assert duo.get_logs() == []


def test_adm002_edit_a_user_and_a_stale_form_is_refused(duo):
    from sqlalchemy import select

    from models import Region, UserScope

    with session_scope() as session:
        first, second = session.scalars(select(Region).order_by(Region.name).limit(2)).all()
        if auth.get_user(session, "t-adm-edit") is None:
            auth.create_user(session, username="t-adm-edit", role="coordinator", password=PASSWORD,
                             display_name="Bewerk test", actor="tests")
            auth.assign_scope(session, "t-adm-edit", actor="tests", region_id=first.id)
        auth.get_user(session, "t-adm-edit").last_login_at = datetime(2026, 11, 23, 23, 30, tzinfo=UTC)
        second_name, second_id = second.name, second.id
    duo.wait_for_page(f"{duo.server_url}/beheer")
    duo.wait_for_element("#admin-user-table")
    duo.wait_for_contains_text("#admin-user-table", "24-11-2026 00:30")  # the last login in Dutch time, not UTC
    choose(duo, "#admin-account", "t-adm-edit")
    name = duo.wait_for_element("#admin-edit-name")
    _wait_for_value(duo, "#admin-edit-name", "Bewerk test")
    name.clear()
    name.send_keys("Bewerkt in de browser")
    choose(duo, "#admin-edit-scopes", f"Regio {second_name}")
    click(duo, "#admin-edit-save")
    duo.wait_for_contains_text("#admin-edit-saved", "Gebruiker 't-adm-edit' opgeslagen.")
    duo.wait_for_contains_text("#admin-user-table", "Bewerkt in de browser")
    with session_scope() as session:
        user = auth.get_user(session, "t-adm-edit")
        regions = set(session.scalars(select(UserScope.region_id).where(UserScope.user_id == user.id)))
        assert user.display_name == "Bewerkt in de browser" and second_id in regions and len(regions) == 2

    # another beheerder changes the name while this form is open: this save is refused, nothing overwritten
    with session_scope() as session:
        auth.update_user(session, "t-adm-edit", actor="tests", display_name="Door een ander")
    name = duo.find_element("#admin-edit-name")
    name.clear()
    name.send_keys("Mijn oude formulier")
    click(duo, "#admin-edit-save")
    duo.wait_for_contains_text("#admin-edit-stale", "intussen gewijzigd door tests")
    with session_scope() as session:
        assert auth.get_user(session, "t-adm-edit").display_name == "Door een ander"
    _wait_for_value(duo, "#admin-edit-name", "Door een ander")  # the form now shows what is stored
    assert duo.get_logs() == []

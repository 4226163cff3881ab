"""Beheer in the browser: disabling, enabling and resetting an account, each its own action."""
from __future__ import annotations

from conftest import PASSWORD, choose, click, login

from models.db import session_scope
from services import auth


def _account_result(duo, text: str) -> None:
    duo.wait_for_contains_text("#admin-account-result", text)


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

"""One whole coordinator flow by keyboard only: Tab, Shift+Tab, Enter, Space, arrows and typing, always
sent to the element that has the focus (no click, no script that clicks or focuses). The focus is visible
at every stop (an outline or a box-shadow)."""
from __future__ import annotations

import time

from conftest import DEMO_TODAY, PASSWORD, USERS, schools_workbook, start
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from sqlmodel import func, select

from models import Partnership, PhaseEvent, School
from models.db import session_scope

FOCUS_STYLE = """const e = document.activeElement, s = getComputedStyle(e);
  return {outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, shadow: s.boxShadow !== 'none',
          tag: e.tagName, id: e.id, text: (e.textContent || e.value || '').trim().slice(0, 60)};"""


def _focused(duo):
    return duo.driver.switch_to.active_element


def _press(duo, *keys: str) -> None:
    """Keys to whatever has the focus (as a keyboard does; also when that is a file input)."""
    for key in keys:
        chain = ActionChains(duo.driver)
        if key.startswith(Keys.SHIFT):
            chain.key_down(Keys.SHIFT).send_keys(key[len(Keys.SHIFT):]).key_up(Keys.SHIFT)
        else:
            chain.send_keys(key)
        chain.perform()
        time.sleep(0.15)


def _matches(duo, selector: str) -> bool:
    return bool(duo.driver.execute_script(
        "const e = document.activeElement; return !!e && e.matches(arguments[0]);", selector))


def _tab_to(duo, selector: str, back: bool = False, limit: int = 80) -> None:
    """Tab (or Shift+Tab) until the focus is on selector; every stop on the way shows its focus."""
    for _ in range(limit):
        _press(duo, Keys.SHIFT + Keys.TAB if back else Keys.TAB)
        focus = duo.driver.execute_script(FOCUS_STYLE)
        if focus["tag"] != "BODY":
            assert focus["outline"] or focus["shadow"], f"no visible focus on {focus}"
        if _matches(duo, selector):
            return
    raise AssertionError(f"{selector} not reached by {'Shift+' if back else ''}Tab; at {focus}")


def _wait(duo, condition, timeout: float = 20) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError("waited in vain")


def _choose(duo, selector: str, text: str) -> None:
    """A Dash dropdown by keyboard: Tab to its button, Enter opens it, type to search, arrow down, Enter."""
    _tab_to(duo, selector)
    _press(duo, Keys.ENTER)
    duo.wait_for_element(".dash-dropdown-search")
    _focused(duo).send_keys(text)
    time.sleep(0.6)
    _press(duo, Keys.ARROW_DOWN, Keys.ENTER)
    _wait(duo, lambda: text.lower() in duo.find_element(selector).text.lower())


def _count(model, *where) -> int:
    with session_scope() as session:
        return session.exec(select(func.count(model.id)).where(*where)).one()


def _navigate(duo, name: str) -> None:
    """The navigation link by its name: Shift+Tab back up to it (Tab from the top on a fresh page)."""
    _tab_to(duo, f"#navbar a.nav-link[href^='/{name}']", back=not _matches(duo, "body"), limit=150)
    _press(duo, Keys.ENTER)


def test_kbd001_a_coordinator_does_everything_by_keyboard(dash_duo, dash_app, tmp_path):
    duo = start(dash_duo, dash_app)
    duo.driver.get(f"{duo.server_url}/login")
    duo.wait_for_element("#login-username")
    # log in
    _tab_to(duo, "#login-username")
    _focused(duo).send_keys(USERS["coordinator"][0])
    _press(duo, Keys.TAB)
    _focused(duo).send_keys(PASSWORD)
    _press(duo, Keys.ENTER)
    duo.wait_for_element("#nav-user")
    duo.driver.get(f"{duo.server_url}/?peildatum={DEMO_TODAY.isoformat()}")  # the demo's day, as in every test
    duo.wait_for_element("#scope-description")

    # Certificering: the first school in intake (arrows down to its row, Space selects it), its next phase
    _navigate(duo, "certificering")
    duo.wait_for_element("#cert-grid .ag-row")
    time.sleep(1)
    index, code = duo.driver.execute_script(
        "const api = dash_ag_grid.getApi('cert-grid'); let found = null;"
        "api.forEachNodeAfterFilterAndSort(n => {"
        "  if (!found && n.data.phase === 'intake') found = [n.rowIndex, n.data.code]; });"
        "return found;")
    events = _count(PhaseEvent)
    _tab_to(duo, "#cert-grid .ag-header-cell")
    _press(duo, *[Keys.ARROW_DOWN] * (index + 1), Keys.SPACE)
    duo.wait_for_contains_text("#cert-selected", code)
    _tab_to(duo, "#cert-note", back=True)
    _focused(duo).send_keys("Vastgelegd met het toetsenbord (test)")
    _tab_to(duo, "#cert-record")
    _press(duo, Keys.ENTER)
    duo.wait_for_element("#cert-done, #cert-error")
    assert _count(PhaseEvent) == events + 1, duo.find_element("#cert-message").text

    # Netwerk: a school by its name, then a partnership with a missing core partner
    _navigate(duo, "netwerk")
    duo.wait_for_element("#net-school")
    _choose(duo, "#net-school", code)
    duo.wait_for_contains_text("#net-school-title", code)
    partnerships = _count(Partnership)
    duo.wait_for_contains_text("#net-partner-list", "Partners van")
    listed = len(duo.driver.find_elements("css selector", "#net-partner-items li"))
    missing = len(duo.driver.find_elements("css selector", "#net-missing-items li"))
    _tab_to(duo, "#net-add-org")
    _press(duo, Keys.ENTER)
    duo.wait_for_element(".dash-dropdown-option")
    _press(duo, Keys.ARROW_DOWN, Keys.ENTER)
    _tab_to(duo, "#net-add-save")
    _press(duo, Keys.ENTER)
    duo.wait_for_element("#net-saved")
    assert _count(Partnership) == partnerships + 1
    # the list beside the graph (its text alternative) has the new partner; one core partner less is missing
    _wait(duo, lambda: len(duo.driver.find_elements("css selector", "#net-partner-items li")) == listed + 1)
    assert len(duo.driver.find_elements("css selector", "#net-missing-items li")) <= missing

    # Planning: a tranche, a proposal, then one school taken out with a reason
    _navigate(duo, "planning")
    _tab_to(duo, "#plan-tranche")
    _press(duo, Keys.ENTER)
    duo.wait_for_element(".dash-dropdown-option")
    _press(duo, Keys.ARROW_DOWN, Keys.ENTER)
    duo.wait_for_contains_text("#plan-tranche-info", "kandidaten")
    _tab_to(duo, "#plan-propose")
    _press(duo, Keys.ENTER)
    duo.wait_for_contains_text("#plan-message", "Voorstel gemaakt")
    _tab_to(duo, "#plan-grid .ag-header-cell")
    _press(duo, Keys.ARROW_DOWN, Keys.SPACE)
    time.sleep(0.5)
    _tab_to(duo, "#plan-reason", back=True)
    _focused(duo).send_keys("Bestuur vraagt uitstel (toetsenbord)")
    _tab_to(duo, "#plan-remove")
    _press(duo, Keys.ENTER)
    duo.wait_for_contains_text("#plan-removed-list", "Bestuur vraagt uitstel (toetsenbord)")

    # Gegevens: a file chosen in the focused file input, then Importeren
    path = schools_workbook(tmp_path / "toetsenbord.xlsx", [{
        "brin_vestiging": "96KB00", "naam": "Toetsenbordschool", "sector": "vo", "gemeente_cbs": "GM0935",
        "postcode": "6211 AB", "plaats": "Maastricht", "actief": "ja"}])
    _navigate(duo, "gegevens")
    duo.wait_for_element("#data-upload")
    _tab_to(duo, "#data-upload input[type=file]")
    _focused(duo).send_keys(str(path))
    duo.wait_for_element("#data-counts")
    _tab_to(duo, "#data-confirm")
    _press(duo, Keys.ENTER)
    duo.wait_for_element("#data-import-done")
    assert _count(School, School.code == "96KB00") == 1

    # log out
    _tab_to(duo, "#logout-button", back=True, limit=150)
    _press(duo, Keys.ENTER)
    duo.wait_for_element("#login-form")

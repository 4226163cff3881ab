"""Several users at once, in real browsers: a stale Netwerk form is refused in a second window, a
double click on 'Vastleggen' records one event, and the recorder resets after recording."""
from __future__ import annotations

from conftest import click, region_key, wait_until
from sqlmodel import func, select
from test_certification_browser import _open_and_select, _rows
from test_network_browser import _choose_below_fold, _open_partner, _pick

from domain.vocab import PARTNERSHIP_ROLES
from models import Partnership, PhaseEvent
from models.db import session_scope


def _partnership(pid: int) -> Partnership:
    with session_scope() as session:
        return session.get(Partnership, pid)


def _set_text(duo, selector: str, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    element = duo.wait_for_element(selector)
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)


def test_a_stale_form_in_a_second_window_does_not_overwrite(duo):
    """Window 1 and window 2 open the same partnership; window 2 saves new agreements; window 1, still
    showing the old ones, changes only the role: refused with who changed what, nothing overwritten."""
    def alone(n):   # a partnership that is its organisation's only one with the school (no overlap to refuse)
        orgs = [q.organisation_id for q in n.partners + n.ended]
        return [p for p in n.partners if orgs.count(p.organisation_id) == 1]

    school, net = _pick(lambda n: n.editable and alone(n))
    partner = alone(net)[0]
    first = duo.driver.current_window_handle
    _open_partner(duo, school, partner)
    duo.wait_for_element("#net-edit-agreements")
    duo.driver.switch_to.new_window("tab")
    _open_partner(duo, school, partner)
    _set_text(duo, "#net-edit-agreements", "Nieuwe afspraken uit venster 2")
    click(duo, "#net-edit-save")
    wait_until(lambda: duo.driver.find_elements("css selector", "#net-saved, #net-stale, #net-form-error"))
    assert duo.driver.find_elements("css selector", "#net-saved"), duo.find_element("#net-detail").text
    assert _partnership(partner.partnership_id).agreements == "Nieuwe afspraken uit venster 2"
    duo.driver.switch_to.window(first)
    other_role = next(label for key, label in PARTNERSHIP_ROLES.items() if key != partner.role)
    _choose_below_fold(duo, "#net-edit-role", other_role)
    click(duo, "#net-edit-save")
    duo.wait_for_element("#net-stale")
    text = duo.find_element("#net-stale").text
    assert "Niet opgeslagen: deze samenwerking is intussen gewijzigd door t-admin op" in text
    assert "(afspraken)" in text and "herlaad de gegevens" in text
    after = _partnership(partner.partnership_id)
    assert after.agreements == "Nieuwe afspraken uit venster 2" and after.role == partner.role
    assert duo.get_logs() == []


def _events() -> int:
    with session_scope() as session:
        return session.exec(select(func.count(PhaseEvent.id))).one()


def test_a_double_click_records_one_event_and_the_form_resets(duo):
    area = region_key("Maastricht-Heuvelland")
    rows = [r for r in _rows(area) if r.phase == "intake"]
    row = rows[0]
    before = _events()
    _open_and_select(duo, area, row)
    duo.find_element("#cert-note").send_keys("dubbel geklikt (test)")
    # two clicks in one go, as an impatient user (or a bouncing mouse) sends them
    duo.driver.execute_script("const b = document.getElementById('cert-record'); b.click(); b.click();")
    duo.wait_for_element("#cert-done")
    wait_until(lambda: _events() >= before + 1)
    assert _events() == before + 1
    assert next(r for r in _rows(area) if r.code == row.code).phase == "improvement"
    # the form is reset: no school, no action or next phase, no note, the button disabled
    wait_until(lambda: duo.find_element("#cert-record").get_attribute("disabled") is not None)
    assert duo.find_element("#cert-note").get_attribute("value") == ""
    assert duo.find_element("#cert-selected").text == "Kies een school in de tabel."
    assert duo.driver.find_elements("css selector", "#cert-action input") == []
    assert duo.driver.execute_script("return dash_ag_grid.getApi('cert-grid').getSelectedRows().length;") == 0
    # a new choice enables it again
    second = next(r for r in _rows(area) if r.phase in ("registered", "improvement", "audit") and r.code != row.code)
    duo.driver.execute_script(
        "dash_ag_grid.getApi('cert-grid').getRowNode(arguments[0]).setSelected(true, true);", second.code)
    duo.wait_for_contains_text("#cert-selected", second.name)
    wait_until(lambda: duo.find_element("#cert-record").get_attribute("disabled") is None)
    assert duo.get_logs() == []

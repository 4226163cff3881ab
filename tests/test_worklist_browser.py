"""Browser tests of the Actielijst: every kind of item appears for demo data made to have it, with its
action one click away; re-certification of several schools at once records once."""
from __future__ import annotations

import pytest
from conftest import DEMO_TODAY, USERS, choose, click, login, start, wait_until
from selenium.webdriver.common.by import By
from sqlmodel import func, select
from worklist_data import make_items, principal, region_id

from models import PhaseEvent, Region, Trajectory
from models.db import session_scope
from services import worklist


@pytest.fixture(scope="module")
def made(demo_db):
    with session_scope() as session:
        items = make_items(session)
        # the region's own window, as its settings say: 12 months gives several expiring certificates
        region = session.get(Region, region_id(session))
        region.expiring_window_months = 12
        session.add(region)
        items["region_id"] = region.id
    return items


def _open(duo, region: int) -> None:
    duo.wait_for_page(f"{duo.server_url}/actielijst?gebied=r{region}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#wl-summary")


def _section(duo, section: str) -> str:
    return duo.find_element(f"#{section}").text


def _click_item_link(duo, kind: str, key: str, css: str) -> None:
    duo.driver.execute_script(
        "document.getElementById(arguments[0]).querySelector(arguments[1]).click();",
        f'{{"key":"{key}","kind":"{kind}","type":"wl-item"}}', css)


def _worklist():
    with session_scope() as session:
        return worklist.worklist(session, principal(session, "coordinator"), region_id(session), DEMO_TODAY)


def test_wl001_every_kind_of_item_with_its_action(dash_duo, dash_app, made):
    start(dash_duo, dash_app)
    login(dash_duo, USERS["coordinator"][0])
    _open(dash_duo, made["region_id"])
    w = _worklist()
    assert w.window_months == 12 and len(w.expiring) >= 2
    assert "binnen 12 maanden verlopen" in _section(dash_duo, "wl-expiring")
    for r in w.expiring:
        assert f"{r.name} ({r.code})" in _section(dash_duo, "wl-expiring")
    for r in w.stalled:
        assert f"{r.name} ({r.code})" in _section(dash_duo, "wl-stalled")
    for m in w.missing:
        assert f"{m.name} ({m.code})" in _section(dash_duo, "wl-missing")
    orphaned = _section(dash_duo, "wl-orphaned")
    assert made["contact_school"] in orphaned and "de contactpersoon" in orphaned
    assert made["organisation"] in orphaned and "de organisatie is gestopt" in orphaned
    assert made["tranche"] in _section(dash_duo, "wl-over-capacity")
    assert dash_duo.find_element("#wl-summary").text.startswith(f"{w.total} punten voor regio {w.region}")
    # the network editor opens on the school, in the same area and at the same peildatum
    first = w.missing[0]
    _click_item_link(dash_duo, "wl-missing", first.code, "a.wl-network-link")
    wait_until(lambda: "/netwerk?" in dash_duo.driver.current_url)
    url = dash_duo.driver.current_url
    assert f"school={first.code}" in url and f"gebied=r{made['region_id']}" in url and "peildatum=2026-11-23" in url
    dash_duo.wait_for_contains_text("#net-school", first.name)
    dash_duo.wait_for_contains_text("#net-school-title", first.name)
    # a stalled trajectory's phase is recorded on Certificering, in the same area
    _open(dash_duo, made["region_id"])
    stalled = w.stalled[0]
    _click_item_link(dash_duo, "wl-stalled", stalled.code, "a.wl-record-link")
    dash_duo.wait_for_element("#cert-grid .ag-row")
    assert f"gebied=r{made['region_id']}" in dash_duo.driver.current_url
    # ... with the record form already on that school: one click from the list to recording
    dash_duo.wait_for_contains_text("#cert-selected", stalled.name)
    assert not dash_duo.find_element("#cert-record").get_attribute("disabled")
    assert dash_duo.get_logs() == []


def _counts() -> tuple[int, int]:
    with session_scope() as session:
        return (session.exec(select(func.count(Trajectory.id))).one(),
                session.exec(select(func.count(PhaseEvent.id))).one())


def test_wl002_recertification_for_several_schools_records_once(dash_duo, dash_app, made):
    start(dash_duo, dash_app)
    login(dash_duo, USERS["coordinator"][0])
    _open(dash_duo, made["region_id"])
    w = _worklist()
    chosen = w.expiring[:2]
    tranche = next(t for t in w.tranches if t.start_on >= DEMO_TODAY)
    for label in dash_duo.find_elements("#wl-pick label"):
        if any(f"({r.code})" in label.text for r in chosen):
            label.find_element(By.CSS_SELECTOR, "input").click()
    choose(dash_duo, "#wl-tranche",
           f"{tranche.name} (start {tranche.start_on:%d-%m-%Y}, {tranche.taken}/{tranche.capacity} plaatsen)")
    before = _counts()
    click(dash_duo, "#wl-start")
    dash_duo.wait_for_element("#wl-done")
    done = dash_duo.find_element("#wl-done").text
    assert done.startswith("Hercertificering gestart voor 2 scholen") and all(r.name in done for r in chosen)
    assert _counts() == (before[0] + 2, before[1] + 2)
    # the schools left the list; clicking again records nothing
    wait_until(lambda: not any(r.code in _section(dash_duo, "wl-expiring") for r in chosen))
    click(dash_duo, "#wl-start")
    dash_duo.wait_for_element("#wl-error")
    assert "Kies eerst een of meer scholen" in dash_duo.find_element("#wl-error").text
    assert _counts() == (before[0] + 2, before[1] + 2)
    with session_scope() as session:
        tranches = set(session.exec(select(Trajectory.tranche_id).where(
            Trajectory.school_id.in_([r.school_id for r in chosen]), Trajectory.cycle > 1)).all())
    assert tranche.tranche_id in tranches
    assert dash_duo.get_logs() == []


def test_wl003_stuurgroeplid_is_refused(dash_duo, dash_app, made):
    start(dash_duo, dash_app)
    login(dash_duo, USERS["stuurgroeplid"][0])
    dash_duo.wait_for_page(f"{dash_duo.server_url}/actielijst?gebied=r{made['region_id']}")
    dash_duo.wait_for_contains_text("#access-denied", "Geen toegang")
    assert not dash_duo.driver.find_elements(By.ID, "wl-summary")
    assert "Actielijst" not in dash_duo.find_element("#navbar").text


def test_wl004_calendar_address_made_fetched_and_revoked_and_the_weekly_mail(dash_duo, dash_app, made):
    import urllib.error
    import urllib.request

    import icalendar

    start(dash_duo, dash_app)
    login(dash_duo, USERS["coordinator"][0])
    _open(dash_duo, made["region_id"])
    click(dash_duo, "#wl-ical-create")
    address = dash_duo.wait_for_element("#wl-ical-address").get_attribute("value")
    assert address.startswith(f"{dash_duo.server_url}/ical/") and address.endswith(".ics")
    with urllib.request.urlopen(address) as response:   # a calendar program: no cookies, no login
        assert response.headers["Content-Type"].startswith("text/calendar")
        assert list(icalendar.Calendar.from_ical(response.read()).walk("VEVENT"))
    click(dash_duo, "#wl-ical-revoke")
    dash_duo.wait_for_contains_text("#wl-ical-status", "ingetrokken")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(address)
    assert refused.value.code == 404
    # the weekly e-mail: opt in with an address, then out
    field = dash_duo.find_element("#wl-digest-email")
    field.clear()
    field.send_keys("coordinator@example.org")
    click(dash_duo, "#wl-digest-subscribe")
    dash_duo.wait_for_text_to_equal("#wl-digest-status", "Aangemeld: de actielijst komt wekelijks naar "
                                                         "coordinator@example.org.")
    click(dash_duo, "#wl-digest-unsubscribe")
    dash_duo.wait_for_text_to_equal("#wl-digest-status", "Niet aangemeld.")
    assert dash_duo.get_logs() == []

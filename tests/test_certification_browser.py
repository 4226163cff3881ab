"""Browser tests of the certification page: the table, recording a transition, refusals."""
from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import DEMO_TODAY, click, region_key, wait_until
from sqlmodel import func, select

from domain.scope import Scope, parse_area_key
from models import PhaseEvent, School, Trajectory
from models.db import session_scope
from services import certification_reads


def _rows(area: str) -> list[certification_reads.CertificationRow]:
    region_id, province_id = parse_area_key(area)
    with session_scope() as session:
        return certification_reads.certification_rows(session, Scope(as_of=DEMO_TODAY, region_id=region_id,
                                                               province_id=province_id))


def _select(duo, code: str) -> None:
    duo.driver.execute_script(
        "dash_ag_grid.getApi('cert-grid').getRowNode(arguments[0]).setSelected(true, true);", code)


def _open_and_select(duo, area: str, row, as_of=DEMO_TODAY) -> None:
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={as_of.isoformat()}")
    duo.wait_for_element("#cert-grid .ag-row")
    _select(duo, row.code)
    duo.wait_for_contains_text("#cert-selected", row.name)


def _events() -> int:
    with session_scope() as session:
        return session.exec(select(func.count(PhaseEvent.id))).one()


def test_cert001_table_shows_every_school_with_its_status(duo):
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    rows = _rows(area)
    duo.wait_for_element("#cert-grid .ag-row")
    shown = duo.driver.execute_script(
        "const api = dash_ag_grid.getApi('cert-grid'); const out = [];"
        "api.forEachNode(n => out.push([n.data.code, n.data.status_label, n.data.phase_label])); return out;")
    assert sorted(map(tuple, shown)) == sorted((r.code, r.status_label, r.phase_label) for r in rows)
    duo.wait_for_element("#cert-forecast .main-svg")
    duo.wait_for_element("#cert-expiry-6")
    assert duo.get_logs() == []


@pytest.mark.parametrize("page", [10, 1], ids=["rows-with-the-layout", "rows-fetched-after-it"])
def test_cert009_dates_sort_as_dates_and_the_expiry_list_is_the_computed_one(duo, monkeypatch, page):
    """'Geldig tot' is shown dd-mm-jjjj and sorted by date (not as text, where 01-02-2027 would come
    before 02-01-2026); the 6-month expiry list shows the computed schools, soonest first, with the
    re-audit status and a link to each school: its few rows in the layout, or (more than a page of
    them, here a page of 1) fetched after it from /_rijen/verloopt-6."""
    from pages.certification import _table
    monkeypatch.setattr(_table, "EXPIRY_PAGE", page)
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#cert-grid .ag-row")
    shown = duo.driver.execute_script(
        "const api = dash_ag_grid.getApi('cert-grid');"
        "api.applyColumnState({state: [{colId: 'expires', sort: 'desc'}], defaultState: {sort: null}});"
        "const out = []; api.forEachNodeAfterFilterAndSort(n => out.push(api.getCellValue("
        "{rowNode: n, colKey: 'expires', useFormatter: true})));"
        "return out;")
    expected = sorted((r.expires_on for r in _rows(area) if r.expires_on), reverse=True)
    assert shown[:len(expected)] == [d.strftime("%d-%m-%Y") for d in expected]
    assert len(expected) > 3 and len({d.year for d in expected}) > 1   # the order matters across years

    region_id, province_id = parse_area_key(area)
    with session_scope() as session:
        due = certification_reads.expiry_list(session, Scope(as_of=DEMO_TODAY, region_id=region_id,
                                                             province_id=province_id), 6)
    assert due
    assert len(due) > 1, "more rows than a page of 1: fetched"
    duo.wait_for_element("#cert-expiry-6 .ag-row")
    listed = duo.driver.execute_script(
        "const api = dash_ag_grid.getApi('cert-expiry-6'); const out = [];"
        "api.forEachNodeAfterFilterAndSort(n => out.push([n.data.code, api.getCellValue("
        "{rowNode: n, colKey: 'expires', useFormatter: true}), n.data.reaudit])); return out;")
    assert listed == [[r.code, r.expires_on.strftime("%d-%m-%Y"), r.planned_in or "nog niet gepland"] for r in due]
    assert duo.find_element("#cert-expiry-tabs").text.count(f"Komende 6 maanden ({len(due)})") == 1
    link = duo.find_element("#cert-expiry-6 a.school-link")
    assert link.get_attribute("href").split("?")[0].endswith(f"/school/{due[0].code}")
    assert duo.get_logs() == []


def test_cert002_record_a_transition_and_see_table_and_funnel_change(duo):
    area = region_key("Maastricht-Heuvelland")
    row = next(r for r in _rows(area) if r.phase == "intake")
    before = _events()
    _open_and_select(duo, area, row)
    duo.find_element("#cert-note").send_keys("Start maatwerk (test)")
    click(duo, "#cert-record")
    duo.wait_for_element("#cert-done")
    assert _events() == before + 1
    after = next(r for r in _rows(area) if r.code == row.code)
    assert after.phase == "improvement"
    shown = duo.driver.execute_script(
        "return dash_ag_grid.getApi('cert-grid').getRowNode(arguments[0]).data.phase_label;", row.code)
    assert shown == "Maatwerktraject"
    # the tranche's funnel is redrawn with the new counts
    tranche = next(t for t in _tranches(area) if t.tranche_id == row.tranche_id)
    expected = {label: n for _phase, label, n in tranche.funnel}
    wait_until(lambda: _funnel(duo, row.tranche_id) == expected)
    # and the school page shows the new phase
    duo.wait_for_page(f"{duo.server_url}/school/{row.code}?peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_text_to_equal("#school-phase", "Fase: Maatwerktraject")
    assert "Start maatwerk (test)" in duo.find_element("#school-history").text
    assert duo.get_logs() == []


def test_cert008_recording_after_a_past_peildatum_says_so_and_offers_today(duo):
    area = region_key("Maastricht-Heuvelland")
    row = next(r for r in _rows(area) if r.phase == "improvement")  # its next phase: Audit
    past = date(2026, 6, 30)
    before = _events()
    _open_and_select(duo, area, row, as_of=past)
    # the event date defaults to today (the clock), after the page's peildatum
    assert duo.find_element("#cert-date").get_attribute("value") == DEMO_TODAY.strftime("%d-%m-%Y")
    click(duo, "#cert-record")
    duo.wait_for_element("#cert-after-as-of")
    assert _events() == before + 1
    notice = duo.find_element("#cert-after-as-of").text
    assert (f"Let op: vastgelegd op {DEMO_TODAY:%d-%m-%Y}, na de peildatum 30-06-2026: "
            "bij deze peildatum ziet u de wijziging nog niet.") in notice
    # one click shows the page at today, keeping the area
    click(duo, "#cert-view-today")
    wait_until(lambda: f"peildatum={DEMO_TODAY.isoformat()}" in duo.driver.current_url)
    assert f"gebied={area}" in duo.driver.current_url
    duo.wait_for_contains_text("#scope-description", f"peildatum {DEMO_TODAY:%d-%m-%Y}")
    wait_until(lambda: duo.driver.execute_script(
        "const api = dash_ag_grid.getApi('cert-grid'); const node = api && api.getRowNode(arguments[0]);"
        "return node ? node.data.phase_label : null;", row.code) == "Audit")
    assert duo.get_logs() == []


def _tranches(area: str) -> list[certification_reads.TrancheOverview]:
    region_id, _ = parse_area_key(area)
    with session_scope() as session:
        return certification_reads.tranche_overview(session, region_id, DEMO_TODAY)


def _funnel(duo, tranche_id: int) -> dict:
    """The bars of a tranche's funnel as drawn in the browser: {phase label: count}."""
    data = duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]);"
        "const plot = el && el.querySelector('.js-plotly-plot');"
        "return plot && plot.data ? [plot.data[0].x, plot.data[0].y] : null;",
        json.dumps({"tranche": tranche_id, "type": "cert-funnel"}, separators=(",", ":")))
    return dict(zip(*data, strict=True)) if data else {}


def _choose_action(duo, label_start: str) -> None:
    for option in duo.find_elements("#cert-action label"):
        if option.text.startswith(label_start):
            option.click()
            return
    raise AssertionError(f"no action '{label_start}': {[o.text for o in duo.find_elements('#cert-action label')]}")


def _trajectories_of(code: str) -> list[tuple[int, int | None]]:
    with session_scope() as session:
        return [(t.cycle, t.tranche_id) for t in session.exec(
            select(Trajectory).join(School).where(School.code == code).order_by(Trajectory.cycle))]


def test_cert005_start_a_recertification_for_an_expiring_school(duo):
    area = region_key("Maastricht-Heuvelland")
    row = next(r for r in _rows(area) if r.status == "expiring" and r.phase == "certified")
    before = _trajectories_of(row.code)
    _open_and_select(duo, area, row)
    _choose_action(duo, "Hercertificering starten")
    duo.wait_for_element("#cert-tranche-col .dash-dropdown")
    duo.find_element("#cert-note").send_keys("Heraudit gepland (test)")
    click(duo, "#cert-record")
    duo.wait_for_element("#cert-done")
    after = _trajectories_of(row.code)
    assert len(after) == len(before) + 1 and after[-1][0] == before[-1][0] + 1
    # the certificate stays valid while the new trajectory runs; the table shows the new phase
    new = next(r for r in _rows(area) if r.code == row.code)
    assert new.phase == "registered" and new.status == "expiring"
    wait_until(lambda: duo.driver.execute_script(
        "return dash_ag_grid.getApi('cert-grid').getRowNode(arguments[0]).data.phase_label;",
        row.code) == "Aangemeld")
    assert duo.get_logs() == []


def test_cert006_move_a_school_to_another_tranche_keeps_its_history(duo):
    area = region_key("Maastricht-Heuvelland")
    row = next(r for r in _rows(area) if r.phase == "registered" and r.tranche_id)
    before = _trajectories_of(row.code)
    events_before = _events()
    _open_and_select(duo, area, row)
    _choose_action(duo, "Naar andere tranche")
    duo.wait_for_element("#cert-tranche-col .dash-dropdown")
    click(duo, "#cert-record")
    duo.wait_for_element("#cert-done")
    after = _trajectories_of(row.code)
    assert after[:-1] == before and after[-1][1] != row.tranche_id
    assert _events() == events_before + 2  # 'postponed' on the old trajectory, 'registered' on the new
    assert duo.get_logs() == []


def test_cert007_a_correction_needs_a_reason(duo):
    area = region_key("Maastricht-Heuvelland")
    row = next(r for r in _rows(area) if r.phase == "audit")
    before = _events()
    _open_and_select(duo, area, row)
    _choose_action(duo, "Correctie")
    click(duo, "#cert-record")
    duo.wait_for_element("#cert-error")
    assert "reden" in duo.find_element("#cert-error").text
    assert _events() == before
    duo.find_element("#cert-note").send_keys("audit te vroeg ingevoerd")
    click(duo, "#cert-record")
    duo.wait_for_element("#cert-done")
    assert _events() == before + 1
    assert next(r for r in _rows(area) if r.code == row.code).phase == "improvement"
    assert duo.get_logs() == []


def test_cert003_an_illegal_transition_is_refused_and_changes_nothing(duo):
    area = region_key("Maastricht-Heuvelland")
    row = next(r for r in _rows(area) if r.phase == "improvement")
    before = _events()
    _open_and_select(duo, area, row)
    # a date before the previous event is refused on the server
    from selenium.webdriver.common.keys import Keys
    date_input = duo.find_element("#cert-date")
    date_input.send_keys(Keys.CONTROL, "a")
    date_input.send_keys("01-01-2020", Keys.ENTER)
    click(duo, "#cert-record")
    duo.wait_for_element("#cert-error")
    assert "vóór de vorige fase" in duo.find_element("#cert-error").text
    assert _events() == before
    assert duo.get_logs() == []


def test_cert004_school_page_shows_data_history_certificate_and_network_gaps(duo):

    from sqlmodel import select as _select

    from components.theme import pct
    from domain.network import completeness, partnership_active
    from models import Municipality, Organisation, Partnership, Region
    from models import School as SchoolRow

    area = region_key("Maastricht-Heuvelland")
    row = next(r for r in _rows(area) if r.status == "expiring")
    with session_scope() as session:
        school = session.exec(_select(SchoolRow).where(SchoolRow.code == row.code)).one()
        region = session.get(Region, session.get(Municipality, school.municipality_id).region_id)
        types = [o.type for p, o in session.exec(_select(Partnership, Organisation).join(Organisation)
                                                  .where(Partnership.school_id == school.id))
                 if partnership_active(p.start_on, p.end_on, DEMO_TODAY)]
        expected = completeness(region.required_partner_types, types)
    duo.wait_for_page(f"{duo.server_url}/school/{row.code}?peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_text_to_equal("#school-name", row.name)
    duo.wait_for_text_to_equal("#school-status", "Verloopt binnenkort")
    assert row.expires_on.strftime("%d-%m-%Y") in duo.find_element("#school-expiry").text
    duo.wait_for_text_to_equal("#school-completeness", f"compleet: {pct(expected.share)}")
    gaps = duo.find_element("#school-gaps").text
    assert all(f"ontbreekt: {m}" in gaps.lower() for m in expected.missing)
    assert ("ontbreekt" in gaps) == bool(expected.missing)
    assert "Gecertificeerd" in duo.find_element("#school-history").text
    duo.wait_for_element("#school-timeline .main-svg")
    # an unknown or malformed code gets the refusal, not an error
    duo.wait_for_page(f"{duo.server_url}/school/..%2Fetc")
    duo.wait_for_element("#access-denied")
    assert duo.get_logs() == []


def test_cert010_one_tranche_is_drawn_open_and_another_is_drawn_when_opened(duo):
    """The region's tranches as an accordion: the latest started one open with its charts, the others with
    their schools and stalls in the heading and no chart until opened; opening one draws its funnel, the
    tranche's own counts."""
    from pages.certification._tranches import first_open

    area = region_key("Maastricht-Heuvelland")
    tranches = _tranches(area)
    with_schools = [t for t in tranches if t.schools]
    assert len(with_schools) >= 2
    opened = first_open(tranches, DEMO_TODAY)
    assert opened == [t for t in with_schools if t.start_on <= DEMO_TODAY][-1].tranche_id
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    wait_until(lambda: _funnel(duo, opened) == {label: n for _, label, n in next(
        t for t in tranches if t.tranche_id == opened).funnel})
    other = next(t for t in with_schools if t.tranche_id != opened)
    assert _funnel(duo, other.tranche_id) == {}   # not drawn
    headings = duo.find_elements("#cert-tranche-list .accordion-button")
    assert len(headings) == len(tranches)
    heading = next(h for h in headings if h.text.startswith(other.name))
    assert f"{len(other.schools)} scholen" in heading.text or len(other.schools) == 1
    assert (f"{other.stalled_count} vastgelopen" in heading.text) == bool(other.stalled_count)
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", heading)
    wait_until(lambda: _funnel(duo, other.tranche_id) == {label: n for _, label, n in other.funnel})
    assert _funnel(duo, opened)   # the first stays drawn
    assert duo.get_logs() == []


def test_cert011_a_refused_table_fetch_leaves_the_table_empty_with_the_servers_dutch_message(duo):
    """The table's rows come after the layout (assets/grid_rows_fetch.js, web/row_data.py): what the
    fetch does with a refusal, in the browser, through the same function the page uses."""
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={region_key('Maastricht-Heuvelland')}")
    duo.wait_for_element("#cert-grid .ag-row")
    assert duo.find_element("#cert-grid-rijen-fout").text == ""
    fetch = ("const done = arguments[arguments.length - 1];"
             "window.dash_clientside.vios_rows.fetch_rows(arguments[0]).then(done);")
    assert duo.driver.execute_async_script(fetch, "/_rijen/bestaat-niet") == [[], "Deze tabel bestaat niet."]
    other = region_key("Haaglanden")
    rows, message = duo.driver.execute_async_script(fetch, f"/_rijen/certificering?gebied={other}")
    assert len(rows) > 0 and message == ""  # the beheerder may read every region
    duo.driver.delete_all_cookies()  # the session is gone: the next fetch is a stranger's
    rows, message = duo.driver.execute_async_script(fetch, f"/_rijen/certificering?gebied={other}")
    assert rows == [] and message == "Niet ingelogd."

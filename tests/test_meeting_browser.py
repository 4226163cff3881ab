"""Browser tests of issue 14's compare date: meetings kept on Gemeenten become the default compare
date of Gemeenten and Overzicht, it follows the peildatum, is never on or after it, and explicit
choices are kept by navigation and shared links."""
from __future__ import annotations

from datetime import date

from conftest import DEMO_TODAY, click, region_key
from selenium.webdriver.common.keys import Keys

from components.theme import signed
from domain.scope import Scope, parse_area_key
from models.db import session_scope
from services.report import overview_since

MEETING = date(2026, 9, 15)


def _changes(area: str, as_of: date, compare_with: date) -> dict:
    region_id, province_id = parse_area_key(area)
    with session_scope() as session:
        _, changes = overview_since(session, Scope(as_of, region_id=region_id, province_id=province_id),
                                    compare_with, None)
    return changes.totals


def test_meet101_a_meeting_becomes_the_compare_date_that_follows_the_peildatum(duo):
    area = region_key("Maastricht-Heuvelland")
    base = f"{duo.server_url}/gemeenten?gebied={area}"
    duo.wait_for_page(f"{base}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_contains_text("#cmp-meetings", "Nog geen vergaderingen", timeout=20)
    picker = duo.find_element("#cmp-meeting-date")
    picker.send_keys(MEETING.strftime("%d-%m-%Y"), Keys.ENTER, Keys.ESCAPE)
    notes = duo.find_element("#cmp-meeting-notes")
    click(duo, "#cmp-meeting-notes")
    notes.send_keys("Besluit: tranche 5 start in maart.")
    duo.wait_for_text_to_equal("#cmp-meeting-notes", "Besluit: tranche 5 start in maart.")
    click(duo, "#cmp-meeting-add")
    duo.wait_for_element("#cmp-meeting-ok", timeout=20)
    duo.wait_for_contains_text("#cmp-meeting-list", "Besluit: tranche 5 start in maart.")

    # the page again: the meeting is the compare date, the changes are measured against it
    duo.wait_for_page(f"{base}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_contains_text("#cmp-compare-text", "sinds de vergadering van 15-09-2026", timeout=20)
    expected = _changes(area, DEMO_TODAY, MEETING)
    duo.wait_for_text_to_equal("#cmp-kpi-valid-change",
                               f"{signed(expected['valid_certificates'])} sinds vergelijkdatum")
    # Overzicht (navigation) uses the same meeting, without it being pinned in the URL
    duo.driver.find_element("css selector", 'a.nav-link[href^="/?"]').click()
    duo.wait_for_contains_text("#ov-compare-text", "sinds de vergadering van 15-09-2026", timeout=20)
    duo.wait_for_text_to_equal("#ov-kpi-valid-change",
                               f"{signed(expected['valid_certificates'])} sinds 15-09-2026")
    assert "vergelijk=" not in duo.driver.current_url

    # an earlier peildatum with a compare date left in the URL after it: refused in Dutch, the
    # default (three months before, no meeting before 30-06-2025) is used and the deltas run forward
    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum=2025-06-30&vergelijk=2026-09-01")
    duo.wait_for_contains_text("#ov-compare-warning", "ligt niet vóór de peildatum 30-06-2025", timeout=20)
    duo.wait_for_contains_text("#ov-compare-text", "sinds 30-03-2025")
    earlier = _changes(area, date(2025, 6, 30), date(2025, 3, 30))
    duo.wait_for_text_to_equal("#ov-kpi-valid-change", f"{signed(earlier['valid_certificates'])} sinds 30-03-2025")

    # a shared link with an explicit compare date keeps it, also after navigating
    duo.wait_for_page(f"{base}&peildatum={DEMO_TODAY.isoformat()}&vergelijk=2026-06-01")
    duo.wait_for_contains_text("#cmp-compare-text", "sinds 01-06-2026", timeout=20)
    duo.driver.find_element("css selector", 'a.nav-link[href^="/?"]').click()
    duo.wait_for_contains_text("#ov-compare-text", "sinds 01-06-2026", timeout=20)
    assert "vergelijk=2026-06-01" in duo.driver.current_url
    assert duo.get_logs() == []


def _downloaded_pdf_text(duo, timeout: float = 60) -> str:
    import time
    from pathlib import Path

    from pypdf import PdfReader

    folder = Path(duo.download_path)
    end = time.time() + timeout
    while time.time() < end:
        done = [p for p in folder.glob("*.pdf")]
        if done and not list(folder.glob("*.crdownload")):
            text = " ".join(page.extract_text() for page in PdfReader(str(done[0])).pages)
            done[0].unlink()
            return " ".join(text.split())
        time.sleep(0.3)
    raise AssertionError("no PDF downloaded")


def test_meet102_the_pdf_download_holds_the_numbers_of_the_page(duo):
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={DEMO_TODAY.isoformat()}&vergelijk=2026-06-01")
    duo.wait_for_element("#ov-kpi-schools", timeout=20)
    cards = {k: duo.find_element(f"#ov-kpi-{k}").text for k in ("schools", "valid", "expired", "in-trajectory")}
    click(duo, '[id*="report-pdf"]')
    duo.wait_for_contains_text('[id*="report-status"]', "PDF gemaakt", timeout=60)
    text = _downloaded_pdf_text(duo)
    assert "Vergeleken met: 01-06-2026" in text and "Peildatum: 23-11-2026" in text
    assert f"Scholen (actieve vestigingen) {cards['schools']} " in text
    assert f"Geldig gecertificeerd {cards['valid']} " in text
    assert f"Verlopen {cards['expired']} " in text and f"In traject {cards['in-trajectory']} " in text

    # Gemeenten: the table's figures are in the PDF's municipalities table
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    cell = '#cmp-grid .ag-row[row-id="{code}"] .ag-cell[col-id="{col}"]'
    with session_scope() as session:
        from services.municipality_comparison import comparison
        region_id, _ = parse_area_key(area)
        data = comparison(session, Scope(DEMO_TODAY, region_id=region_id), date(2026, 8, 23), None, quarters=0,
                          with_points=False)
    first = data.municipalities[0]
    duo.wait_for_text_to_equal(cell.format(code=first.cbs_code, col="schools"), str(first.schools), timeout=20)
    click(duo, '[id*="report-pdf"]')
    duo.wait_for_contains_text('[id*="report-status"]', "PDF gemaakt", timeout=60)
    text = _downloaded_pdf_text(duo)
    for m in data.municipalities:
        shown = [duo.find_element(cell.format(code=m.cbs_code, col=c)).text for c in
                 ("schools", "schools_delta", "valid_certificates", "valid_certificates_delta")]
        assert f"{m.name} {shown[0]} ({shown[1]}) {shown[2]} ({shown[3]})".replace("\u2212", "-") in text, m.name
    assert duo.get_logs() == []

"""Long work in the background, in real headless Chromium with the diskcache manager (a job process of its
own): the import of a large file shows its progress bar (step, rows done and seconds) and then its result, while the
web app keeps answering other requests; the meeting PDF shows its progress and is downloaded; the import
history lists the import; a running preview can be cancelled."""
from __future__ import annotations

import re
import time
import urllib.request

from conftest import USERS, click, schools_workbook, wait_until
from sqlmodel import func, select

from models import School
from models.db import session_scope

ROWS = 12000
CANCEL_ROWS = 30000  # a check of a few seconds: time to click Annuleren


def _school(n: int) -> dict:
    """A new school with a code of its own: 88AA00, 88AA01, ..., 88AB00, ..."""
    i = n // 100
    return {"brin_vestiging": f"88{chr(65 + i // 26)}{chr(65 + i % 26)}{n % 100:02d}",
            "naam": f"Achtergrondschool {n}", "sector": "vo", "gemeente_cbs": "GM0935", "postcode": "6211 AB",
            "plaats": "Maastricht", "actief": "ja"}


_RECORD_LABELS = """
window.viosLabels = [];
const record = () => {
  const bar = document.querySelector(arguments[0]);
  const text = bar ? bar.textContent.trim() : "";
  if (text && window.viosLabels[window.viosLabels.length - 1] !== text) window.viosLabels.push(text);
};
new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true});
"""


def _watch(duo, done_selector: str, progress_selector: str, start, timeout: float = 180
           ) -> tuple[list[str], list[float]]:
    """start() the work, then until done_selector appears: every progress label shown (recorded in the page
    by a MutationObserver, so a label shown between two looks is not missed), and how long /healthz took
    meanwhile."""
    duo.driver.execute_script(_RECORD_LABELS, progress_selector)
    start()
    pings: list[float] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(f"{duo.server_url}/healthz", timeout=10) as answer:
            assert answer.status == 200
        pings.append(time.monotonic() - started)
        if duo.driver.find_elements("css selector", done_selector):
            return duo.driver.execute_script("return window.viosLabels"), pings
        time.sleep(0.2)
    raise AssertionError(f"{done_selector} did not appear; progress seen: "
                         f"{duo.driver.execute_script('return window.viosLabels')}")


def _counted(labels: list[str], *steps: str) -> bool:
    """A label of one of `steps` with its rows and seconds: 'Bestand lezen: 6.000 rijen · 1 s', 'Rijen
    controleren: 6.000 van 12.000 (50%) · 1 s' (a count of all rows when the step knows the total)."""
    total = re.escape(f"{ROWS:,}".replace(",", "."))
    shown = re.compile(rf"^({'|'.join(map(re.escape, steps))}): [\d.]+ (rijen|van {total} \(\d+%\)) · \d+ s$")
    return any(shown.match(label) for label in labels)


def test_bg001_a_large_import_shows_its_progress_then_its_result(duo, tmp_path):
    path = schools_workbook(tmp_path / "groot.xlsx", [_school(n) for n in range(ROWS)])
    duo.wait_for_page(f"{duo.server_url}/gegevens")
    labels, pings = _watch(duo, "#data-counts", "#data-progress",
                           lambda: duo.find_element("#data-upload input[type=file]").send_keys(str(path)))
    assert _counted(labels, "Bestand lezen", "Rijen controleren"), labels
    assert max(pings) < 2.0, pings  # the app answers while the job runs in its own process
    assert f"scholen {ROWS} 0 0 0" in duo.find_element("#data-counts").text.replace("\n", " ")
    assert not duo.find_element("#data-busy").is_displayed()

    labels, _ = _watch(duo, "#data-import-done", "#data-progress", lambda: click(duo, "#data-confirm"))
    assert _counted(labels, "Bestand lezen", "Rijen controleren", "Opslaan"), labels
    with session_scope() as session:
        assert session.exec(select(func.count(School.id)).where(School.name.startswith("Achtergrondschool"))
                            ).one() == ROWS
    wait_until(lambda: "groot.xlsx" in duo.find_element("#data-history").text)
    first = duo.driver.find_elements("css selector", "#data-history-table tbody tr")[0].text
    assert USERS["beheerder"][0] in first and "groot.xlsx" in first and f" {ROWS} " in f" {first} "
    assert duo.get_logs() == []


def test_bg002_the_meeting_pdf_is_made_in_the_background_with_progress(duo, tmp_path):
    duo.wait_for_page(f"{duo.server_url}/")
    duo.wait_for_element("#ov-kpi-schools", timeout=30)
    click(duo, "#ov-report-pdf")
    wait_until(lambda: duo.find_element("#ov-report-busy").is_displayed()
               or "PDF gemaakt" in duo.find_element("#ov-report-status").text)
    duo.wait_for_contains_text("#ov-report-status", "PDF gemaakt", timeout=90)
    assert not duo.find_element("#ov-report-busy").is_displayed()
    assert duo.find_element("#ov-report-pdf").is_enabled()
    assert duo.get_logs() == []


def test_bg003_a_running_preview_can_be_cancelled_and_the_file_chosen_again(duo, tmp_path):
    """Annuleren while the check runs: the job ends, the page says nothing was checked or saved, nothing can
    be imported from it; the same file chosen again is checked to its end."""
    path = schools_workbook(tmp_path / "annuleren.xlsx", [_school(ROWS + n) for n in range(CANCEL_ROWS)])
    duo.wait_for_page(f"{duo.server_url}/gegevens")
    duo.driver.execute_script(_RECORD_LABELS, "#data-progress")
    duo.find_element("#data-upload input[type=file]").send_keys(str(path))
    wait_until(lambda: duo.driver.execute_script("return window.viosLabels").__len__() > 0, timeout=30)
    click(duo, "#data-cancel")
    duo.wait_for_contains_text("#data-summary", "geannuleerd", timeout=20)
    time.sleep(3)  # a job that had not stopped would show its preview by now
    assert not duo.driver.find_elements("css selector", "#data-counts")
    assert not duo.find_element("#data-confirm").is_enabled()
    assert not duo.find_element("#data-busy").is_displayed()

    duo.find_element("#data-upload input[type=file]").send_keys(str(path))
    duo.wait_for_element("#data-counts", timeout=120)
    assert f"scholen {CANCEL_ROWS} 0 0 0" in duo.find_element("#data-counts").text.replace("\n", " ")
    assert duo.find_element("#data-confirm").is_enabled()
    assert duo.get_logs() == []

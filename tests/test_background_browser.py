"""Long work in the background, in real headless Chromium with the diskcache manager (a job process of its
own): the import of a large file shows its progress bar (step and seconds) and then its result, while the
web app keeps answering other requests; the meeting PDF shows its progress and is downloaded; the import
history lists the import."""
from __future__ import annotations

import time
import urllib.request

from conftest import USERS, click, schools_workbook, wait_until
from sqlmodel import func, select

from models import School
from models.db import session_scope

ROWS = 12000


def _school(n: int) -> dict:
    """A new school with a code of its own: 88AA00, 88AA01, ..., 88AB00, ..."""
    i = n // 100
    return {"brin_vestiging": f"88{chr(65 + i // 26)}{chr(65 + i % 26)}{n % 100:02d}",
            "naam": f"Achtergrondschool {n}", "sector": "vo", "gemeente_cbs": "GM0935", "postcode": "6211 AB",
            "plaats": "Maastricht", "actief": "ja"}


def _watch(duo, done_selector: str, progress_selector: str, timeout: float = 180) -> tuple[list[str], list[float]]:
    """Until done_selector appears: the progress labels seen, and how long /healthz took meanwhile."""
    labels: list[str] = []
    pings: list[float] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if duo.driver.find_elements("css selector", done_selector):
            return labels, pings
        bars = duo.driver.find_elements("css selector", progress_selector)
        if bars and bars[0].is_displayed() and bars[0].text.strip():
            labels.append(bars[0].text.strip())
        started = time.monotonic()
        with urllib.request.urlopen(f"{duo.server_url}/healthz", timeout=10) as answer:
            assert answer.status == 200
        pings.append(time.monotonic() - started)
        time.sleep(0.2)
    raise AssertionError(f"{done_selector} did not appear; progress seen: {labels}")


def test_bg001_a_large_import_shows_its_progress_then_its_result(duo, tmp_path):
    path = schools_workbook(tmp_path / "groot.xlsx", [_school(n) for n in range(ROWS)])
    duo.wait_for_page(f"{duo.server_url}/gegevens")
    duo.find_element("#data-upload input[type=file]").send_keys(str(path))
    labels, pings = _watch(duo, "#data-counts", "#data-progress")
    assert any(label.startswith("Bestand controleren (") for label in labels), labels
    assert max(pings) < 2.0, pings  # the app answers while the job runs in its own process
    assert f"scholen {ROWS} 0 0 0" in duo.find_element("#data-counts").text.replace("\n", " ")
    assert not duo.find_element("#data-busy").is_displayed()

    click(duo, "#data-confirm")
    labels, _ = _watch(duo, "#data-import-done", "#data-progress")
    assert any(label.startswith("Importeren (") for label in labels), labels
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

"""The grids' client-side CSV exports (Certificering, Gemeenten) escape formulas (issue 13, finding 7):
the real files Chromium downloads are read back. The pages also run under the CSP without a violation."""
from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from conftest import DEMO_TODAY, click, region_key, wait_until
from sqlalchemy import select

from dataio.csv_safe import unescape_cell
from domain.certification import PHASES, STATUS_LABELS
from domain.changes import CHANGE_KINDS
from domain.dates import format_nl
from domain.scope import Scope, parse_area_key
from models import Municipality, Region, School
from models.db import session_scope
from services.report import report_since

SCHOOL_NAME = '=HYPERLINK("http://evil.example","klik")'
MUNICIPALITY_NAME = "@SUM(A1:A9)"


@pytest.fixture(scope="module")
def planted(demo_db) -> None:
    with session_scope() as session:
        region_id = session.scalar(select(Region.id).where(Region.name == "Maastricht-Heuvelland"))
        municipality = session.scalars(select(Municipality).where(Municipality.region_id == region_id)
                                       .order_by(Municipality.name)).first()
        municipality.name = MUNICIPALITY_NAME
        school = session.scalars(select(School).where(School.municipality_id == municipality.id)
                                 .order_by(School.code)).first()
        school.name = SCHOOL_NAME


def _downloaded_bytes(duo, prefix: str) -> bytes:
    """The real file Chromium saved (the newest with that prefix), once it is complete."""
    folder = Path(duo.download_path)
    wait_until(lambda: [p for p in folder.glob(f"{prefix}*.csv")], timeout=30)
    path = max(folder.glob(f"{prefix}*.csv"), key=lambda p: p.stat().st_mtime)
    wait_until(lambda: path.stat().st_size > 0 and not list(folder.glob("*.crdownload")))
    data = path.read_bytes()
    path.unlink()  # the next download of the same name is read, not this one
    return data


def _downloaded(duo, prefix: str) -> list[list[str]]:
    """The file as Dutch Excel reads it: UTF-8 with BOM, ';' between cells."""
    data = _downloaded_bytes(duo, prefix)
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


SIGNED_NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")  # the grids' own changes ('+1') are numbers, not formulas


def _formula_cells(rows: list[list[str]]) -> list[str]:
    return [c for row in rows for c in row if c[:1] in ("=", "+", "-", "@", "\t", "\r")
            and not SIGNED_NUMBER.fullmatch(c)]


def test_sec001_certificering_and_gemeenten_csv_exports_escape_formulas(duo, planted):
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#cert-grid .ag-row")
    click(duo, "#cert-export")
    rows = _downloaded(duo, "certificering-")
    cells = [c for row in rows for c in row]
    assert "'" + SCHOOL_NAME in cells and _formula_cells(rows) == []

    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#cmp-grid .ag-row")
    click(duo, "#cmp-export")
    rows = _downloaded(duo, "gemeenten-")
    cells = [c for row in rows for c in row]
    assert "'" + MUNICIPALITY_NAME in cells and _formula_cells(rows) == []
    # the function itself, as the grid calls it: numbers stay numbers, text is escaped
    results = duo.driver.execute_script(
        "const f = window.dashAgGridFunctions.csvSafeCell;"
        "return [f({value: '=1+1'}), f({value: -3}), f({value: 'gewoon'}), f({value: \"'+x\"}),"
        " f({value: 2, formatValue: v => '+' + v}), f({value: 45.5}), f({value: null})];")
    # numbers are exported as plain (signed) numbers with a decimal comma, never as '+2' text
    assert results == ["'=1+1", "-3", "gewoon", "''+x", "2", "45,5", ""]
    assert duo.get_logs() == []  # also: no Content-Security-Policy violation on either page


# ---------------------------------------------------------------- Dutch Excel (issue 14)

SINCE = date(2026, 8, 23)
DUTCH_DATE = re.compile(r"(\d\d-\d\d-\d{4})?")
DUTCH_NUMBER = re.compile(r"-?\d+(,\d+)?")


def _number(text: str) -> float:
    """A number as the page shows it ('+3', '−2', '±0', '45,5') or as the CSV holds it ('-2', '45,5')."""
    return float(text.replace("\u2212", "-").replace("\u00b10", "0").replace(",", "."))


def _changes_button(page: str) -> str:
    return f"[id='{{\"page\":\"{page}\",\"type\":\"changes-csv\"}}']"


def test_csv002_gemeenten_grid_csv_reads_as_the_page_shows(duo):
    """Gemeenten's table CSV: ';', decimal comma, the changes as plain numbers with named headers, and each
    number the same as the cell on the page."""
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}"
                      f"&vergelijk={SINCE.isoformat()}")
    duo.wait_for_element("#cmp-grid .ag-row")
    click(duo, "#cmp-export")
    header, *rows = _downloaded(duo, "gemeenten-")
    assert header[:5] == ["Gemeente", "CBS-code", "Scholen (DUO)", "Scholen (DUO) Δ", "Deelnemend"]
    assert {"Dekking (%)", "Dekking (%) Δ (pp)", "Intake", "Intake Δ", "Aanpakmodel"} <= set(header)
    assert not any("±" in c or "\u2212" in c for row in rows for c in row)
    fields = {"Scholen (DUO)": "schools", "Scholen (DUO) Δ": "schools_delta", "Dekking (%)": "coverage_pct",
              "Dekking (%) Δ (pp)": "coverage_delta_pp", "Geldig gecertificeerd": "valid_certificates",
              "Geldig gecertificeerd Δ": "valid_certificates_delta", "Verlopen Δ": "expired_delta"}
    shown_decimal = False
    for row in rows:
        cells = dict(zip(header, row, strict=True))
        code = cells["CBS-code"]
        for column, field in fields.items():
            shown = duo.find_element(f'#cmp-grid .ag-row[row-id="{code}"] .ag-cell[col-id="{field}"]').text
            if shown in ("", "–"):
                assert cells[column] == "", (code, column)
                continue
            assert DUTCH_NUMBER.fullmatch(cells[column]), (code, column, cells[column])
            assert _number(cells[column]) == _number(shown), (code, column, cells[column], shown)
            shown_decimal |= "," in shown
        for phase in ("Aangemeld", "Intake", "Maatwerktraject"):   # the page shows '3 (+1)'
            field = next(k for k, v in PHASES.items() if v == phase)
            shown = duo.find_element(f'#cmp-grid .ag-row[row-id="{code}"] .ag-cell[col-id="phase_{field}"]').text
            count, _, change = shown.partition(" (")
            assert _number(cells[phase]) == _number(count)
            assert _number(cells[f"{phase} Δ"]) == (_number(change.rstrip(")")) if change else 0)
    assert shown_decimal  # at least one coverage with a decimal comma was compared
    assert duo.get_logs() == []


def test_csv003_certificering_csv_has_dutch_labels_and_dates(duo):
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#cert-grid .ag-row")
    click(duo, "#cert-export")
    header, *rows = _downloaded(duo, "certificering-")
    records = [dict(zip(header, row, strict=True)) for row in rows]
    assert records and {r["Fase"] for r in records} <= {*PHASES.values(), ""}
    assert {r["Status"] for r in records} <= set(STATUS_LABELS.values())
    assert all(DUTCH_DATE.fullmatch(r["Certificaat sinds"]) and DUTCH_DATE.fullmatch(r["Geldig tot"])
               for r in records)
    by_code = {r["BRIN"]: r for r in records}
    for row in duo.find_elements("#cert-grid .ag-center-cols-container .ag-row"):
        code = row.get_attribute("row-id")
        days = row.find_element("css selector", '.ag-cell[col-id="days_in_phase"]').text
        # the page writes 1.041 (Dutch thousands), the file the plain number Dutch Excel reads as 1041
        assert by_code[code]["Dagen in fase"] == days.replace(".", "")
        assert by_code[code]["Status"] == row.find_element("css selector", '.ag-cell[col-id="status_label"]').text
    assert duo.get_logs() == []


def _expected_rows(events: list[dict]) -> list[list[str]]:
    """`vios report --since --json`'s changes.events as the export writes them (newest first, Dutch)."""
    def phase(code):
        return PHASES[code] if code else ""
    return [[CHANGE_KINDS[e["kind"]], format_nl(date.fromisoformat(e["date"])), e["school_code"], e["school_name"],
             e["municipality"], phase(e["phase_from"]), phase(e["phase_to"]), e["detail"]]
            for e in reversed(events)]


def test_csv004_the_change_list_export_equals_the_list_and_the_json(duo):
    """The change list (Gemeenten and Overzicht): the rows equal the list shown and `vios report --since
    --json`'s changes.events, with Dutch kinds, phases and dates."""
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}"
                      f"&vergelijk={SINCE.isoformat()}")
    duo.wait_for_element("#cmp-changes .ag-row")
    click(duo, _changes_button("cmp"))
    header, *rows = _downloaded(duo, "veranderingen-")
    assert header == ["Gebeurtenis", "Datum", "BRIN", "School", "Gemeente", "Van fase", "Naar fase", "Toelichting"]
    shown = duo.driver.execute_script(
        "const out = []; dash_ag_grid.getApi('cmp-changes').forEachNode(n => out.push(n.data)); return out;")
    assert rows and len(shown) == len(rows)
    # (text a spreadsheet would run as a formula, e.g. the planted names, is escaped: compare the text itself)
    for row, item in zip(rows, shown, strict=True):
        kind, on, code, school, municipality, before, after, detail = map(unescape_cell, row)
        assert [kind, on, code, school, municipality] == [
            item["kind"], format_nl(date.fromisoformat(item["iso"])), item["code"], item["school"],
            item["municipality"]]
        assert item["what"] == (f"{before or '—'} → {after}" if after else detail)
    with session_scope() as session:
        region_id, province_id = parse_area_key(area)
        report, _then, _events = report_since(session, Scope(as_of=DEMO_TODAY, region_id=region_id), SINCE)
    assert [[unescape_cell(c) for c in row] for row in rows] == _expected_rows(report["changes"]["events"])
    assert {r[0] for r in rows} <= set(CHANGE_KINDS.values()) and all(DUTCH_DATE.fullmatch(r[1]) for r in rows)

    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={DEMO_TODAY.isoformat()}"
                      f"&vergelijk={SINCE.isoformat()}")
    click(duo, _changes_button("ov"))
    assert _downloaded(duo, "veranderingen-") == [header, *rows]
    assert duo.get_logs() == []

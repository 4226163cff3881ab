"""dataio.report_csv: CSV files for Dutch Excel (issue 14)."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

from dataio.report_csv import excel_cell, excel_csv_bytes, with_labels


def test_values_as_dutch_excel_reads_them():
    assert [excel_cell(v) for v in (45.5, 3.0, -0.025, -2, 0, None, True, date(2026, 1, 2),
                                    datetime(2026, 1, 2, 9, 5))] == [
        "45,5", "3", "-0,025", "-2", "0", "", "ja", "02-01-2026", "02-01-2026 09:05"]


def test_semicolons_bom_and_no_formulas():
    data = excel_csv_bytes(["naam", "dekking", "verandering"], [["=1+1", 0.5, -3], ["Één; twee", 12.25, 2]])
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [["naam", "dekking", "verandering"], ["'=1+1", "0,5", "-3"], ["Één; twee", "12,25", "2"]]


def test_exchange_codes_become_dutch_labels():
    header = ["school", "rol", "startdatum"]
    rows = with_labels("samenwerkingen", header, [["02QZ00", "advies", date(2026, 1, 1)], ["02QZ00", "onbekend", None]])
    assert rows == [["02QZ00", "Advies / ad hoc", date(2026, 1, 1)], ["02QZ00", "onbekend", None]]

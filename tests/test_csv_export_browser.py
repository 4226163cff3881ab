"""The grids' client-side CSV exports (Certificering, Gemeenten) escape formulas (issue 13, finding 7):
the real files Chromium downloads are read back. The pages also run under the CSP without a violation."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from conftest import DEMO_TODAY, click, region_key, wait_until
from sqlalchemy import select

from models import Municipality, Region, School
from models.db import session_scope

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


def _downloaded(duo, prefix: str) -> list[list[str]]:
    folder = Path(duo.download_path)
    wait_until(lambda: [p for p in folder.glob(f"{prefix}*.csv")], timeout=30)
    path = next(folder.glob(f"{prefix}*.csv"))
    wait_until(lambda: path.stat().st_size > 0)
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""), delimiter=","))


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
        " f({value: 2, formatValue: v => '+' + v})];")
    assert results == ["'=1+1", -3, "gewoon", "''+x", "+2"]
    assert duo.get_logs() == []  # also: no Content-Security-Policy violation on either page

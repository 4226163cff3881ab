"""CSV formula injection (issue 13, finding 7): every CSV the product writes escapes text cells that a
spreadsheet would run as a formula. The tests read the real files: the Netwerk download, the audit log
download and the `vios export` folder; the grids' exports are tested in tests/test_csv_export_browser.py."""
from __future__ import annotations

import base64
import csv
import io
import json
import re

import pytest
from conftest import USERS, client_login
from sqlalchemy import select
from test_access_routes import _call, _call_by_input
from vios_cli import run

from dataio.csv_safe import escape_cell, unescape_cell
from dataio.tabular import csv_bytes, read_csv
from models import Contact, Organisation, Partnership, School
from models.db import session_scope
from services import audit

FORMULAS = ['=HYPERLINK("http://evil.example","klik")', "+31 6 1234 5678", "-2+3", "@SUM(A1:A9)",
            "\t=1+1", "\r=1+1"]
NUMBER = re.compile(r"-?\d+(,\d+)?")  # the product's own numbers (decimal comma) stay numbers


def _rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def _cells(rows: list[list[str]]) -> list[str]:
    return [cell for row in rows[1:] for cell in row]


def _no_formula(rows: list[list[str]]) -> None:
    bad = [c for c in _cells(rows) if c[:1] in ("=", "+", "-", "@", "\t", "\r") and not NUMBER.fullmatch(c)]
    assert bad == []


@pytest.mark.parametrize("text", FORMULAS + ["'=already quoted", "''+two"])
def test_escape_and_unescape_round_trip(text):
    escaped = escape_cell(text, text)
    assert escaped.startswith("'") and unescape_cell(escaped) == text
    assert escape_cell(-3, "-3") == "-3" and escape_cell(-1.5, "-1,5") == "-1,5"  # numbers stay numbers
    assert escape_cell("gewoon", "gewoon") == "gewoon" and unescape_cell("'gewoon") == "'gewoon"


def test_csv_bytes_escapes_and_read_csv_gives_the_original_back():
    data = csv_bytes(["a", "b"], [[text, -4] for text in FORMULAS])
    rows = _rows(data)
    _no_formula(rows)
    assert [r[1] for r in rows[1:]] == ["-4"] * len(FORMULAS)
    assert [r[0] for r in read_csv(data)[1]] == FORMULAS


@pytest.fixture(scope="module")
def planted(demo_db):
    """A partnership in Maastricht-Heuvelland whose agreements, organisation and contact look like formulas."""
    with session_scope() as session:
        partnership = session.scalars(select(Partnership).where(Partnership.end_on.is_(None))
                                      .order_by(Partnership.id)).first()
        partnership.agreements = FORMULAS[0]
        organisation = session.get(Organisation, partnership.organisation_id)
        organisation.name = "@SUM(A1:A9) welzijn"
        if partnership.contact_id is not None:
            contact = session.get(Contact, partnership.contact_id)
        else:
            contact = Contact(organisation_id=organisation.id, name="x")
            session.add(contact)
            session.flush()
            partnership.contact_id = contact.id
        contact.name, contact.phone = "-Jansen", "+31 6 1234 5678"
        school = session.get(School, partnership.school_id)
        return school.code


def test_the_netwerk_csv_download_escapes_formulas(dash_app, planted):
    client = dash_app.server.test_client()
    client_login(client, USERS["beheerder"][0])
    response = _call_by_input(client, dash_app, "net-download.data", "net-export-csv", {
        "net-export-csv.n_clicks": 1, "url.search": "?gebied=nl&peildatum=2026-11-23"})
    download = json.loads(response.get_data(as_text=True))["response"]["net-download"]["data"]
    assert download["filename"].endswith("samenwerkingen.csv")
    rows = _rows(base64.b64decode(download["content"]))
    _no_formula(rows)
    cells = _cells(rows)
    assert "'" + FORMULAS[0] in cells and "'@SUM(A1:A9) welzijn" in cells


def test_the_audit_csv_download_escapes_formulas(dash_app, planted):
    with session_scope() as session:
        audit.record(session, username="-gebruiker", action="update", entity="organisation", entity_id=1,
                     changes={"name": ("oud", "@SUM(A1)")}, detail="=1+1")
    client = dash_app.server.test_client()
    client_login(client, USERS["beheerder"][0])
    response = _call(client, dash_app, "admin-audit-download.data", {"admin-audit-export.n_clicks": 1})
    download = json.loads(response.get_data(as_text=True))["response"]["admin-audit-download"]["data"]
    rows = _rows(base64.b64decode(download["content"]))
    _no_formula(rows)
    planted_row = next(r for r in rows if r[1] == "'-gebruiker")
    assert (planted_row[7], planted_row[8]) == ("'@SUM(A1)", "'=1+1")


def test_vios_export_csv_folder_escapes_formulas_and_reads_back_unchanged(module_database, planted, tmp_path):
    folder = tmp_path / "export"
    result = run(module_database, "export", str(folder))
    assert result.returncode == 0, result.stderr
    files = {p.stem: _rows(p.read_bytes()) for p in folder.glob("*.csv")}
    for name, rows in files.items():
        if name != "toelichting":
            _no_formula(rows)
    cells = {c for name in ("samenwerkingen", "organisaties", "contactpersonen") for c in _cells(files[name])}
    assert {"'" + FORMULAS[0], "'@SUM(A1:A9) welzijn", "'-Jansen", "'+31 6 1234 5678"} <= cells
    # the product reads its own files back as the original text: nothing would change
    from dataio.exchange import import_workbook

    with session_scope() as session:
        checked = import_workbook(session, folder, dry_run=True)
    assert not checked.errors
    for sheet in ("samenwerkingen", "organisaties", "contactpersonen"):
        assert checked.count(sheet, "updated") == 0, sheet

"""Limits that hold (issue 12, issue 13 findings 3, 8 and 13): small files that claim or unpack to huge ones,
oversized fields and requests, crafted upload values and URL dates answer in Dutch, never with a 500 or
by exhausting memory. Files are built here with openpyxl and zipfile, as an attacker would."""
from __future__ import annotations

import base64
import io
import re
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import background_calls
import openpyxl
import pytest
from conftest import USERS, client_login, region_key
from sqlmodel import Session

from dataio.errors import ImportRefused
from dataio.exchange import import_workbook
from dataio.tabular import FileRefused, read_csv, read_xlsx
from domain.compare_choice import choose_compare_date
from domain.scope import scope_from_params
from services import uploads

TODAY = date(2026, 11, 23)


def _peak(function) -> int:
    """Peak Python memory (bytes) while function runs; returns (peak, result or exception)."""
    tracemalloc.start()
    try:
        try:
            function()
        except (ValueError, ImportRefused):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _rewrite(xlsx: bytes, part: str, change) -> bytes:
    """The workbook with one part's XML changed (openpyxl writes sane files; attackers do not)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(info.filename, change(data) if info.filename == part else data)
    return out.getvalue()


def _workbook(rows: int = 400) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "scholen"
    ws.append(["brin_vestiging", "naam"])
    for i in range(rows):
        ws.append([f"{i:04d}00", f"School {i}"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- xlsx

def test_lim001_claimed_dimensions_are_not_read():
    claimed = _rewrite(_workbook(), "xl/worksheets/sheet1.xml",
                       lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', xml))
    assert len(claimed) < 50_000
    peak = _peak(lambda: read_xlsx(claimed))
    assert peak < 30 * 2**20, f"{peak / 2**20:.0f} MB for a {len(claimed) // 1024} KB file"
    header, rows = read_xlsx(claimed)["scholen"]
    assert header == ["brin_vestiging", "naam"] and len(rows) == 400 and rows[0] == ["000000", "School 0"]


def test_lim002_a_cell_in_column_xfd_is_refused_in_dutch():
    wide = _rewrite(_workbook(3), "xl/worksheets/sheet1.xml",
                    lambda xml: xml.replace(b"</row>", b'<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>', 1))
    with pytest.raises(FileRefused, match="kolom 16384; meer dan 200 kolommen"):
        read_xlsx(wide)


def test_lim003_an_xlsx_with_a_dtd_is_refused_in_dutch(engine):
    bomb = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i else b"&lol;" * 10)
                       for i in range(1, 9)) + b"]>")
    xlsx = _rewrite(_workbook(3), "xl/worksheets/sheet1.xml", lambda xml: bomb + xml.split(b"?>", 1)[-1])
    with pytest.raises(FileRefused, match="DTD of XML-entiteiten"):
        read_xlsx(xlsx)
    with Session(engine) as session, pytest.raises(ImportRefused) as refused:
        import_workbook(session, xlsx, filename="bom.xlsx")
    assert "DTD" in refused.value.errors[0].reason


def test_lim004_an_xlsx_part_that_unpacks_too_far_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_workbook(3))) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            z.writestr(info.filename, source.read(info))
        z.writestr("xl/media/padding.xml", b" " * (40 * 2**20))
    assert len(out.getvalue()) < 200_000
    with pytest.raises(FileRefused, match="zip-bom"):
        read_xlsx(out.getvalue())


# ---------------------------------------------------------------- CSV and zip

def _zip_bomb() -> bytes:
    """A 40 KB zip of CSV files that unpacks to 40 MB (issue 13, finding 3)."""
    line = b"GGD Zuid Limburg;Jan Jansen;jeugdarts;;;ja\r\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("contactpersonen.csv", b"organisatie;naam;functie;telefoon;e-mail;actief\r\n"
                         + line * (40 * 2**20 // len(line)))
    return buffer.getvalue()


def test_lim005_a_zip_bomb_is_refused_without_unpacking_it(engine, tmp_path):
    bomb = _zip_bomb()
    assert len(bomb) < 200_000
    with Session(engine) as session:
        peak = _peak(lambda: import_workbook(session, bomb, filename="bom.zip"))
    assert peak < 20 * 2**20, f"{peak / 2**20:.0f} MB"
    with Session(engine) as session, pytest.raises(ImportRefused) as refused:
        import_workbook(session, bomb, filename="bom.zip")
    assert "keer zijn gecomprimeerde grootte (een zip-bom?)" in refused.value.errors[0].reason
    # the web upload unpacks to disk: refused there as well, before any file is written in full
    with pytest.raises(ValueError, match="zip-bom"):
        uploads._unzip_csv_folder(bomb, tmp_path / "csv")


def test_lim006_a_field_over_128_kb_is_refused_with_its_line():
    data = b"naam;toelichting\r\nkort;ok\r\nlang;" + b"x" * (200 * 1024) + b"\r\n"
    with pytest.raises(FileRefused) as refused:
        read_csv(data)
    assert refused.value.line == 3 and "langer dan 128 kB" in refused.value.reason


def test_lim007_an_unclosed_quote_gives_a_dutch_refusal_not_a_traceback(engine):
    data = b'naam;sector\r\n"Open aanhalingsteken;vo\r\n' + b"y;z\r\n" * 30_000
    with Session(engine) as session, pytest.raises(ImportRefused) as refused:
        import_workbook(session, data, filename="scholen.csv")
    assert "langer dan 128 kB" in str(refused.value)


# ---------------------------------------------------------------- dates in the URL

@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "31-12-1899", "01-01-2101"])
def test_lim008_dates_outside_1900_2100_fall_back_with_a_dutch_warning(value):
    scope, warnings = scope_from_params({"peildatum": value}, TODAY)
    assert scope.as_of == TODAY and warnings and "ligt buiten 01-01-1900 tot en met 31-12-2100" in warnings[0]
    compare = choose_compare_date(value, TODAY, [])
    assert compare.on == date(2026, 8, 23) and "Vergelijkdatum" in compare.warnings[0]
    assert scope_from_params({"peildatum": "2100-12-31"}, TODAY)[0].as_of == date(2100, 12, 31)


# ---------------------------------------------------------------- requests and uploads

def _post(client, payload: dict | str):
    cookie = client.get_cookie("_csrf_token")
    return background_calls.post(client, payload, {"X-CSRFToken": cookie.value if cookie else ""})


def test_lim009_every_request_has_a_size_limit_answered_in_dutch(dash_app, client):
    client_login(client, USERS["beheerder"][0])
    contents = "data:text/csv;base64," + "A" * (41 * 2**20)
    response = _post(client, background_calls.payload(dash_app, "data-preview.children",
                                                      {"data-upload.contents": contents}))
    assert response.status_code == 413
    assert "Het verzoek is te groot (meer dan 40 MB)" in response.get_json()["error"]
    # the largest allowed upload (25 MB) base64-encodes to about 34 MB and still gets through
    assert uploads.MAX_UPLOAD_BYTES * 4 / 3 < dash_app.server.config["MAX_CONTENT_LENGTH"]
    # a request without a session is refused before its size matters
    assert dash_app.server.test_client().post("/_dash-update-component", data="x" * 100).status_code == 401


@pytest.mark.parametrize("contents", [{"a": 1}, ["data:,", "x"], 12, True, "geen-komma", "data:x;base64,@@@"])
def test_lim010_non_string_or_broken_upload_contents_are_refused_in_dutch(dash_app, client, contents):
    client_login(client, USERS["beheerder"][0])
    calls = (("data-preview.children", {}), ("data-rejects-download.data", {"data-confirm.n_clicks": 1}))
    for output, trigger in calls:
        response = _post(client, background_calls.payload(dash_app, output, {
            **trigger, "data-upload.contents": contents, "data-upload.filename": ["x.csv"],
            "data-kind.value": {"x": 1}, "data-sector.value": ["vo"], "data-partial.value": "partial",
            "data-deactivate.value": {"n": 3}}))
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert "kon niet worden gelezen" in response.get_data(as_text=True)


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31"])
def test_lim011_a_page_with_an_absurd_peildatum_answers_with_a_warning(dash_app, client, value):
    client_login(client, USERS["beheerder"][0])
    search = f"?gebied={region_key('Maastricht-Heuvelland')}&peildatum={value}&vergelijk={value}"
    for path in ("/", "/gemeenten", "/certificering", "/planning", "/netwerk"):
        response = _post(client, background_calls.payload(dash_app, "_pages_content.children", {
            "_pages_location.pathname": path, "_pages_location.search": search}))
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        assert "ligt buiten 01-01-1900 tot en met 31-12-2100" in response.get_data(as_text=True), path


def test_lim012_an_upload_over_25_mb_is_refused_before_decoding():
    with pytest.raises(ValueError, match="groter dan 25 MB"):
        uploads.decode_upload("data:text/csv;base64," + base64.b64encode(b"x" * 100).decode() + "A" * (34 * 2**20))


def test_lim013_a_file_with_too_many_filled_cells_is_refused(monkeypatch, tmp_path: Path):
    from dataio import tabular

    monkeypatch.setattr(tabular, "MAX_CELLS", 1000)
    with pytest.raises(FileRefused, match="meer dan 1.000 gevulde cellen"):
        read_csv(b"a;b\r\n" + b"1;2\r\n" * 600)


def test_lim014_a_duo_file_with_more_rows_than_any_register_is_refused(monkeypatch, engine):
    from dataio import duo

    monkeypatch.setattr(duo, "MAX_ROWS", 3)
    data = b"INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;GEMEENTENUMMER;GEMEENTENAAM\r\n" + b"".join(
        b"%04d;%04d00;School;0935;Maastricht\r\n" % (i, i) for i in range(4))
    with Session(engine) as session, pytest.raises(ImportRefused) as refused:
        duo.import_duo(session, data, "po")
    assert "het bestand heeft 4 rijen; een DUO-register heeft er hoogstens 3" in str(refused.value)

"""Browser tests of the Gegevens page: preview, refusal with line numbers, import, export."""
from __future__ import annotations

import time
from pathlib import Path

import openpyxl
from conftest import click, schools_workbook
from sqlmodel import func, select

from models import School
from models.db import session_scope


def _school(code: str, sector: str = "vo") -> dict:
    return {"brin_vestiging": code, "naam": f"Testschool {code}", "sector": sector, "gemeente_cbs": "GM0935",
            "postcode": "6211 AB", "plaats": "Maastricht", "actief": "ja"}


def _count(code_prefix: str) -> int:
    with session_scope() as session:
        return session.exec(select(func.count(School.id)).where(School.code.startswith(code_prefix))).one()


def _upload(duo, path: Path) -> None:
    duo.find_element("#data-upload input[type=file]").send_keys(str(path))


def test_dat001_bad_row_is_refused_with_its_line_number(duo, tmp_path):
    path = schools_workbook(tmp_path / "fout.xlsx", [_school("98ZZ00"), _school("98ZZ01", sector="universiteit")])
    duo.wait_for_page(f"{duo.server_url}/gegevens")
    _upload(duo, path)
    duo.wait_for_element("#data-errors")
    errors = duo.find_element("#data-errors").text
    assert "scholen" in errors and "3" in errors and "sector" in errors
    row = [r.text for r in duo.driver.find_elements("css selector", "#data-errors tbody tr")]
    assert len(row) == 1 and " 3 " in f" {row[0]} "
    assert duo.find_element("#data-confirm").get_attribute("disabled") is not None
    assert _count("98ZZ") == 0   # the preview wrote nothing, the good row neither
    assert duo.get_logs() == []


def test_dat002_preview_then_import(duo, tmp_path):
    path = schools_workbook(tmp_path / "goed.xlsx", [_school("97ZZ00"), _school("97ZZ01", sector="po")])
    duo.wait_for_page(f"{duo.server_url}/gegevens")
    _upload(duo, path)
    duo.wait_for_element("#data-counts")
    counts = duo.find_element("#data-counts").text
    assert "scholen 2 0 0 0" in counts.replace("\n", " ")
    assert _count("97ZZ") == 0   # preview only
    click(duo, "#data-confirm")
    duo.wait_for_element("#data-import-done")
    assert _count("97ZZ") == 2
    assert duo.get_logs() == []


def test_dat003_export_downloads_a_workbook_with_every_school(duo):
    duo.wait_for_page(f"{duo.server_url}/gegevens")
    click(duo, "#data-export")
    target = None
    for _ in range(60):
        files = [p for p in Path(duo.download_path).glob("vios-export-*.xlsx")]
        if files:
            target = files[0]
            break
        time.sleep(0.5)
    assert target is not None, "no export downloaded"
    time.sleep(0.5)
    sheet = openpyxl.load_workbook(target, read_only=True)["scholen"]
    exported = sum(1 for row in sheet.iter_rows(min_row=2, values_only=True) if row and row[0])
    with session_scope() as session:
        assert exported == session.exec(select(func.count(School.id))).one()
    assert duo.get_logs() == []


def test_dat004_duo_register_partial_import_downloads_the_rejected_rows(duo, tmp_path):
    from conftest import choose

    from models import Municipality

    # A DUO register is the whole sector: the existing so-school must be in it, or it becomes inactive.
    with session_scope() as session:
        existing, cbs = session.exec(select(School, Municipality.cbs_code).join(Municipality)
                                     .where(School.sector == "so", School.active)).first()
    gm = cbs[2:]
    header = ("PROVINCIE;BEVOEGD GEZAG NUMMER;INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;STRAATNAAM;"
              "HUISNUMMER-TOEVOEGING;POSTCODE;PLAATSNAAM;GEMEENTENUMMER;GEMEENTENAAM;DENOMINATIE;TELEFOONNUMMER;"
              "INTERNETADRES\n")
    rows = (f";41234;{existing.code[:4]};{existing.code[4:]};{existing.name};;;{existing.postcode};{existing.city};"
            f"{gm};;;;\n"
            f"Limburg;41234;96ZZ;00;Duo Testcollege;Markt;1;6211 AB;MAASTRICHT;{gm};;Openbaar;;\n"
            f"Limburg;41234;96ZZ;01;Duo Testcollege Zuid;Markt;2;62110;MAASTRICHT;{gm};;Openbaar;;\n")
    register = tmp_path / "vestigingen-so.csv"
    register.write_bytes((header + rows).encode("cp1252"))
    duo.wait_for_page(f"{duo.server_url}/gegevens")
    click(duo, "#data-kind input[value=duo]")
    choose(duo, "#data-sector", "Speciaal onderwijs (so)")
    click(duo, "#data-partial input")
    _upload(duo, register)
    duo.wait_for_element("#data-errors")
    shown = [r.text for r in duo.driver.find_elements("css selector", "#data-errors tbody tr")]
    assert len(shown) == 1 and " 4 POSTCODE " in f" {shown[0]} "
    click(duo, "#data-confirm")
    duo.wait_for_element("#data-import-done")
    assert _count("96ZZ") == 1
    with session_scope() as session:
        assert session.get(School, existing.id).active   # still in the register, still active
    rejects = None
    for _ in range(40):
        found = list(Path(duo.download_path).glob("afgekeurd*.csv"))
        if found:
            rejects = found[0]
            break
        time.sleep(0.5)
    assert rejects is not None, "no file with rejected rows downloaded"
    time.sleep(0.3)
    text = rejects.read_bytes().decode("utf-8-sig")
    assert "96ZZ" in text and "Duo Testcollege Zuid" in text and "Duo Testcollege;" not in text
    assert "FOUT" in text.splitlines()[0]
    assert duo.get_logs() == []


def test_dat005_coordinator_import_refuses_a_row_outside_the_region(dash_duo, dash_app, tmp_path):
    from conftest import USERS, login, start
    from sqlmodel import select as _select

    from models import Municipality, Region

    with session_scope() as session:
        other = session.exec(_select(Municipality.cbs_code).join(Region, Municipality.region_id == Region.id)
                             .where(Region.name != "Maastricht-Heuvelland").order_by(Municipality.id)).first()
    path = schools_workbook(tmp_path / "coord.xlsx", [_school("91QQ00"), {**_school("91QQ01"), "gemeente_cbs": other}])
    start(dash_duo, dash_app)
    login(dash_duo, USERS["coordinator"][0])
    dash_duo.wait_for_page(f"{dash_duo.server_url}/gegevens")
    _upload(dash_duo, path)
    dash_duo.wait_for_element("#data-errors")
    rows = [r.text for r in dash_duo.driver.find_elements("css selector", "#data-errors tbody tr")]
    assert len(rows) == 1, rows
    row = rows[0]
    assert " 3 " in f" {row} " and "uw eigen regio" in row
    assert dash_duo.find_element("#data-confirm").get_attribute("disabled") is not None
    assert _count("91QQ") == 0
    assert dash_duo.get_logs() == []

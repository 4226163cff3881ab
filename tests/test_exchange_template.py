"""The downloadable template: dropdown lists for the fixed values, one example row per sheet that the
import recognises and skips (and that would import as valid rows)."""
from __future__ import annotations

import io

import openpyxl
from sqlmodel import Session, func, select
from test_exchange import SHEET_NAMES, make_demo

import dataio.exchange_template as template
from dataio.exchange import import_workbook, template_bytes, write_template
from dataio.exchange_schema import SHEETS_BY_NAME
from domain.certification import PHASES
from domain.vocab import ORGANISATION_TYPES, PARTNERSHIP_ROLES, SECTORS
from models import Organisation, PhaseEvent, School


def _validations(ws) -> dict[str, str]:
    """Column header -> the list a dropdown of that column offers (as its formula)."""
    header = [c.value for c in ws[1]]
    found = {}
    for validation in ws.data_validations.dataValidation:
        for cell_range in validation.sqref.ranges:
            assert cell_range.min_row == 2 and cell_range.max_row >= 1000
            found[header[cell_range.min_col - 1]] = validation.formula1
    return found


def _offered(workbook, formula: str) -> list[str]:
    sheet, cells = formula.split("!")
    start, end = cells.replace("$", "").split(":")
    ws = workbook[sheet]
    return [row[0].value for row in ws[start:end]]


def test_the_download_has_dropdowns_for_types_roles_phases_and_sectors():
    workbook = openpyxl.load_workbook(io.BytesIO(template_bytes(examples=True)))
    assert workbook[template.LISTS_SHEET].sheet_state == "hidden"
    expected = {("organisaties", "type"): ORGANISATION_TYPES, ("samenwerkingen", "rol"): PARTNERSHIP_ROLES,
                ("fasen", "fase"): PHASES, ("scholen", "sector"): SECTORS, ("scholen", "actief"): {"ja": 1, "nee": 1}}
    for (sheet, column), vocab in expected.items():
        formula = _validations(workbook[sheet])[column]
        assert _offered(workbook, formula) == list(vocab), (sheet, column)
    assert set(_validations(workbook["gemeenten"])) == {"aanpakmodel", "aanpakfase"}


def test_every_sheet_has_one_example_row():
    workbook = openpyxl.load_workbook(io.BytesIO(template_bytes(examples=True)))
    for name in SHEET_NAMES:
        rows = [tuple(c if c is not None else "" for c in r) for r in workbook[name].iter_rows(values_only=True)]
        assert rows[0] == tuple(SHEETS_BY_NAME[name].header)
        assert len(rows) == 2 and any(rows[1]), name


def test_the_example_rows_are_recognised_and_skipped(engine, tmp_path):
    make_demo(engine)
    (tmp_path / "sjabloon.xlsx").write_bytes(template_bytes(examples=True))
    with Session(engine) as s:
        schools = s.exec(select(func.count()).select_from(School)).one()
        result = import_workbook(s, tmp_path / "sjabloon.xlsx")
        s.commit()
        assert result.committed and result.errors == [] and result.total("created") == 0
        assert s.exec(select(func.count()).select_from(School)).one() == schools
    assert sum("voorbeeldregel" in w for w in result.warnings) == len(SHEET_NAMES)


def test_an_edited_example_row_is_imported(engine, tmp_path):
    workbook = openpyxl.load_workbook(io.BytesIO(template_bytes(examples=True)))
    ws = workbook["organisaties"]
    ws.append(["Buurtwerk Echt", "politie", "", ""])  # the user's own row below the example
    ws["A2"], ws["C2"] = "Voorbeeldorganisatie (echt)", None  # the example, edited: a row like any other
    workbook["contactpersonen"].delete_rows(2)  # it referred to the example organisation
    workbook["samenwerkingen"].delete_rows(2)
    workbook.save(tmp_path / "ingevuld.xlsx")
    with Session(engine) as s:
        result = import_workbook(s, tmp_path / "ingevuld.xlsx")
        s.commit()
        names = set(s.exec(select(Organisation.name)).all())
    assert names == {"Voorbeeldorganisatie (echt)", "Buurtwerk Echt"}
    assert result.count("scholen", "created") == 0  # the other examples are still skipped


def test_the_example_rows_are_valid_rows_that_import(engine, tmp_path, monkeypatch):
    """Were they not skipped, the examples would import without errors into an empty database, the ones
    referring to others included (so they show a working way to fill in the sheets)."""
    monkeypatch.setattr("dataio.exchange.example_matcher", lambda *_: (lambda _cells: False))
    write_template(tmp_path / "sjabloon.xlsx", examples=True)
    with Session(engine) as s:
        result = import_workbook(s, tmp_path / "sjabloon.xlsx")
        s.commit()
        assert result.errors == []
        assert {name: result.count(name, "created") for name in SHEET_NAMES} == dict.fromkeys(SHEET_NAMES, 1)
        assert s.exec(select(PhaseEvent.phase)).all() == ["registered"]

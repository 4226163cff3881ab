"""The downloadable exchange template: dropdown lists for the fixed values and one example row per sheet.

Every column with a fixed list of values (sector, type, rol, fase, aanpakmodel, aanpakfase, actief)
gets an Excel dropdown (data validation) from the hidden sheet 'keuzelijsten'. Each sheet has one
example row, written as text exactly as below. The import recognises a row that is still exactly
the example (cell by cell, as text) and skips it with a warning, so a template filled in below its
examples imports only the user's rows; an example row the user edited is a row like any other.
The examples refer to each other and are valid rows (tests/test_exchange_template.py imports them).
"""
from __future__ import annotations

import io
from collections.abc import Callable, Sequence

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from dataio import values as v
from dataio.exchange_schema import SHEETS, SHEETS_BY_NAME

LISTS_SHEET = "keuzelijsten"
LAST_ROW = 10_000  # dropdowns reach this row (the sheets' practical size for hand-filled rows)
YES_NO = {"ja": "ja", "nee": "nee"}

EXAMPLES: dict[str, dict[str, str]] = {
    "regios": {"naam": "Voorbeeldregio", "provincie": "Voorbeeldprovincie", "geldigheid_maanden": "24",
               "binnenkort_verlopen_maanden": "6", "verplichte_partnertypen": "gemeente, politie",
               "doorlooptijd_min_maanden": "6", "doorlooptijd_max_maanden": "8",
               "auditcapaciteit_per_kwartaal": "4", "fase_max_maanden": "4"},
    "gemeenten": {"cbs_code": "GM9998", "naam": "Voorbeeldgemeente", "provincie": "Voorbeeldprovincie",
                  "regio": "Voorbeeldregio", "aanpakmodel": "eigen", "aanpakfase": "plan",
                  "aanpakfase_sinds": "01-03-2026", "elementen": "kernteam", "bereik": "alle vo-scholen"},
    "scholen": {"brin_vestiging": "99XX00", "naam": "Voorbeeldschool", "sector": "vo", "gemeente_cbs": "GM9998",
                "bestuur_nummer": "99999", "bestuur_naam": "Stichting Voorbeeld", "straat": "Schoolstraat",
                "huisnummer": "1", "postcode": "1234 AB", "plaats": "Voorbeeldstad", "telefoon": "010-1234567",
                "website": "www.voorbeeldschool.example", "denominatie": "Openbaar", "breedtegraad": "52,1",
                "lengtegraad": "5,1", "leerlingen": "800", "actief": "ja", "inactief_sinds": ""},
    "organisaties": {"naam": "Voorbeeldorganisatie", "type": "jongerenwerk", "gemeente_cbs": "GM9998",
                     "einddatum": ""},
    "contactpersonen": {"organisatie": "Voorbeeldorganisatie", "naam": "Voorbeeld Persoon", "functie": "jongerenwerker",
                        "telefoon": "06-12345678", "email": "persoon@voorbeeld.example", "einddatum": ""},
    "samenwerkingen": {"school": "99XX00", "organisatie": "Voorbeeldorganisatie", "rol": "kernteam",
                       "contactpersoon": "Voorbeeld Persoon", "startdatum": "01-09-2026", "einddatum": "",
                       "afspraken": "maandelijks overleg"},
    "tranches": {"regio": "Voorbeeldregio", "naam": "Voorbeeldtranche", "startdatum": "01-02-2027",
                 "capaciteit": "10"},
    "trajecten": {"school": "99XX00", "cyclus": "1", "tranche_regio": "Voorbeeldregio",
                  "tranche": "Voorbeeldtranche"},
    "fasen": {"school": "99XX00", "cyclus": "1", "fase": "registered", "datum": "01-10-2026",
              "notitie": "aangemeld", "vastgelegd_door": "", "vastgelegd_op": ""},
}


def example_row(sheet: str) -> list[object]:
    """The example row of a sheet, in the template's column order."""
    example = EXAMPLES[sheet]
    return [example.get(name, "") for name in SHEETS_BY_NAME[sheet].header]


def example_matcher(sheet: str, header: Sequence[str]) -> Callable[[Sequence[object]], bool]:
    """A test whether a row (of a file with this header) is still exactly the template's example row."""
    example = EXAMPLES.get(sheet)
    if example is None:
        return lambda _cells: False
    wanted = [(i, example.get(v.cell_text(name), "")) for i, name in enumerate(header)]
    if not {k for k, value in example.items() if value} <= {v.cell_text(name) for name in header}:
        return lambda _cells: False  # a column of the example is missing: never the example
    first = next(i for i, value in wanted if value)

    def matches(cells: Sequence[object]) -> bool:
        if first >= len(cells) or v.cell_text(cells[first]) != wanted[first][1]:
            return False  # the usual case, decided by one cell
        return all(v.cell_text(cells[i] if i < len(cells) else None) == value for i, value in wanted)

    return matches


def _choices() -> dict[str, dict[str, str]]:
    """Vocabulary name -> codes, for every column with a fixed list of values."""
    lists: dict[str, dict[str, str]] = {}
    for spec in SHEETS:
        for col in spec.cols:
            if col.kind == "vocab" and col.vocab:
                lists.setdefault(col.name, col.vocab)
            elif col.kind == "bool":
                lists.setdefault(col.name, YES_NO)
    return lists


def add_dropdowns(data: bytes) -> bytes:
    """The template workbook (xlsx bytes) with its dropdown lists and a hidden 'keuzelijsten' sheet."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    lists = workbook.create_sheet(LISTS_SHEET)
    ranges: dict[str, str] = {}
    for index, (name, vocab) in enumerate(_choices().items(), start=1):
        letter = get_column_letter(index)
        lists.cell(row=1, column=index, value=name)
        for row, code in enumerate(vocab, start=2):
            lists.cell(row=row, column=index, value=code)
        ranges[name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(vocab) + 1}"
    lists.sheet_state = "hidden"
    for spec in SHEETS:
        ws = workbook[spec.name]
        for index, col in enumerate(spec.cols, start=1):
            if col.name not in ranges or (col.kind not in ("vocab", "bool")):
                continue
            letter = get_column_letter(index)
            validation = DataValidation(type="list", formula1=ranges[col.name], allow_blank=not col.required,
                                        showErrorMessage=True, errorTitle="Ongeldige waarde",
                                        error=f"Kies een waarde uit de lijst ({col.name}).")
            validation.add(f"{letter}2:{letter}{LAST_ROW}")
            ws.add_data_validation(validation)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

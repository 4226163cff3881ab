"""Exchange workbook: template, export/import round trips, validation, modes and personal data."""
from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlmodel import Session, func, select

from dataio.errors import ImportRefused
from dataio.exchange import export_bytes, export_workbook, import_workbook, template_bytes, write_template
from dataio.exchange_schema import SHEETS
from models import (
    Board,
    Contact,
    Municipality,
    Organisation,
    Partnership,
    PhaseEvent,
    Province,
    Region,
    School,
    Trajectory,
    Tranche,
)
from models.db import make_engine
from services.migrate import upgrade

SHEET_NAMES = ["regios", "gemeenten", "scholen", "organisaties", "contactpersonen", "samenwerkingen", "tranches",
               "trajecten", "fasen"]
ZUID = "Zuid-Limburg (fictief, één)"
PERSONAL = ["Jan Jansen (fictief)", "jan.jansen@politie.example", "06-12345678",
            "Anna de Vries (fictief)", "anna@halt.example", "Coördinator Piet (fictief)"]


def new_engine(path: Path):
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


@pytest.fixture()
def engine(tmp_path):
    return new_engine(tmp_path / "t.db")


def make_demo(engine) -> dict[str, int]:
    """Fictional demo data touching every column and edge case of the exchange format."""
    with Session(engine) as s:
        limburg, holland = Province(name="Limburg"), Province(name="Zuid-Holland")
        s.add_all([limburg, holland])
        s.flush()
        heuvelland = Region(name="Maastricht-Heuvelland", province_id=limburg.id, validity_months=24,
                            expiring_window_months=6, required_partner_types=["gemeente", "politie", "halt"],
                            expected_months_min=6, expected_months_max=8, audit_capacity_per_quarter=4)
        haaglanden = Region(name="Haaglanden (fictief)", province_id=holland.id, validity_months=36,
                            required_partner_types=[], audit_capacity_per_quarter=None)
        s.add_all([heuvelland, haaglanden])
        s.flush()
        maastricht = Municipality(cbs_code="GM0935", name="Maastricht", province_id=limburg.id,
                                  region_id=heuvelland.id, approach_model="arnhem", approach_phase="uitvoering",
                                  approach_phase_since=date(2021, 3, 1), elements=["signaleringsoverleg", "kernteam"],
                                  reach="alle vo-scholen; 2 po")
        valkenburg = Municipality(cbs_code="GM0994", name="Valkenburg aan de Geul", province_id=limburg.id,
                                  region_id=heuvelland.id)
        den_haag = Municipality(cbs_code="GM0518", name="'s-Gravenhage", province_id=holland.id,
                                region_id=haaglanden.id, approach_model="eigen", approach_phase="plan")
        loose = Municipality(cbs_code="GM0200", name="Apeldoorn")  # no province, no region
        board = Board(number="41234", name="Stichting Kindante (fictief)")
        s.add_all([maastricht, valkenburg, den_haag, loose, board])
        s.flush()
        regenboog = School(code="02QZ00", name="Basisschool De Regenboog (fictief)", sector="po",
                           municipality_id=maastricht.id, board_id=board.id, street="Markt", house_number="12 a",
                           postcode="6211 AB", city="Maastricht", phone="043-1234567", website="www.regenboog.example",
                           denomination="Rooms-Katholiek", latitude=50.8514, longitude=5.691, pupils=312)
        college = School(code="05VO00", name="Stella Maris College (fictief)", sector="vo",
                         municipality_id=valkenburg.id, board_id=board.id, pupils=1200)
        closed = School(code="07XY01", name="Oude locatie (fictief)", sector="so", municipality_id=den_haag.id,
                        active=False, inactive_since=date(2025, 8, 1))
        s.add_all([regenboog, college, closed])
        police = Organisation(name="Politie Limburg-Zuid", type="politie", municipality_id=maastricht.id)
        halt = Organisation(name="Halt Limburg", type="halt")
        s.add_all([police, halt])
        s.flush()
        jan = Contact(organisation_id=police.id, name="Jan Jansen (fictief)", role="wijkagent",
                      phone="06-12345678", email="jan.jansen@politie.example")
        anna = Contact(organisation_id=halt.id, name="Anna de Vries (fictief)", role="", email="anna@halt.example",
                       ended_on=date(2025, 6, 30))
        s.add_all([jan, anna])
        s.flush()
        s.add_all([
            Partnership(school_id=regenboog.id, organisation_id=police.id, role="kernteam", contact_id=jan.id,
                        start_on=date(2024, 1, 1), agreements="=maandelijks overleg; schoolplein"),
            Partnership(school_id=regenboog.id, organisation_id=halt.id, role="advies", start_on=date(2023, 9, 1),
                        end_on=date(2025, 6, 30)),
            Partnership(school_id=college.id, organisation_id=police.id, role="signaleringsoverleg",
                        contact_id=jan.id, start_on=date(2024, 2, 15)),
        ])
        first = Tranche(region_id=heuvelland.id, name="Tranche 2024-1", start_on=date(2024, 2, 1), capacity=8)
        second = Tranche(region_id=heuvelland.id, name="Tranche 2025-1", start_on=date(2025, 2, 1), capacity=6)
        s.add_all([first, second])
        s.flush()
        t1 = Trajectory(school_id=regenboog.id, cycle=1, tranche_id=first.id)
        t2 = Trajectory(school_id=regenboog.id, cycle=2)
        t3 = Trajectory(school_id=college.id, cycle=1, tranche_id=second.id)
        s.add_all([t1, t2, t3])
        s.flush()
        at = datetime(2024, 9, 2, 10, 15, 30, 123456, tzinfo=UTC)
        events = [
            (t1, "registered", date(2024, 2, 1), ""), (t1, "intake", date(2024, 3, 1), "nulmeting"),
            (t1, "improvement", date(2024, 4, 1), ""), (t1, "audit", date(2024, 9, 1), ""),
            (t1, "improvement", date(2024, 9, 1), ""), (t1, "audit", date(2024, 9, 1), ""),  # corrections
            (t1, "committee", date(2024, 10, 1), ""), (t1, "certified", date(2024, 10, 15), "certificaat"),
            (t3, "registered", date(2025, 2, 1), ""),
        ]
        for trajectory, phase, on, note in events:
            s.add(PhaseEvent(trajectory_id=trajectory.id, phase=phase, on=on, note=note,
                             recorded_by="Coördinator Piet (fictief)", recorded_at=at))
        s.commit()
        return {"heuvelland": heuvelland.id, "haaglanden": haaglanden.id}


def read_xlsx(path_or_bytes) -> dict[str, list[tuple]]:
    source = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    workbook = openpyxl.load_workbook(source)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def read_csv_folder(folder: Path) -> dict[str, list[list[str]]]:
    return {p.stem: list(csv.reader(io.StringIO(p.read_bytes().decode("utf-8-sig")), delimiter=";"))
            for p in sorted(folder.glob("*.csv"))}


def count(engine, model) -> int:
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def run_import(engine, source, **kwargs):
    with Session(engine) as s:
        result = import_workbook(s, source, **kwargs)
        s.commit()
        return result


# ---------------------------------------------------------------- template

def test_template_has_every_sheet_and_header(tmp_path):
    write_template(tmp_path / "sjabloon.xlsx")
    sheets = read_xlsx(tmp_path / "sjabloon.xlsx")
    assert list(sheets) == ["toelichting"] + SHEET_NAMES
    assert sheets["scholen"] == [(
        "brin_vestiging", "naam", "sector", "gemeente_cbs", "bestuur_nummer", "bestuur_naam", "straat", "huisnummer",
        "postcode", "plaats", "telefoon", "website", "denominatie", "breedtegraad", "lengtegraad", "leerlingen",
        "actief", "inactief_sinds")]
    assert sheets["samenwerkingen"] == [("school", "organisatie", "rol", "contactpersoon", "startdatum", "einddatum",
                                         "afspraken")]
    assert sheets["fasen"] == [("school", "cyclus", "fase", "datum", "notitie", "vastgelegd_door", "vastgelegd_op")]
    for spec in SHEETS:
        assert sheets[spec.name] == [tuple(spec.header)]
    explained = {(r[0], r[1]) for r in sheets["toelichting"] if len(r) > 1}
    for spec in SHEETS:
        for column in spec.header:
            assert (spec.name, column) in explained
    allowed = {(r[0], r[1]): r[4] for r in sheets["toelichting"] if len(r) > 4}
    assert "kernteam (Kernteam)" in allowed[("samenwerkingen", "rol")]
    assert "certified (Gecertificeerd)" in allowed[("fasen", "fase")]
    assert list(read_xlsx(template_bytes())) == list(sheets)

    write_template(tmp_path / "sjabloon")
    folder = read_csv_folder(tmp_path / "sjabloon")
    assert sorted(folder) == sorted(["toelichting"] + SHEET_NAMES)
    assert folder["tranches"] == [["regio", "naam", "startdatum", "capaciteit"]]


def test_importing_the_template_changes_nothing(engine, tmp_path):
    write_template(tmp_path / "sjabloon.xlsx")
    result = run_import(engine, tmp_path / "sjabloon.xlsx")
    assert result.committed and not result.errors and result.total("created") == 0


# ---------------------------------------------------------------- round trips

def test_round_trip_xlsx(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        rows = export_workbook(s, tmp_path / "a.xlsx")
    assert rows == {"regios": 2, "gemeenten": 4, "scholen": 3, "organisaties": 2, "contactpersonen": 2,
                    "samenwerkingen": 3, "tranches": 2, "trajecten": 3, "fasen": 9}
    first = read_xlsx(tmp_path / "a.xlsx")
    assert first["scholen"][1] == (
        "02QZ00", "Basisschool De Regenboog (fictief)", "po", "GM0935", "41234", "Stichting Kindante (fictief)",
        "Markt", "12 a", "6211 AB", "Maastricht", "043-1234567", "www.regenboog.example", "Rooms-Katholiek",
        50.8514, 5.691, 312, "ja", None)
    assert first["scholen"][3][-2:] == ("nee", datetime(2025, 8, 1))
    assert first["regios"][2] == ("Maastricht-Heuvelland", "Limburg", 24, 6, "gemeente, politie, halt", 6, 8, 4, 4)
    assert first["samenwerkingen"][2][3] == "Jan Jansen (fictief)"
    assert first["samenwerkingen"][2][6] == "=maandelijks overleg; schoolplein"  # text, not a formula
    assert first["fasen"][1][-1] == datetime(2024, 9, 2, 12, 15, 30)  # Dutch summer time

    fresh = new_engine(tmp_path / "fresh.db")
    result = run_import(fresh, tmp_path / "a.xlsx")
    assert result.committed and not result.errors
    assert {sheet: counts["created"] for sheet, counts in result.counts.items()} == {
        **rows, "provincies": 2, "besturen": 1}
    with Session(fresh) as s:
        export_workbook(s, tmp_path / "b.xlsx")
    second = read_xlsx(tmp_path / "b.xlsx")
    assert list(second) == list(first)
    for sheet in first:
        assert second[sheet] == first[sheet], sheet

    # Re-importing the same file changes nothing and duplicates no phase events.
    again = run_import(fresh, tmp_path / "a.xlsx")
    assert again.total("created") == 0 and again.total("updated") == 0
    assert again.count("fasen", "unchanged") == 9
    assert count(fresh, PhaseEvent) == 9 and count(fresh, Contact) == 2


def test_round_trip_csv_folder(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        export_workbook(s, tmp_path / "export1")
    first = read_csv_folder(tmp_path / "export1")
    assert sorted(first) == sorted(["toelichting"] + SHEET_NAMES)
    assert (tmp_path / "export1" / "scholen.csv").read_bytes().startswith(b"\xef\xbb\xbfbrin_vestiging;naam;")
    assert first["scholen"][1][13:15] == ["50,8514", "5,691"]
    assert first["fasen"][1] == ["02QZ00", "1", "registered", "2024-02-01", "", "Coördinator Piet (fictief)",
                                 "2024-09-02 12:15:30"]

    fresh = new_engine(tmp_path / "fresh.db")
    result = run_import(fresh, tmp_path / "export1")
    assert result.count("scholen", "created") == 3 and result.count("fasen", "created") == 9
    with Session(fresh) as s:
        export_workbook(s, tmp_path / "export2")
    second = read_csv_folder(tmp_path / "export2")
    assert second == first
    for name in first:
        assert (tmp_path / "export2" / f"{name}.csv").read_bytes() == \
            (tmp_path / "export1" / f"{name}.csv").read_bytes()


def test_imported_events_keep_their_order_and_recording_details(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        data = export_bytes(s)
    fresh = new_engine(tmp_path / "fresh.db")
    run_import(fresh, data, filename="export.xlsx")
    with Session(fresh) as s:
        events = list(s.exec(select(PhaseEvent).order_by(PhaseEvent.id)))
    same_day = [e.phase for e in events if e.on == date(2024, 9, 1)]
    assert same_day == ["audit", "improvement", "audit"]  # the later recorded event wins ties
    assert events[0].recorded_by == "Coördinator Piet (fictief)"
    assert events[0].recorded_at == datetime(2024, 9, 2, 10, 15, 30, tzinfo=UTC)


def test_new_event_rows_are_appended_once(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        export_workbook(s, tmp_path / "x")
    fasen = tmp_path / "x" / "fasen.csv"
    text = fasen.read_bytes().decode("utf-8-sig")
    fasen.write_bytes((text + "05VO00;1;intake;01-03-2025;eerste gesprek;;\r\n").encode("utf-8-sig"))

    result = run_import(engine, tmp_path / "x")
    assert result.count("fasen", "created") == 1 and result.count("fasen", "unchanged") == 9
    assert run_import(engine, tmp_path / "x").count("fasen", "created") == 0
    assert count(engine, PhaseEvent) == 10
    with Session(engine) as s:
        new = s.exec(select(PhaseEvent).where(PhaseEvent.phase == "intake", PhaseEvent.on == date(2025, 3, 1))).one()
        assert new.note == "eerste gesprek"


def test_update_of_an_existing_row(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        export_workbook(s, tmp_path / "x")
    path = tmp_path / "x" / "tranches.csv"
    path.write_bytes(path.read_bytes().replace(b";2024-02-01;8", b";01-02-2024;10"))

    result = run_import(engine, tmp_path / "x", dry_run=True)
    assert result.counts["tranches"] == {"created": 0, "updated": 1, "unchanged": 1, "deactivated": 0}
    assert "tranches, gewijzigd: Maastricht-Heuvelland / Tranche 2024-1 (capaciteit)" in result.examples
    with Session(engine) as s:
        assert s.exec(select(Tranche).where(Tranche.name == "Tranche 2024-1")).one().capacity == 8

    run_import(engine, tmp_path / "x")
    with Session(engine) as s:
        assert s.exec(select(Tranche).where(Tranche.name == "Tranche 2024-1")).one().capacity == 10


def test_scope_limits_export_to_regions(engine, tmp_path):
    ids = make_demo(engine)
    with Session(engine) as s:
        export_workbook(s, tmp_path / "scope.xlsx", scope_region_ids=[ids["haaglanden"]])
    sheets = read_xlsx(tmp_path / "scope.xlsx")
    assert [r[0] for r in sheets["regios"][1:]] == ["Haaglanden (fictief)"]
    assert [r[0] for r in sheets["gemeenten"][1:]] == ["GM0518"]
    assert [r[0] for r in sheets["scholen"][1:]] == ["07XY01"]
    assert sheets["samenwerkingen"][1:] == [] and sheets["fasen"][1:] == []


# ---------------------------------------------------------------- personal data

def test_export_without_personal_data(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        export_workbook(s, tmp_path / "met.xlsx")
        export_workbook(s, tmp_path / "zonder.xlsx", include_personal=False)
        export_workbook(s, tmp_path / "csv", include_personal=True)
        export_workbook(s, tmp_path / "csv", include_personal=False)  # the same folder: old file must go

    def cells(sheets) -> set[str]:
        return {str(c) for rows in sheets.values() for row in rows for c in row if c is not None}

    assert set(PERSONAL) <= cells(read_xlsx(tmp_path / "met.xlsx"))  # the check below can fail
    without = read_xlsx(tmp_path / "zonder.xlsx")
    assert "contactpersonen" not in without
    assert not set(PERSONAL) & cells(without)
    assert "contactpersoon" not in without["samenwerkingen"][0]
    assert "vastgelegd_door" not in without["fasen"][0]
    assert len(without["samenwerkingen"]) == 4
    folder = read_csv_folder(tmp_path / "csv")
    assert "contactpersonen" not in folder
    text = "".join(p.read_text(encoding="utf-8-sig") for p in (tmp_path / "csv").glob("*.csv"))
    assert not any(value in text for value in PERSONAL)


# ---------------------------------------------------------------- validation

def write_book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        ws = workbook.create_sheet(title)
        for row in rows:
            ws.append(row)
    workbook.save(path)
    return path


def existing_school(engine) -> None:
    with Session(engine) as s:
        m = Municipality(cbs_code="GM0935", name="Maastricht")
        s.add(m)
        s.flush()
        s.add(School(code="02QZ00", name="De Regenboog (fictief)", sector="po", municipality_id=m.id))
        s.commit()


def bad_book(tmp_path: Path) -> Path:
    return write_book(tmp_path / "fout.xlsx", {
        "toelichting": [["wordt overgeslagen"], ["wat dan ook", 1, 2]],
        "organisaties": [
            ["naam", "type", "gemeente_cbs", "opmerking"],  # unknown column is ignored
            ["Politie Limburg-Zuid", "Politie (wijk-/jeugdagent)", "935", "x"],  # label accepted
            ["Brandweer Zuid", "brandweer", "", ""],                            # 3: unknown type
        ],
        "contactpersonen": [
            ["organisatie", "naam", "functie", "telefoon", "email"],
            ["Politie Limburg-Zuid", "Jan Jansen (fictief)", "wijkagent", "", "jan@"],  # 2: bad email
            ["politie limburg-zuid", "Els Smit (fictief)", "", "", "els@politie.example"],
        ],
        "samenwerkingen": [
            ["school", "organisatie", "rol", "contactpersoon", "startdatum", "einddatum", "afspraken"],
            ["02QZ00", "Politie Limburg-Zuid", "kernteam", "Els Smit (fictief)", "01-03-2024", "", ""],   # 2: ok
            ["02QZ00", "Politie Limburg-Zuid", "advies", "", "31-02-2024", "", ""],                      # 3: date
            ["02QZ00", "Politie Limburg-Zuid", "Signaleringsoverleg", "", date(2024, 5, 1),
             "30-04-2024", ""],                                                                          # 4: end
            ["99ZZ00", "Politie Limburg-Zuid", "kernteam", "", "2024-03-01", "", ""],                    # 5: school
            ["02QZ00", "Brandweer Zuid", "advies", "", "2024-03-01", "", ""],                            # 6: org
            ["02QZ00", "Politie Limburg-Zuid", "convenantpartner", "", "2024-01-01", "", ""],            # 7: ok
            ["02QZ00", "politie limburg-zuid", "Convenantpartner", "", "01-01-2024", "", ""],            # 8: duplicate
            ["02QZ00", "Politie Limburg-Zuid", "rol", "", "2024-01-01", "", ""],                         # 9: vocab
            ["02QZ00", "Politie Limburg-Zuid", "advies", "Onbekend Persoon", "2024-01-01", "", ""],      # 10: contact
        ],
    })


EXPECTED_ERRORS = [
    ("organisaties", 3, "type"),
    ("contactpersonen", 2, "email"),
    ("samenwerkingen", 3, "startdatum"),
    ("samenwerkingen", 4, "einddatum"),
    ("samenwerkingen", 5, "school"),
    ("samenwerkingen", 6, "organisatie"),
    ("samenwerkingen", 8, "school"),
    ("samenwerkingen", 9, "rol"),
    ("samenwerkingen", 10, "contactpersoon"),
]


def test_bad_rows_are_reported_with_sheet_line_and_column(engine, tmp_path):
    existing_school(engine)
    with pytest.raises(ImportRefused) as refused:
        run_import(engine, bad_book(tmp_path))

    errors = refused.value.errors
    assert [(e.sheet, e.line, e.column) for e in errors] == EXPECTED_ERRORS
    assert {e.file for e in errors} == {"fout.xlsx"}
    reasons = {(e.sheet, e.line): e.reason for e in errors}
    assert reasons[("organisaties", 3)].startswith("'brandweer' is geen geldige waarde; kies uit: gemeente, politie")
    assert reasons[("contactpersonen", 2)] == "'jan@' is geen geldig e-mailadres"
    assert reasons[("samenwerkingen", 3)] == "'31-02-2024' is geen bestaande datum"
    assert reasons[("samenwerkingen", 4)] == "de einddatum (30-04-2024) ligt vóór de startdatum (01-05-2024)"
    assert reasons[("samenwerkingen", 5)] == "'99ZZ00' bestaat niet in blad 'scholen' en ook niet in de database"
    assert reasons[("samenwerkingen", 6)] == \
        "'Brandweer Zuid' staat in blad 'organisaties' op regel 3, maar die regel is afgekeurd"
    assert "staat ook al op regel 7" in reasons[("samenwerkingen", 8)]
    assert str(errors[1]) == \
        "fout.xlsx, blad 'contactpersonen', regel 2, kolom 'email': 'jan@' is geen geldig e-mailadres"
    # all or nothing
    assert count(engine, Organisation) == 0 and count(engine, Partnership) == 0 and count(engine, Contact) == 0


def test_allow_partial_imports_valid_rows_and_writes_rejects_workbook(engine, tmp_path):
    existing_school(engine)
    result = run_import(engine, bad_book(tmp_path), allow_partial=True, rejects_path=tmp_path / "afgekeurd.xlsx")

    assert result.committed and len(result.errors) == len(EXPECTED_ERRORS)
    with Session(engine) as s:
        assert [o.name for o in s.exec(select(Organisation))] == ["Politie Limburg-Zuid"]
        assert [c.name for c in s.exec(select(Contact))] == ["Els Smit (fictief)"]  # the key matched case-blind
        partnerships = list(s.exec(select(Partnership).order_by(Partnership.start_on)))
        assert [(p.role, p.start_on) for p in partnerships] == [("convenantpartner", date(2024, 1, 1)),
                                                                ("kernteam", date(2024, 3, 1))]
        assert partnerships[1].contact_id is not None
    rejects = read_xlsx(tmp_path / "afgekeurd.xlsx")
    assert list(rejects) == ["organisaties", "contactpersonen", "samenwerkingen"]
    assert rejects["organisaties"] == [("naam", "type", "gemeente_cbs", "opmerking", "fout"),
                                       ("Brandweer Zuid", "brandweer", None, None, rejects["organisaties"][1][4])]
    assert rejects["organisaties"][1][4].startswith("type: 'brandweer' is geen geldige waarde")
    assert [r[4] for r in rejects["samenwerkingen"][1:]] == [
        "31-02-2024", datetime(2024, 5, 1), "2024-03-01", "2024-03-01", "01-01-2024", "2024-01-01", "2024-01-01"]


def test_allow_partial_with_csv_folder_writes_csv_rejects(engine, tmp_path):
    existing_school(engine)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "tranches.csv").write_bytes(
        f"regio;naam;startdatum;capaciteit\r\nOnbekend;T1;2024-01-01;5\r\n{ZUID};T2;2024-01-01;0\r\n"
        .encode("utf-8-sig"))
    (folder / "regios.csv").write_bytes(f"naam;provincie;geldigheid_maanden\r\n{ZUID};Limburg;36\r\n".encode("cp1252"))
    (folder / "trajecten.csv").write_bytes(
        f"school;cyclus;tranche_regio;tranche\r\n02QZ00;1;{ZUID};\r\n02QZ00;2;;\r\n".encode())
    result = run_import(engine, folder, allow_partial=True, rejects_path=tmp_path / "afgekeurd")

    assert [(e.file, e.sheet, e.line, e.column) for e in result.errors] == [
        ("tranches.csv", "tranches", 2, "regio"), ("tranches.csv", "tranches", 3, "capaciteit"),
        ("trajecten.csv", "trajecten", 2, "tranche")]
    assert result.errors[1].reason == "'0' moet een positief geheel getal zijn"
    assert "vul 'tranche_regio' en 'tranche' allebei in" in result.errors[2].reason
    rejected = read_csv_folder(tmp_path / "afgekeurd")
    assert rejected["tranches"][0] == ["regio", "naam", "startdatum", "capaciteit", "fout"]
    assert rejected["tranches"][1][:4] == ["Onbekend", "T1", "2024-01-01", "5"]
    with Session(engine) as s:
        region = s.exec(select(Region)).one()
        assert (region.name, region.validity_months, region.expiring_window_months) == (ZUID, 36, 6)
        assert [t.cycle for t in s.exec(select(Trajectory))] == [2]


def test_missing_required_column_refuses_the_import(engine, tmp_path):
    book = write_book(tmp_path / "x.xlsx", {"Scholen": [["brin_vestiging", "naam"], ["02QZ00", "X"]]})
    with pytest.raises(ImportRefused) as refused:
        run_import(engine, book, allow_partial=True)
    assert [(e.sheet, e.line, e.column) for e in refused.value.errors] == [
        ("Scholen", 1, "sector"), ("Scholen", 1, "gemeente_cbs")]


def test_dutch_dates_labels_and_references_within_the_workbook(engine, tmp_path):
    book = write_book(tmp_path / "nieuw.xlsx", {
        "regio's": [["naam", "provincie", "verplichte_partnertypen"], [ZUID, "Limburg", "Halt, ggd"]],
        "gemeenten": [["cbs_code", "naam", "regio", "aanpakmodel", "aanpakfase", "aanpakfase_sinds", "elementen"],
                      ["935", "Maastricht", "zuid-limburg (FICTIEF, ÉÉN)", "Arnhemse model", "Uitvoeringsfase",
                       "01-03-2021", "kernteam, Signaleringsoverleg"]],
        "scholen": [["brin_vestiging", "naam", "sector", "gemeente_cbs", "postcode", "breedtegraad", "actief"],
                    ["02qz00", "De Regenboog (fictief)", "Primair onderwijs", "GM0935", "6211ab", "50,85", "ja"]],
        "tranches": [["regio", "naam", "startdatum", "capaciteit"], [ZUID, "T1", "15-01-2025", 5]],
        "trajecten": [["school", "cyclus", "tranche_regio", "tranche"], ["02QZ00", 1, ZUID, "t1"]],
        "fasen": [["school", "cyclus", "fase", "datum"], ["02QZ00", 1, "Aangemeld", "15-01-2025"]],
    })
    result = run_import(engine, book)
    assert not result.errors and result.count("fasen", "created") == 1
    with Session(engine) as s:
        region = s.exec(select(Region)).one()
        assert region.required_partner_types == ["halt", "ggd"] and region.validity_months == 24
        m = s.exec(select(Municipality)).one()
        assert (m.cbs_code, m.approach_model, m.approach_phase, m.approach_phase_since, m.elements, m.region_id) == (
            "GM0935", "arnhem", "uitvoering", date(2021, 3, 1), ["kernteam", "signaleringsoverleg"], region.id)
        school = s.exec(select(School)).one()
        assert (school.code, school.sector, school.postcode, school.latitude) == ("02QZ00", "po", "6211 AB", 50.85)
        tranche = s.exec(select(Tranche)).one()
        assert tranche.start_on == date(2025, 1, 15)
        assert s.exec(select(Trajectory)).one().tranche_id == tranche.id
        event = s.exec(select(PhaseEvent)).one()
        assert (event.phase, event.on) == ("registered", date(2025, 1, 15))


def test_dry_run_counts_per_sheet_and_writes_nothing(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        data = export_bytes(s)
    fresh = new_engine(tmp_path / "fresh.db")
    result = run_import(fresh, data, dry_run=True)
    assert result.dry_run and not result.committed and not result.errors
    assert result.count("scholen", "created") == 3 and result.count("fasen", "created") == 9
    assert result.count("provincies", "created") == 2
    assert result.summary_nl().startswith("Proefimport (niets opgeslagen). regios: 2 nieuw;")
    assert count(fresh, School) == 0 and count(fresh, Region) == 0 and count(fresh, Province) == 0


def test_reimporting_an_export_without_personal_data_keeps_the_contacts(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        export_workbook(s, tmp_path / "met.xlsx")
        export_workbook(s, tmp_path / "zonder.xlsx", include_personal=False)
        result = import_workbook(s, tmp_path / "zonder.xlsx")
        assert result.total("updated") == 0
        s.commit()
        export_workbook(s, tmp_path / "weer.xlsx")
    assert read_xlsx(tmp_path / "met.xlsx") == read_xlsx(tmp_path / "weer.xlsx")


# ---------------------------------------------------------------- imported phase events follow the lifecycle

def _with_events(engine, tmp_path, rows: list[str]) -> Path:
    """The demo exported as CSV files, with extra rows appended to fasen.csv."""
    with Session(engine) as s:
        export_workbook(s, tmp_path / "x")
    fasen = tmp_path / "x" / "fasen.csv"
    text = fasen.read_bytes().decode("utf-8-sig")
    fasen.write_bytes((text + "".join(r + "\r\n" for r in rows)).encode("utf-8-sig"))
    return tmp_path / "x"


def test_an_imported_event_must_be_an_allowed_transition(engine, tmp_path):
    make_demo(engine)
    # 05VO00 cycle 1 is 'registered' since 01-02-2025 (line 11 is the first added row)
    folder = _with_events(engine, tmp_path, ["05VO00;1;audit;01-03-2025;;;"])
    with pytest.raises(ImportRefused) as refused:
        run_import(engine, folder)
    [error] = refused.value.errors
    assert (error.sheet, error.line, error.column) == ("fasen", 11, "fase")
    assert error.reason == "Van 'Aangemeld' kan alleen naar 'Intake', 'Uitgesteld' of 'Teruggetrokken'."
    assert count(engine, PhaseEvent) == 9


def test_an_imported_event_may_not_lie_before_the_stored_history(engine, tmp_path):
    make_demo(engine)
    folder = _with_events(engine, tmp_path, ["05VO00;1;intake;01-01-2025;;;"])
    with pytest.raises(ImportRefused) as refused:
        run_import(engine, folder)
    assert "ligt vóór de vorige fase (01-02-2025)" in refused.value.errors[0].reason


def test_imported_events_are_taken_in_date_order_and_corrections_are_allowed(engine, tmp_path):
    make_demo(engine)
    folder = _with_events(engine, tmp_path, [
        "05VO00;1;improvement;01-04-2025;;;",
        "05VO00;1;intake;01-03-2025;eerste gesprek;;",            # earlier date, later line: fine
        "05VO00;1;intake;02-04-2025;Correctie: te vroeg;;",       # back to the phase before
    ])
    result = run_import(engine, folder)
    assert result.count("fasen", "created") == 3
    assert count(engine, PhaseEvent) == 12


def test_partial_import_rejects_the_events_after_a_refused_one(engine, tmp_path):
    make_demo(engine)
    folder = _with_events(engine, tmp_path, [
        "05VO00;1;intake;01-03-2025;;;",          # line 11: fine
        "05VO00;1;certified;01-04-2025;;;",       # line 12: not allowed after intake
        "05VO00;1;improvement;01-05-2025;;;",     # line 13: follows the refused one
    ])
    result = run_import(engine, folder, allow_partial=True)
    assert [(e.line, e.reason) for e in result.errors] == [
        (12, "Van 'Intake' kan alleen naar 'Maatwerktraject', 'Uitgesteld' of 'Teruggetrokken'."),
        (13, "volgt op de afgekeurde fase van regel 12"),
    ]
    assert count(engine, PhaseEvent) == 10


# ---------------------------------------------------------------- a coordinator's import: own regions only

def _region_ids(engine) -> dict[str, int]:
    with Session(engine) as s:
        return {r.name: r.id for r in s.exec(select(Region))}


def test_a_coordinator_may_reimport_a_full_export_unchanged(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        data = export_bytes(s)
    heuvelland = frozenset({_region_ids(engine)["Maastricht-Heuvelland"]})
    with Session(engine) as s:
        result = import_workbook(s, data, filename="export.xlsx", edit_regions=heuvelland)
    assert result.errors == []


def test_a_coordinator_import_is_refused_row_by_row_outside_their_region(engine, tmp_path):
    make_demo(engine)
    heuvelland = frozenset({_region_ids(engine)["Maastricht-Heuvelland"]})
    book = write_book(tmp_path / "coord.xlsx", {
        "regios": [["naam", "geldigheid_maanden"], ["Maastricht-Heuvelland", 36]],                 # 2: never
        "scholen": [
            ["brin_vestiging", "naam", "sector", "gemeente_cbs"],
            ["08AB00", "Nieuwe school (fictief)", "po", "GM0935"],                                   # 2: own
            ["07XY01", "Andere naam", "so", "GM0518"],                                               # 3: other
            ["02QZ00", "Basisschool De Regenboog (fictief)", "po", "GM0518"],                        # 4: moves out
        ],
        "organisaties": [
            ["naam", "type", "gemeente_cbs"],
            ["Halt Limburg", "ggd", ""],            # 2: works for a school in the region: may change
            ["Haagse GGD", "ggd", "GM0518"],         # 3: new, in another region
        ],
        "tranches": [["regio", "naam", "startdatum", "capaciteit"],
                     ["Haaglanden (fictief)", "Tranche H", "01-01-2027", 5],                         # 2: other
                     ["Maastricht-Heuvelland", "Tranche 2027-1", "01-01-2027", 5]],                  # 3: own
    })
    with Session(engine) as s, pytest.raises(ImportRefused) as refused:
        import_workbook(s, book, edit_regions=heuvelland)
    errors = [(e.sheet, e.line, e.column) for e in refused.value.errors]
    assert errors == [("regios", 2, "naam"), ("scholen", 3, "brin_vestiging"), ("scholen", 4, "gemeente_cbs"),
                      ("organisaties", 3, "gemeente_cbs"), ("tranches", 2, "regio")]
    reasons = {(e.sheet, e.line): e.reason for e in refused.value.errors}
    assert reasons[("scholen", 3)] == ("school 07XY01 ligt in regio Haaglanden (fictief); u mag alleen gegevens "
                                       "van uw eigen regio (Maastricht-Heuvelland) wijzigen")
    # the beheerder (no limit) may import the same file
    with Session(engine) as s:
        assert import_workbook(s, book, dry_run=True).errors == []


def test_import_changes_are_audited_field_by_field(engine, tmp_path):
    from models import AuditEntry
    from services import audit

    make_demo(engine)
    book = write_book(tmp_path / "a.xlsx", {"scholen": [["brin_vestiging", "naam", "sector", "gemeente_cbs"],
                                                        ["05VO00", "Stella Maris (nieuwe naam)", "vo", "GM0994"]]})
    with Session(engine) as s:
        with audit.changes_recorded(s, username="anna", detail="import a.xlsx"):
            import_workbook(s, book)
        s.commit()
        entries = list(s.exec(select(AuditEntry)))
    assert [(e.action, e.entity, e.field, e.old_value, e.new_value, e.username) for e in entries] == [
        ("update", "school", "name", "Stella Maris College (fictief)", "Stella Maris (nieuwe naam)", "anna")]

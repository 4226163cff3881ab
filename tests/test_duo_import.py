"""DUO school register import: formats, encodings, re-imports, validation and the three modes."""
from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlmodel import Session, func, select

from dataio.duo import import_duo
from dataio.errors import ImportRefused
from models import Board, Municipality, Province, School

NEW_HEADER = [
    "PROVINCIE", "BEVOEGD GEZAG NUMMER", "INSTELLINGSCODE", "VESTIGINGSCODE", "VESTIGINGSNAAM", "STRAATNAAM",
    "HUISNUMMER-TOEVOEGING", "POSTCODE", "PLAATSNAAM", "GEMEENTENUMMER", "GEMEENTENAAM", "DENOMINATIE",
    "TELEFOONNUMMER", "INTERNETADRES",
]
OLD_HEADER = [h for h in NEW_HEADER]
OLD_HEADER[2:4] = ["BRIN NUMMER", "VESTIGINGSNUMMER"]


def school_row(institution="02QZ", location="00", name="Basisschool De Regenboog", postcode="6211 AB",
               municipality="0935", municipality_name="Maastricht", board="41234", city="Maastricht",
               province="Limburg") -> list[str]:
    return [province, board, institution, location, name, "Markt", "12 a", postcode, city, municipality,
            municipality_name, "Rooms-Katholiek", "043-1234567", "www.regenboog.nl"]


def duo_bytes(rows: list[list[str]], header: list[str] = NEW_HEADER, encoding: str = "utf-8") -> bytes:
    lines = [";".join(header)] + [";".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def run(engine, data: bytes, sector: str = "po", **kwargs):
    """Import in its own transaction, committed like the CLI does."""
    with Session(engine) as session:
        result = import_duo(session, data, sector, filename=kwargs.pop("filename", "po.csv"), **kwargs)
        session.commit()
        return result


def schools(engine) -> dict[str, School]:
    with Session(engine) as session:
        return {s.code: s for s in session.exec(select(School))}


def count(engine, model) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_new_headers_create_schools_municipalities_boards_and_provinces(engine):
    rows = [
        school_row("02QZ", "00", postcode="6211AB"),
        school_row("02QZ", "1", name="De Regenboog dependance", postcode=""),
        school_row("17AB", "00", name="Het Kompas", municipality="994", municipality_name="Valkenburg aan de Geul",
                   board="50000"),
    ]
    header = NEW_HEADER + ["ONDERWIJSSTRUCTUUR"]  # unknown columns are ignored
    result = run(engine, duo_bytes([r + ["PO"] for r in rows], header))

    assert result.committed and not result.errors
    assert result.counts["scholen"] == {"created": 3, "updated": 0, "unchanged": 0, "deactivated": 0}
    assert result.count("gemeenten", "created") == 2 and result.count("besturen", "created") == 2
    found = schools(engine)
    assert sorted(found) == ["02QZ00", "02QZ01", "17AB00"]
    regenboog = found["02QZ00"]
    assert (regenboog.name, regenboog.postcode, regenboog.street, regenboog.house_number) == \
        ("Basisschool De Regenboog", "6211 AB", "Markt", "12 a")
    assert (regenboog.city, regenboog.phone, regenboog.website, regenboog.denomination) == \
        ("Maastricht", "043-1234567", "www.regenboog.nl", "Rooms-Katholiek")
    assert regenboog.sector == "po" and regenboog.active and regenboog.inactive_since is None
    assert found["02QZ01"].postcode == ""
    with Session(engine) as session:
        municipalities = {m.cbs_code: m for m in session.exec(select(Municipality))}
        assert sorted(municipalities) == ["GM0935", "GM0994"]
        assert municipalities["GM0994"].name == "Valkenburg aan de Geul"
        assert municipalities["GM0994"].region_id is None
        province = session.exec(select(Province)).one()
        assert province.name == "Limburg" and municipalities["GM0935"].province_id == province.id
        boards = {b.id: b.number for b in session.exec(select(Board))}
    assert boards[found["17AB00"].board_id] == "50000" and boards[regenboog.board_id] == "41234"


@pytest.mark.parametrize("location_column", ["00AA00-style", "number"])
def test_old_headers_with_brin_and_vestigingsnummer(engine, location_column):
    # Header names may carry spaces and quotes in older files.
    header = [f' "{h}" ' if h in ("BRIN NUMMER", "VESTIGINGSNAAM") else h for h in OLD_HEADER]
    first, second = ("02QZ00", "02QZ01") if location_column == "00AA00-style" else ("0", "01")
    data = duo_bytes([school_row("02qz", first), school_row("02QZ", second, name="Tweede locatie")], header)

    result = run(engine, data)

    assert result.count("scholen", "created") == 2
    found = schools(engine)
    assert sorted(found) == ["02QZ00", "02QZ01"]
    assert found["02QZ01"].name == "Tweede locatie"


def test_old_vestigingsnummer_of_another_brin_is_refused(engine):
    data = duo_bytes([school_row("02QZ", "03XY00")], OLD_HEADER)
    with pytest.raises(ImportRefused) as refused:
        run(engine, data)
    error = refused.value.errors[0]
    assert (error.line, error.column) == (2, "VESTIGINGSNUMMER")
    assert "hoort niet bij BRIN-nummer '02QZ'" in error.reason


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_encodings(engine, encoding):
    name = "Basisschool Sint-Gérard Ëlsloo"
    data = duo_bytes([school_row(name=name, city="Geleen-Ëlsloo")], encoding=encoding)
    if encoding == "cp1252":
        assert b"\xe9" in data and b"\xcb" in data  # really single-byte accents
    if encoding == "utf-8-sig":
        assert data.startswith(b"\xef\xbb\xbf")

    run(engine, data)

    school = schools(engine)["02QZ00"]
    assert school.name == name and school.city == "Geleen-Ëlsloo"


def test_reimport_updates_deactivates_and_never_moves_a_closing_date(engine):
    january = [school_row("02QZ", "00"), school_row("03AB", "00", name="De Wingerd"),
               school_row("04CD", "00", name="Het Baken")]
    run(engine, duo_bytes(january), today=date(2026, 1, 5))
    run(engine, duo_bytes([school_row("05VO", "00", name="Stella Maris College")]), sector="vo",
        filename="vo.csv", today=date(2026, 1, 5))

    february = [school_row("02QZ", "00", name="Basisschool De Regenboog (nieuwe naam)"),
                school_row("03AB", "00", name="De Wingerd")]
    # closing 1 of 3 schools from a 2-row file needs an explicit confirmation (see test_real_files.py)
    result = run(engine, duo_bytes(february), today=date(2026, 2, 1), confirm_deactivation=True)

    assert result.counts["scholen"] == {"created": 0, "updated": 1, "unchanged": 1, "deactivated": 1}
    found = schools(engine)
    assert found["02QZ00"].name == "Basisschool De Regenboog (nieuwe naam)"
    assert (found["04CD00"].active, found["04CD00"].inactive_since) == (False, date(2026, 2, 1))
    assert found["05VO00"].active  # another sector is not touched by a po file
    assert count(engine, School) == 4  # never deleted

    # An older file imported by mistake does not reopen the closed school, so the current file
    # imported after it cannot move its closing date (issue 12).
    result = run(engine, duo_bytes(january), today=date(2026, 3, 1))

    assert result.counts["scholen"] == {"created": 0, "updated": 1, "unchanged": 2, "deactivated": 0}
    assert any("blijven inactief" in w for w in result.warnings)
    assert "gesloten: 04CD00 Het Baken (inactief sinds 01-02-2026)" in result.examples
    found = schools(engine)
    assert (found["04CD00"].active, found["04CD00"].inactive_since) == (False, date(2026, 2, 1))
    assert found["02QZ00"].name == "Basisschool De Regenboog"
    run(engine, duo_bytes(february), today=date(2026, 4, 1))
    assert schools(engine)["04CD00"].inactive_since == date(2026, 2, 1)


def bad_file() -> bytes:
    return duo_bytes([
        school_row("02QZ", "00"),                                   # line 2: fine
        school_row("02Q", "00"),                                    # line 3: bad instellingscode
        school_row("03AB", "0A"),                                   # line 4: bad vestigingscode
        school_row("02QZ", "0", name="Dubbel"),                     # line 5: duplicate of line 2
        school_row("04CD", "00", name=""),                          # line 6: no name
        school_row("05EF", "00", postcode="12345"),                 # line 7: bad postcode
        school_row("06GH", "00", municipality="ABC"),               # line 8: bad gemeentenummer
        school_row("07IJ", "00", municipality="0999", municipality_name=""),  # line 9: unknown, no name
        school_row("08KL", "00", name="Goede school"),             # line 10: fine
    ])


def test_every_kind_of_bad_row_is_refused_with_line_and_column(engine):
    with pytest.raises(ImportRefused) as refused:
        run(engine, bad_file(), filename="scholen.csv")

    found = [(e.line, e.column) for e in refused.value.errors]
    assert found == [
        (3, "INSTELLINGSCODE"), (4, "VESTIGINGSCODE"), (5, "INSTELLINGSCODE"), (6, "VESTIGINGSNAAM"),
        (7, "POSTCODE"), (8, "GEMEENTENUMMER"), (9, "GEMEENTENAAM"),
    ]
    messages = [str(e) for e in refused.value.errors]
    assert messages[4] == "scholen.csv, regel 7, kolom 'POSTCODE': '12345' is geen geldige postcode"
    assert "staat ook al op regel 2" in messages[2]
    assert "'ABC' is geen geldig gemeentenummer" in messages[5]
    assert count(engine, School) == 0 and count(engine, Municipality) == 0 and count(engine, Board) == 0


def test_missing_required_columns_is_a_file_error_on_line_1(engine):
    header = [h for h in NEW_HEADER if h not in ("VESTIGINGSCODE", "GEMEENTENUMMER")]
    data = duo_bytes([["x"] * len(header)], header)
    with pytest.raises(ImportRefused) as refused:
        run(engine, data, allow_partial=True)  # structural errors refuse even a partial import
    assert [(e.line, e.column) for e in refused.value.errors] == [(1, "VESTIGINGSCODE"), (1, "GEMEENTENUMMER")]
    assert "verplichte kolom 'GEMEENTENUMMER' ontbreekt" in str(refused.value)


def test_default_mode_writes_nothing_when_one_row_is_bad(engine):
    run(engine, duo_bytes([school_row("02QZ", "00")]))
    data = duo_bytes([school_row("02QZ", "00", name="Nieuwe naam"), school_row("09XX", "00", postcode="99")])
    with pytest.raises(ImportRefused) as refused:
        run(engine, data)
    assert len(refused.value.errors) == 1 and refused.value.errors[0].line == 3
    assert schools(engine)["02QZ00"].name == "Basisschool De Regenboog"
    assert count(engine, School) == 1


def test_allow_partial_imports_valid_rows_and_writes_rejects(engine, tmp_path):
    rejects = tmp_path / "out" / "afgekeurd.csv"
    result = run(engine, bad_file(), allow_partial=True, rejects_path=rejects)

    assert result.committed and len(result.errors) == 7
    assert sorted(schools(engine)) == ["02QZ00", "08KL00"]  # line 5's duplicate code is not imported twice
    assert schools(engine)["02QZ00"].name == "Basisschool De Regenboog"
    assert result.rejects_path == rejects
    raw = rejects.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == NEW_HEADER + ["FOUT"]
    assert [(r[2], r[3]) for r in table[1:]] == [("02Q", "00"), ("03AB", "0A"), ("02QZ", "0"), ("04CD", "00"),
                                                 ("05EF", "00"), ("06GH", "00"), ("07IJ", "00")]
    assert table[5][-1] == "POSTCODE: '12345' is geen geldige postcode"
    assert table[5][:-1] == school_row("05EF", "00", postcode="12345")


def test_partial_import_does_not_deactivate_a_school_whose_row_was_rejected(engine):
    run(engine, duo_bytes([school_row("02QZ", "00"), school_row("03AB", "00")]))
    result = run(engine, duo_bytes([school_row("02QZ", "00"), school_row("03AB", "00", postcode="1")]),
                 allow_partial=True)
    assert result.count("scholen", "deactivated") == 0
    assert schools(engine)["03AB00"].active


def test_dry_run_reports_counts_and_writes_nothing(engine):
    run(engine, duo_bytes([school_row("02QZ", "00"), school_row("03AB", "00")]), today=date(2026, 1, 1))
    data = duo_bytes([school_row("02QZ", "00", name="Andere naam"), school_row("04CD", "00", municipality="1883",
                                                                               municipality_name="Sittard-Geleen")])
    result = run(engine, data, dry_run=True)

    assert not result.committed and result.dry_run
    assert result.counts["scholen"] == {"created": 1, "updated": 1, "unchanged": 0, "deactivated": 1}
    assert result.count("gemeenten", "created") == 1
    assert "nieuw: 04CD00 Basisschool De Regenboog" in result.examples
    assert "inactief: 03AB00 Basisschool De Regenboog" in result.examples
    assert any(e.startswith("gewijzigd: 02QZ00 naam 'Basisschool De Regenboog' -> 'Andere naam'")
               for e in result.examples)
    assert result.summary_nl().startswith("Proefimport (niets opgeslagen). scholen: 1 nieuw, 1 gewijzigd")
    found = schools(engine)
    assert sorted(found) == ["02QZ00", "03AB00"] and found["02QZ00"].name == "Basisschool De Regenboog"
    assert found["03AB00"].active
    assert count(engine, Municipality) == 1


def test_dry_run_reports_errors_instead_of_raising(engine):
    result = run(engine, bad_file(), dry_run=True)
    assert len(result.errors) == 7 and result.count("scholen", "created") == 2
    assert count(engine, School) == 0


def test_path_input_and_unknown_sector(engine, tmp_path):
    path = tmp_path / "duo_po.csv"
    path.write_bytes(duo_bytes([school_row()]))
    with Session(engine) as session:
        result = import_duo(session, path, "po")
        session.commit()
    assert result.file == "duo_po.csv" and result.count("scholen", "created") == 1
    with Session(engine) as session, pytest.raises(ValueError):
        import_duo(session, path, "hbo")

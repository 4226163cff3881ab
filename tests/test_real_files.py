"""Real-format files (issue 12): current and older DUO registers, strict decoding, no closures as a side effect.

Files are written here with the csv module, as DUO and Excel write them; imports run through the CLI
(`vios import-duo`, tests/vios_cli.py) on a real database file, or through the importer.
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from pathlib import Path

import pytest
import vios_cli
from sqlmodel import Session, select

from dataio.duo import import_duo
from dataio.errors import ImportRefused
from dataio.exchange import import_workbook
from models import AuditEntry, Contact, School
from models.db import make_engine

pytestmark = pytest.mark.db  # opens databases of its own (real files, fresh schemas)

# The header of DUO's current register (a subset of its columns, in its order).
CURRENT = ["PROVINCIE", "BEVOEGD GEZAG NUMMER", "INSTELLINGSCODE", "VESTIGINGSCODE", "VESTIGINGSNAAM",
           "STRAATNAAM", "HUISNUMMER-TOEVOEGING", "POSTCODE", "PLAATSNAAM", "GEMEENTENUMMER", "GEMEENTENAAM",
           "DENOMINATIE", "TELEFOONNUMMER", "INTERNETADRES"]
OLDER = ["PROVINCIE", "BEVOEGD GEZAG NUMMER", "BRIN NUMMER", "VESTIGINGSNUMMER", *CURRENT[4:]]


def row(institution: str, location: str, name: str = "Collège Sint-Jàn") -> list[str]:
    return ["Limburg", "41234", institution, location, name, "Markt", "1", "6211 AB", "Maastricht", "0935",
            "Maastricht", "Rooms-Katholiek", "043-1234567", "www.example.nl"]


def duo_file(path: Path, rows: list[list[str]], header: list[str] = CURRENT, encoding: str = "utf-8-sig") -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def many(count: int, prefix: str = "3") -> list[list[str]]:
    return [row(f"{prefix}{i:03d}", f"{prefix}{i:03d}00", name=f"School {i}") for i in range(count)]


@pytest.fixture
def db(tmp_path) -> Path:
    path = tmp_path / "vios.db"
    assert vios_cli.run(path, "db", "upgrade").returncode == 0
    return path


def stored(db: Path) -> dict[str, School]:
    with Session(make_engine(f"sqlite:///{db}")) as session:
        return {s.code: s for s in session.exec(select(School))}


def test_real001_current_file_with_the_full_vestigingscode_imports(db, tmp_path):
    path = duo_file(tmp_path / "vo.csv", [row("32JK", "32JK00"), row("32JK", "32JK01", "Dependance"),
                                          row("99AG", "99AG00", "Lyceum")])
    result = vios_cli.run(db, "import-duo", str(path), "--sector", "vo")
    assert result.returncode == 0, result.stderr
    schools = stored(db)
    assert sorted(schools) == ["32JK00", "32JK01", "99AG00"]
    assert schools["32JK00"].name == "Collège Sint-Jàn"


def test_real002_a_vestigingscode_of_another_instelling_is_refused_with_its_line(db, tmp_path):
    path = duo_file(tmp_path / "vo.csv", [row("32JK", "32JK00"), row("32JK", "99AG00")])
    result = vios_cli.run(db, "import-duo", str(path), "--sector", "vo")
    assert result.returncode != 0
    assert "regel 3, kolom 'VESTIGINGSCODE': vestigingscode '99AG00' hoort niet bij instellingscode '32JK'" \
        in result.stderr
    assert stored(db) == {}


def test_real003_older_file_with_brin_and_two_digit_number_still_imports(db, tmp_path):
    path = duo_file(tmp_path / "po.csv", [row("02QZ", "0"), row("02QZ", "01", "Tweede")], OLDER, "cp1252")
    result = vios_cli.run(db, "import-duo", str(path), "--sector", "po")
    assert result.returncode == 0, result.stderr
    assert sorted(stored(db)) == ["02QZ00", "02QZ01"] and stored(db)["02QZ00"].name == "Collège Sint-Jàn"


def test_real004_rows_with_too_few_fields_and_nul_characters_are_refused_with_their_line(db, tmp_path):
    short = tmp_path / "kort.csv"
    duo_file(short, [row("32JK", "32JK00"), row("32JK", "32JK01")[:6]])
    result = vios_cli.run(db, "import-duo", str(short), "--sector", "vo")
    assert result.returncode != 0 and "regel 3: de regel heeft 6 velden, de kopregel 14" in result.stderr
    nul = tmp_path / "nul.csv"
    nul.write_bytes(duo_file(tmp_path / "x.csv", [row("32JK", "32JK00")]).read_bytes().replace(b"Markt", b"Ma\0rkt"))
    result = vios_cli.run(db, "import-duo", str(nul), "--sector", "vo")
    assert result.returncode != 0 and "regel 2: teken" in result.stderr and "NUL-teken" in result.stderr
    assert stored(db) == {}


def bad_byte_file(tmp_path: Path) -> Path:
    """A UTF-8 file (accents as two bytes) with one stray Windows-1252 byte on line 3."""
    path = duo_file(tmp_path / "gemengd.csv", [row("32JK", "32JK00"), row("32JK", "32JK01", "Caf\x00")],
                    encoding="utf-8")
    path.write_bytes(path.read_bytes().replace(b"Caf\x00", b"Caf\xe9"))
    return path


def test_real005_one_stray_byte_refuses_the_file_naming_line_and_column(db, tmp_path):
    result = vios_cli.run(db, "import-duo", str(bad_byte_file(tmp_path)), "--sector", "vo")
    assert result.returncode != 0
    assert "regel 3: teken 30 (byte 0xE9) is geen geldige UTF-8-tekst" in result.stderr
    assert stored(db) == {}  # not re-read as Windows-1252 (which turned 'Collège' into 'CollÃ¨ge')


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_real006_utf16_is_refused_in_dutch(db, tmp_path, encoding):
    path = duo_file(tmp_path / "u16.csv", [row("32JK", "32JK00")], encoding=encoding)
    result = vios_cli.run(db, "import-duo", str(path), "--sector", "vo")
    assert result.returncode != 0 and ("UTF-16" in result.stderr or "NUL-teken" in result.stderr)
    assert "regel" in result.stderr and stored(db) == {}


def test_real007_exchange_csv_with_a_stray_byte_creates_no_garbled_contacts(engine, tmp_path):
    header = ["organisatie", "naam", "functie", "telefoon", "e-mail", "actief"]
    text = ";".join(header) + "\r\n" + "GGD Zuid Limburg;Renée Jansen;jeugdarts;;;ja\r\n"
    data = text.encode("utf-8").replace(b"Jansen", b"Jans\xe9n")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("contactpersonen.csv", data)
    with Session(engine) as session, pytest.raises(ImportRefused) as refused:
        import_workbook(session, buffer.getvalue(), filename="uitwisseling.zip")
    error = refused.value.errors[0]
    assert error.line == 2 and "contactpersonen.csv: teken 28 (byte 0xE9)" in error.reason
    with Session(engine) as session:
        assert session.exec(select(Contact)).all() == []


def test_real008_a_windows1252_file_is_read_as_such(engine, tmp_path):
    path = duo_file(tmp_path / "oud.csv", [row("32JK", "32JK00", "Collège €uro")], encoding="cp1252")
    with Session(engine) as session:
        import_duo(session, path, "vo")
        session.commit()
        assert session.exec(select(School.name)).one() == "Collège €uro"


# ---------------------------------------------------------------- closing schools

def test_real009_a_header_only_file_closes_nothing_without_confirmation(db, tmp_path):
    assert vios_cli.run(db, "import-duo", str(duo_file(tmp_path / "a.csv", many(20))), "--sector", "vo"
                        ).returncode == 0
    empty = duo_file(tmp_path / "leeg.csv", [])
    result = vios_cli.run(db, "import-duo", str(empty), "--sector", "vo")
    assert result.returncode != 0
    assert "20 van de 20 actieve vo-scholen staan niet in het bestand" in result.stderr
    assert "--sluit-ontbrekende" in result.stderr
    assert all(s.active for s in stored(db).values())
    # a one-school file: refused as well, whatever share it closes
    result = vios_cli.run(db, "import-duo", str(duo_file(tmp_path / "een.csv", many(1))), "--sector", "vo")
    assert result.returncode != 0 and all(s.active for s in stored(db).values())
    # confirmed explicitly: closed, dated today, audited
    result = vios_cli.run(db, "import-duo", str(duo_file(tmp_path / "een.csv", many(1))), "--sector", "vo",
                          "--sluit-ontbrekende")
    assert result.returncode == 0, result.stderr
    schools = stored(db)
    assert sum(s.active for s in schools.values()) == 1
    assert {s.inactive_since for s in schools.values() if not s.active} == {date(2026, 11, 23)}


def test_real010_closing_a_small_share_needs_no_confirmation_but_more_does(db, tmp_path):
    vios_cli.run(db, "import-duo", str(duo_file(tmp_path / "a.csv", many(20))), "--sector", "vo")
    two_gone = duo_file(tmp_path / "b.csv", many(20)[2:])  # 2 of 20 = 10%: a normal month
    assert vios_cli.run(db, "import-duo", str(two_gone), "--sector", "vo").returncode == 0
    assert sum(not s.active for s in stored(db).values()) == 2
    three_more = duo_file(tmp_path / "c.csv", many(20)[5:])  # 3 of 18 = 17%
    result = vios_cli.run(db, "import-duo", str(three_more), "--sector", "vo")
    assert result.returncode != 0 and "3 van de 18 actieve vo-scholen" in result.stderr
    assert sum(not s.active for s in stored(db).values()) == 2


def test_real011_closing_dates_are_never_moved_by_a_later_import(engine, tmp_path):
    def run(rows: list[list[str]], today: date, **kwargs) -> None:
        with Session(engine) as session:
            import_duo(session, duo_file(tmp_path / "f.csv", rows), "vo", today=today, **kwargs)
            session.commit()

    run(many(20), date(2026, 1, 1))
    run(many(20)[1:], date(2026, 2, 1))           # school 0 closes on 1 February
    run(many(20), date(2026, 3, 1))               # an older file imported by mistake
    run(many(20)[1:], date(2026, 4, 1))           # and then the current one again
    with Session(engine) as session:
        closed = session.exec(select(School).where(School.code == "300000")).one()
    assert (closed.active, closed.inactive_since) == (False, date(2026, 2, 1))


def test_real012_schools_created_and_changed_by_the_duo_import_are_audited_field_by_field(db, tmp_path):
    assert vios_cli.run(db, "import-duo", str(duo_file(tmp_path / "a.csv", many(6))), "--sector", "vo"
                        ).returncode == 0
    renamed = many(6)
    renamed[0][4] = "Nieuwe naam"
    assert vios_cli.run(db, "import-duo", str(duo_file(tmp_path / "b.csv", renamed)), "--sector", "vo"
                        ).returncode == 0
    school = stored(db)["300000"]
    with Session(make_engine(f"sqlite:///{db}")) as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.entity == "school",
                                                        AuditEntry.entity_id == str(school.id))).all()
    created = {e.field: e.new_value for e in entries if e.action == "create"}
    assert created["code"] == "300000" and created["name"] == "School 0" and created["postcode"] == "6211 AB"
    updated = [(e.field, e.old_value, e.new_value) for e in entries if e.action == "update"]
    assert updated == [("name", "School 0", "Nieuwe naam")]
    assert all(e.username.startswith("cli:") for e in entries)

"""The `vios` console script, run as a user runs it, on a real database file (tests/vios_cli.py)."""
from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
import vios_cli
from sqlmodel import Session

from domain.scope import Scope
from models.db import make_engine
from services.areas import find_area_key
from services.report import overview_report

pytestmark = pytest.mark.db  # opens databases of its own (real files, fresh schemas)


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    return vios_cli.run(db, *args)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("cli") / "demo.db"
    result = run(db, "seed", "demo", "--today", "2026-11-23")
    assert result.returncode == 0, result.stderr
    return db


def test_cli001_report_json_equals_the_domain_computation(demo_file):
    # the installed console script itself, in a real process
    result = vios_cli.run(demo_file, "report", "--as-of", "2026-11-23", "--region", "Maastricht-Heuvelland", "--json",
                          real=True)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    with Session(make_engine(f"sqlite:///{demo_file}")) as session:
        region_id = int(find_area_key(session, "Maastricht-Heuvelland")[1:])
        expected = overview_report(session, Scope(as_of=date(2026, 11, 23), region_id=region_id))
    assert shown == json.loads(json.dumps(expected))
    assert shown["totals"]["schools"] == sum(m["schools"] for m in shown["municipalities"])
    assert {m["name"] for m in shown["municipalities"]} == {
        "Maastricht", "Eijsden-Margraten", "Gulpen-Wittem", "Meerssen", "Vaals", "Valkenburg aan de Geul"}


def test_cli001b_a_province_named_like_a_region_is_found_as_the_province(demo_file):
    """The demo has a region and a province 'Groningen': --province means the province (it was refused)."""
    province = json.loads(run(demo_file, "report", "--as-of", "2026-11-23", "--province", "groningen", "--json").stdout)
    region = json.loads(run(demo_file, "report", "--as-of", "2026-11-23", "--region", "Groningen", "--json").stdout)
    with Session(make_engine(f"sqlite:///{demo_file}")) as session:
        key = find_area_key(session, "Groningen", "p")
        assert key is not None and key.startswith("p") and find_area_key(session, "Groningen", "r") != key
        expected = overview_report(session, Scope(as_of=date(2026, 11, 23), province_id=int(key[1:])))
    assert province == json.loads(json.dumps(expected))
    assert province["scope"] != region["scope"] and province["totals"]["schools"] > 0


def test_cli002_report_accepts_dutch_dates_and_sector(demo_file):
    iso = json.loads(run(demo_file, "report", "--as-of", "2025-06-30", "--sector", "vo", "--json").stdout)
    nl = json.loads(run(demo_file, "report", "--as-of", "30-06-2025", "--sector", "vo", "--json").stdout)
    assert iso == nl and iso["scope"]["sector"] == "vo"
    table = run(demo_file, "report", "--as-of", "2025-06-30")
    assert table.returncode == 0 and "TOTAAL" in table.stdout


@pytest.mark.parametrize("args", [
    ("report", "--region", "Atlantis", "--json"),
    ("report", "--as-of", "31-02-2026"),
    ("import", "/no/such/file.xlsx"),
    ("frobnicate",),
])
def test_cli003_usage_errors_exit_2(demo_file, args):
    result = run(demo_file, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.strip()


def test_cli004_refused_input_exits_1_with_row_errors(demo_file, tmp_path):
    bad = tmp_path / "vo.csv"
    bad.write_text("INSTELLINGSCODE;VESTIGINGSCODE;VESTIGINGSNAAM;POSTCODE;PLAATSNAAM;GEMEENTENUMMER;GEMEENTENAAM;"
                   "BEVOEGD GEZAG NUMMER;PROVINCIE\n"
                   "01AB;00;Goede School;6211 AB;MAASTRICHT;0935;Maastricht;12345;Limburg\n"
                   "XX;00;Foute Code;6211 AB;MAASTRICHT;0935;Maastricht;12345;Limburg\n", encoding="utf-8")
    result = run(demo_file, "import-duo", str(bad), "--sector", "vo")
    assert result.returncode == 1
    assert "regel 3" in result.stderr
    report = json.loads(run(demo_file, "report", "--json").stdout)
    with Session(make_engine(f"sqlite:///{demo_file}")) as session:
        from sqlmodel import select

        from models import School
        assert session.exec(select(School).where(School.code == "01AB00")).first() is None  # nothing written
    assert report["totals"]["schools"] > 0


@pytest.mark.slow
def test_cli005_export_import_round_trip(demo_file, tmp_path):
    exported = tmp_path / "export.xlsx"
    assert run(demo_file, "export", str(exported)).returncode == 0
    empty = tmp_path / "empty.db"
    assert run(empty, "db", "upgrade").returncode == 0
    result = run(empty, "import", str(exported))
    assert result.returncode == 0, result.stderr
    again = tmp_path / "again.xlsx"
    assert run(empty, "export", str(again)).returncode == 0
    import openpyxl
    first, second = openpyxl.load_workbook(exported), openpyxl.load_workbook(again)
    assert first.sheetnames == second.sheetnames
    for name in first.sheetnames:
        assert list(first[name].values) == list(second[name].values), name
    before = json.loads(run(demo_file, "report", "--as-of", "2026-11-23", "--json").stdout)
    after = json.loads(run(empty, "report", "--as-of", "2026-11-23", "--json").stdout)
    assert before["totals"] == after["totals"]


def test_cli006_seed_refuses_a_filled_database(demo_file, tmp_path):
    assert run(demo_file, "seed", "demo").returncode == 1
    assert run(demo_file, "seed", "demo", "--if-empty").returncode == 0
    template = tmp_path / "sjabloon.xlsx"
    assert run(demo_file, "template", str(template)).returncode == 0 and template.stat().st_size > 0


def test_cli007_seed_demo_prints_one_user_per_role_with_a_working_password(tmp_path):
    from services import auth

    db = tmp_path / "users.db"
    result = run(db, "seed", "demo", "--today", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert "Demo-gebruikers (wachtwoorden worden maar één keer getoond):" in result.stdout
    lines = result.stdout.split("Demo-gebruikers", 1)[1].splitlines()[1:]
    users = {parts[0]: (parts[1], parts[2]) for parts in (line.split() for line in lines) if len(parts) == 3}
    assert {role for role, _ in users.values()} == {"beheerder", "coordinator", "stuurgroeplid", "bestuurder"}
    with Session(make_engine(f"sqlite:///{db}")) as session:
        for username, (_, password) in users.items():
            assert auth.authenticate(session, username, password) is not None, username


def test_cli_busy_an_import_while_another_writer_holds_the_database_is_refused_in_dutch(demo_file, tmp_path,
                                                                                     monkeypatch):
    import shutil
    import sqlite3

    db = tmp_path / "busy.db"
    shutil.copyfile(demo_file, db)
    export = tmp_path / "export.xlsx"
    assert run(db, "export", str(export)).returncode == 0
    monkeypatch.setenv("VIOS_DB_BUSY_TIMEOUT", "1")
    holder = sqlite3.connect(db, timeout=1)
    holder.execute("BEGIN IMMEDIATE")  # another import, mid-write
    try:
        result = vios_cli.run(db, "import", str(export), real=True)
    finally:
        holder.rollback()
        holder.close()
    assert result.returncode == 1, result.stderr
    assert "De database is op dit moment bezig" in result.stderr
    assert "Traceback" not in result.stderr

"""`vios user ...` run as an administrator runs it, on a real database file (tests/vios_cli.py)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import vios_cli
from sqlalchemy import select
from sqlmodel import Session

from models import AuditEntry, Board, Province, Region
from models.db import make_engine
from services import auth

pytestmark = pytest.mark.db  # opens databases of its own (real files, fresh schemas)

PASSWORD_LINE = re.compile(r"Wachtwoord \(wordt niet opnieuw getoond\): (\S+)")


def run(db: Path, *args: str, stdin: str | None = None, real: bool = False) -> subprocess.CompletedProcess:
    return vios_cli.run(db, *args, stdin=stdin, real=real, timeout=120)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli-users") / "users.db"
    assert run(path, "db", "upgrade").returncode == 0
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        limburg = Province(name="Limburg")
        s.add(limburg)
        s.flush()
        s.add_all([Region(name="Maastricht-Heuvelland", province_id=limburg.id), Board(number="90001", name="B")])
        s.commit()
    engine.dispose()
    return path


def login(db: Path, username: str, password: str):
    engine = make_engine(f"sqlite:///{db}")
    try:
        with Session(engine) as s:
            user = auth.authenticate(s, username, password)
            s.commit()
            return user
    finally:
        engine.dispose()


def test_add_prints_a_generated_password_once_and_list_shows_the_user(db):
    result = run(db, "user", "add", "Anna", "--role", "coördinator", "--name", "Anna de Vries",
                 "--region", "maastricht-heuvelland")
    assert result.returncode == 0, result.stderr
    password = PASSWORD_LINE.search(result.stdout).group(1)
    assert login(db, "anna", password) is not None

    listed = run(db, "user", "list")
    assert listed.returncode == 0, listed.stderr
    [line] = [line for line in listed.stdout.splitlines() if line.startswith("anna ")]
    assert "Anna de Vries" in line and "coördinator" in line and "regio Maastricht-Heuvelland" in line
    assert line.split()[-4:-2] == ["ja", "nee"]  # active, not locked
    assert password not in listed.stdout


def test_add_with_password_from_stdin_prints_no_password(db):
    result = run(db, "user", "add", "bert", "--role", "bestuurder", "--board", "90001", "--password-stdin",
                 stdin="een-eigen-wachtwoord\n", real=True)  # a real process reading a real stdin
    assert result.returncode == 0, result.stderr
    assert "een-eigen-wachtwoord" not in result.stdout and "Wachtwoord (" not in result.stdout
    assert login(db, "bert", "een-eigen-wachtwoord") is not None
    result = run(db, "user", "add", "carla", "--role", "stuurgroeplid", "--province", "LIMBURG", "--password-stdin",
                 stdin="nog-een-goed-wachtwoord")
    assert result.returncode == 0, result.stderr
    assert "provincie Limburg" in run(db, "user", "list").stdout


def test_set_password_via_stdin_and_generated(db):
    assert run(db, "user", "add", "dirk", "--role", "beheerder", "--password-stdin",
               stdin="eerste-wachtwoord\n").returncode == 0
    result = run(db, "user", "set-password", "DIRK", "--password-stdin", stdin="tweede-wachtwoord\n")
    assert result.returncode == 0, result.stderr
    assert login(db, "dirk", "eerste-wachtwoord") is None
    assert login(db, "dirk", "tweede-wachtwoord") is not None
    result = run(db, "user", "set-password", "dirk")
    assert result.returncode == 0, result.stderr
    assert login(db, "dirk", PASSWORD_LINE.search(result.stdout).group(1)) is not None


def test_disable(db):
    assert run(db, "user", "add", "eva", "--role", "stuurgroeplid", "--password-stdin",
               stdin="geheim-van-de-stuurgroep\n").returncode == 0
    result = run(db, "user", "disable", "eva")
    assert result.returncode == 0, result.stderr
    [line] = [line for line in run(db, "user", "list").stdout.splitlines() if line.startswith("eva ")]
    assert "nee" in line.split()
    assert login(db, "eva", "geheim-van-de-stuurgroep") is None


@pytest.mark.parametrize("args, stdin, message", [
    (("user", "add", "frank", "--role", "bestuurder", "--password-stdin"), "kort\n", "minstens 12 tekens"),
    (("user", "add", "anna", "--role", "bestuurder"), None, "bestaat al"),
    (("user", "add", "gijs", "--role", "coordinator", "--province", "Limburg"), None, "alleen een regio"),
    (("user", "set-password", "anna", "--password-stdin"), "\n", "minstens 12 tekens"),
])
def test_refused_input_exits_1_and_changes_nothing(db, args, stdin, message):
    before = run(db, "user", "list").stdout
    result = run(db, *args, stdin=stdin)
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert run(db, "user", "list").stdout == before


@pytest.mark.parametrize("args, message", [
    (("user", "add", "hans", "--role", "koning"), "Onbekende rol"),
    (("user", "add", "hans", "--role", "coordinator", "--region", "Atlantis"), "onbekende regio 'Atlantis'"),
    (("user", "add", "hans", "--role", "bestuurder", "--board", "12345"), "onbekende schoolbestuur"),
    (("user", "disable", "niemand"), "onbekende gebruiker"),
    (("user", "set-password", "niemand"), "onbekende gebruiker"),
    (("user",), ""),
])
def test_usage_errors_exit_2(db, args, message):
    result = run(db, *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert message in result.stderr
    assert "hans" not in run(db, "user", "list").stdout


def test_cli_changes_are_audited_without_passwords(db):
    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        rows = s.scalars(select(AuditEntry)).all()
    engine.dispose()
    assert {r.action for r in rows} >= {"create", "set_password", "update", "login"}
    assert all(r.username.startswith("cli") for r in rows if r.action in ("create", "set_password", "update"))
    text = " ".join(f"{r.old_value} {r.new_value} {r.detail}" for r in rows)
    assert "een-eigen-wachtwoord" not in text and "tweede-wachtwoord" not in text

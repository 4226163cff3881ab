"""Passwords, login with lock-out, user management and the secret key, on a real SQLite database."""
from __future__ import annotations

import base64
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import AuditEntry, User
from services import auth, passwords

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
GOOD = "correct-horse-battery"
KEY = "k" * 64  # session fingerprints are keyed; tests pass the key instead of reading the instance file


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        auth.create_user(session, username="admin", role="beheerder", password="beheer-wachtwoord-1", actor="test")
        auth.create_user(session, username="Anna", role="coordinator", password=GOOD, display_name="Anna de Vries",
                         actor="test")
        session.commit()
        yield session


def entries(session: Session, action: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(session.scalars(stmt))


# ---------------------------------------------------------------- passwords

def test_hash_format_and_verify():
    encoded = passwords.hash_password(GOOD)
    scheme, n, r, p, salt, digest = encoded.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16 and len(base64.b64decode(digest)) == 32
    assert passwords.verify_password(GOOD, encoded)
    assert not passwords.verify_password(GOOD + "x", encoded)
    assert passwords.hash_password(GOOD) != encoded  # a fresh salt every time
    assert not passwords.needs_rehash(encoded)
    assert not passwords.needs_rehash(passwords.dummy_hash())  # unknown users cost as much as real ones


@pytest.mark.parametrize("bad", ["", "plain", "scrypt$16384$8$1$!!$!!", "md5$1$1$1$YQ==$YQ==",
                                 "scrypt$1099511627776$8$1$YQ==$YQ=="])
def test_malformed_or_dangerous_hash_never_verifies(bad):
    assert not passwords.verify_password(GOOD, bad)


def test_generated_passwords_are_readable_random_and_meet_the_policy():
    generated = {passwords.generate_password() for _ in range(50)}
    assert len(generated) == 50
    for pw in generated:
        assert len(pw) == 19 and len(pw.replace("-", "")) == 16
        assert not set(pw) & set("0O1lI")
        assert passwords.password_problems(pw) == []


def test_password_policy_in_dutch():
    assert passwords.password_problems("kort") == ["Het wachtwoord moet minstens 12 tekens lang zijn."]
    assert "gebruikersnaam" in " ".join(passwords.password_problems("anna-2026-geheim", username="Anna"))
    assert passwords.password_problems(" " * 20)
    assert passwords.password_problems("aaaaaaaaaaaaaaaa")
    with pytest.raises(ValueError, match="minstens 12 tekens"):
        passwords.check_password_policy("elf-tekens!")


# ---------------------------------------------------------------- user management

def test_weak_password_duplicate_and_unknown_role_are_refused(session):
    with pytest.raises(ValueError, match="minstens 12 tekens"):
        auth.create_user(session, username="bert", role="bestuurder", password="kort", actor="test")
    with pytest.raises(ValueError, match="bestaat al"):
        auth.create_user(session, username=" ANNA ", role="bestuurder", password=GOOD, actor="test")
    with pytest.raises(ValueError, match="Onbekende rol"):
        auth.create_user(session, username="bert", role="koning", password=GOOD, actor="test")
    with pytest.raises(ValueError, match="gebruikersnaam"):
        auth.create_user(session, username="b<script>", role="bestuurder", password=GOOD, actor="test")
    with pytest.raises(ValueError, match="minstens 12 tekens"):
        auth.set_password(session, "anna", "kort", actor="test")


def test_usernames_are_lower_case_and_roles_accept_the_dutch_spelling(session):
    user = auth.create_user(session, username="  Carla.Jansen ", role="Coördinator", password=GOOD, actor="test")
    assert (user.username, user.role) == ("carla.jansen", "coordinator")
    assert auth.get_user(session, "CARLA.JANSEN").id == user.id
    assert user.created_at.tzinfo is not None


def test_create_is_audited_without_the_password(session):
    rows = [e for e in entries(session, "create") if e.entity_id == str(auth.get_user(session, "anna").id)]
    assert {(e.field, e.new_value) for e in rows} == {
        ("username", "anna"), ("display_name", "Anna de Vries"), ("role", "coordinator"), ("active", "ja")}
    auth.set_password(session, "anna", "another-good-password", actor="admin")
    session.commit()
    text = " ".join(f"{e.old_value} {e.new_value} {e.detail}" for e in entries(session))
    assert GOOD not in text and "another-good-password" not in text and "scrypt$" not in text
    assert entries(session, "set_password")[-1].username == "admin"


def test_list_users(session):
    listed = {u.username: u for u in auth.list_users(session)}
    assert set(listed) == {"admin", "anna"}
    assert listed["anna"].display_name == "Anna de Vries" and listed["anna"].active and not listed["anna"].locked


def test_the_last_active_beheerder_cannot_be_disabled_or_demoted(session):
    with pytest.raises(ValueError, match="minstens één actieve beheerder"):
        auth.disable_user(session, "admin", actor="admin")
    with pytest.raises(ValueError, match="minstens één actieve beheerder"):
        auth.update_user(session, "admin", role="stuurgroeplid", actor="admin")
    assert auth.get_user(session, "admin").active and auth.get_user(session, "admin").role == "beheerder"
    auth.create_user(session, username="admin2", role="beheerder", password=GOOD, actor="admin")
    auth.disable_user(session, "admin", actor="admin2")
    assert not auth.get_user(session, "admin").active


# ---------------------------------------------------------------- login

def test_login_succeeds_and_is_audited(session):
    user = auth.authenticate(session, " ANNA ", GOOD, now=T0)
    assert user is not None and user.username == "anna"
    assert user.last_login_at == T0
    last = entries(session)[-1]
    assert (last.action, last.username, last.entity, last.entity_id) == ("login", "anna", "app_user", str(user.id))


def test_wrong_password_counts_and_is_audited(session):
    assert auth.authenticate(session, "anna", "wrong-password", now=T0) is None
    session.commit()
    assert auth.get_user(session, "anna").failed_attempts == 1
    last = entries(session)[-1]
    assert (last.action, last.username) == ("login_failed", "anna")
    assert "wrong-password" not in last.detail


def test_unknown_user_takes_the_same_path(session, monkeypatch):
    checked = []
    real = passwords.verify_password
    monkeypatch.setattr(auth, "verify_password", lambda pw, enc: checked.append(enc) or real(pw, enc))
    assert auth.authenticate(session, "nobody", GOOD, now=T0) is None
    assert checked == [passwords.dummy_hash()]  # a full scrypt verification, as for a real user
    assert auth.authenticate(session, "anna", "wrong-password", now=T0) is None
    assert len(checked) == 2
    last_two = entries(session)[-2:]
    assert [e.action for e in last_two] == ["login_failed", "login_failed"]
    assert last_two[0].entity_id is None and last_two[0].username == "nobody"


def test_lockout_after_five_failures_for_fifteen_minutes(session):
    for i in range(auth.MAX_FAILED_ATTEMPTS):
        assert auth.authenticate(session, "anna", f"wrong-{i}", now=T0 + timedelta(seconds=i)) is None
    session.commit()
    user = auth.get_user(session, "anna")
    locked_at = T0 + timedelta(seconds=4)
    assert user.locked_until == locked_at + timedelta(minutes=15)
    assert auth.is_locked(user, locked_at) and auth.list_users(session, now=locked_at)[1].locked
    assert [e.action for e in entries(session)][-2:] == ["login_failed", "lockout"]

    # The right password does not help while locked; the attempt is audited.
    assert auth.authenticate(session, "anna", GOOD, now=locked_at + timedelta(minutes=14, seconds=59)) is None
    assert "geblokkeerd" in entries(session)[-1].detail
    user = auth.authenticate(session, "anna", GOOD, now=locked_at + timedelta(minutes=15))
    assert user is not None and user.failed_attempts == 0 and user.locked_until is None


def test_success_resets_the_counter(session):
    for i in range(auth.MAX_FAILED_ATTEMPTS - 1):
        auth.authenticate(session, "anna", f"wrong-{i}", now=T0)
    assert auth.authenticate(session, "anna", GOOD, now=T0).failed_attempts == 0
    for i in range(auth.MAX_FAILED_ATTEMPTS - 1):
        auth.authenticate(session, "anna", f"wrong-{i}", now=T0)
    assert not auth.is_locked(auth.get_user(session, "anna"), T0)
    assert auth.authenticate(session, "anna", GOOD, now=T0) is not None


def test_disabled_users_cannot_log_in(session):
    auth.disable_user(session, "anna", actor="admin")
    assert auth.authenticate(session, "anna", GOOD, now=T0) is None
    assert entries(session)[-1].detail == "account uitgeschakeld"
    auth.enable_user(session, "anna", actor="admin")
    assert auth.authenticate(session, "anna", GOOD, now=T0) is not None
    changes = [(e.field, e.old_value, e.new_value) for e in entries(session, "update")]
    assert changes == [("active", "ja", "nee"), ("active", "nee", "ja")]


def test_set_password_lifts_a_lockout_and_ends_other_sessions(session):
    user = auth.get_user(session, "anna")
    fingerprint = auth.session_fingerprint(user, KEY)
    assert auth.user_for_session(session, user.id, fingerprint, KEY).id == user.id
    for i in range(auth.MAX_FAILED_ATTEMPTS):
        auth.authenticate(session, "anna", f"wrong-{i}", now=T0)
    auth.set_password(session, "anna", "a-new-good-password", actor="admin")
    assert auth.authenticate(session, "anna", GOOD, now=T0) is None
    assert auth.authenticate(session, "anna", "a-new-good-password", now=T0) is not None
    assert auth.user_for_session(session, user.id, fingerprint, KEY) is None


def test_user_for_session_refuses_tampering_and_disabled_users(session):
    user = auth.get_user(session, "anna")
    good = auth.session_fingerprint(user, KEY)
    assert auth.session_fingerprint(user, "another-key" * 4) != good
    assert auth.user_for_session(session, str(user.id), good, KEY) is None
    assert auth.user_for_session(session, user.id, good[:-1] + ("1" if good.endswith("0") else "0"), KEY) is None
    assert auth.user_for_session(session, 999, good, KEY) is None
    auth.disable_user(session, "anna", actor="admin")
    assert auth.user_for_session(session, user.id, good, KEY) is None


def test_counter_survives_a_new_session(engine, session):
    auth.authenticate(session, "anna", "wrong-1", now=T0)
    session.commit()
    with Session(engine) as other:
        assert other.scalar(select(User.failed_attempts).where(User.username == "anna")) == 1


# ---------------------------------------------------------------- secret key

def test_secret_key_from_the_environment(monkeypatch):
    from services.secret_key import load_secret_key

    monkeypatch.setenv("VIOS_SECRET_KEY", "x" * 40)
    assert load_secret_key() == "x" * 40
    monkeypatch.setenv("VIOS_SECRET_KEY", "short")
    with pytest.raises(RuntimeError, match="te kort"):
        load_secret_key()


def test_secret_key_file_is_created_private_and_reused(monkeypatch, tmp_path):
    from services.secret_key import load_secret_key

    monkeypatch.delenv("VIOS_SECRET_KEY", raising=False)
    monkeypatch.setenv("VIOS_INSTANCE", str(tmp_path / "instance"))
    key = load_secret_key()
    path = tmp_path / "instance" / "secret_key"
    assert len(key) == 64 and path.read_text().strip() == key
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret_key() == key
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary files left

"""Beheer's edit form of a user (services.user_admin.save_user): name, role and areas in one save; a save
from a form older than the stored user is refused with who changed what, and nothing is overwritten."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlmodel import Session, col

from models import AuditEntry, Board, Province, Region, UserScope
from services import auth, user_admin
from services.transactions import StaleVersion

GOOD = "correct-horse-battery"


@pytest.fixture
def areas(engine) -> dict[str, str]:
    with Session(engine, expire_on_commit=False) as session:
        province = Province(name="Zuid-Holland")
        session.add(province)
        session.flush()
        haaglanden, rijnmond = Region(name="Haaglanden", province_id=province.id), Region(name="Rijnmond")
        board = Board(number="41234", name="Stichting Oost")
        session.add_all([haaglanden, rijnmond, board])
        auth.create_user(session, username="admin", role="beheerder", password="beheer-wachtwoord-1", actor="t")
        auth.create_user(session, username="anna", role="coordinator", password=GOOD, actor="t",
                         display_name="Anna")
        session.flush()
        auth.assign_scope(session, "anna", actor="t", region_id=haaglanden.id)
        session.commit()
        return {"haaglanden": f"r{haaglanden.id}", "rijnmond": f"r{rijnmond.id}", "zh": f"p{province.id}",
                "board": f"b{board.id}"}


def _save(engine, version: int, **fields) -> bool:
    values = {"display_name": "Anna", "role": "coordinator", "scope_keys": [], **fields}
    with Session(engine) as session:
        saved = user_admin.save_user(session, actor="admin", username="anna", version=version, **values)
        session.commit()
        return saved


def _form(engine) -> user_admin.UserForm:
    with Session(engine) as session:
        return user_admin.user_form(session, "anna")


def test_a_save_changes_name_role_and_areas_audited(engine, areas):
    form = _form(engine)
    assert form.role == "coordinator" and form.scope_keys == (areas["haaglanden"],)
    assert _save(engine, form.version, display_name="Anna de Vries", role="stuurgroeplid",
                 scope_keys=[areas["zh"], areas["rijnmond"]]) is True
    after = _form(engine)
    assert (after.display_name, after.role) == ("Anna de Vries", "stuurgroeplid")
    assert set(after.scope_keys) == {areas["zh"], areas["rijnmond"]}
    assert after.version > form.version
    with Session(engine) as session:
        fields = {(e.entity, e.action, e.field) for e in session.scalars(
            select(AuditEntry).where(col(AuditEntry.username) == "admin"))}
    assert {("app_user", "update", "display_name"), ("app_user", "update", "role"),
            ("userscope", "delete", "region_id"), ("userscope", "create", "province_id"),
            ("userscope", "create", "region_id")} <= fields
    # the same form again changes nothing, says so, and leaves another form built from it valid
    assert _save(engine, after.version, display_name="Anna de Vries", role="stuurgroeplid",
                 scope_keys=list(after.scope_keys)) is False
    assert _form(engine).version == after.version
    assert _save(engine, after.version, display_name="Anna V.", role="stuurgroeplid",
                 scope_keys=list(after.scope_keys)) is True


def test_a_stale_form_is_refused_naming_who_and_what(engine, areas):
    form = _form(engine)
    with Session(engine) as session:  # meanwhile the command line gives anna a second region
        auth.assign_scope(session, "anna", actor="cli:root", region_id=int(areas["rijnmond"][1:]))
        session.commit()
    with pytest.raises(StaleVersion) as refused:
        _save(engine, form.version, display_name="Anna B.", scope_keys=[areas["haaglanden"]])
    message = str(refused.value)
    assert "gewijzigd door cli:root" in message and "gebieden" in message
    now = _form(engine)
    assert now.display_name == "Anna" and set(now.scope_keys) == {areas["haaglanden"], areas["rijnmond"]}


def test_two_forms_from_the_same_version_one_wins(engine, areas):
    form = _form(engine)
    first, second = Session(engine), Session(engine)
    try:
        user_admin.save_user(first, actor="admin", username="anna", display_name="Eerste", role="coordinator",
                             scope_keys=[areas["haaglanden"]], version=form.version)
        first.commit()
        with pytest.raises(StaleVersion, match="door admin .*naam"):
            user_admin.save_user(second, actor="beheer2", username="anna", display_name="Tweede",
                                 role="coordinator", scope_keys=[areas["haaglanden"]], version=form.version)
        second.rollback()
    finally:
        first.close()
        second.close()
    assert _form(engine).display_name == "Eerste"


def test_a_login_does_not_make_the_form_stale(engine, areas):
    form = _form(engine)
    with Session(engine) as session:
        assert auth.authenticate(session, "anna", GOOD, now=datetime(2026, 11, 23, 9, tzinfo=UTC)) is not None
        session.commit()
    assert _save(engine, form.version, display_name="Anna Ingelogd", scope_keys=list(form.scope_keys)) is True


@pytest.mark.parametrize(("role", "keys", "refusal"), [
    ("coordinator", ["zh"], "Een coördinator krijgt alleen een regio toegewezen."),
    ("bestuurder", ["zh"], "alleen een schoolbestuur of een regio"),
    ("stuurgroeplid", [], "Kies minstens één gebied voor deze gebruiker."),
    ("coordinator", ["bogus"], "Kies een geldig gebied."),
])
def test_areas_must_fit_the_role_and_nothing_changes(engine, areas, role, keys, refusal):
    form = _form(engine)
    with pytest.raises(ValueError, match=refusal):
        _save(engine, form.version, display_name="Nieuw", role=role, scope_keys=[areas.get(k, k) for k in keys])
    assert _form(engine) == form


def test_a_beheerder_needs_no_areas_and_the_last_beheerder_stays(engine, areas):
    assert _save(engine, _form(engine).version, role="beheerder", scope_keys=[areas["haaglanden"]]) is True
    with Session(engine) as session:
        assert not list(session.scalars(select(UserScope)))
        admin_form = user_admin.user_form(session, "admin")
        user_admin.save_user(session, actor="anna", username="admin", display_name="", role="coordinator",
                             scope_keys=[areas["haaglanden"]], version=admin_form.version)  # anna is beheerder too
        session.commit()
        anna = user_admin.user_form(session, "anna")
        with pytest.raises(ValueError, match="minstens één actieve beheerder"):
            user_admin.save_user(session, actor="anna", username="anna", display_name="Anna", role="bestuurder",
                                 scope_keys=[areas["board"]], version=anna.version)

"""The audit log: one row per changed field (one per row a bulk import creates), readable CSV export, append-only."""
from __future__ import annotations

import csv
import inspect
import io
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import AuditEntry, Municipality, Organisation, Region
from models.db import session_scope
from services import audit, audit_log

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


def test_diff_keeps_only_changed_fields():
    before = {"name": "De Bron", "pupils": 300, "active": True, "end_on": None}
    after = {"name": "De Bron", "pupils": 320, "active": False, "end_on": date(2026, 7, 31), "note": "x"}
    assert audit.diff(before, after) == {"pupils": (300, 320), "active": (True, False),
                                         "end_on": (None, date(2026, 7, 31)), "note": (None, "x")}
    assert audit.diff(before, dict(before)) == {}
    assert audit.diff({"a": 1}, {}) == {"a": (1, None)}


def test_one_row_per_changed_field_with_values_as_text(session):
    rows = audit.record(session, username="anna", action="update", entity="school", entity_id=12, at=T0,
                        changes={"pupils": (300, 320), "active": (True, False), "end_on": (None, date(2026, 7, 31)),
                                 "elements": ([], ["a", "b"])})
    session.commit()
    stored = session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
    assert len(rows) == len(stored) == 4
    assert [(e.field, e.old_value, e.new_value) for e in stored] == [
        ("pupils", "300", "320"), ("active", "ja", "nee"), ("end_on", None, "2026-07-31"), ("elements", "", "a, b")]
    assert {(e.username, e.action, e.entity, e.entity_id, e.at) for e in stored} == {
        ("anna", "update", "school", "12", T0)}


def test_an_event_without_changes_is_one_row(session):
    rows = audit.record(session, username="anna", action="login", entity="app_user", entity_id=None, detail="ok")
    assert len(rows) == 1 and rows[0].field is None and rows[0].detail == "ok"
    assert rows[0].at.tzinfo is not None


def test_passwords_are_never_logged(session):
    audit.record(session, username="admin", action="update", entity="app_user", entity_id=1,
                 changes={"password_hash": ("scrypt$old", "scrypt$new"), "password": (None, "geheim-geheim")})
    session.commit()
    values = {(e.old_value, e.new_value) for e in session.scalars(select(AuditEntry))}
    assert values == {(audit.HIDDEN, audit.HIDDEN), (None, audit.HIDDEN)}


def test_snapshot_and_diff_of_a_table_object(session):
    region = Region(name="Zuid", validity_months=24)
    before = audit.snapshot(region, ["name", "validity_months"])
    region.validity_months = 36
    assert audit.diff(before, audit.snapshot(region, ["name", "validity_months"])) == {"validity_months": (24, 36)}


def test_list_entries_newest_first_with_filters_and_paging(session):
    for i in range(5):
        audit.record(session, username="anna" if i % 2 else "bert", action="update", entity="school",
                     entity_id=i, changes={"name": (f"old {i}", f"new {i}")}, at=T0 + timedelta(minutes=i))
    audit.record(session, username="anna", action="create", entity="tranche", entity_id=1, at=T0)
    session.commit()
    newest = audit.list_entries(session, limit=2)
    assert [e.new_value for e in newest] == ["new 4", "new 3"]
    assert [e.new_value for e in audit.list_entries(session, limit=2, offset=2)] == ["new 2", "new 1"]
    assert {e.username for e in audit.list_entries(session, username="anna")} == {"anna"}
    assert len(audit.list_entries(session, entity="school")) == 5
    assert [e.new_value for e in audit.list_entries(session, entity="school", entity_id=3)] == ["new 3"]


def test_csv_export_is_readable(session):
    audit.record(session, username="anna", action="update", entity="school", entity_id=7, at=T0,
                 changes={"name": ("Basisschool Één", "=HYPERLINK(\"http://x\")"),
                          "note": ("a;b", "regel 1\nregel 2")})
    session.commit()
    data = audit.export_csv(session)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == audit.CSV_HEADER and rows[0][:3] == ["tijdstip (UTC)", "gebruiker", "actie"]
    assert rows[1] == ["2026-11-23 09:00:00", "anna", "update", "school", "7", "name", "Basisschool Één",
                       "'=HYPERLINK(\"http://x\")", ""]  # a formula is written as text
    assert rows[2][5:8] == ["note", "a;b", "regel 1\nregel 2"]
    assert audit.export_csv(session, username="bert").decode("utf-8-sig").count("\n") == 1  # header only


def test_the_service_has_no_way_to_change_history():
    public = {name for name, f in inspect.getmembers(audit, inspect.isfunction)
              if f.__module__ == audit.__name__ and not name.startswith("_")}
    assert public == {"record", "snapshot", "diff", "list_entries", "export_csv", "changes_recorded", "expand"}
    assert not any(word in name for name in public for word in ("update", "delete", "edit", "remove", "purge"))


def test_the_orm_refuses_to_change_or_delete_audit_rows(session):
    [row] = audit.record(session, username="anna", action="login", entity="app_user")
    session.commit()
    row.detail = "rewritten"
    with pytest.raises(PermissionError):
        session.commit()
    session.rollback()
    session.delete(session.get(AuditEntry, row.id))
    with pytest.raises(PermissionError):
        session.commit()
    session.rollback()
    assert session.get(AuditEntry, row.id).detail == ""


def test_audit_rows_roll_back_with_the_failed_change(engine):
    with pytest.raises(RuntimeError):
        with session_scope(engine) as s:
            audit.record(s, username="anna", action="update", entity="school", entity_id=1,
                         changes={"name": ("a", "b")})
            s.flush()
            raise RuntimeError("the change itself failed")
    with session_scope(engine) as s:
        assert audit.list_entries(s) == []


def test_the_exchange_export_leaves_users_and_the_audit_log_out(session):
    from dataio.exchange import export_tables
    from services import auth

    auth.create_user(session, username="anna", role="beheerder", password="een-goed-wachtwoord", actor="test")
    session.commit()
    names = [name for name, _, _ in export_tables(session)]
    assert names and not {"app_user", "userscope", "auditentry", "gebruikers", "audit"} & set(names)
    assert "anna" not in repr(export_tables(session))


# A row as an import writes it (Core insert): every column, empty ones too, in the table's order.
NEW_ROW = {"name": "Één Buurtwerk", "type": "ggd", "phone": "", "active": True, "start_on": date(2026, 9, 1),
           "tags": [], "password_hash": "scrypt$x", "ended_on": None, "municipality_id": 3}


def _bulk_created(session, username: str, entity: str, entity_id: int, values: dict) -> None:
    buffer = audit.AuditBuffer(session, username=username, detail="import a.xlsx", at=T0)
    buffer.created(entity, entity_id, values)
    buffer.flush()


def _per_field(session, username: str, entity: str, entity_id: int, values: dict) -> None:
    """What the import wrote before one row per created row: one row per field with a value."""
    audit.record(session, username=username, action="create", entity=entity, entity_id=entity_id, at=T0,
                 detail="import a.xlsx", changes={k: (None, v) for k, v in values.items() if v not in (None, "", [])})


def test_a_bulk_created_row_is_one_audit_row_with_its_fields_as_json(session):
    _bulk_created(session, "anna", "contact", 5, NEW_ROW)
    session.commit()
    [row] = session.scalars(select(AuditEntry)).all()
    assert (row.username, row.action, row.entity, row.entity_id, row.field, row.old_value, row.detail) == (
        "anna", "create", "contact", "5", audit.ALL_FIELDS, None, "import a.xlsx")
    assert "Één" in row.new_value  # readable in the database too (ensure_ascii=False)
    assert list(json.loads(row.new_value).items()) == [  # the given order; empty values left out; text as before
        ("name", "Één Buurtwerk"), ("type", "ggd"), ("active", "ja"), ("start_on", "2026-09-01"),
        ("password_hash", audit.HIDDEN), ("municipality_id", "3")]


def test_expand_gives_a_compact_creation_the_triples_of_the_per_field_rows(session):
    _bulk_created(session, "anna", "contact", 5, NEW_ROW)
    _per_field(session, "bert", "contact", 5, NEW_ROW)
    session.commit()
    compact = session.scalars(select(AuditEntry).where(AuditEntry.username == "anna")).one()
    per_field = session.scalars(select(AuditEntry).where(AuditEntry.username == "bert").order_by(AuditEntry.id)).all()
    assert audit.expand(compact) == [audit.expand(e)[0] for e in per_field]
    assert [audit.expand(e) for e in per_field] == [[(e.field, e.old_value, e.new_value)] for e in per_field]
    [login] = audit.record(session, username="anna", action="login", entity="app_user")
    assert audit.expand(login) == [(None, None, None)]


def test_a_created_row_without_values_is_one_row_without_a_field(session):
    _bulk_created(session, "anna", "contact", 5, {"phone": "", "ended_on": None})
    session.commit()
    [row] = session.scalars(select(AuditEntry)).all()
    assert (row.field, row.old_value, row.new_value, row.action) == (None, None, None, "create")


def _csv_lines(session, username: str) -> list[list[str]]:
    data = audit.export_csv(session, username=username).decode("utf-8-sig")
    return [r[:1] + r[2:] for r in csv.reader(io.StringIO(data, newline=""), delimiter=";")]  # without the user


def test_csv_export_gives_a_compact_creation_the_lines_of_the_per_field_rows(session):
    _bulk_created(session, "anna", "contact", 5, NEW_ROW)
    _per_field(session, "bert", "contact", 5, NEW_ROW)
    session.commit()
    lines = _csv_lines(session, "anna")
    assert len(lines) == 1 + 6 and lines == _csv_lines(session, "bert")
    assert lines[1][4:7] == ["name", "", "Één Buurtwerk"]


def test_the_readable_log_shows_a_compact_creation_as_the_per_field_rows(session):
    municipality = Municipality(cbs_code="GM0935", name="Maastricht")
    session.add(municipality)
    session.flush()
    org = Organisation(name="GGD Zuid Limburg", type="ggd", municipality_id=municipality.id)
    session.add(org)
    session.commit()
    values = {"name": org.name, "type": "ggd", "municipality_id": municipality.id, "ended_on": date(2027, 1, 31)}
    _bulk_created(session, "anna", "organisation", org.id, values)
    _per_field(session, "bert", "organisation", org.id, values)
    session.commit()
    [compact] = audit_log.readable_log(session, username="anna")
    [per_field] = audit_log.readable_log(session, username="bert")
    assert (compact.action, compact.subject, compact.changes, compact.detail) == (
        per_field.action, per_field.subject, per_field.changes, per_field.detail)
    assert "Maastricht" in compact.changes and "31-01-2027" in compact.changes  # names behind ids, Dutch dates

"""The exchange import's write phase: the plan is re-checked under the write lock, rows' versions rise,
audit rows are written in bulk and still say who created or changed which field."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlmodel import Session, col, func, select
from test_exchange import make_demo, write_book

import dataio.exchange as exchange
from dataio.exchange import import_workbook
from dataio.exchange_lock import WRITTEN, covered_tables
from models import AuditEntry, Contact, Organisation, Partnership, PhaseEvent, table_of
from services import audit, partnerships, permissions
from services.transactions import StaleVersion, stale_message

ADMIN = permissions.Principal(user_id=0, username="beheerder-test", role="beheerder")


def _org_sheet(*rows: list[object]) -> dict[str, list[list[object]]]:
    return {"organisaties": [["naam", "type", "gemeente_cbs"], *rows]}


def test_the_plan_is_checked_again_under_the_write_lock(engine, tmp_path, monkeypatch):
    """Another writer commits the same new organisation after the plan was made: the import sees it under
    its lock and updates that one instead of failing on the unique name (or creating a second)."""
    make_demo(engine)
    book = write_book(tmp_path / "a.xlsx", _org_sheet(["Buurtwerk Noord (fictief)", "jongerenwerk", "GM0935"]))
    real_plan = exchange._plan
    calls = []

    def plan_then_someone_writes(session, sheets, result, principal):
        planned = real_plan(session, sheets, result, principal)
        if not calls:
            with Session(engine) as other:  # another user, another connection, commits first
                other.add(Organisation(name="Buurtwerk Noord (fictief)", type="ggd"))
                other.commit()
        calls.append(1)
        return planned

    monkeypatch.setattr(exchange, "_plan", plan_then_someone_writes)
    with Session(engine) as s:
        result = import_workbook(s, book)
        s.commit()
    assert len(calls) == 2
    assert any("opnieuw gecontroleerd" in w for w in result.warnings)
    assert result.count("organisaties", "updated") == 1 and result.count("organisaties", "created") == 0
    with Session(engine) as s:
        [org] = s.exec(select(Organisation).where(col(Organisation.name) == "Buurtwerk Noord (fictief)")).all()
        assert org.type == "jongerenwerk"


def test_an_unchanged_database_is_planned_once(engine, tmp_path, monkeypatch):
    make_demo(engine)
    book = write_book(tmp_path / "a.xlsx", _org_sheet(["Buurtwerk Zuid (fictief)", "jongerenwerk", "GM0935"]))
    calls = []
    real_plan = exchange._plan
    monkeypatch.setattr(exchange, "_plan", lambda *a: calls.append(1) or real_plan(*a))
    with Session(engine) as s:
        result = import_workbook(s, book)
        s.commit()
    assert calls == [1] and result.count("organisaties", "created") == 1


def test_the_fingerprint_covers_every_table_the_import_writes():
    assert covered_tables() == sorted(table_of(m).name for m in WRITTEN)


def test_a_form_opened_before_an_import_refuses_its_stale_save(engine, tmp_path):
    """Imports pass no versions (there is no form), but the rows they change get a new version: a form
    built before the import refuses to save over it, naming the import's user."""
    make_demo(engine)
    with Session(engine) as s:
        org = s.exec(select(Organisation).order_by(col(Organisation.id))).first()
        contact = s.exec(select(Contact).where(col(Contact.organisation_id) == org.id)).first()
        form_org, form_contact = org.version, contact.version
        org_id, contact_id, name, org_type = org.id, contact.id, org.name, org.type
        contact_name = contact.name
    book = write_book(tmp_path / "a.xlsx", {
        "organisaties": [["naam", "type"], [name, "jongerenwerk" if org_type != "jongerenwerk" else "ggd"]],
        "contactpersonen": [["organisatie", "naam", "telefoon"], [name, contact_name, "06-99999999"]]})
    with Session(engine) as s:
        with audit.changes_recorded(s, username="importeur", detail="import a.xlsx"):
            import_workbook(s, book)
        s.commit()
    with Session(engine) as s:
        assert s.get(Organisation, org_id).version == form_org + 1
        assert s.get(Contact, contact_id).version == form_contact + 1
        with pytest.raises(StaleVersion, match="gewijzigd door importeur"):
            partnerships.change_organisation(s, ADMIN, org_id, name=name, type=org_type, version=form_org)
        s.rollback()
        with pytest.raises(StaleVersion, match=r"gewijzigd door importeur .*telefoon"):
            partnerships.change_contact(s, ADMIN, contact_id, name=contact_name, phone="06-1", version=form_contact)
        s.rollback()


def test_bulk_written_audit_rows_say_who_created_which_field(engine, tmp_path):
    """A created row: one audit row whose value holds its fields (issue 12: the per-field rows were ~65 % of
    a national import's write phase)."""
    make_demo(engine)
    book = write_book(tmp_path / "a.xlsx", {
        **_org_sheet(["Buurtwerk West (fictief)", "jongerenwerk", "GM0935"]),
        "samenwerkingen": [["school", "organisatie", "rol", "startdatum"],
                           ["05VO00", "Buurtwerk West (fictief)", "advies", "01-09-2026"]]})
    with Session(engine) as s:
        with audit.changes_recorded(s, username="anna", detail="import a.xlsx"):
            import_workbook(s, book)
        s.commit()
        org = s.exec(select(Organisation).where(col(Organisation.name) == "Buurtwerk West (fictief)")).one()
        partnership = s.exec(select(Partnership).where(col(Partnership.organisation_id) == org.id)).one()
        rows = s.exec(select(AuditEntry).where(col(AuditEntry.entity).in_(["organisation", "partnership"]))).all()
        # one audit row per created row, its fields in it (services.audit.expand)
        assert sorted((e.entity, e.entity_id, e.field) for e in rows) == [
            ("organisation", str(org.id), audit.ALL_FIELDS), ("partnership", str(partnership.id), audit.ALL_FIELDS)]
        fields = {(e.entity, e.entity_id, field, new) for e in rows for field, _, new in audit.expand(e)}
        assert {e.username for e in rows} == {"anna"} and {e.action for e in rows} == {"create"}
        assert {e.detail for e in rows} == {"import a.xlsx"}
        assert ("organisation", str(org.id), "name", "Buurtwerk West (fictief)") in fields
        assert ("organisation", str(org.id), "type", "jongerenwerk") in fields
        assert ("partnership", str(partnership.id), "role", "advies") in fields
        assert ("partnership", str(partnership.id), "start_on", "2026-09-01") in fields
        assert s.exec(select(func.count()).select_from(AuditEntry)).one() == len(rows)
        # a form refused after the import names the fields the import wrote, not "*"
        stale = stale_message(s, "organisation", org.id, "deze organisatie")
        assert re.search(r"gewijzigd door anna op .*\(.*naam, soort\)", stale) and "*" not in stale


def _contact_of_first_organisation(engine):
    with Session(engine) as s:
        org = s.exec(select(Organisation).order_by(col(Organisation.id))).first()
        contact = s.exec(select(Contact).where(col(Contact.organisation_id) == org.id)).first()
        return org.name, contact.name, contact.phone


def test_a_contact_row_follows_the_contact_forms_phone_rule_with_its_line(engine, tmp_path):
    """New and changed contacts: the same Dutch message as the form (services.partnerships.phone_error)."""
    make_demo(engine)
    org, name, phone = _contact_of_first_organisation(engine)
    book = write_book(tmp_path / "a.xlsx", {"contactpersonen": [
        ["organisatie", "naam", "telefoon"], [org, "Nieuwe Persoon (fictief)", "bel mij"], [org, name, "06-1 (a)"]]})
    with Session(engine) as s, pytest.raises(exchange.ImportRefused) as refused:
        import_workbook(s, book)
    assert [(e.line, e.column, e.reason) for e in refused.value.errors] == [
        (2, "telefoon", "alleen cijfers, spaties en + - ( ) zijn toegestaan"),
        (3, "telefoon", "alleen cijfers, spaties en + - ( ) zijn toegestaan")]
    assert _contact_of_first_organisation(engine)[2] == phone


def test_a_changed_row_is_written_by_the_forms_command(engine, tmp_path):
    """Ending an organisation through the import is services.partnerships.end_organisation: its running
    partnerships end with it, and the audit log shows the command's entries (as after the Netwerk page)."""
    make_demo(engine)
    with Session(engine) as s:
        running = s.exec(select(Partnership).where(col(Partnership.end_on).is_(None))).first()
        org = s.get(Organisation, running.organisation_id)
        org_name, org_type, org_id = org.name, org.type, org.id
    book = write_book(tmp_path / "a.xlsx", {"organisaties": [["naam", "type", "einddatum"],
                                                             [org_name, org_type, "30-11-2026"]]})
    with Session(engine) as s:
        with audit.changes_recorded(s, username="anna", detail="import a.xlsx"):
            import_workbook(s, book)
        s.commit()
        entries = s.exec(select(AuditEntry).where(col(AuditEntry.action) == "end")).all()
        assert ("organisatie", str(org_id), "ended_on", "2026-11-30", "anna") in {
            (e.entity, e.entity_id, e.field, e.new_value, e.username) for e in entries}
        assert any(e.entity == "samenwerking" for e in entries)
        assert not s.exec(select(Partnership).where(col(Partnership.organisation_id) == org_id,
                                                    col(Partnership.end_on).is_(None))).all()
        # the changes the command audited are not audited a second time by the import's change tracking
        assert not s.exec(select(AuditEntry).where(col(AuditEntry.entity) == "organisation")).all()


def _an_ended_contact(engine) -> tuple[str, str]:
    """The demo with its first contact person ended on 31-01-2026: (organisation name, contact name)."""
    make_demo(engine)
    with Session(engine) as s:
        contact = s.exec(select(Contact).order_by(col(Contact.id))).first()
        org = s.get(Organisation, contact.organisation_id)
        contact.ended_on = date(2026, 1, 31)
        s.add(contact)
        s.commit()
        return org.name, contact.name


def test_a_row_the_command_refuses_is_rejected_with_its_line_and_the_rest_imports(engine, tmp_path):
    """allow_partial: a contact whose end date the form would refuse (already ended earlier) is rejected with
    the command's message; the other rows are written."""
    org_name, contact_name = _an_ended_contact(engine)
    book = write_book(tmp_path / "a.xlsx", {
        "contactpersonen": [["organisatie", "naam", "einddatum"], [org_name, contact_name, "28-02-2026"]],
        **_org_sheet(["Buurtwerk Oost (fictief)", "jongerenwerk", "GM0935"])})
    with Session(engine) as s:
        result = import_workbook(s, book, allow_partial=True)
        s.commit()
    assert [(e.sheet, e.line, e.column, e.reason) for e in result.errors] == [
        ("contactpersonen", 2, "einddatum", "deze contactpersoon is al beëindigd op 31-01-2026")]
    assert result.count("organisaties", "created") == 1 and result.count("contactpersonen", "updated") == 0
    with Session(engine) as s:
        assert s.exec(select(Contact).where(col(Contact.name) == contact_name)).first().ended_on == date(2026, 1, 31)


def test_the_dry_run_shows_what_the_command_would_refuse_and_writes_nothing(engine, tmp_path):
    """The preview (dry run) tries the changed rows through the forms' commands and rolls them back: the same
    refusal as the import itself, on the same line, and nothing changed, not even the audit log."""
    org_name, contact_name = _an_ended_contact(engine)
    with Session(engine) as s:
        contacts = s.exec(select(func.count(col(Contact.id)))).one()
        audit_rows = s.exec(select(func.count(col(AuditEntry.id)))).one()
    book = write_book(tmp_path / "a.xlsx", {"contactpersonen": [
        ["organisatie", "naam", "einddatum"], [org_name, contact_name, "28-02-2026"],
        [org_name, "Nieuwe Collega (fictief)", ""]]})
    with Session(engine) as s:
        preview = import_workbook(s, book, dry_run=True)
        s.rollback()
    assert [(e.sheet, e.line, e.column, e.reason) for e in preview.errors] == [
        ("contactpersonen", 2, "einddatum", "deze contactpersoon is al beëindigd op 31-01-2026")]
    assert preview.count("contactpersonen", "created") == 1 and preview.count("contactpersonen", "updated") == 0
    with Session(engine) as s:
        assert s.exec(select(func.count(col(AuditEntry.id)))).one() == audit_rows
        assert s.exec(select(func.count(col(Contact.id)))).one() == contacts
        with pytest.raises(exchange.ImportRefused) as refused:
            import_workbook(s, book)
        s.rollback()
    assert [(e.line, e.reason) for e in refused.value.errors] == [(e.line, e.reason) for e in preview.errors]


def _plan_with_a_phase_recorded_meanwhile(engine, monkeypatch, school_code: str) -> list[int]:
    """Patch the import so that another connection records a phase for school_code right after the plan."""
    from models import School, Trajectory

    real_plan = exchange._plan
    calls: list[int] = []

    def plan_then_a_phase_is_recorded(session, sheets, result, principal):
        planned = real_plan(session, sheets, result, principal)
        if not calls:
            with Session(engine) as other:
                school = other.exec(select(School).where(col(School.code) == school_code)).one()
                trajectory = other.exec(select(Trajectory).where(col(Trajectory.school_id) == school.id)
                                        .order_by(col(Trajectory.cycle).desc())).first()
                other.add(PhaseEvent(trajectory_id=trajectory.id, phase="withdrawn", on=date(2026, 11, 20),
                                     recorded_by="web"))
                other.commit()
        calls.append(1)
        return planned

    monkeypatch.setattr(exchange, "_plan", plan_then_a_phase_is_recorded)
    return calls


def test_a_phase_recorded_meanwhile_for_another_school_keeps_the_plan(engine, tmp_path, monkeypatch):
    make_demo(engine)
    calls = _plan_with_a_phase_recorded_meanwhile(engine, monkeypatch, "05VO00")
    book = write_book(tmp_path / "a.xlsx", _org_sheet(["Buurtwerk Midden (fictief)", "jongerenwerk", "GM0935"]))
    with Session(engine) as s:
        result = import_workbook(s, book)
        s.commit()
    assert calls == [1] and not any("opnieuw gecontroleerd" in w for w in result.warnings)


def test_a_phase_recorded_meanwhile_for_a_school_of_the_file_plans_again(engine, tmp_path, monkeypatch):
    """The file adds a phase to the school whose trajectory another user has just withdrawn: the import sees
    the withdrawal under its lock and refuses the row instead of appending after a history it did not check."""
    make_demo(engine)
    with Session(engine) as s:
        from models import School, Trajectory

        school = s.exec(select(School).where(col(School.code) == "05VO00")).one()
        cycle = s.exec(select(Trajectory.cycle).where(col(Trajectory.school_id) == school.id)
                       .order_by(col(Trajectory.cycle).desc())).first()
    book = write_book(tmp_path / "a.xlsx", {"fasen": [["school", "cyclus", "fase", "datum"],
                                                      ["05VO00", cycle, "postponed", "21-11-2026"]]})
    with Session(engine) as s:
        result = import_workbook(s, book, dry_run=True)
        assert result.errors == [], "without the concurrent write the row is fine"
        s.rollback()
    calls = _plan_with_a_phase_recorded_meanwhile(engine, monkeypatch, "05VO00")
    with Session(engine) as s, pytest.raises(exchange.ImportRefused) as refused:
        import_workbook(s, book)
    assert len(calls) == 2  # the import's plan, and its second plan under the lock
    assert [(e.sheet, e.line, e.column) for e in refused.value.errors] == [("fasen", 2, "fase")]


def test_the_audit_buffer_writes_every_column_of_the_audit_table():
    assert set(audit._COLUMNS) == {c.name for c in table_of(AuditEntry).c} - {"id"}


def test_a_dry_run_with_more_changed_rows_than_it_tries_says_so(engine, tmp_path, monkeypatch):
    """Above TRIAL_ROWS the preview does not try the commands (it would hold the write lock too long) and says
    that the forms' rules for changed rows apply when importing."""
    import dataio.exchange_apply as apply

    make_demo(engine)
    monkeypatch.setattr(apply, "TRIAL_ROWS", 0)
    with Session(engine) as s:
        contact = s.exec(select(Contact).order_by(col(Contact.id))).first()
        org_name = s.get(Organisation, contact.organisation_id).name
        book = write_book(tmp_path / "a.xlsx", {"contactpersonen": [
            ["organisatie", "naam", "functie"], [org_name, contact.name, "andere rol (fictief)"]]})
        preview = import_workbook(s, book, dry_run=True)
    assert preview.errors == [] and preview.count("contactpersonen", "updated") == 1
    assert any("pas bij het importeren zelf" in w for w in preview.warnings)


def test_new_rows_are_prepared_before_the_write_lock(engine, tmp_path, monkeypatch):
    """The values of the rows an import creates (references resolved) are made before it takes the write lock,
    which other writers wait for; under the lock only the changed rows are worked out."""
    import dataio.exchange_apply as apply

    make_demo(engine)
    book = write_book(tmp_path / "a.xlsx", _org_sheet(["Buurtwerk Oost (fictief)", "jongerenwerk", "GM0935"],
                                                      ["Buurtwerk West (fictief)", "ggd", "GM0935"]))
    locked: list[bool] = []
    worked_out: list[bool] = []
    real_lock, real_values = exchange.lock_for_writing, apply.Writer._values
    monkeypatch.setattr(exchange, "lock_for_writing", lambda s: (locked.append(True), real_lock(s))[1])
    monkeypatch.setattr(apply.Writer, "_values",
                        lambda self, sheet, row: (worked_out.append(bool(locked)), real_values(self, sheet, row))[1])
    with Session(engine) as s:
        result = import_workbook(s, book)
        s.commit()
    assert result.count("organisaties", "created") == 2
    assert worked_out == [False, False] and locked == [True]


def _record_a_phase_before_the_lock(engine, monkeypatch, trajectory_id: int) -> None:
    """Another user records a phase (for a school outside the file) after the import prepared, before its lock."""
    real_lock = exchange.lock_for_writing

    def someone_records_a_phase_then_lock(session):
        with Session(engine) as other:
            other.add(PhaseEvent(trajectory_id=trajectory_id, phase="withdrawn", on=date(2026, 11, 20),
                                 recorded_by="web"))
            other.commit()
        real_lock(session)

    monkeypatch.setattr(exchange, "lock_for_writing", someone_records_a_phase_then_lock)


def test_a_second_preparation_under_the_lock_still_creates_the_new_province_and_board(engine, tmp_path,
                                                                                     monkeypatch):
    from models import Board, Municipality, Province, Region, School, Trajectory

    """The phase recorded meanwhile takes the id the import's new phase was given (no room left between the
    highest id and the import's): it prepares again, with the same new province and board (not taken for
    existing ones because the first preparation named them)."""
    import dataio.exchange_apply as apply

    monkeypatch.setattr(apply, "ID_ROOM", 0)
    make_demo(engine)
    with Session(engine) as s:
        school = s.exec(select(School).where(col(School.code) == "05VO00")).one()
        cycle = s.exec(select(Trajectory.cycle).where(col(Trajectory.school_id) == school.id)
                       .order_by(col(Trajectory.cycle).desc())).first()
        trajectory_id = s.exec(select(Trajectory.id).where(col(Trajectory.school_id) != school.id)
                               .order_by(col(Trajectory.id))).first()
    book = write_book(tmp_path / "a.xlsx", {
        "regio's": [["naam", "provincie"], ["Testregio (fictief)", "Testprovincie (fictief)"]],
        "gemeenten": [["cbs_code", "naam", "regio"], ["GM9990", "Testgemeente (fictief)", "Testregio (fictief)"]],
        "scholen": [["brin_vestiging", "naam", "sector", "gemeente_cbs", "bestuur_nummer", "bestuur_naam"],
                    ["99ZY00", "Testschool (fictief)", "po", "GM9990", "99990", "Teststichting (fictief)"]],
        "fasen": [["school", "cyclus", "fase", "datum"], ["05VO00", cycle, "postponed", "21-11-2026"]],
    })
    _record_a_phase_before_the_lock(engine, monkeypatch, trajectory_id)
    prepared: list[int] = []
    real_prepare = apply.Writer.prepare
    monkeypatch.setattr(apply.Writer, "prepare", lambda self, *a: (prepared.append(1), real_prepare(self, *a))[1])
    with Session(engine) as s:
        result = import_workbook(s, book)
        s.commit()
    assert not result.errors and result.count("scholen", "created") == 1 and len(prepared) == 2
    with Session(engine) as s:
        school = s.exec(select(School).where(col(School.code) == "99ZY00")).one()
        board = s.get(Board, school.board_id)
        municipality = s.get(Municipality, school.municipality_id)
        province = s.get(Province, s.get(Region, municipality.region_id).province_id)
    assert (board.number, board.name, province.name) == ("99990", "Teststichting (fictief)",
                                                         "Testprovincie (fictief)")


@pytest.mark.parametrize("room", [0, None], ids=["no room: prepared again", "room: prepared once"])
def test_a_phase_recorded_between_preparing_and_the_lock_gets_its_own_id(engine, tmp_path, monkeypatch, room):
    """SQLite: the import takes the ids of its new rows before the lock, ID_ROOM after the highest. A phase
    another user records in between, for a school outside the file (the plan still holds), takes the next id:
    with room, not one of the import's, which prepared once; without room, the import's first, so under the
    lock it sees that and prepares again. Either way both phases are stored, each audited under its own id."""
    import dataio.exchange_apply as apply
    from models import School, Trajectory
    from services.uploads import audited_import

    if room is not None:
        monkeypatch.setattr(apply, "ID_ROOM", room)
    prepared: list[int] = []
    real_prepare = apply.Writer.prepare
    monkeypatch.setattr(apply.Writer, "prepare", lambda self, *a: (prepared.append(1), real_prepare(self, *a))[1])

    make_demo(engine)
    with Session(engine) as s:
        school = s.exec(select(School).where(col(School.code) == "05VO00")).one()
        cycle = s.exec(select(Trajectory.cycle).where(col(Trajectory.school_id) == school.id)
                       .order_by(col(Trajectory.cycle).desc())).first()
        other_trajectory = s.exec(select(Trajectory).where(col(Trajectory.school_id) != school.id)
                                  .order_by(col(Trajectory.id))).first().id
    book = write_book(tmp_path / "a.xlsx", {"fasen": [["school", "cyclus", "fase", "datum"],
                                                      ["05VO00", cycle, "postponed", "21-11-2026"]]})
    _record_a_phase_before_the_lock(engine, monkeypatch, other_trajectory)
    with Session(engine) as s:
        result = audited_import(s, lambda session: import_workbook(session, book), username="beheerder-test",
                                filename="a.xlsx")
        s.commit()
    assert result.count("fasen", "created") == 1 and not any("opnieuw" in w for w in result.warnings)
    with Session(engine) as s:
        web = s.exec(select(PhaseEvent).where(col(PhaseEvent.recorded_by) == "web")).one()
        imported = s.exec(select(PhaseEvent).where(col(PhaseEvent.phase) == "postponed",
                                                   col(PhaseEvent.on) == date(2026, 11, 21))).one()
        audited = s.exec(select(AuditEntry).where(col(AuditEntry.entity) == "phaseevent",
                                                  col(AuditEntry.action) == "create")).all()
    assert web.id != imported.id and [e.entity_id for e in audited] == [str(imported.id)]
    assert dict((f, new) for e in audited for f, _, new in audit.expand(e))["phase"] == "postponed"
    assert len(prepared) == (2 if room == 0 else 1)
    if room is None:
        assert imported.id > web.id + apply.ID_ROOM - 1   # the web's phase took the next id, below the import's

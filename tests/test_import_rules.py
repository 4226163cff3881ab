"""The exchange import follows the forms' rules (issue 13 findings 1, 4, 9, 10, 12; issue 12).

A coordinator of Maastricht-Heuvelland imports files about the demo of tests/test_exchange.py:
regions Maastricht-Heuvelland (GM0935 Maastricht, GM0994 Valkenburg) and Haaglanden (GM0518).
"""
from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from dataio.errors import ImportRefused
from dataio.exchange import export_workbook, import_workbook
from models import Board, Contact, Organisation, Partnership, PhaseEvent, Region, School, Trajectory
from services.permissions import Principal
from tests.test_exchange import make_demo, write_book


def coordinator(engine, region: str = "Maastricht-Heuvelland") -> Principal:
    with Session(engine) as s:
        rid = s.exec(select(Region).where(Region.name == region)).one().id
    return Principal(user_id=7, username="coordinator-mh", role="coordinator", region_ids=frozenset({rid}))


def admin() -> Principal:
    return Principal(user_id=1, username="beheer", role="beheerder")


def refused(engine, book, principal) -> list[tuple[str, int, str, str]]:
    with Session(engine) as s, pytest.raises(ImportRefused) as caught:
        import_workbook(s, book, principal=principal)
    return [(e.sheet, e.line, e.column, e.reason) for e in caught.value.errors]


def imported(engine, book, principal=None, **kwargs):
    with Session(engine) as s:
        result = import_workbook(s, book, principal=principal, **kwargs)
        s.commit()
    return result


def haagse_politie(engine) -> None:
    """Another region's organisation with a contact person, working for a Haaglanden school."""
    with Session(engine) as s:
        closed = s.exec(select(School).where(School.code == "07XY01")).one()
        gm0518 = closed.municipality_id
        org = Organisation(name="Politie Haaglanden", type="politie", municipality_id=gm0518)
        s.add(org)
        s.flush()
        s.add(Contact(organisation_id=org.id, name="Kees Geheim (fictief)", phone="070-1111111"))
        s.add(Partnership(school_id=closed.id, organisation_id=org.id, role="advies", start_on=date(2024, 1, 1),
                          end_on=date(2025, 8, 1)))
        s.commit()


# ---------------------------------------------------------------- finding 1 and 9: other regions' networks

def test_a_coordinator_may_not_link_another_regions_organisation_to_an_own_school(engine, tmp_path):
    make_demo(engine)
    haagse_politie(engine)
    book = write_book(tmp_path / "link.xlsx", {"samenwerkingen": [
        ["school", "organisatie", "rol", "startdatum"],
        ["02QZ00", "Politie Haaglanden", "advies", "01-01-2026"]]})
    [(sheet, line, column, reason)] = refused(engine, book, coordinator(engine))
    assert (sheet, line, column) == ("samenwerkingen", 2, "organisatie")
    assert "kan niet aan school 02QZ00 worden gekoppeld" in reason


def test_a_coordinator_may_not_link_a_national_organisation_only_other_regions_use(engine, tmp_path):
    """The form offers an organisation without a municipality only when it already works with a school
    the user may edit (its contact persons are personal data); the import follows the same rule."""
    make_demo(engine)
    with Session(engine) as s:
        haags = s.exec(select(School).where(School.code == "07XY01")).one()
        org = Organisation(name="Landelijk Bureau (fictief)", type="politie", municipality_id=None)
        s.add(org)
        s.flush()
        s.add(Contact(organisation_id=org.id, name="Anna Landelijk (fictief)", phone="030-1111111"))
        s.add(Partnership(school_id=haags.id, organisation_id=org.id, role="advies", start_on=date(2024, 1, 1)))
        s.commit()
    book = write_book(tmp_path / "national.xlsx", {"samenwerkingen": [
        ["school", "organisatie", "rol", "startdatum"],
        ["02QZ00", "Landelijk Bureau (fictief)", "advies", "01-01-2026"]]})
    [(sheet, line, column, reason)] = refused(engine, book, coordinator(engine))
    assert (sheet, line, column) == ("samenwerkingen", 2, "organisatie") and "kan niet" in reason
    imported(engine, book, admin())  # the beheerder may


def test_a_coordinator_may_not_change_another_regions_organisation_or_its_contacts(engine, tmp_path):
    make_demo(engine)
    haagse_politie(engine)
    # even after a (beheerder's) link to an own school, the organisation also works in Haaglanden
    with Session(engine) as s:
        org = s.exec(select(Organisation).where(Organisation.name == "Politie Haaglanden")).one()
        school = s.exec(select(School).where(School.code == "02QZ00")).one()
        s.add(Partnership(school_id=school.id, organisation_id=org.id, role="kernteam", start_on=date(2025, 1, 1)))
        s.commit()
    book = write_book(tmp_path / "org.xlsx", {
        "organisaties": [["naam", "type", "gemeente_cbs", "einddatum"],
                         ["Politie Haaglanden", "ggd", "GM0518", ""]],
        "contactpersonen": [["organisatie", "naam", "telefoon", "einddatum"],
                            ["Politie Haaglanden", "Kees Geheim (fictief)", "06-99999999", "01-01-2026"]],
    })
    errors = refused(engine, book, coordinator(engine))
    assert [(e[0], e[2]) for e in errors] == [("organisaties", "naam"), ("contactpersonen", "organisatie")]
    with Session(engine) as s:
        assert s.exec(select(Contact).where(Contact.name == "Kees Geheim (fictief)")).one().phone == "070-1111111"


def test_no_oracle_a_hidden_contact_is_refused_whatever_its_content(engine, tmp_path):
    make_demo(engine)
    haagse_politie(engine)
    answers = []
    for phone in ("070-1111111", "070-2222222"):  # the right value and a wrong guess
        book = write_book(tmp_path / f"{phone}.xlsx", {"contactpersonen": [
            ["organisatie", "naam", "telefoon"], ["Politie Haaglanden", "Kees Geheim (fictief)", phone]]})
        with Session(engine) as s:
            result = import_workbook(s, book, principal=coordinator(engine), dry_run=True)
        answers.append([(e.line, e.column, e.reason) for e in result.errors])
    assert answers[0] == answers[1]
    assert len(answers[0]) == 1 and "buiten uw regio" in answers[0][0][2]


# ---------------------------------------------------------------- finding 4: tranches and running trajectories

def test_a_coordinator_may_not_put_an_own_school_into_another_regions_tranche(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "t.xlsx", {
        "tranches": [["regio", "naam", "startdatum", "capaciteit"]],
        "trajecten": [["school", "cyclus", "tranche_regio", "tranche"],
                      ["05VO00", "1", "Haaglanden (fictief)", "Tranche H"]]})
    with Session(engine) as s:  # the beheerder made a Haaglanden tranche
        from models import Tranche
        s.add(Tranche(region_id=coordinator(engine, "Haaglanden (fictief)").region_ids.__iter__().__next__(),
                      name="Tranche H", start_on=date(2026, 1, 1), capacity=5))
        s.commit()
    [(sheet, line, column, reason)] = refused(engine, book, coordinator(engine))
    assert (sheet, line, column) == ("trajecten", 2, "tranche")
    assert reason == "Deze tranche hoort niet bij de regio van de school."  # the form's message


def test_an_import_may_not_start_a_second_running_trajectory(engine, tmp_path):
    make_demo(engine)  # 05VO00 cycle 1 is 'registered' (running)
    book = write_book(tmp_path / "t2.xlsx", {
        "trajecten": [["school", "cyclus", "tranche_regio", "tranche"],
                      ["05VO00", "2", "Maastricht-Heuvelland", "Tranche 2025-1"]],
        "fasen": [["school", "cyclus", "fase", "datum"], ["05VO00", "2", "registered", "01-11-2026"]]})
    for principal in (coordinator(engine), admin()):
        errors = refused(engine, book, principal)
        assert [(e[0], e[1], e[2]) for e in errors] == [("fasen", 2, "fase")]
        assert errors[0][3] == "Deze school heeft al een lopend traject (fase 'Aangemeld')."  # the form's message


def test_events_further_ahead_than_the_page_allows_are_refused_with_their_line(engine, tmp_path):
    make_demo(engine)  # today is 23-11-2026 in the tests; the page allows 31 days ahead
    book = write_book(tmp_path / "f.xlsx", {"fasen": [["school", "cyclus", "fase", "datum"],
                                                      ["05VO00", "1", "intake", "01-02-2027"]]})
    [(sheet, line, column, reason)] = refused(engine, book, admin())
    assert (sheet, line, column) == ("fasen", 2, "fase") and "na vandaag" in reason


# ---------------------------------------------------------------- finding 10: history is authored by the system

def test_imported_events_are_recorded_by_the_importing_user_at_import_time(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "h.xlsx", {"fasen": [
        ["school", "cyclus", "fase", "datum", "vastgelegd_door", "vastgelegd_op"],
        ["05VO00", "1", "intake", "01-03-2025", "Iemand Anders", "2025-03-01 09:00:00"]]})
    imported(engine, book, coordinator(engine))
    with Session(engine) as s:
        event = s.exec(select(PhaseEvent).where(PhaseEvent.phase == "intake",
                                                PhaseEvent.on == date(2025, 3, 1))).one()
    assert event.recorded_by == "coordinator-mh"
    assert event.recorded_at.replace(tzinfo=UTC) > datetime(2026, 1, 1, tzinfo=UTC)


def test_only_the_beheerder_keeps_the_original_authors_and_says_so(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "h.xlsx", {"fasen": [
        ["school", "cyclus", "fase", "datum", "vastgelegd_door", "vastgelegd_op"],
        ["05VO00", "1", "intake", "01-03-2025", "Iemand Anders", "2025-03-01 09:00:00"]]})
    result = imported(engine, book, admin())
    with Session(engine) as s:
        event = s.exec(select(PhaseEvent).where(PhaseEvent.phase == "intake",
                                                PhaseEvent.on == date(2025, 3, 1))).one()
    assert event.recorded_by == "Iemand Anders"
    assert any("uit het bestand overgenomen" in w for w in result.warnings)


# ---------------------------------------------------------------- finding 12: boards, organisations without a place

def test_a_coordinator_may_not_rename_a_board_or_move_a_school_to_another_board(engine, tmp_path):
    make_demo(engine)
    with Session(engine) as s:
        s.add(Board(number="99999", name="Stichting Elders (fictief)"))
        s.commit()
    head = ["brin_vestiging", "naam", "sector", "gemeente_cbs", "bestuur_nummer", "bestuur_naam"]
    rename = write_book(tmp_path / "b1.xlsx", {"scholen": [
        head, ["02QZ00", "Basisschool De Regenboog (fictief)", "po", "GM0935", "41234", "Gekaapt bestuur"]]})
    move = write_book(tmp_path / "b2.xlsx", {"scholen": [
        head, ["02QZ00", "Basisschool De Regenboog (fictief)", "po", "GM0935", "99999", ""]]})
    assert [(e[1], e[2]) for e in refused(engine, rename, coordinator(engine))] == [(2, "bestuur_naam")]
    assert [(e[1], e[2]) for e in refused(engine, move, coordinator(engine))] == [(2, "bestuur_nummer")]
    with Session(engine) as s:
        assert s.exec(select(Board).where(Board.number == "41234")).one().name == "Stichting Kindante (fictief)"
        assert import_workbook(s, move, principal=admin(), dry_run=True).errors == []


def test_a_coordinator_may_not_create_an_organisation_without_a_municipality(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "o.xlsx", {"organisaties": [["naam", "type", "gemeente_cbs"],
                                                             ["Zwevende stichting", "ggd", ""]]})
    assert refused(engine, book, coordinator(engine)) == [
        ("organisaties", 2, "gemeente_cbs", "kies een gemeente in uw regio")]
    with Session(engine) as s:
        assert import_workbook(s, book, principal=admin(), dry_run=True).errors == []


# ---------------------------------------------------------------- issue 12: as the page does

def test_ending_an_organisation_through_the_import_ends_its_partnerships(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "e.xlsx", {"organisaties": [["naam", "type", "gemeente_cbs", "einddatum"],
                                                             ["Politie Limburg-Zuid", "politie", "GM0935",
                                                              "31-10-2026"]]})
    result = imported(engine, book, coordinator(engine))
    assert any("2 lopende samenwerking(en)" in w for w in result.warnings)
    with Session(engine) as s:
        police = s.exec(select(Organisation).where(Organisation.name == "Politie Limburg-Zuid")).one()
        ends = [p.end_on for p in s.exec(select(Partnership).where(Partnership.organisation_id == police.id))]
    assert police.ended_on == date(2026, 10, 31) and ends == [date(2026, 10, 31)] * 2


def test_an_organisation_may_not_end_before_its_partnerships_start(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "e.xlsx", {"organisaties": [["naam", "type", "gemeente_cbs", "einddatum"],
                                                             ["Politie Limburg-Zuid", "politie", "GM0935",
                                                              "31-01-2024"]]})
    [(sheet, line, column, reason)] = refused(engine, book, admin())
    assert (sheet, line, column) == ("organisaties", 2, "einddatum")
    assert reason == "1 samenwerking(en) beginnen pas na deze datum; kies een latere einddatum"


def test_a_closing_date_without_actief_makes_the_school_inactive(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "s.xlsx", {"scholen": [
        ["brin_vestiging", "naam", "sector", "gemeente_cbs", "actief", "inactief_sinds"],
        ["05VO00", "Stella Maris College (fictief)", "vo", "GM0994", "", "01-08-2026"]]})
    imported(engine, book, admin())
    with Session(engine) as s:
        school = s.exec(select(School).where(School.code == "05VO00")).one()
    assert (school.active, school.inactive_since) == (False, date(2026, 8, 1))


def test_a_coordinators_own_export_imports_again_unchanged(engine, tmp_path):
    make_demo(engine)
    principal = coordinator(engine)
    with Session(engine) as s:
        export_workbook(s, tmp_path / "own", scope_region_ids=principal.region_ids)
        result = import_workbook(s, tmp_path / "own", principal=principal, dry_run=True)
        assert result.errors == [] and result.total("created") == 0 and result.total("updated") == 0
        assert s.exec(select(Trajectory)).all()


def test_an_export_after_edits_through_the_forms_imports_into_an_empty_database(engine, tmp_path):
    from services import partnerships
    from tests.test_exchange import new_engine

    make_demo(engine)
    with Session(engine) as s:
        coord = coordinator(engine)
        police = s.exec(select(Organisation).where(Organisation.name == "Politie Limburg-Zuid")).one()
        org = partnerships.add_organisation(s, coord, name="Jongerenwerk  Heuvelland", type="jongerenwerk",
                                            municipality_id=police.municipality_id)
        partnerships.add_contact(s, coord, organisation_id=org.id, name="Piet  de Wit (fictief)", phone="06-1")
        partnerships.end_organisation(s, coord, police.id, date(2026, 10, 31))
        s.commit()
        export_workbook(s, tmp_path / "one")
    fresh = new_engine(tmp_path / "fresh.db")
    with Session(fresh) as s:
        import_workbook(s, tmp_path / "one")
        s.commit()
        export_workbook(s, tmp_path / "two")
    for file in sorted((tmp_path / "one").glob("*.csv")):
        assert (tmp_path / "two" / file.name).read_bytes() == file.read_bytes(), file.name


# ---------------------------------------------------------------- the form's partnership rules, on new rows

@pytest.mark.parametrize("who", ["coordinator", "beheerder"])
def test_a_new_partnership_overlapping_a_running_one_is_refused_as_the_form_does(engine, tmp_path, who):
    """The form refuses a second partnership of one school with one organisation in one role for a period that
    overlaps (services.partnerships); so does the import, for a row against the database and for two rows of
    one file."""
    make_demo(engine)
    principal = coordinator(engine) if who == "coordinator" else admin()
    against_database = write_book(tmp_path / "a.xlsx", {"samenwerkingen": [
        ["school", "organisatie", "rol", "startdatum"], ["02QZ00", "Politie Limburg-Zuid", "kernteam", "01-01-2026"]]})
    [(sheet, line, column, reason)] = refused(engine, against_database, principal)
    assert (sheet, line, column) == ("samenwerkingen", 2, "startdatum")
    assert reason == "er is al een samenwerking met Politie Limburg-Zuid als kernteam in deze periode"
    within_file = write_book(tmp_path / "b.xlsx", {"samenwerkingen": [
        ["school", "organisatie", "rol", "startdatum", "einddatum"],
        ["05VO00", "Halt Limburg", "advies", "01-01-2026", "31-12-2026"],
        ["05VO00", "Halt Limburg", "advies", "01-06-2026", ""]]})
    [(sheet, line, column, reason)] = refused(engine, within_file, principal)
    assert (sheet, line, column) == ("samenwerkingen", 3, "startdatum") and "in deze periode" in reason
    after = write_book(tmp_path / "c.xlsx", {"samenwerkingen": [  # after the first one ended: fine
        ["school", "organisatie", "rol", "startdatum"], ["02QZ00", "Halt Limburg", "advies", "01-07-2025"]]})
    assert imported(engine, after, principal).count("samenwerkingen", "created") == 1


def test_an_unknown_or_doubled_column_is_named_not_silently_ignored(engine, tmp_path):
    """A file is never silently re-interpreted: 'rol' (meant as 'functie') and a second 'naam' column are
    named in the warnings, with the sheet and the column's letter; the known columns import as before."""
    make_demo(engine)
    book = write_book(tmp_path / "c.xlsx", {"contactpersonen": [
        ["organisatie", "naam", "rol", "naam", "telefoon"],
        ["Halt Limburg", "Nieuwe Collega (fictief)", "wijkagent", "Iemand Anders", "043 123 4567"]]})
    with Session(engine) as s:
        preview = import_workbook(s, book, principal=admin(), dry_run=True)
    assert preview.errors == [] and preview.count("contactpersonen", "created") == 1
    assert "blad 'contactpersonen': kolom C 'rol' is onbekend en is genegeerd" in preview.warnings
    assert "blad 'contactpersonen': kolom D 'naam' komt twee keer voor; alleen kolom B is gelezen" in preview.warnings

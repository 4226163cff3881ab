"""An import may never allow what the form refuses (issue 13): the parity of the exchange import with the forms.

Every rule a form's command (services.partnerships, services.trajectories) checks is checked by the import's
planner (dataio.exchange_import) with the same rule function. PARITY below is the list, one row per rule: the
refusal the form's command gives, and the refusal the import gives for a row of a real exchange file
(sheet, line, column and the Dutch message). Where the import's message differs from the form's on purpose
(a spreadsheet has no dropdown; a coordinator gets no oracle on other regions), the row says both.

Rules the import applies differently on purpose (history must import: `vios export` of any database imports
again) are what only a history import may do (HISTORY_ONLY): the beheerder's; anyone else's import follows the forms.

Demo of tests/test_exchange.py: Maastricht-Heuvelland (GM0935 Maastricht: 02QZ00; GM0994 Valkenburg: 05VO00,
running cycle 1 'registered' in Tranche 2025-1) and Haaglanden (GM0518: 07XY01).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session, select

from dataio.exchange import import_workbook
from domain.lifecycle import TransitionRefused
from models import Contact, Municipality, Organisation, Partnership, Region, School, Trajectory, Tranche
from services import partnerships, trajectories
from services.partnerships import FormError
from services.permissions import PermissionDenied, Principal
from tests.test_exchange import make_demo, write_book
from tests.test_import_rules import admin, coordinator, haagse_politie, imported, refused

LONG_NAME = "X" * 151  # Contact.name holds 150 characters


# ---------------------------------------------------------------- finding things in the demo

def _id(s: Session, model, **where) -> int:
    query = select(model)
    for attr, value in where.items():
        query = query.where(getattr(model, attr) == value)
    return s.exec(query).one().id


def school(s: Session, code: str) -> int:
    return _id(s, School, code=code)


def organisation(s: Session, name: str) -> int:
    return _id(s, Organisation, name=name)


def haaglanden_tranche(engine) -> None:
    with Session(engine) as s:
        s.add(Tranche(region_id=_id(s, Region, name="Haaglanden (fictief)"), name="Tranche H",
                      start_on=date(2026, 1, 1), capacity=5))
        s.commit()


def shared_politie(engine) -> None:
    """Politie Haaglanden (GM0518) also works with an own school of the coordinator: readable, not theirs."""
    haagse_politie(engine)
    with Session(engine) as s:
        s.add(Partnership(school_id=school(s, "02QZ00"), organisation_id=organisation(s, "Politie Haaglanden"),
                          role="kernteam", start_on=date(2025, 1, 1)))
        s.commit()


def trajectory(s: Session, code: str, cycle: int) -> int:
    return _id(s, Trajectory, school_id=school(s, code), cycle=cycle)


# ---------------------------------------------------------------- the table

@dataclass(frozen=True)
class Rule:
    name: str
    form: Callable[[Session, Principal], object]     # the form's command; must refuse
    field: str                                        # the form's field ("" for a refusal without a field)
    sheets: dict[str, list[list[object]]]             # the exchange file
    where: tuple[str, int, str]                       # sheet, line, column of the import's refusal
    import_message: str | None = None                 # None: the form's message
    who: str = "beheerder"
    setup: Callable[[object], None] | None = None


def new_contact(name: str, field: str, column: str, value: str) -> Rule:
    """A new contact person of Halt Limburg with one value (column) the form refuses."""
    values = {"name": "Nieuw (fictief)", {"telefoon": "phone", "email": "email", "naam": "name"}[column]: value}
    extra = [] if column == "naam" else [column]
    return Rule(name, lambda s, p: partnerships.add_contact(s, p, organisation_id=organisation(s, "Halt Limburg"),
                                                            **values),
                field, {"contactpersonen": [["organisatie", "naam", *extra],
                                            ["Halt Limburg", values["name"], *([value] if extra else [])]]},
                ("contactpersonen", 2, column))


def new_partnership(name: str, field: str, cells: list, **kwargs) -> Rule:
    """A new partnership (school, organisation, role, start, end) the form refuses, the form's field being the
    import's column."""
    code, org, role, start, end = cells
    return Rule(name, lambda s, p: partnerships.add_partnership(
        s, p, school_id=school(s, code), organisation_id=organisation(s, org), role=role, start_on=start, end_on=end),
        field, {"samenwerkingen": [["school", "organisatie", "rol", "startdatum", "einddatum"],
                                   [code, org, role, f"{start:%d-%m-%Y}", f"{end:%d-%m-%Y}" if end else ""]]},
        ("samenwerkingen", 2, field), **kwargs)


PARITY: tuple[Rule, ...] = (
    new_contact("contact: telefoonnummer (phone_error)", "telefoon", "telefoon", "bel mij"),
    new_contact("contact: e-mailadres (dataio.values.parse_email)", "e-mail", "email", "nieuw@"),
    new_contact("contact: naam hoogstens 150 tekens (dataio.values.check_length)", "naam", "naam", LONG_NAME),
    Rule("organisatie: naam verplicht (REQUIRED)",
         lambda s, p: partnerships.add_organisation(s, p, name=" ", type="ggd", municipality_id=None),
         "naam", {"organisaties": [["naam", "type"], ["GGD Zuid (fictief)", "ggd"], ["", "ggd"]]},
         ("organisaties", 3, "naam")),
    Rule("organisatie: coördinator kiest een gemeente in de eigen regio",
         lambda s, p: partnerships.add_organisation(s, p, name="Zwevend (fictief)", type="ggd",
                                                    municipality_id=None),
         "gemeente", {"organisaties": [["naam", "type", "gemeente_cbs"], ["Zwevend (fictief)", "ggd", ""]]},
         ("organisaties", 2, "gemeente_cbs"), who="coordinator"),
    Rule("organisatie: einde niet vóór de start van haar samenwerkingen (later_partnerships_error)",
         lambda s, p: partnerships.end_organisation(s, p, organisation(s, "Politie Limburg-Zuid"), date(2024, 1, 31)),
         "einddatum", {"organisaties": [["naam", "type", "gemeente_cbs", "einddatum"],
                                        ["Politie Limburg-Zuid", "politie", "GM0935", "31-01-2024"]]},
         ("organisaties", 2, "einddatum")),
    Rule("organisatie: coördinator wijzigt geen organisatie die ook buiten de regio werkt (not_yours_reason)",
         lambda s, p: partnerships.change_organisation(s, p, organisation(s, "Politie Haaglanden"), name="Politie H",
                                                       type="politie"),
         "", {"organisaties": [["naam", "type", "gemeente_cbs"], ["Politie Haaglanden", "ggd", "GM0518"]]},
         ("organisaties", 2, "naam"), who="coordinator", setup=lambda engine: shared_politie(engine)),
    Rule("contact: coördinator voegt geen contact toe bij zo'n organisatie (not_yours_reason)",
         lambda s, p: partnerships.add_contact(s, p, organisation_id=organisation(s, "Politie Haaglanden"),
                                               name="Nieuw (fictief)"),
         "", {"contactpersonen": [["organisatie", "naam"], ["Politie Haaglanden", "Nieuw (fictief)"]]},
         ("contactpersonen", 2, "organisatie"), who="coordinator", setup=lambda engine: shared_politie(engine)),
    new_partnership("samenwerking: einddatum niet vóór de startdatum (end_before_start_error)", "einddatum",
                    ["05VO00", "Halt Limburg", "advies", date(2026, 3, 1), date(2026, 2, 1)]),
    new_partnership("samenwerking: geen overlap met dezelfde organisatie in dezelfde rol (overlap_reason)",
                    "startdatum", ["02QZ00", "Politie Limburg-Zuid", "kernteam", date(2026, 1, 1), None]),
    new_partnership("samenwerking: coördinator koppelt geen organisatie van een andere regio (can_link_organisation)",
                    "organisatie", ["02QZ00", "Politie Haaglanden", "advies", date(2026, 1, 1), None],
                    import_message="organisatie Politie Haaglanden kan niet aan school 02QZ00 worden gekoppeld: kies "
                                   "een organisatie uit de regio van de school (het formulier biedt dezelfde keuze)",
                    who="coordinator", setup=haagse_politie),
    *(Rule(f"traject: de tranche hoort bij de regio van de school (tranche_region_error), {who}",
           lambda s, p: trajectories.start_trajectory(s, p, school(s, "02QZ00"), _id(s, Tranche, name="Tranche H"),
                                                      date(2026, 11, 1)),
           "", {"trajecten": [["school", "cyclus", "tranche_regio", "tranche"],
                              ["02QZ00", "3", "Haaglanden (fictief)", "Tranche H"]]},
           ("trajecten", 2, "tranche"), who=who, setup=haaglanden_tranche) for who in ("beheerder", "coordinator")),
    Rule("traject: één lopend traject per school (running_trajectory_error)",
         lambda s, p: trajectories.start_trajectory(s, p, school(s, "05VO00"),
                                                    _id(s, Tranche, name="Tranche 2025-1"), date(2026, 11, 1)),
         "", {"trajecten": [["school", "cyclus", "tranche_regio", "tranche"],
                            ["05VO00", "2", "Maastricht-Heuvelland", "Tranche 2025-1"]],
              "fasen": [["school", "cyclus", "fase", "datum"], ["05VO00", "2", "registered", "01-11-2026"]]},
         ("fasen", 2, "fase")),
    Rule("fase: alleen een toegestane overgang (domain.lifecycle.check_transition)",
         lambda s, p: trajectories.record_transition(s, p, trajectory(s, "05VO00", 1), "audit", date(2026, 11, 1)),
         "", {"fasen": [["school", "cyclus", "fase", "datum"], ["05VO00", "1", "audit", "01-11-2026"]]},
         ("fasen", 2, "fase")),
    Rule("fase: hoogstens 31 dagen vooruit (check_transition)",
         lambda s, p: trajectories.record_transition(s, p, trajectory(s, "05VO00", 1), "intake", date(2027, 2, 1)),
         "", {"fasen": [["school", "cyclus", "fase", "datum"], ["05VO00", "1", "intake", "01-02-2027"]]},
         ("fasen", 2, "fase")),
    Rule("fase: niet vóór de vorige fase (check_transition)",
         lambda s, p: trajectories.record_transition(s, p, trajectory(s, "05VO00", 1), "intake", date(2025, 1, 1)),
         "", {"fasen": [["school", "cyclus", "fase", "datum"], ["05VO00", "1", "intake", "01-01-2025"]]},
         ("fasen", 2, "fase")),
)


def form_refusal(engine, rule: Rule, principal: Principal) -> str:
    """The Dutch message of the form's command (nothing is kept)."""
    with Session(engine) as s:
        with pytest.raises((FormError, TransitionRefused, PermissionDenied)) as caught:
            rule.form(s, principal)
        s.rollback()
    exc = caught.value
    if isinstance(exc, FormError):
        return exc.errors[rule.field]
    assert rule.field == "", f"{rule.name}: the form refused without a field: {exc}"
    return str(exc)


@pytest.mark.parametrize("rule", PARITY, ids=[r.name for r in PARITY])
def test_the_import_refuses_what_the_form_refuses(engine, tmp_path: Path, rule: Rule):
    make_demo(engine)
    if rule.setup is not None:
        rule.setup(engine)
    principal = coordinator(engine) if rule.who == "coordinator" else admin()
    message = form_refusal(engine, rule, principal)
    book = write_book(tmp_path / "parity.xlsx", rule.sheets)
    errors = refused(engine, book, principal)
    assert errors == [(*rule.where, rule.import_message or message)], rule.name


# ---------------------------------------------------------------- what only a history import may do

# (what the form refuses, a file, the refusal of a coordinator's import): a beheerder's import loads history as it
# was (an export of any database must import again, also into an empty one) and accepts these; anyone else's
# import follows the forms (dataio.exchange_forms_only). Before, every importer's file was accepted.
HISTORY_ONLY: tuple[tuple[str, dict[str, list[list[object]]], tuple[str, int, str, str]], ...] = (
    ("new partnership with an organisation that has ended (the form offers none)",
     {"organisaties": [["naam", "type", "gemeente_cbs", "einddatum"], ["Oud (fictief)", "ggd", "GM0935", "31-12-2024"]],
      "samenwerkingen": [["school", "organisatie", "rol", "startdatum", "einddatum"],
                         ["02QZ00", "Oud (fictief)", "advies", "01-01-2024", "31-12-2024"]]},
     ("samenwerkingen", 2, "organisatie", "organisatie Oud (fictief) is beëindigd per 31-12-2024; een nieuwe "
                                          "samenwerking kan alleen met een organisatie die nog werkt")),
    ("new partnership naming a contact person who has ended (the form offers none)",
     {"samenwerkingen": [["school", "organisatie", "rol", "contactpersoon", "startdatum"],
                         ["05VO00", "Halt Limburg", "kernteam", "Anna de Vries (fictief)", "01-01-2026"]]},
     ("samenwerkingen", 2, "contactpersoon", "contactpersoon Anna de Vries (fictief) is beëindigd per 30-06-2025; "
                                             "kies een contactpersoon die nog werkt")),
    ("a correction (back to the phase before) without a reason in the note (correct_to requires one)",
     {"fasen": [["school", "cyclus", "fase", "datum"], ["05VO00", "1", "intake", "01-11-2026"],
                ["05VO00", "1", "registered", "02-11-2026"]]},
     ("fasen", 3, "notitie", "Geef bij een correctie in de notitie de reden op.")),
    ("a new tranche that started in the past (create_tranche: only after today)",
     {"tranches": [["regio", "naam", "startdatum", "capaciteit"],
                   ["Maastricht-Heuvelland", "Oud", "01-01-2020", "3"]]},
     ("tranches", 2, "startdatum", "De startdatum van een nieuwe tranche moet na vandaag liggen.")),
    ("a stored tranche's start date and capacity changed (no form changes a tranche)",
     {"tranches": [["regio", "naam", "startdatum", "capaciteit"],
                   ["Maastricht-Heuvelland", "Tranche 2025-1", "01-03-2025", "1"]]},
     ("tranches", 2, "startdatum", "een bestaande tranche wijzigen kan alleen de beheerder (startdatum en "
                                   "capaciteit liggen vast)")),
    ("a trajectory without a tranche (start_trajectory starts one in a tranche)",
     {"trajecten": [["school", "cyclus", "tranche_regio", "tranche"], ["02QZ00", "3", "", ""]]},
     ("trajecten", 2, "tranche", "Kies een tranche.")),
    ("a trajectory whose cycle skips (start_trajectory: the next cycle)",
     {"trajecten": [["school", "cyclus", "tranche_regio", "tranche"],
                    ["02QZ00", "7", "Maastricht-Heuvelland", "Tranche 2025-1"]]},
     ("trajecten", 2, "cyclus", "het volgende traject van deze school is cyclus 3")),
    ("a trajectory without phases (start_trajectory records 'registered')",
     {"trajecten": [["school", "cyclus", "tranche_regio", "tranche"],
                    ["02QZ00", "3", "Maastricht-Heuvelland", "Tranche 2025-1"]]},
     ("trajecten", 2, "cyclus", "een nieuw traject begint met de fase 'Aangemeld' op blad fasen")),
)


@pytest.mark.parametrize("case", HISTORY_ONLY, ids=[c[0][:60] for c in HISTORY_ONLY])
def test_only_a_history_import_may(engine, tmp_path, case):
    what, sheets, refusal = case
    make_demo(engine)
    book = write_book(tmp_path / "history.xlsx", sheets)
    with Session(engine) as s:
        assert import_workbook(s, book, principal=admin(), dry_run=True).errors == []
    assert refused(engine, book, coordinator(engine)) == [refusal]


def test_a_coordinators_new_trajectory_as_the_form_starts_it_imports(engine, tmp_path):
    """The next cycle, in a tranche of the region, with 'registered' on blad fasen: what the form does."""
    make_demo(engine)
    book = write_book(tmp_path / "t.xlsx", {
        "trajecten": [["school", "cyclus", "tranche_regio", "tranche"],
                      ["02QZ00", "3", "Maastricht-Heuvelland", "Tranche 2025-1"]],
        "fasen": [["school", "cyclus", "fase", "datum"], ["02QZ00", "3", "registered", "20-11-2026"]]})
    with Session(engine) as s:
        result = import_workbook(s, book, principal=coordinator(engine), dry_run=True)
    assert result.errors == [] and result.count("trajecten", "created") == 1


# ---------------------------------------------------------------- the gaps, one test each (found in the review)

def test_a_beheerder_may_not_put_a_school_into_another_regions_tranche(engine, tmp_path):
    """start_trajectory refuses a tranche of another region for every user; the import checked it only for
    coordinators (dataio.exchange_scope), so the beheerder's file put 02QZ00 in a Haaglanden tranche."""
    make_demo(engine)
    haaglanden_tranche(engine)
    book = write_book(tmp_path / "t.xlsx", {"trajecten": [
        ["school", "cyclus", "tranche_regio", "tranche"],
        ["05VO00", "1", "Maastricht-Heuvelland", "Tranche 2025-1"],      # unchanged: fine
        ["02QZ00", "3", "Haaglanden (fictief)", "Tranche H"]]})
    assert refused(engine, book, admin()) == [
        ("trajecten", 3, "tranche", "Deze tranche hoort niet bij de regio van de school.")]


def test_the_tranche_rule_follows_a_school_moved_in_the_same_file(engine, tmp_path):
    """The school's region after the import counts: a school moved to Den Haag by the file may join a
    Haaglanden tranche, and no longer one of Maastricht-Heuvelland."""
    make_demo(engine)
    haaglanden_tranche(engine)
    moved: list[object] = ["02QZ00", "Basisschool De Regenboog (fictief)", "po", "GM0518"]
    head: list[object] = ["brin_vestiging", "naam", "sector", "gemeente_cbs"]
    into_h = write_book(tmp_path / "h.xlsx", {
        "scholen": [head, moved],
        "trajecten": [["school", "cyclus", "tranche_regio", "tranche"], ["02QZ00", "3", "Haaglanden (fictief)",
                                                                         "Tranche H"]]})
    with Session(engine) as s:
        assert import_workbook(s, into_h, principal=admin(), dry_run=True).errors == []
    into_mh = write_book(tmp_path / "mh.xlsx", {
        "scholen": [head, moved],
        "trajecten": [["school", "cyclus", "tranche_regio", "tranche"], ["02QZ00", "3", "Maastricht-Heuvelland",
                                                                         "Tranche 2025-1"]]})
    assert refused(engine, into_mh, admin()) == [
        ("trajecten", 2, "tranche", "Deze tranche hoort niet bij de regio van de school.")]


def test_a_partnership_ending_before_it_starts_gets_the_forms_message(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "p.xlsx", {"samenwerkingen": [
        ["school", "organisatie", "rol", "startdatum", "einddatum"],
        ["05VO00", "Halt Limburg", "advies", "01-03-2026", "01-02-2026"]]})
    assert refused(engine, book, admin()) == [
        ("samenwerkingen", 2, "einddatum", "de einddatum (01-02-2026) ligt vóór de startdatum (01-03-2026)")]


def test_a_second_running_trajectory_gets_the_forms_message(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "r.xlsx", {
        "trajecten": [["school", "cyclus", "tranche_regio", "tranche"],
                      ["05VO00", "2", "Maastricht-Heuvelland", "Tranche 2025-1"]],
        "fasen": [["school", "cyclus", "fase", "datum"], ["05VO00", "2", "registered", "01-11-2026"]]})
    assert refused(engine, book, admin()) == [
        ("fasen", 2, "fase", "Deze school heeft al een lopend traject (fase 'Aangemeld').")]


def test_too_long_and_missing_values_get_the_forms_messages(engine, tmp_path):
    make_demo(engine)
    book = write_book(tmp_path / "c.xlsx", {"contactpersonen": [
        ["organisatie", "naam"], ["Halt Limburg", LONG_NAME], ["Halt Limburg", ""]]})
    assert refused(engine, book, admin()) == [
        ("contactpersonen", 2, "naam", "tekst is te lang (151 tekens, maximaal 150)"),
        ("contactpersonen", 3, "naam", "dit veld is verplicht")]


def test_a_tranche_of_more_schools_than_the_form_allows_is_refused(engine, tmp_path):
    """create_tranche allows 1 to 1000 schools; the import took any positive number (found in the review)."""
    make_demo(engine)
    book = write_book(tmp_path / "t.xlsx", {"tranches": [
        ["regio", "naam", "startdatum", "capaciteit"],
        ["Maastricht-Heuvelland", "Groot", "01-01-2027", "5000"],
        ["Maastricht-Heuvelland", "Precies genoeg", "01-02-2027", "1000"]]})
    assert refused(engine, book, admin()) == [
        ("tranches", 2, "capaciteit", "De capaciteit is een geheel aantal scholen van 1 tot 1000.")]


# ---------------------------------------------------------------- valid files stay valid

def test_a_valid_file_of_every_checked_kind_imports(engine, tmp_path):
    """The rows next to the refused ones in PARITY, made valid, import (the rules refuse no more than the form)."""
    make_demo(engine)
    with Session(engine) as s:
        assert s.exec(select(Municipality).where(Municipality.cbs_code == "GM0935")).one()
    book = write_book(tmp_path / "ok.xlsx", {
        "organisaties": [["naam", "type", "gemeente_cbs"], ["GGD Zuid (fictief)", "ggd", "GM0935"]],
        "contactpersonen": [["organisatie", "naam", "telefoon", "email"],
                            ["GGD Zuid (fictief)", "Nieuw (fictief)", "+31 (0)43-123", "nieuw@ggd.example"]],
        "samenwerkingen": [["school", "organisatie", "rol", "startdatum", "einddatum"],
                           ["05VO00", "GGD Zuid (fictief)", "advies", "01-03-2026", "01-03-2026"]],
        "trajecten": [["school", "cyclus", "tranche_regio", "tranche"],
                      ["02QZ00", "3", "Maastricht-Heuvelland", "Tranche 2025-1"]],
        "fasen": [["school", "cyclus", "fase", "datum"], ["05VO00", "1", "intake", "01-11-2026"],
                  ["02QZ00", "3", "registered", "20-11-2026"]]})   # a new trajectory starts 'registered'
    result = imported(engine, book, coordinator(engine))
    assert result.errors == [] and result.total("created") == 6
    with Session(engine) as s:
        assert s.exec(select(Contact).where(Contact.name == "Nieuw (fictief)")).one().phone == "+31 (0)43-123"

"""The network services on the demo database: reads with permissions, editing with validation and audit."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from conftest import DEMO_TODAY, USERS
from sqlalchemy import func, or_, select

from domain.network import completeness, contact_active, partnership_active
from domain.scope import Scope
from models import AuditEntry, Contact, Municipality, Organisation, Partnership, Region, School
from models.db import session_scope
from services import network, partnerships
from services.auth import get_user
from services.errors import NotFound
from services.partnerships import FormError
from services.permissions import PermissionDenied, principal_for


def _principal(session, role: str):
    return principal_for(session, get_user(session, USERS[role][0]))


def _region_id(session, name: str = "Maastricht-Heuvelland") -> int:
    return session.scalar(select(Region.id).where(Region.name == name))


def _school(session, region_id: int, *, other: bool = False, with_partners: bool = True) -> School:
    """A school of the region (or, other=True, of another region) with active partnerships."""
    cond = Municipality.region_id != region_id if other else Municipality.region_id == region_id
    for school in session.scalars(select(School).join(Municipality).where(cond, Municipality.region_id.is_not(None))
                                  .order_by(School.code)):
        active = [p for p in session.scalars(select(Partnership).where(Partnership.school_id == school.id))
                  if partnership_active(p.start_on, p.end_on, DEMO_TODAY)]
        if bool(active) == with_partners:
            return school
    raise AssertionError("no such school in the demo")


def _expected(session, school: School):
    region = session.get(Region, session.get(Municipality, school.municipality_id).region_id)
    rows = session.execute(select(Partnership, Organisation.type).join(Organisation)
                           .where(Partnership.school_id == school.id)).all()
    active = [(p, t) for p, t in rows if partnership_active(p.start_on, p.end_on, DEMO_TODAY)]
    return active, completeness(region.required_partner_types, [t for _, t in active])


def test_net_s01_school_network_matches_the_database(demo_db):
    with session_scope() as session:
        admin = _principal(session, "beheerder")
        school = _school(session, _region_id(session))
        active, expected = _expected(session, school)
        net = network.school_network(session, admin, school.code, DEMO_TODAY)
        assert sorted(p.partnership_id for p in net.partners) == sorted(p.id for p, _ in active)
        assert net.share == expected.share and net.missing == expected.missing
        assert net.editable and net.personal
        named = [p for p in net.partners if p.contact_id is not None]
        # a contact person shows until their last day (other tests may have ended one)
        current = {p.partnership_id: contact_active(session.get(Contact, p.contact_id).ended_on, DEMO_TODAY)
                   for p in named}
        assert named and all(bool(p.contact) == current[p.partnership_id] for p in named)


def test_net_s02_personal_data_and_reading_follow_the_role(demo_db):
    with session_scope() as session:
        region_id = _region_id(session)
        school = _school(session, region_id)
        stuur = _principal(session, "stuurgroeplid")
        net = network.school_network(session, stuur, school.code, DEMO_TODAY)
        assert not net.editable and not net.personal
        assert all(p.contact == "" and p.phone == "" and p.email == "" for p in net.partners)
        coord = _principal(session, "coordinator")
        other = _school(session, region_id, other=True)
        with pytest.raises(PermissionDenied):
            network.school_network(session, coord, other.code, DEMO_TODAY)
        with pytest.raises(NotFound):   # an unknown (here: malformed) code is not found, not refused
            network.school_network(session, coord, "../x", DEMO_TODAY)
        with pytest.raises(NotFound, match="School 99ZZ99 is niet gevonden"):
            network.school_network(session, coord, "99ZZ99", DEMO_TODAY)
        # the school search finds by name, code and town, only readable schools
        found = network.school_options(session, coord, Scope(as_of=DEMO_TODAY), school.code)
        assert [o["value"] for o in found] == [school.code]
        assert network.school_options(session, coord, Scope(as_of=DEMO_TODAY), other.code) == []
        by_town = network.school_options(session, coord, Scope(as_of=DEMO_TODAY), school.city.upper())
        assert school.code in [o["value"] for o in by_town]


def test_net_s03_scope_network_and_analysis(demo_db):
    with session_scope() as session:
        admin = _principal(session, "beheerder")
        region_id = _region_id(session)
        scope = Scope(as_of=DEMO_TODAY, region_id=region_id)
        net = network.scope_network(session, admin, scope)
        schools = session.scalars(select(School.id).join(Municipality).where(
            Municipality.region_id == region_id,
            or_(School.active.is_(True), School.inactive_since > DEMO_TODAY))).all()
        assert set(net.schools) == set(schools)
        active = [p for p in session.scalars(select(Partnership).where(Partnership.school_id.in_(schools)))
                  if partnership_active(p.start_on, p.end_on, DEMO_TODAY)]
        assert len(net.links) == len(active)
        some = next(iter(net.schools))
        _, expected = _expected(session, session.get(School, some))
        assert net.networks[some].share == expected.share
        result = network.analyse(net)
        assert result.drawn and result.load[0].schools == max(
            len({p.school_id for p in active if p.organisation_id == o}) for o in {p.organisation_id for p in active})
        assert all(w.share is None or w.share < network.WEAK_THRESHOLD or w.partners == 0
                   for w in result.weak)
        # positions: one per school and organisation, the same from the cache
        pos = network.scope_positions(net, ("r", DEMO_TODAY))
        assert len(pos) == len(net.schools) + len(net.organisations)
        assert network.scope_positions(net, ("r", DEMO_TODAY)) is pos
        assert network.cached_analysis(net, ("r", DEMO_TODAY)).load == result.load
        # a change to the graph changes the key: the cache never serves a stale answer
        fewer = network.ScopeNetwork(net.scope, net.schools, net.organisations, net.contacts, net.links[1:],
                                     net.required, net.types, net.networks, net.personal)
        assert fewer.fingerprint != net.fingerprint


def test_net_s04_add_change_and_end_a_partnership_with_audit(demo_db):
    with session_scope() as session:
        coord = _principal(session, "coordinator")
        school = _school(session, _region_id(session))
        net = network.school_network(session, coord, school.code, DEMO_TODAY)
        present = next(p for p in net.partners if p.type in net.required)
        org = session.get(Organisation, present.organisation_id)
        contact = session.scalar(select(Contact).where(Contact.organisation_id == org.id))
        new = partnerships.add_partnership(session, coord, school_id=school.id, organisation_id=org.id,
                                           role="advies", start_on=DEMO_TODAY - timedelta(days=10),
                                           contact_id=contact.id if contact else None, agreements="Test")
        partnerships.change_partnership(session, coord, new.id, agreements="Nieuwe afspraken")
        session.flush()
        entries = session.scalars(select(AuditEntry).where(AuditEntry.entity == "samenwerking",
                                                           AuditEntry.entity_id == str(new.id))).all()
        assert {e.action for e in entries} == {"create", "update"}
        upd = next(e for e in entries if e.action == "update")
        assert (upd.field, upd.old_value, upd.new_value) == ("agreements", "Test", "Nieuwe afspraken")
        # end every partnership of that type: the type becomes a gap and completeness drops
        for p in net.partners + [new]:
            if p.__class__ is Partnership or p.type == present.type:
                pid = p.id if isinstance(p, Partnership) else p.partnership_id
                partnerships.end_partnership(session, coord, pid, DEMO_TODAY - timedelta(days=1))
        after = network.school_network(session, coord, school.code, DEMO_TODAY)
        assert present.type in after.missing and after.share < net.share
        # the history is kept: the rows still exist, with an end date
        assert session.get(Partnership, present.partnership_id).end_on == DEMO_TODAY - timedelta(days=1)
        before_day = network.school_network(session, coord, school.code, DEMO_TODAY - timedelta(days=1))
        assert present.type not in before_day.missing
        session.rollback()


def test_net_s05_validation_gives_dutch_errors_and_writes_nothing(demo_db):
    with session_scope() as session:
        coord = _principal(session, "coordinator")
        school = _school(session, _region_id(session))
        net = network.school_network(session, coord, school.code, DEMO_TODAY)
        p = net.partners[0]
        other_contact = session.scalar(select(Contact.id).where(Contact.organisation_id != p.organisation_id))
        count = session.scalar(select(func.count(Partnership.id)))
        with pytest.raises(FormError) as err:
            partnerships.add_partnership(session, coord, school_id=school.id, organisation_id=p.organisation_id,
                                         role="baas", start_on=date(2026, 5, 1), end_on=date(2026, 1, 1),
                                         contact_id=other_contact)
        assert set(err.value.errors) == {"rol", "einddatum", "contactpersoon"}
        assert "vóór de startdatum" in err.value.errors["einddatum"]
        with pytest.raises(FormError) as err:   # the same organisation in the same role, overlapping
            partnerships.add_partnership(session, coord, school_id=school.id, organisation_id=p.organisation_id,
                                         role=p.role, start_on=DEMO_TODAY)
        assert "er is al een samenwerking" in err.value.errors["startdatum"]
        with pytest.raises(FormError) as err:
            partnerships.end_partnership(session, coord, p.partnership_id, p.start_on - timedelta(days=1))
        assert "vóór de startdatum" in err.value.errors["einddatum"]
        with pytest.raises(FormError) as err:
            partnerships.add_contact(session, coord, organisation_id=p.organisation_id, name="",
                                     email="geen-adres", phone="06-abc")
        assert set(err.value.errors) == {"naam", "e-mail", "telefoon"}
        with pytest.raises(FormError) as err:
            partnerships.add_organisation(session, coord, name=p.organisation.upper(), type="politie",
                                          municipality_id=school.municipality_id)
        assert "bestaat al" in err.value.errors["naam"]
        assert session.scalar(select(func.count(Partnership.id))) == count


def test_net_s06_coordinator_cannot_change_another_region(demo_db):
    with session_scope() as session:
        coord = _principal(session, "coordinator")
        stuur = _principal(session, "stuurgroeplid")
        region_id = _region_id(session)
        other = _school(session, region_id, other=True)
        own = _school(session, region_id)
        theirs = network.school_network(session, _principal(session, "beheerder"), other.code, DEMO_TODAY)
        p = theirs.partners[0]
        with pytest.raises(PermissionDenied):
            partnerships.end_partnership(session, coord, p.partnership_id, DEMO_TODAY)
        with pytest.raises(PermissionDenied):
            partnerships.add_partnership(session, coord, school_id=other.id, organisation_id=p.organisation_id,
                                         role="advies", start_on=DEMO_TODAY)
        with pytest.raises(PermissionDenied):
            partnerships.change_partnership(session, coord, 10 ** 9, agreements="x")
        # contacts (personal data) of an organisation elsewhere are not offered
        foreign = session.scalar(select(Organisation.id)
                                 .join(Municipality, Organisation.municipality_id == Municipality.id)
                                 .where(Municipality.region_id != region_id)
                                 .where(Organisation.id.in_(select(Contact.organisation_id))))
        assert partnerships.contact_choices(session, coord, foreign) == []
        assert partnerships.contact_choices(session, _principal(session, "beheerder"), foreign)
        mine = network.school_network(session, coord, own.code, DEMO_TODAY).partners[0]
        with pytest.raises(PermissionDenied):
            partnerships.end_partnership(session, stuur, mine.partnership_id, DEMO_TODAY)
        assert session.get(Partnership, p.partnership_id).end_on == theirs.partners[0].end_on


def test_net_s07_add_organisation_and_contact_then_end_the_organisation(demo_db):
    with session_scope() as session:
        coord = _principal(session, "coordinator")
        school = _school(session, _region_id(session))
        org = partnerships.add_organisation(session, coord, name="Testbureau Netwerk", type="overig",
                                            municipality_id=school.municipality_id)
        contact = partnerships.add_contact(session, coord, organisation_id=org.id, name="A. Tester",
                                           role="adviseur", phone="06 12345678", email="a.tester@example.org")
        partnerships.change_contact(session, coord, contact.id, name="A. Tester", role="senior adviseur",
                                    phone="06 12345678", email="a.tester@example.org")
        link = partnerships.add_partnership(session, coord, school_id=school.id, organisation_id=org.id,
                                            role="advies", start_on=date(2025, 1, 1), contact_id=contact.id)
        assert partnerships.partnership_contact(session, coord, link.id).id == contact.id
        partnerships.change_organisation(session, coord, org.id, name="Testbureau Netwerk BV", type="overig")
        assert org.municipality_id == school.municipality_id        # kept when not given
        renamed = session.scalars(select(AuditEntry).where(AuditEntry.entity == "organisatie",
                                                           AuditEntry.action == "update",
                                                           AuditEntry.entity_id == str(org.id))).all()
        assert [(e.field, e.old_value, e.new_value) for e in renamed] == [
            ("name", "Testbureau Netwerk", "Testbureau Netwerk BV")]
        ended = partnerships.end_organisation(session, coord, org.id, date(2026, 6, 30), "opgeheven")
        assert [p.id for p in ended] == [link.id] and link.end_on == date(2026, 6, 30)
        assert session.get(Organisation, org.id).ended_on == date(2026, 6, 30)  # kept, never deleted
        assert org.id not in {o["value"] for o in partnerships.organisation_choices(session, coord, school.id)}
        actions = set(session.execute(select(AuditEntry.entity, AuditEntry.action)
                                      .where(AuditEntry.username == coord.username)).all())
        assert {("organisatie", "create"), ("contactpersoon", "create"), ("contactpersoon", "update"),
                ("samenwerking", "create"), ("samenwerking", "end"), ("organisatie", "end")} <= actions
        with pytest.raises(FormError):  # a coordinator must place a new organisation in their region
            partnerships.add_organisation(session, coord, name="Elders", type="overig", municipality_id=None)
        session.rollback()


def test_net_s08_export_in_the_exchange_format(demo_db):
    from dataio.exchange import import_workbook

    with session_scope() as session:
        region_id = _region_id(session)
        coord = _principal(session, "coordinator")
        scope = Scope(as_of=DEMO_TODAY, region_id=region_id)
        name, data = network.export_partnerships(session, coord, scope, "xlsx")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        assert name == "samenwerkingen.xlsx" and {"samenwerkingen", "organisaties", "contactpersonen"} <= set(
            wb.sheetnames)
        rows = list(wb["samenwerkingen"].iter_rows(values_only=True))
        in_scope = (Municipality.region_id == region_id, or_(School.active.is_(True),
                                                             School.inactive_since > DEMO_TODAY))
        codes = set(session.scalars(select(School.code).join(Municipality).where(*in_scope)))
        count = session.scalar(select(func.count(Partnership.id)).join(School).join(Municipality).where(*in_scope))
        assert len(rows) - 1 == count and all(r[0] in codes for r in rows[1:])
        # re-importing the export changes nothing
        result = import_workbook(session, data, filename=name, dry_run=True)
        assert not result.errors
        stuur = _principal(session, "stuurgroeplid")
        name, data = network.export_partnerships(session, stuur, scope, "csv")
        header = data.decode("utf-8-sig").splitlines()[0]
        assert name == "samenwerkingen.csv" and "contactpersoon" not in header and header.startswith("school;")


def test_net_s08b_the_csv_is_for_dutch_excel_and_reads_back(demo_db):
    """The Netwerk CSV: ';', BOM, Dutch role labels, dd-mm-jjjj dates; `vios import` reads it back unchanged."""
    import csv

    from dataio.exchange import import_workbook
    from domain.vocab import PARTNERSHIP_ROLES

    with session_scope() as session:
        coord = _principal(session, "coordinator")
        scope = Scope(as_of=DEMO_TODAY, region_id=_region_id(session))
        name, data = network.export_partnerships(session, coord, scope, "csv")
        assert data.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
        assert rows and {r["rol"] for r in rows} <= set(PARTNERSHIP_ROLES.values())
        assert all(re.fullmatch(r"\d\d-\d\d-\d{4}", r["startdatum"]) for r in rows)
        assert all(re.fullmatch(r"(\d\d-\d\d-\d{4})?", r["einddatum"]) for r in rows)
        result = import_workbook(session, data, filename=name, dry_run=True)
        assert not result.errors and result.count("samenwerkingen", "unchanged") == len(rows)
        assert result.count("samenwerkingen", "created") == result.count("samenwerkingen", "updated") == 0


def test_net_s09_a_contact_who_left_is_ended_not_deleted(demo_db):
    with session_scope() as session:
        coord = _principal(session, "coordinator")
        school = _school(session, _region_id(session))
        net = network.school_network(session, coord, school.code, DEMO_TODAY)
        p = next(p for p in net.partners if p.contact and partnerships.can_edit_organisation(
            session, coord, session.get(Organisation, p.organisation_id)))
        last_day = DEMO_TODAY - timedelta(days=1)
        partnerships.end_contact(session, coord, p.contact_id, last_day, "vertrokken")
        assert session.get(Contact, p.contact_id).ended_on == last_day
        # the partnership stays; from the day after, it shows no contact person
        after = next(x for x in network.school_network(session, coord, school.code, DEMO_TODAY).partners
                     if x.partnership_id == p.partnership_id)
        before = next(x for x in network.school_network(session, coord, school.code, last_day).partners
                      if x.partnership_id == p.partnership_id)
        assert after.contact == "" and before.contact == p.contact
        assert p.contact_id not in {c["value"] for c in partnerships.contact_choices(session, coord,
                                                                                     p.organisation_id)}
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "contactpersoon",
                                                         AuditEntry.action == "end")).all()[-1]
        assert (entry.field, entry.old_value, entry.new_value) == ("ended_on", None, last_day.isoformat())
        with pytest.raises(FormError) as err:   # ending twice is refused
            partnerships.end_contact(session, coord, p.contact_id, last_day)
        assert "al beëindigd" in err.value.errors["einddatum"]
        # and another region's coordinator may not end it
        other = _school(session, _region_id(session), other=True)
        other_net = network.school_network(session, _principal(session, "beheerder"), other.code, DEMO_TODAY)
        foreign = next(x for x in other_net.partners if x.contact_id)
        with pytest.raises(PermissionDenied):
            partnerships.end_contact(session, coord, foreign.contact_id, last_day)
        session.rollback()


def test_net_s10_the_school_page_checks_the_permission_once(demo_db, monkeypatch):
    from services import school_profile, schools

    calls = []
    check = schools.ensure_can_read_school
    monkeypatch.setattr(schools, "ensure_can_read_school", lambda *a: calls.append(a) or check(*a))
    with session_scope() as session:
        coord = _principal(session, "coordinator")
        school = _school(session, _region_id(session))
        profile = school_profile.school_profile(session, school.code, DEMO_TODAY, coord)
        assert profile.school.id == school.id and profile.network.school_id == school.id
        assert profile.status is not None and profile.status.code == school.code
        assert len(calls) == 1
        other = _school(session, _region_id(session), other=True)
        with pytest.raises(PermissionDenied):
            school_profile.school_profile(session, other.code, DEMO_TODAY, coord)

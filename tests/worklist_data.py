"""Demo data made to have every kind of Actielijst item (tests of services.worklist and its page).

In Maastricht-Heuvelland: a running partnership whose contact person left, an organisation that ended
(its partnerships ended with it) where a school has no other partner of that type, and a tranche with
fewer places than running trajectories. The demo itself already has expiring certificates without a
new trajectory, stalled trajectories and schools missing core partners. Changes go through the
services (end_contact, end_organisation) as a beheerder would make them.
"""
from __future__ import annotations

from datetime import timedelta

from conftest import DEMO_TODAY, USERS
from sqlmodel import col, select

from models import Contact, Municipality, Organisation, Partnership, Region, School, Tranche
from services import partnerships
from services.auth import get_user
from services.permissions import principal_for
from services.planning.tranche_data import taken_places

REGION = "Maastricht-Heuvelland"


def principal(session, role: str):
    return principal_for(session, get_user(session, USERS[role][0]))


def region_id(session, name: str = REGION) -> int:
    return session.scalar(select(Region.id).where(Region.name == name))


def _region_partnerships(session, rid: int):
    return session.exec(
        select(Partnership, School, Organisation)
        .join(School, col(Partnership.school_id) == col(School.id))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .join(Organisation, col(Partnership.organisation_id) == col(Organisation.id))
        .where(Municipality.region_id == rid, col(Partnership.end_on).is_(None),
               col(Partnership.start_on) <= DEMO_TODAY, col(Organisation.ended_on).is_(None))
        .order_by(col(Partnership.id))).all()


def make_items(session) -> dict:
    """Create the items; returns what was made: {'contact_school': code, 'org_school': code,
    'organisation': name, 'tranche': name}."""
    admin = principal(session, "beheerder")
    rid = region_id(session)
    rows = _region_partnerships(session, rid)
    # 1. a contact person who left while the partnership runs
    with_contact = next((p, s, o) for p, s, o in rows if p.contact_id is not None)
    contact = session.get(Contact, with_contact[0].contact_id)
    partnerships.end_contact(session, admin, contact.id, DEMO_TODAY - timedelta(days=20), "vertrokken (test)")
    # 2. an organisation that ended: one whose schools are all in the region, and a school that has no
    #    other partner of its type
    by_org: dict[int, list] = {}
    for p, s, o in rows:
        by_org.setdefault(o.id, []).append((p, s, o))
    org_school = organisation = None
    for oid, links in by_org.items():
        if oid == with_contact[2].id:
            continue
        all_links = session.exec(select(Partnership).where(Partnership.organisation_id == oid)).all()
        if len(all_links) != len(links):
            continue
        for _p, s, o in links:
            same_type = [x for x in rows if x[1].id == s.id and x[2].type == o.type and x[2].id != oid]
            if not same_type:
                org_school, organisation = s.code, o.name
                break
        if organisation:
            partnerships.end_organisation(session, admin, oid, DEMO_TODAY - timedelta(days=30), "opgeheven (test)")
            break
    assert organisation, "no organisation to end in the demo"
    # 3. a tranche over capacity: fewer places than running trajectories
    tranches = session.exec(select(Tranche).where(Tranche.region_id == rid)).all()
    taken = taken_places(session, [t.id for t in tranches])
    full = next(t for t in tranches if taken[t.id] >= 2)
    full.capacity = taken[full.id] - 1
    session.add(full)
    session.flush()
    return {"contact_school": with_contact[1].code, "org_school": org_school, "organisation": organisation,
            "tranche": full.name}

"""One key rule: names the import treats as one key (case, extra spaces) are refused by every form."""
from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import DEMO_TODAY, USERS
from sqlalchemy import select

from domain.planning import PlanRefused
from models import Contact, Municipality, Organisation, Region
from models.db import session_scope
from services import auth, partnerships, permissions, planning
from services.partnerships import FormError


def _admin(session):
    return permissions.principal_for(session, auth.get_user(session, USERS["beheerder"][0]))


def _shout(name: str) -> str:
    """The same key, written differently: other case, doubled spaces, spaces around."""
    return "  " + name.upper().replace(" ", "  ") + " "


def test_key001_an_organisation_name_that_differs_only_in_case_and_spaces_is_refused(demo_db):
    with session_scope() as session:
        admin = _admin(session)
        existing = session.scalars(select(Organisation).where(Organisation.name.contains(" "))).first()
        municipality = session.scalars(select(Municipality)).first()
        with pytest.raises(FormError) as refused:
            partnerships.add_organisation(session, admin, name=_shout(existing.name), type=existing.type,
                                          municipality_id=municipality.id)
        assert "bestaat al een organisatie" in str(refused.value.errors["naam"])
        session.rollback()


def test_key002_a_second_contact_of_the_same_name_at_one_organisation_is_refused(demo_db):
    with session_scope() as session:
        admin = _admin(session)
        contact = session.scalars(select(Contact).where(Contact.name.contains(" "))).first()
        with pytest.raises(FormError) as refused:
            partnerships.add_contact(session, admin, organisation_id=contact.organisation_id,
                                     name=_shout(contact.name))
        assert "bestaat al een contactpersoon" in str(refused.value.errors["naam"])
        session.rollback()
        # renaming another contact of that organisation to it is refused too; keeping one's own name is fine
        partnerships.change_contact(session, admin, contact.id, name=contact.name, role=contact.role,
                                    phone=contact.phone, email=contact.email, version=contact.version)
        session.rollback()


def test_key003_a_tranche_name_that_differs_only_in_case_is_refused(demo_db):
    with session_scope() as session:
        admin = _admin(session)
        region = session.scalars(select(Region).where(Region.name == "Maastricht-Heuvelland")).one()
        start = DEMO_TODAY + timedelta(days=120)
        planning.create_tranche(session, admin, region.id, "Tranche Voorjaar", start, 5, today=DEMO_TODAY)
        with pytest.raises(PlanRefused, match="al een tranche"):
            planning.create_tranche(session, admin, region.id, "tranche  VOORJAAR", start, 5, today=DEMO_TODAY)
        session.rollback()

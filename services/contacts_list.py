"""The contact list for a meeting ("namen en rugnummers"): per school, the contact person of every
partnership active at the peildatum, for one municipality or one school of the scope.

Personal data (permissions.PERSONAL_FIELDS: contact.name, phone, email): only for roles with
permissions.can_view_contact_list (= can_see_personal_data); everyone else is refused, not given a
list with the names left out. The schools are those the user may read in the scope (school_filters +
school_filter_for); partnerships and contact persons follow domain.network's rules (active at the date,
a contact person up to and including their last day), as on the Netwerk page.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlmodel import Session, col

from dataio.report_csv import excel_csv_bytes
from domain.scope import Scope
from domain.vocab import ORGANISATION_TYPES, PARTNERSHIP_ROLES, label
from models import Contact, Municipality, Organisation, Partnership, School
from services.permissions import Principal, ensure_can_view_contact_list, school_filter_for
from services.school_facts import school_filters

CSV_HEADER = ("school", "brin", "gemeente", "organisatie", "type", "rol in samenwerking", "contactpersoon",
              "functie", "telefoon", "email")


@dataclass(frozen=True)
class ContactRow:
    school_code: str
    school: str
    municipality: str
    organisation: str
    organisation_type: str      # Dutch label
    partnership_role: str       # Dutch label
    name: str
    function: str
    phone: str
    email: str

    def cells(self) -> tuple[str, ...]:
        return (self.school, self.school_code, self.municipality, self.organisation, self.organisation_type,
                self.partnership_role, self.name, self.function, self.phone, self.email)


def contact_list(session: Session, principal: Principal, scope: Scope, *, municipality_id: int | None = None,
                 school_code: str | None = None) -> list[ContactRow]:
    """The contact persons of the partnerships active at scope.as_of of the readable schools in scope
    (optionally one municipality or one school), by school, organisation type and organisation."""
    ensure_can_view_contact_list(principal)
    as_of = scope.as_of
    filters = [*school_filters(scope), *school_filter_for(principal), col(Partnership.start_on) <= as_of,
               or_(col(Partnership.end_on).is_(None), col(Partnership.end_on) >= as_of),
               or_(col(Contact.ended_on).is_(None), col(Contact.ended_on) >= as_of)]
    if municipality_id is not None:
        filters.append(col(School.municipality_id) == municipality_id)
    if school_code is not None:
        filters.append(col(School.code) == school_code)
    rows = session.execute(
        select(col(School.code), col(School.name), col(Municipality.name), col(Organisation.name),
               col(Organisation.type), col(Partnership.role), col(Contact.name), col(Contact.role),
               col(Contact.phone), col(Contact.email))
        .join(School, col(Partnership.school_id) == col(School.id))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .join(Organisation, col(Partnership.organisation_id) == col(Organisation.id))
        .join(Contact, col(Partnership.contact_id) == col(Contact.id))
        .where(*filters)
        .order_by(col(Municipality.name), col(School.name), col(School.code), col(Organisation.type),
                  col(Organisation.name), col(Contact.name))).all()
    return [ContactRow(code, school, municipality, org, label(ORGANISATION_TYPES, otype),
                       label(PARTNERSHIP_ROLES, role), name, function or "", phone or "", email or "")
            for code, school, municipality, org, otype, role, name, function, phone, email in rows]


def contact_csv(rows: list[ContactRow]) -> bytes:
    """A CSV for Dutch Excel: semicolons, UTF-8 with BOM, dd-mm-jjjj, cells escaped against formulas."""
    return excel_csv_bytes(CSV_HEADER, [r.cells() for r in rows])


def file_name(as_of: date, what: str) -> str:
    safe = "".join(ch if ch.isalnum() else "-" for ch in what.lower()).strip("-")[:60] or "gebied"
    return f"contactlijst-{safe}-{as_of.isoformat()}.csv"

"""Editing the partner network: partnerships, organisations and contact persons.

Who: users who may edit the school (permissions.can_edit_school: beheerder, or a coordinator
of the school's region). An organisation may be changed by a beheerder, or by a coordinator
when it works in one of their municipalities or only with schools they may edit.
Ending keeps history: a partnership gets an end date (never a delete); ending an
organisation ends all its running partnerships and gives the organisation an end date; ending
a contact person (who left the job) gives them an end date: from the day after, the
partnerships they were named on show no contact. Ended organisations and contacts are no
longer offered in the forms.

Every write is checked here, logged with services.audit (old and new values) in the same
transaction, and never committed here: the caller's session_scope commits or rolls back.
Invalid input raises FormError with a Dutch message per field, before anything is written.

Optimistic concurrency: the change and end commands take the `version` of the row the form was
built from (None: no form, e.g. the command line); a stale one raises StaleVersion (who changed
what, when) and nothing is written. The version column itself (models.network) makes the UPDATE
fail when another save slipped in between this read and the write: the same refusal.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from dataio.values import check_length, max_length, parse_email
from domain.vocab import ORGANISATION_TYPES, PARTNERSHIP_ROLES
from models import Contact, Municipality, Organisation, Partnership, Region
from services import audit, names
from services.permissions import (
    EDIT_DENIED,
    PermissionDenied,
    Principal,
    can_edit_organisation_at,
    can_edit_region,
    ensure_can_edit_school,
    is_admin,
    linkable_contact_clauses,
    linkable_organisation_clauses,
    school_location,
)
from services.transactions import check_version, flush_versioned


class FormError(ValueError):
    """Invalid form input: {field: Dutch message}."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


# A required field left empty: the forms' message, and the exchange import's for every required column.
REQUIRED = "dit veld is verplicht"


def _text(value: Any, model: type, attr: str, errors: dict, field: str, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors[field] = REQUIRED
        return text
    try:  # the column's length, with the import's message (dataio.values.check_length)
        check_length(text, max_length(model, attr))
    except ValueError as exc:
        errors[field] = str(exc)
    return text


def _log(session: Session, principal: Principal, action: str, entity: str, entity_id: Any,
         changes: dict, detail: str = "") -> None:
    audit.record(session, username=principal.username, action=action, entity=entity, entity_id=entity_id,
                 changes=changes, detail=detail)


# ---------------------------------------------------------------- partnerships

NOUNS = {"samenwerking": "deze samenwerking", "organisatie": "deze organisatie",
         "contactpersoon": "deze contactpersoon"}


def _check_version(session: Session, obj: Any, version: int | None, entity: str) -> None:
    check_version(session, obj, version, entity=entity, noun=NOUNS[entity])


def _flush(session: Session, obj: Any, entity: str) -> None:
    flush_versioned(session, obj, entity=entity, noun=NOUNS[entity])


def _update(session: Session, principal: Principal, obj: Any, before: dict, values: dict, entity: str) -> Any:
    """Set checked values on obj; the changed fields go in the audit log (old and new)."""
    for field, value in values.items():
        setattr(obj, field, value)
    session.add(obj)
    diff = audit.diff(before, audit.snapshot(obj, list(before)))
    if diff:
        _flush(session, obj, entity)
        _log(session, principal, "update", entity, obj.id, diff)
    return obj


PARTNERSHIP_FIELDS = ["school_id", "organisation_id", "role", "contact_id", "start_on", "end_on", "agreements"]


def _check_partnership(session: Session, values: dict, *, exclude_id: int | None = None,
                       errors: dict[str, str] | None = None) -> dict:
    errors = dict(errors or {})
    org = session.get(Organisation, values.get("organisation_id")) if values.get("organisation_id") else None
    if org is None and "organisatie" not in errors:
        errors["organisatie"] = "kies een bestaande organisatie"
    if values.get("role") not in PARTNERSHIP_ROLES:
        errors["rol"] = f"kies een rol: {', '.join(PARTNERSHIP_ROLES.values())}"
    contact_id = values.get("contact_id")
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or org is None or contact.organisation_id != org.id:
            errors["contactpersoon"] = "deze contactpersoon werkt niet bij de gekozen organisatie"
    start, end = values.get("start_on"), values.get("end_on")
    if not isinstance(start, date):
        errors["startdatum"] = "vul een startdatum in (dd-mm-jjjj)"
    refused = end_before_start_error(start, end)
    if refused:
        errors["einddatum"] = refused
    values["agreements"] = _text(values.get("agreements"), Partnership, "agreements", errors, "afspraken")
    if not errors and org is not None and isinstance(start, date):
        others = session.scalars(select(Partnership).where(
            col(Partnership.school_id) == values["school_id"], col(Partnership.organisation_id) == org.id,
            col(Partnership.role) == values["role"])).all()
        overlap = overlap_reason(org.name, values["role"], start, end,
                                 [(o.start_on, o.end_on) for o in others if o.id != exclude_id])
        if overlap:
            errors["startdatum"] = overlap
    if errors:
        raise FormError(errors)
    return values


def end_before_start_error(start: date | None, end: date | None) -> str | None:
    """Why a partnership's end date is refused: it lies before its start (the forms' rule: add, change and end;
    and the import's)."""
    if isinstance(start, date) and end is not None and end < start:
        return f"de einddatum ({end:%d-%m-%Y}) ligt vóór de startdatum ({start:%d-%m-%Y})"
    return None


def overlap_reason(organisation: str, role: str, start: date, end: date | None,
                   others: Iterable[tuple[date, date | None]]) -> str | None:
    """Why a partnership of a school with `organisation` in `role` from start to end (None: running) is refused:
    another partnership of that school with that organisation in that role overlaps it. The form's rule, and
    the import's (dataio.exchange_import), for a row against the database and between a file's rows."""
    for other_start, other_end in others:
        if other_start <= (end or date.max) and start <= (other_end or date.max):
            return f"er is al een samenwerking met {organisation} als {PARTNERSHIP_ROLES[role].lower()} in deze periode"
    return None


def add_partnership(session: Session, principal: Principal, *, school_id: int, organisation_id: int | None,
                    role: str | None, start_on: date | None, end_on: date | None = None,
                    contact_id: int | None = None, agreements: str = "") -> Partnership:
    ensure_can_edit_school(session, principal, school_id)
    offerable = _offerable_errors(session, principal, school_id, organisation_id, contact_id)
    values = _check_partnership(session, {
        "school_id": school_id, "organisation_id": organisation_id, "role": role, "contact_id": contact_id,
        "start_on": start_on, "end_on": end_on, "agreements": agreements}, errors=offerable)
    partnership = Partnership(**values)
    session.add(partnership)
    session.flush()
    _log(session, principal, "create", "samenwerking", partnership.id,
         {f: (None, values[f]) for f in PARTNERSHIP_FIELDS})
    return partnership


def _partnership_for_edit(session: Session, principal: Principal, partnership_id: int) -> Partnership:
    partnership = session.get(Partnership, partnership_id) if partnership_id else None
    if partnership is None:   # unknown and forbidden ids get the same answer
        raise PermissionDenied(EDIT_DENIED)
    ensure_can_edit_school(session, principal, partnership.school_id)
    return partnership


def change_partnership(session: Session, principal: Principal, partnership_id: int, *, version: int | None = None,
                       **changes: Any) -> Partnership:
    """Change role, contact, dates or agreements (not the school or the organisation: end and add instead)."""
    partnership = _partnership_for_edit(session, principal, partnership_id)
    _check_version(session, partnership, version, "samenwerking")
    allowed = {"role", "contact_id", "start_on", "end_on", "agreements"}
    unknown = set(changes) - allowed
    if unknown:
        raise FormError({k: "dit veld kan niet worden gewijzigd" for k in sorted(unknown)})
    before = audit.snapshot(partnership, PARTNERSHIP_FIELDS)
    offerable = _offerable_errors(session, principal, partnership.school_id, partnership.organisation_id,
                                  changes.get("contact_id"), keep_contact=partnership.contact_id) \
        if changes.get("contact_id") is not None else {}
    offerable.pop("organisatie", None)   # the partnership's own organisation stays (end and add to change it)
    values = _check_partnership(session, {**before, **changes}, exclude_id=partnership.id, errors=offerable)
    return _update(session, principal, partnership, before, {f: values[f] for f in allowed}, "samenwerking")


def end_partnership(session: Session, principal: Principal, partnership_id: int, end_on: date | None,
                    reason: str = "", *, version: int | None = None) -> Partnership:
    """Set the last day of the partnership; history stays (the row is kept)."""
    partnership = _partnership_for_edit(session, principal, partnership_id)
    _check_version(session, partnership, version, "samenwerking")
    return _set_end(session, principal, partnership, "end_on", end_on, "samenwerking", reason,
                    starts_on=partnership.start_on)


def _set_end(session: Session, principal: Principal, obj: Any, attr: str, end_on: date | None, entity: str,
             reason: str, *, starts_on: date | None = None) -> Any:
    """Give a partnership or contact its last day (checked), audited with old and new value."""
    if not isinstance(end_on, date):
        raise FormError({"einddatum": "vul een einddatum in (dd-mm-jjjj)"})
    old = getattr(obj, attr)
    if old is not None and old <= end_on:
        raise FormError({"einddatum": f"deze {entity} is al beëindigd op {old:%d-%m-%Y}"})
    refused = end_before_start_error(starts_on, end_on)
    if refused:
        raise FormError({"einddatum": refused})
    setattr(obj, attr, end_on)
    session.add(obj)
    _flush(session, obj, entity)
    _log(session, principal, "end", entity, obj.id, {attr: (old, end_on)}, reason[:500])
    return obj


# ---------------------------------------------------------------- organisations

ORGANISATION_FIELDS = ["name", "type", "municipality_id"]


def _municipality_region(session: Session, municipality_id: int | None) -> int | None:
    m = session.get(Municipality, municipality_id) if municipality_id is not None else None
    return m.region_id if m else None


def can_edit_organisation(session: Session, principal: Principal, org: Organisation) -> bool:
    """permissions.can_edit_organisation_at (the import asks the same rule) for this organisation."""
    if is_admin(principal):
        return True
    served = session.scalars(select(col(Partnership.school_id)).where(col(Partnership.organisation_id) == org.id)
                             .distinct()).all()
    return can_edit_organisation_at(
        principal, _municipality_region(session, org.municipality_id) if org.municipality_id is not None else None,
        org.municipality_id is not None, ((school_location(session, s) or (None,))[0] for s in served))


def _organisation_municipality(session: Session, organisation_id: int) -> int | None:
    org = session.get(Organisation, organisation_id)
    return org.municipality_id if org else None


def _organisation_for_edit(session: Session, principal: Principal, organisation_id: int) -> Organisation:
    org = session.get(Organisation, organisation_id) if organisation_id else None
    if org is None:
        raise PermissionDenied(EDIT_DENIED)
    if not can_edit_organisation(session, principal, org):
        raise PermissionDenied(_why_not_yours(session, org))
    return org


def _why_not_yours(session: Session, org: Organisation) -> str:
    """The refusal for an organisation the user may see (and link) but not change: whose it is."""
    region_id = _municipality_region(session, org.municipality_id)
    region = session.get(Region, region_id) if region_id is not None else None
    return not_yours_reason(org.name, region.name if region is not None else None)


def not_yours_reason(organisation: str, region: str | None) -> str:
    """The refusal of a change to an organisation (or its contact persons) the user may see but not change,
    naming the region of its municipality (None: it has none); the forms' and the import's message."""
    if region is not None:
        return (f"Geen toegang: {organisation} hoort bij regio {region}; alleen de coördinator van die regio "
                "(of de beheerder) kan de organisatie en haar contactpersonen wijzigen of aanvullen.")
    return (f"Geen toegang: {organisation} werkt ook met scholen buiten uw regio('s); alleen de beheerder kan de "
            "organisatie en haar contactpersonen wijzigen of aanvullen.")


def _check_organisation(session: Session, principal: Principal, values: dict, exclude_id: int | None = None) -> dict:
    errors: dict[str, str] = {}
    values["name"] = _text(values.get("name"), Organisation, "name", errors, "naam", required=True)
    if values.get("type") not in ORGANISATION_TYPES:
        errors["type"] = "kies een soort organisatie uit de lijst"
    mid = values.get("municipality_id")
    if mid is not None and session.get(Municipality, mid) is None:
        errors["gemeente"] = "kies een bestaande gemeente"
    elif not is_admin(principal) and not can_edit_region(principal, _municipality_region(session, mid)) \
            and not (exclude_id is not None and mid == _organisation_municipality(session, exclude_id)):
        # a new organisation goes in the user's region; an existing one may keep its municipality
        errors["gemeente"] = "kies een gemeente in uw regio"
    if "naam" not in errors:
        try:  # the one key rule (services.names): the same name without case and extra spaces
            names.check_unique_name(session, "organisatie", values["name"], exclude_id=exclude_id)
        except names.NameTaken as exc:
            errors["naam"] = str(exc)
    if errors:
        raise FormError(errors)
    return values


def add_organisation(session: Session, principal: Principal, *, name: str, type: str | None,
                     municipality_id: int | None) -> Organisation:
    if principal.role not in ("beheerder", "coordinator"):
        raise PermissionDenied(EDIT_DENIED)
    values = _check_organisation(session, principal, {"name": name, "type": type, "municipality_id": municipality_id})
    org = Organisation(**values)
    session.add(org)
    session.flush()
    _log(session, principal, "create", "organisatie", org.id, {f: (None, values[f]) for f in ORGANISATION_FIELDS})
    return org


_KEEP: Any = object()


def change_organisation(session: Session, principal: Principal, organisation_id: int, *, name: str,
                        type: str | None, municipality_id: int | None = _KEEP,
                        version: int | None = None) -> Organisation:
    """Change name, type and (when given) municipality; leaving municipality_id out keeps it."""
    org = _organisation_for_edit(session, principal, organisation_id)
    _check_version(session, org, version, "organisatie")
    before = audit.snapshot(org, ORGANISATION_FIELDS)
    if municipality_id is _KEEP:
        municipality_id = org.municipality_id
    values = _check_organisation(session, principal, {"name": name, "type": type, "municipality_id": municipality_id},
                                 exclude_id=org.id)
    _update(session, principal, org, before, {f: values[f] for f in ORGANISATION_FIELDS}, "organisatie")
    return org


def end_organisation(session: Session, principal: Principal, organisation_id: int, end_on: date | None,
                     reason: str = "", *, version: int | None = None) -> list[Partnership]:
    """End every partnership of the organisation that runs past end_on; returns the ended ones.

    All its schools must be editable by the user, and none of its partnerships may start after
    end_on; otherwise nothing changes."""
    org = _organisation_for_edit(session, principal, organisation_id)
    _check_version(session, org, version, "organisatie")
    if not isinstance(end_on, date):
        raise FormError({"einddatum": "vul een einddatum in (dd-mm-jjjj)"})
    running = [p for p in session.scalars(select(Partnership).where(col(Partnership.organisation_id) == org.id))
               if p.end_on is None or p.end_on > end_on]
    refused = later_partnerships_error([p.start_on for p in running], end_on)
    if refused:
        raise FormError({"einddatum": refused})
    for p in running:
        ensure_can_edit_school(session, principal, p.school_id)
    ended = []
    for p in running:
        assert p.id is not None
        ended.append(end_partnership(session, principal, p.id, end_on, reason or f"organisatie {org.name} beëindigd"))
    old = org.ended_on
    org.ended_on = end_on
    session.add(org)
    _flush(session, org, "organisatie")
    _log(session, principal, "end", "organisatie", org.id, {"ended_on": (old, end_on)},
         f"{len(ended)} samenwerking(en) beëindigd per {end_on:%d-%m-%Y}. {reason}".strip())
    return ended


def later_partnerships_error(starts: Iterable[date], end_on: date) -> str | None:
    """Why an organisation may not end on end_on: some of its running partnerships (their start dates) begin
    only after it (end_organisation, and the import's organisation rows)."""
    later = sum(1 for start in starts if start > end_on)
    return f"{later} samenwerking(en) beginnen pas na deze datum; kies een latere einddatum" if later else None


# ---------------------------------------------------------------- contacts

CONTACT_FIELDS = ["organisation_id", "name", "role", "phone", "email"]


def _check_contact(session: Session, values: dict, exclude_id: int | None = None) -> dict:
    errors: dict[str, str] = {}
    values["name"] = _text(values.get("name"), Contact, "name", errors, "naam", required=True)
    if "naam" not in errors:
        try:  # one contact of that name per organisation (services.names)
            names.check_unique_name(session, "contactpersoon", values["name"], scope_id=values["organisation_id"],
                                    exclude_id=exclude_id)
        except names.NameTaken as exc:
            errors["naam"] = str(exc)
    values["role"] = _text(values.get("role"), Contact, "role", errors, "functie")
    values["phone"] = _text(values.get("phone"), Contact, "phone", errors, "telefoon")
    refused = phone_error(values["phone"])
    if refused:
        errors["telefoon"] = refused
    values["email"] = _text(values.get("email"), Contact, "email", errors, "e-mail")
    try:
        values["email"] = parse_email(values["email"])
    except ValueError as exc:
        errors["e-mail"] = str(exc)
    if errors:
        raise FormError(errors)
    return values


def phone_error(phone: str) -> str | None:
    """Why a contact's phone number is refused (the form and the import), or None."""
    if phone and not all(ch.isdigit() or ch in " +-()" for ch in phone):
        return "alleen cijfers, spaties en + - ( ) zijn toegestaan"
    return None


def add_contact(session: Session, principal: Principal, *, organisation_id: int, name: str, role: str = "",
                phone: str = "", email: str = "") -> Contact:
    org = _organisation_for_edit(session, principal, organisation_id)
    values = _check_contact(session, {"organisation_id": org.id, "name": name, "role": role, "phone": phone,
                                      "email": email})
    contact = Contact(**values)
    session.add(contact)
    session.flush()
    _log(session, principal, "create", "contactpersoon", contact.id, {f: (None, values[f]) for f in CONTACT_FIELDS})
    return contact


def partnership_contact(session: Session, principal: Principal, partnership_id: int) -> Contact:
    """The contact person named on a partnership the user may edit; FormError when there is none."""
    partnership = _partnership_for_edit(session, principal, partnership_id)
    contact = session.get(Contact, partnership.contact_id) if partnership.contact_id else None
    if contact is None:
        raise FormError({"contactpersoon": "deze samenwerking heeft geen contactpersoon; kies er eerst een"})
    return contact


def change_contact(session: Session, principal: Principal, contact_id: int, *, name: str, role: str = "",
                   phone: str = "", email: str = "", version: int | None = None) -> Contact:
    contact = session.get(Contact, contact_id) if contact_id else None
    if contact is None:
        raise PermissionDenied(EDIT_DENIED)
    _organisation_for_edit(session, principal, contact.organisation_id)
    _check_version(session, contact, version, "contactpersoon")
    before = audit.snapshot(contact, CONTACT_FIELDS)
    values = _check_contact(session, {"organisation_id": contact.organisation_id, "name": name, "role": role,
                                      "phone": phone, "email": email}, exclude_id=contact.id)
    return _update(session, principal, contact, before, {f: values[f] for f in CONTACT_FIELDS}, "contactpersoon")


def end_contact(session: Session, principal: Principal, contact_id: int, end_on: date | None,
                reason: str = "", *, version: int | None = None) -> Contact:
    """Give a contact person an end date (their last day); the partnerships keep them for history."""
    contact = session.get(Contact, contact_id) if contact_id else None
    if contact is None:
        raise PermissionDenied(EDIT_DENIED)
    _organisation_for_edit(session, principal, contact.organisation_id)
    _check_version(session, contact, version, "contactpersoon")
    return _set_end(session, principal, contact, "ended_on", end_on, "contactpersoon", reason)


# ---------------------------------------------------------------- what an edit form is built from

def form_versions(session: Session, principal: Principal, partnership_id: int) -> dict[str, int | None]:
    """The versions an edit form of this partnership carries: the partnership's, its organisation's and
    its contact person's (with their ids), to send back with every save of the form."""
    partnership = _partnership_for_edit(session, principal, partnership_id)
    org = session.get(Organisation, partnership.organisation_id)
    contact = session.get(Contact, partnership.contact_id) if partnership.contact_id else None
    return {"partnership_id": partnership.id, "partnership": partnership.version,
            "organisation_id": partnership.organisation_id, "organisation": org.version if org else None,
            "contact_id": contact.id if contact else None, "contact": contact.version if contact else None}


# ---------------------------------------------------------------- choices for forms

def organisation_choices(session: Session, principal: Principal, school_id: int) -> list[dict]:
    """Organisations the user may link to this school (permissions.linkable_organisation_clauses)."""
    rows = session.execute(select(col(Organisation.id), col(Organisation.name), col(Organisation.type))
                           .where(*linkable_organisation_clauses(session, principal, school_id))
                           .order_by(col(Organisation.name)).limit(2000)).all()
    return [{"label": f"{name} ({ORGANISATION_TYPES.get(t, t)})", "value": oid} for oid, name, t in rows]


def municipality_choices(session: Session, principal: Principal) -> list[dict]:
    """Municipalities where the user may place a new organisation."""
    rows = session.execute(select(col(Municipality.id), col(Municipality.name), col(Municipality.region_id))
                           .order_by(col(Municipality.name))).all()
    return [{"label": name, "value": mid} for mid, name, rid in rows
            if is_admin(principal) or can_edit_region(principal, rid)]


def contact_choices(session: Session, principal: Principal, organisation_id: int | None,
                    school_id: int | None = None) -> list[dict]:
    """Contacts of an organisation the user may link to this school (without one: to a school the user
    may edit; permissions.linkable_contact_clauses); names only for roles that may see personal data."""
    from services.permissions import can_see_personal_data

    if not isinstance(organisation_id, int) or (school_id is not None and not isinstance(school_id, int)):
        return []
    rows = session.execute(select(col(Contact.id), col(Contact.name), col(Contact.role))
                           .where(*linkable_contact_clauses(session, principal, school_id, organisation_id))
                           .order_by(col(Contact.name))).all()
    personal = can_see_personal_data(principal)
    return [{"label": f"{name} ({role})" if personal else (role or f"contactpersoon {cid}"), "value": cid}
            for cid, name, role in rows]


def _offerable_errors(session: Session, principal: Principal, school_id: int, organisation_id: int | None,
                      contact_id: int | None, *, keep_contact: int | None = None) -> dict[str, str]:
    """The organisation or contact the form would not offer (the browser may send any id): the same
    answer for unknown and hidden ids. A change may keep the contact it already names."""
    errors: dict[str, str] = {}
    if isinstance(organisation_id, int) and session.scalar(
            select(col(Organisation.id)).where(col(Organisation.id) == organisation_id,
                                               *linkable_organisation_clauses(session, principal, school_id))) is None:
        errors["organisatie"] = "kies een organisatie uit de lijst"
    if isinstance(contact_id, int) and isinstance(organisation_id, int) and contact_id != keep_contact and \
            session.scalar(select(col(Contact.id)).where(
                col(Contact.id) == contact_id,
                *linkable_contact_clauses(session, principal, school_id, organisation_id))) is None:
        errors["contactpersoon"] = "kies een contactpersoon uit de lijst"
    return errors

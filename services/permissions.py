"""Who may read and change what. Pure functions on a Principal, plus a few database helpers.

Rules (an unknown role, or a user without areas, may do nothing):

| role          | reads                                               | changes                                  |
|---------------|-----------------------------------------------------|------------------------------------------|
| beheerder     | everything, the whole country, the audit log        | everything, users, region settings       |
| coordinator   | schools and figures of the regions assigned         | schools, partnerships, trajectories and  |
|               |                                                     | plans (tranches) of those regions        |
| stuurgroeplid | schools and figures of the assigned regions and of  | nothing                                  |
|               | every region in the assigned provinces; a province  |                                          |
|               | overview only for an assigned province              |                                          |
| bestuurder    | the schools of the assigned boards; the aggregated  | nothing                                  |
|               | figures of the regions those schools lie in (plus   |                                          |
|               | regions assigned explicitly), not their schools     |                                          |

"The whole country" (area key 'nl') is the beheerder's only. A school lies in the region
and province of its municipality. Contact persons' names, phone numbers and e-mail
addresses are shown to beheerder and coordinator only, and left out of the others'
exports. Callbacks must check with these functions on the server, whatever the page
showed: a client can call any callback with any id.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import false, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from models import Municipality, Region, School, User, UserScope


class PermissionDenied(Exception):
    """Raised when a user asks for something their role or areas do not allow."""

    def __init__(self, message: str = "Geen toegang: u mag deze gegevens niet bekijken of wijzigen.") -> None:
        super().__init__(message)


READ_DENIED = "Geen toegang: u mag deze gegevens niet bekijken."
EDIT_DENIED = "Geen toegang: u mag deze gegevens niet wijzigen."


@dataclass(frozen=True)
class Principal:
    user_id: int
    username: str
    role: str
    region_ids: frozenset[int] = frozenset()
    province_ids: frozenset[int] = frozenset()
    board_ids: frozenset[int] = frozenset()
    display_name: str = ""


# ---------------------------------------------------------------- pure rules

def is_admin(p: Principal) -> bool:
    return p.role == "beheerder"


def can_manage_users(p: Principal) -> bool:
    return is_admin(p)


def can_view_audit_log(p: Principal) -> bool:
    return is_admin(p)


def can_edit_region_settings(p: Principal) -> bool:
    return is_admin(p)


def can_see_personal_data(p: Principal) -> bool:
    return p.role in ("beheerder", "coordinator")


def import_regions(p: Principal, kind: str) -> frozenset[int] | None:
    """The regions an import by this user may change: None = all (beheerder).

    Coordinators import exchange files for their own regions (checked row by row); the DUO
    register is national and deactivates schools everywhere, so it is the beheerder's only.
    """
    if is_admin(p):
        return None
    if p.role == "coordinator" and kind == "exchange" and p.region_ids:
        return p.region_ids
    raise PermissionDenied(IMPORT_DENIED_DUO if p.role == "coordinator" else IMPORT_DENIED)


IMPORT_DENIED = "Importeren is voorbehouden aan de beheerder en de coördinatoren."
IMPORT_DENIED_DUO = ("Het DUO-register geldt voor het hele land en kan scholen in elke regio inactief maken; "
                     "alleen de beheerder importeert het.")


def can_read_country(p: Principal) -> bool:
    return is_admin(p)


def can_read_province(p: Principal, province_id: int | None) -> bool:
    return is_admin(p) or (p.role == "stuurgroeplid" and province_id in p.province_ids)


def can_read_region(p: Principal, region_id: int | None, province_of_region: int | None) -> bool:
    """May see the region's (aggregated) figures."""
    if is_admin(p):
        return True
    if p.role in ("coordinator", "bestuurder"):
        return region_id in p.region_ids
    if p.role == "stuurgroeplid":
        return region_id in p.region_ids or (province_of_region is not None and province_of_region in p.province_ids)
    return False


def can_read_area(p: Principal, region_id: int | None, province_id: int | None,
                  province_of_region: int | None = None) -> bool:
    """For a Scope: a region, a province, or (both None) the whole country."""
    if region_id is not None:
        return can_read_region(p, region_id, province_of_region)
    if province_id is not None:
        return can_read_province(p, province_id)
    return can_read_country(p)


def can_edit_region(p: Principal, region_id: int | None) -> bool:
    """May change the region's schools, partnerships, trajectories and plans (not its settings)."""
    return is_admin(p) or (p.role == "coordinator" and region_id in p.region_ids)


def can_read_school(p: Principal, school_region_id: int | None, school_province_id: int | None,
                    school_board_id: int | None) -> bool:
    if is_admin(p):
        return True
    if p.role == "coordinator":
        return school_region_id in p.region_ids
    if p.role == "stuurgroeplid":
        return school_region_id in p.region_ids or (
            school_province_id is not None and school_province_id in p.province_ids)
    if p.role == "bestuurder":
        return school_board_id is not None and school_board_id in p.board_ids
    return False


def can_edit_school(p: Principal, school_region_id: int | None) -> bool:
    return can_edit_region(p, school_region_id)


def readable_region_ids(p: Principal, region_provinces: Mapping[int, int | None]) -> frozenset[int] | None:
    """The regions whose figures the user may see; None means all (beheerder)."""
    if is_admin(p):
        return None
    return frozenset(r for r, prov in region_provinces.items() if can_read_region(p, r, prov))


def readable_area_keys(p: Principal, region_provinces: Mapping[int, int | None],
                       province_ids: Iterable[int] = ()) -> list[str]:
    """Area keys ('nl', 'p<id>', 'r<id>') the user may pick, from all regions (with their
    province) and all provinces."""
    provinces = set(province_ids) | {v for v in region_provinces.values() if v is not None}
    keys = ["nl"] if can_read_country(p) else []
    keys += [f"p{pid}" for pid in sorted(provinces) if can_read_province(p, pid)]
    keys += [f"r{rid}" for rid, prov in sorted(region_provinces.items()) if can_read_region(p, rid, prov)]
    return keys


# ---------------------------------------------------------------- SQL

def school_filter_for(p: Principal, *, for_edit: bool = False) -> list[ColumnElement[bool]]:
    """WHERE clauses that keep only the schools the user may read (or change): `.where(*clauses)`.

    Empty for a beheerder. Uses a subquery on Municipality, so no join is needed.
    """
    if is_admin(p):
        return []
    if for_edit:
        if p.role != "coordinator":
            return [false()]
        return [col(School.municipality_id).in_(
            select(col(Municipality.id)).where(col(Municipality.region_id).in_(sorted(p.region_ids))))]
    area: ColumnElement[bool]
    if p.role == "coordinator":
        area = col(Municipality.region_id).in_(sorted(p.region_ids))
    elif p.role == "stuurgroeplid":
        area = or_(col(Municipality.region_id).in_(sorted(p.region_ids)),
                   col(Municipality.province_id).in_(sorted(p.province_ids)))
    elif p.role == "bestuurder":
        return [col(School.board_id).in_(sorted(p.board_ids))]
    else:
        return [false()]
    return [col(School.municipality_id).in_(select(col(Municipality.id)).where(area))]


# ---------------------------------------------------------------- database helpers

def principal_for(session: Session, user: User) -> Principal:
    """The user's rights as plain data; a bestuurder also gets the regions of their boards' schools."""
    if not user.active:
        raise PermissionDenied("Dit account is uitgeschakeld.")
    if user.id is None:
        raise ValueError("principal_for needs a stored user (with an id)")
    rows = session.execute(select(col(UserScope.region_id), col(UserScope.province_id), col(UserScope.board_id))
                           .where(col(UserScope.user_id) == user.id)).all()
    regions = {r for r, _, _ in rows if r is not None}
    provinces = {pr for _, pr, _ in rows if pr is not None}
    boards = {b for _, _, b in rows if b is not None}
    if user.role == "bestuurder" and boards:
        regions |= set(session.scalars(
            select(col(Municipality.region_id)).distinct()
            .join(School, col(School.municipality_id) == col(Municipality.id))
            .where(col(School.board_id).in_(sorted(boards)), col(Municipality.region_id).is_not(None))))
    return Principal(user_id=user.id, username=user.username, role=user.role, region_ids=frozenset(regions),
                     province_ids=frozenset(provinces), board_ids=frozenset(boards),
                     display_name=user.display_name)


def region_provinces(session: Session) -> dict[int, int | None]:
    """{region id: province id (None when the region lies in no province)} of every region."""
    return {rid: pid for rid, pid in session.execute(select(col(Region.id), col(Region.province_id)))}


def school_location(session: Session, school_id: int) -> tuple[int | None, int | None, int | None] | None:
    """(region_id, province_id, board_id) of a school, or None when it does not exist."""
    row = session.execute(select(col(Municipality.region_id), col(Municipality.province_id), col(School.board_id))
                          .join(Municipality, col(School.municipality_id) == col(Municipality.id))
                          .where(col(School.id) == school_id)).first()
    return (row[0], row[1], row[2]) if row else None


def ensure_can_read_school(session: Session, p: Principal, school_id: int) -> None:
    # An unknown id gets the same answer as a forbidden one: ids reveal nothing.
    where = school_location(session, school_id)
    if where is None or not can_read_school(p, *where):
        raise PermissionDenied(READ_DENIED)


def ensure_can_edit_school(session: Session, p: Principal, school_id: int) -> None:
    where = school_location(session, school_id)
    if where is None or not can_edit_school(p, where[0]):
        raise PermissionDenied(EDIT_DENIED)


def ensure_can_read_area(session: Session, p: Principal, region_id: int | None, province_id: int | None) -> None:
    """For a Scope taken from the URL: region, province or (both None) the whole country."""
    region = session.get(Region, region_id) if region_id is not None else None
    if region_id is not None and region is None:
        raise PermissionDenied(READ_DENIED)
    if not can_read_area(p, region_id, province_id, region.province_id if region else None):
        raise PermissionDenied(READ_DENIED)


def ensure_can_edit_region(p: Principal, region_id: int | None) -> None:
    if not can_edit_region(p, region_id):
        raise PermissionDenied(EDIT_DENIED)


def readable_area_options(session: Session, p: Principal) -> list[dict]:
    """services.areas.area_options, limited to the areas the user may pick."""
    from services.areas import area_options

    allowed = set(readable_area_keys(p, region_provinces(session)))
    return [o for o in area_options(session) if o["value"] in allowed]


def default_area_key(session: Session, p: Principal) -> str | None:
    """The first area the user may see ('nl' for a beheerder); None when there is none."""
    options = readable_area_options(session, p)
    return options[0]["value"] if options else None


def can_import_files(p: Principal) -> bool:
    """Beheerder: every file; coordinator: exchange files, each row checked against their regions."""
    return is_admin(p) or (p.role == "coordinator" and bool(p.region_ids))


def can_export_exchange(p: Principal) -> bool:
    """The exchange export holds every school of the readable regions, so not for a board member."""
    return p.role in ("beheerder", "coordinator", "stuurgroeplid")


# ---------------------------------------------------------------- tranche planning

PLAN_ROLES = ("beheerder", "coordinator", "stuurgroeplid")


def can_read_plans(p: Principal, region_id: int | None, province_of_region: int | None) -> bool:
    """Tranche plans of a region: beheerder, and coordinators and stuurgroepleden who may read
    the region; a bestuurder never (not even for the regions of their schools)."""
    return p.role in PLAN_ROLES and can_read_region(p, region_id, province_of_region)


def can_edit_plans(p: Principal, region_id: int | None) -> bool:
    """Tranches and plans are changed by those who change the region's trajectories."""
    return p.role in PLAN_ROLES and can_edit_region(p, region_id)


# ---------------------------------------------------------------- steering-group meetings (issue 14)

def can_edit_meetings(p: Principal, region_id: int | None, province_id: int | None) -> bool:
    """The meeting dates and notes of a region: beheerder and the region's coordinators; of a province:
    the beheerder only (no coordinator has a province). Everyone who may read the area sees them."""
    if region_id is not None:
        return can_edit_region(p, region_id)
    return province_id is not None and is_admin(p)


def ensure_can_edit_meetings(p: Principal, region_id: int | None, province_id: int | None) -> None:
    if not can_edit_meetings(p, region_id, province_id):
        raise PermissionDenied(EDIT_DENIED)


# ---------------------------------------------------------------- personal data

# The one list of personal data (AVG): the field, and its column in the exchange workbook
# (dataio.exchange_schema marks exactly these columns personal=True). Pages, exports, graphs and
# hovers show them only to roles with can_see_personal_data; everything else is not personal.
PERSONAL_FIELDS: dict[str, tuple[str, str]] = {
    "contact.name": ("contactpersonen", "naam"),
    "contact.phone": ("contactpersonen", "telefoon"),
    "contact.email": ("contactpersonen", "email"),
    "partnership.contact": ("samenwerkingen", "contactpersoon"),   # the contact person named on a partnership
    "phase_event.recorded_by": ("fasen", "vastgelegd_door"),        # the user who recorded a phase
}


def may_see_field(p: Principal, field: str) -> bool:
    """Whether this user may see a field: personal data (PERSONAL_FIELDS) only with can_see_personal_data."""
    return field not in PERSONAL_FIELDS or can_see_personal_data(p)


# ---------------------------------------------------------------- organisations and boards (forms and imports)

def can_edit_organisation_at(p: Principal, municipality_region_id: int | None, has_municipality: bool,
                             served_school_regions: Iterable[int | None]) -> bool:
    """May change an organisation and its contact persons (services.partnerships.can_edit_organisation):
    the beheerder; or one who may edit the region of its municipality; or, when every school it
    works with lies in a region the user may edit, one who may edit those (at least one school)."""
    if is_admin(p):
        return True
    if has_municipality and can_edit_region(p, municipality_region_id):
        return True
    served = list(served_school_regions)
    return bool(served) and all(can_edit_region(p, r) for r in served)


def can_place_organisation(p: Principal, municipality_region_id: int | None, has_municipality: bool) -> bool:
    """May give a (new or moved) organisation this municipality: the beheerder anywhere (also none);
    others only a municipality in a region they may edit (services.partnerships._check_organisation)."""
    return is_admin(p) or (has_municipality and can_edit_region(p, municipality_region_id))


def can_link_organisation(p: Principal, school_region_id: int | None, municipality_region_id: int | None,
                          has_municipality: bool, served_school_regions: Iterable[int | None]) -> bool:
    """An organisation that may be linked to a school, row by row for the import; the same rule as the
    forms' choices and save (linkable_organisation_clauses, in SQL): one whose municipality lies in the
    school's region; one without a municipality only for the beheerder or when it already works with a
    school the user may edit (so nobody reaches the contact persons of organisations only others use)."""
    if has_municipality:
        return school_region_id is None or municipality_region_id == school_region_id
    return is_admin(p) or any(can_edit_region(p, r) for r in served_school_regions)


def can_change_boards(p: Principal) -> bool:
    """Renaming a school board or moving a school to another board: the beheerder only (a board's
    bestuurder reads the schools of their board, so a move grants read access)."""
    return is_admin(p)


def can_import_history_authors(p: Principal) -> bool:
    """An import may keep the recorded author and time of phase events only for the beheerder
    (a restore); everyone else's imported events are recorded by them, at the time of import."""
    return is_admin(p)


# ---------------------------------------------------------------- linking organisations to a school

def linkable_organisation_clauses(session: Session, p: Principal,
                                  school_id: int | None) -> list[ColumnElement[bool]]:
    """WHERE clauses on Organisation for the organisations this user may link to this school (and
    whose contact persons the forms may offer): `.where(*clauses)`. One rule for the form's choices
    and the save (services.partnerships): what the form does not offer, the save refuses.

    Nothing unless the user may edit the school. Then: organisations that have not ended, in a
    municipality of the school's region, or already working with this school; an organisation
    without a municipality only when it works with a school the user may edit (a beheerder: any).
    A coordinator never gets organisations, or their contact persons, that only other regions use.
    Without a school (school_id None): the same for any school the user may edit."""
    from datetime import date as date_type

    from sqlalchemy import and_

    from domain import clock
    from models import Organisation, Partnership

    if school_id is not None:
        where = school_location(session, school_id)
        if where is None or not can_edit_school(p, where[0]):
            return [false()]
        region_ids = [where[0]] if where[0] is not None else None
    elif is_admin(p):
        region_ids = None
    elif p.role == "coordinator":
        region_ids = sorted(p.region_ids)
    else:
        return [false()]
    today: date_type = clock.today()
    clauses: list[ColumnElement[bool]] = [
        or_(col(Organisation.ended_on).is_(None), col(Organisation.ended_on) >= today)]
    if region_ids is None:   # a beheerder without a school, or a school outside every region (beheerder only)
        return clauses
    editable_schools = select(col(School.id)).where(*school_filter_for(p, for_edit=True))
    in_region = col(Organisation.municipality_id).in_(
        select(col(Municipality.id)).where(col(Municipality.region_id).in_(region_ids)))
    with_the_school = col(Organisation.id).in_(select(col(Partnership.organisation_id)).where(
        col(Partnership.school_id) == school_id if school_id is not None
        else col(Partnership.school_id).in_(editable_schools)))
    without_municipality: ColumnElement[bool] = col(Organisation.municipality_id).is_(None)
    if not is_admin(p):
        without_municipality = and_(without_municipality, col(Organisation.id).in_(
            select(col(Partnership.organisation_id)).where(col(Partnership.school_id).in_(editable_schools))))
    clauses.append(or_(in_region, with_the_school, without_municipality))
    return clauses


def linkable_contact_clauses(session: Session, p: Principal, school_id: int | None,
                             organisation_id: int) -> list[ColumnElement[bool]]:
    """WHERE clauses on Contact: the contact persons (not ended) of one organisation this user may link
    to this school (linkable_organisation_clauses)."""
    from domain import clock
    from models import Contact, Organisation

    return [col(Contact.organisation_id) == organisation_id,
            or_(col(Contact.ended_on).is_(None), col(Contact.ended_on) >= clock.today()),
            col(Contact.organisation_id).in_(select(col(Organisation.id)).where(
                col(Organisation.id) == organisation_id,
                *linkable_organisation_clauses(session, p, school_id)))]


# ---------------------------------------------------------------- each role's own view (issue 15)

MY_SCHOOLS_ROLES = ("beheerder", "coordinator", "stuurgroeplid", "bestuurder")
WORKLIST_ROLES = ("beheerder", "coordinator")


def can_view_board(p: Principal, board_id: int | None) -> bool:
    """Mijn scholen for one board: a bestuurder only their own boards; beheerder, coordinator and
    stuurgroeplid any board, seeing only its schools they may read (school_filter_for)."""
    if board_id is None or p.role not in MY_SCHOOLS_ROLES:
        return False
    return board_id in p.board_ids if p.role == "bestuurder" else True


def can_view_worklist(p: Principal, region_id: int | None) -> bool:
    """The Actielijst of a region: who may act on it (the beheerder and the region's coordinators)."""
    return p.role in WORKLIST_ROLES and can_edit_region(p, region_id)


def ensure_can_view_worklist(p: Principal, region_id: int | None) -> None:
    if not can_view_worklist(p, region_id):
        raise PermissionDenied(READ_DENIED)


def can_subscribe_calendar(p: Principal) -> bool:
    """A personal calendar feed of certificate expiry dates (no personal data in it): those who have an
    Actielijst. The feed shows only the schools the user may read, checked again on every fetch."""
    return p.role in WORKLIST_ROLES


def can_view_contact_list(p: Principal) -> bool:
    """The contact list for a meeting ("namen en rugnummers") is personal data: can_see_personal_data."""
    return can_see_personal_data(p)


def ensure_can_view_contact_list(p: Principal) -> None:
    if not can_view_contact_list(p):
        raise PermissionDenied("Geen toegang: de contactlijst bevat persoonsgegevens, die u niet mag bekijken.")


# ---------------------------------------------------------------- board-limited scope, read-only roles (issue 15)

def board_limited(p: Principal) -> bool:
    """A bestuurder's figures cover only the schools of their board(s), never a whole region: pages say so
    ("Scholen van bestuur X in regio Y") and compare nothing of them with a region's capacity."""
    return p.role == "bestuurder"


def can_write_anything(p: Principal) -> bool:
    """Whether a page shows this user forms and buttons that change data at all: the read-only roles
    (stuurgroeplid, bestuurder, and any unknown role) get none; each save still checks its own rule."""
    return p.role in ("beheerder", "coordinator")


USER_ADMIN_DENIED = "Geen toegang: alleen een beheerder mag gebruikers en het auditlog beheren."


def require_user_admin(p: Principal) -> None:
    """The Beheer page's check, in every one of its callbacks (a client can call any callback)."""
    if not can_manage_users(p):
        raise PermissionDenied(USER_ADMIN_DENIED)

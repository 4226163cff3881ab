"""Partner-network data for the network page and the school page, read with the user's permissions.

Per school: its partnerships active at the as-of date (domain.network.partnership_active),
completeness and gaps against its region's required partner types (domain.network.completeness).
Per scope: all schools the user may read in the scope, their active partnerships as
domain.network_analysis.Link, and the analyses of that module. Contact persons' names,
phones and e-mails only for roles with permissions.can_see_personal_data.

Read models are frozen dataclasses; every selection (scope, municipality, school, partnership)
is filtered in SQL. The one school lookup is services.schools.readable_school.
"""
from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeVar, cast

from sqlalchemy import func, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from domain import network_analysis as na
from domain.network import completeness, contact_active, partnership_active
from domain.scope import Scope
from domain.vocab import DEFAULT_REQUIRED_PARTNER_TYPES, ORGANISATION_TYPES, label
from models import Contact, Municipality, Organisation, Partnership, Region, School
from services.permissions import (
    Principal,
    can_edit_school,
    can_see_personal_data,
    school_filter_for,
)
from services.school_facts import school_filters
from services.schools import readable_school

# Above this many nodes (schools + organisations) the area graph is not drawn as a whole:
# measured with bench/network_timing.py (the dense force layout grows with the square of the
# nodes; networkx needs scipy from 500 nodes on, which is not a dependency), and a drawing
# of more nodes is unreadable anyway.
MAX_DRAWN_NODES = 450
# Partners serving more schools than this do not define learning groups (they tie everyone).
COMMUNITY_MAX_LOAD = 40
# Louvain on the school projection takes seconds above this many schools (bench/network_timing.py):
# larger scopes get no learning groups, and the page asks to pick a region or a municipality.
COMMUNITY_MAX_SCHOOLS = 2000
WEAK_THRESHOLD = 0.5
SCHOOL_OPTIONS_LIMIT = 50
_IN_CHUNK = 900   # ids per IN (...) list: below SQLite's parameter limit

T = TypeVar("T")


def _in_scope(scope: Scope, principal: Principal) -> list[ColumnElement[bool]]:
    """WHERE clauses for the readable schools in scope (joined with their municipality)."""
    clauses: list[ColumnElement[bool]] = [*school_filters(scope), *school_filter_for(principal)]
    return clauses


# ---------------------------------------------------------------- school search

def school_options(session: Session, principal: Principal, scope: Scope, search: str = "",
                   *, limit: int = SCHOOL_OPTIONS_LIMIT) -> list[dict[str, str]]:
    """Dropdown options {'label': 'Naam (CODE, Plaats)', 'value': code} for readable schools in scope
    where every word of `search` occurs in the name, code or town (case-insensitive), at most `limit`."""
    # every word must occur in the name, the code or the town (so a whole option label finds itself)
    words = [w for w in re.split(r"[\s(),–]+", (search or "").lower()[:100]) if w][:8]
    stmt = (select(col(School.code), col(School.name), col(School.city))
            .join(Municipality, col(School.municipality_id) == col(Municipality.id))
            .where(*_in_scope(scope, principal)))
    text = func.lower(col(School.name) + " " + col(School.code) + " " + func.coalesce(col(School.city), ""))
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(text.like(f"%{escaped}%", escape="\\"))
    rows = session.execute(stmt.order_by(col(School.name), col(School.code)).limit(limit)).all()
    return [{"label": f"{name} ({code}, {city or '–'})", "value": code} for code, name, city in rows]


# ---------------------------------------------------------------- one school

@dataclass(frozen=True)
class Partner:
    """One partnership of a school, with its organisation and (as far as the user may see) its contact."""
    partnership_id: int
    organisation_id: int
    organisation: str
    type: str
    role: str
    start_on: date
    end_on: date | None
    agreements: str
    contact_id: int | None
    contact: str = ""            # name, only with personal data
    contact_role: str = ""       # function (not personal)
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class SchoolNetwork:
    school_id: int
    code: str
    name: str
    region: str
    required: list[str]
    partners: list[Partner]
    share: float | None
    present: tuple[str, ...]
    missing: tuple[str, ...]
    personal: bool
    editable: bool
    ended: list[Partner] = field(default_factory=list)   # ended before as_of: history for the editor


def school_network(session: Session, principal: Principal, code: str, as_of: date) -> SchoolNetwork:
    """The network at as_of of the school with this DUO code (NotFound / PermissionDenied)."""
    return network_of(session, principal, readable_school(session, principal, code), as_of)


def _school_region(session: Session, school: School) -> Region | None:
    municipality = session.get(Municipality, school.municipality_id)
    return session.get(Region, municipality.region_id) if municipality and municipality.region_id else None


def _partners(session: Session, principal: Principal, school_id: int, as_of: date,
              partnership_id: int | None = None) -> tuple[list[Partner], list[Partner]]:
    """(active at as_of, ended before as_of) partnerships of one school; optionally only one partnership."""
    personal = can_see_personal_data(principal)
    stmt = (select(Partnership, Organisation, Contact)
            .join(Organisation, col(Partnership.organisation_id) == col(Organisation.id))
            .outerjoin(Contact, col(Partnership.contact_id) == col(Contact.id))
            .where(col(Partnership.school_id) == school_id))
    if partnership_id is not None:
        stmt = stmt.where(col(Partnership.id) == partnership_id)
    rows = session.execute(stmt.order_by(col(Organisation.type), col(Organisation.name), col(Partnership.start_on),
                                         col(Partnership.id))).all()
    active, ended = [], []
    for p, o, c in rows:
        if c is not None and not contact_active(c.ended_on, as_of):
            c = None  # the contact person had left by as_of
        assert p.id is not None and o.id is not None
        item = Partner(p.id, o.id, o.name, o.type, p.role, p.start_on, p.end_on, p.agreements, p.contact_id,
                       contact=(c.name if c and personal else ""), contact_role=(c.role if c else ""),
                       phone=(c.phone if c and personal else ""), email=(c.email if c and personal else ""))
        if partnership_active(p.start_on, p.end_on, as_of):
            active.append(item)
        elif p.start_on <= as_of:
            ended.append(item)
    return active, ended


def network_of(session: Session, principal: Principal, school: School, as_of: date) -> SchoolNetwork:
    """The network at as_of of a school the caller found with services.schools.readable_school
    (which checked the permission: it is not checked again)."""
    assert school.id is not None
    region = _school_region(session, school)
    partners, ended = _partners(session, principal, school.id, as_of)
    required = list(region.required_partner_types) if region else list(DEFAULT_REQUIRED_PARTNER_TYPES)
    result = completeness(required, [p.type for p in partners])
    return SchoolNetwork(school.id, school.code, school.name, region.name if region else "", required, partners,
                         result.share, result.present, result.missing, can_see_personal_data(principal),
                         can_edit_school(principal, region.id if region else None), ended)


def active_partner(session: Session, principal: Principal, school: School, partnership_id: int,
                   as_of: date) -> Partner | None:
    """One partnership of a (checked) school, when it is active at as_of: read alone, not the whole network."""
    assert school.id is not None
    active, _ = _partners(session, principal, school.id, as_of, partnership_id)
    return active[0] if active else None


# ---------------------------------------------------------------- a scope

@dataclass(frozen=True)
class SchoolInfo:
    code: str
    name: str
    municipality_id: int
    municipality: str
    region_id: int | None


@dataclass(frozen=True)
class OrganisationInfo:
    name: str
    type: str


@dataclass(frozen=True)
class ContactInfo:
    name: str              # empty without personal data
    role: str
    organisation_id: int


@dataclass(frozen=True)
class ScopeNetwork:
    scope: Scope
    schools: dict[int, SchoolInfo]
    organisations: dict[int, OrganisationInfo]
    contacts: dict[int, ContactInfo]
    links: list[na.Link]
    required: dict[int, list[str]]            # school id -> its region's required types
    types: list[str]                          # union of required types, in a stable order
    networks: dict[int, na.SchoolNetwork]
    personal: bool

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything the graph or the analyses show changes: schools, active
        partnerships (with role and contact), organisations' names and types, contacts."""
        h = hashlib.sha1()
        links = sorted(self.links, key=lambda link: (link.school_id, link.organisation_id, link.role,
                                                     link.contact_id or 0))
        for part in (sorted(self.schools.items()), links, sorted(self.organisations.items()),
                     sorted(self.contacts.items()), sorted(self.required.items())):
            h.update(repr(part).encode())
        return h.hexdigest()


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i:i + _IN_CHUNK] for i in range(0, len(ids), _IN_CHUNK)]


def scope_network(session: Session, principal: Principal, scope: Scope, *,
                  municipality_id: int | None = None) -> ScopeNetwork:
    """All readable schools in scope (optionally one municipality) and their active partnerships."""
    filters = _in_scope(scope, principal)
    if municipality_id is not None:
        filters.append(col(School.municipality_id) == municipality_id)
    school_rows = session.execute(
        select(col(School.id), col(School.code), col(School.name), col(Municipality.id), col(Municipality.name),
               col(Region.id), col(Region.required_partner_types))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .outerjoin(Region, col(Municipality.region_id) == col(Region.id))
        .where(*filters).order_by(col(School.name), col(School.code))).all()
    schools: dict[int, SchoolInfo] = {}
    required: dict[int, list[str]] = {}
    for sid, code, name, mid, mname, rid, req in school_rows:
        schools[sid] = SchoolInfo(code, name, mid, mname, rid)
        required[sid] = list(req) if rid is not None else list(DEFAULT_REQUIRED_PARTNER_TYPES)
    # the partnerships active at as_of, filtered in SQL (partnership_active's rule)
    edge_rows = session.execute(
        select(col(Partnership.school_id), col(Partnership.organisation_id), col(Organisation.type),
               col(Partnership.contact_id), col(Partnership.role), col(Contact.ended_on))
        .join(Organisation, col(Partnership.organisation_id) == col(Organisation.id))
        .outerjoin(Contact, col(Partnership.contact_id) == col(Contact.id))
        .join(School, col(Partnership.school_id) == col(School.id))
        .join(Municipality, col(School.municipality_id) == col(Municipality.id))
        .where(*filters, col(Partnership.start_on) <= scope.as_of,
               or_(col(Partnership.end_on).is_(None), col(Partnership.end_on) >= scope.as_of))).all()
    links = [na.Link(s, o, t, c if contact_active(left, scope.as_of) else None, r)
             for s, o, t, c, r, left in edge_rows]
    organisations: dict[int, OrganisationInfo] = {}
    for ids in _chunks(sorted({link.organisation_id for link in links})):
        for oid, name, otype in session.execute(select(col(Organisation.id), col(Organisation.name),
                                                       col(Organisation.type)).where(col(Organisation.id).in_(ids))):
            organisations[oid] = OrganisationInfo(name, otype)
    personal = can_see_personal_data(principal)
    contacts: dict[int, ContactInfo] = {}
    for ids in _chunks(sorted({link.contact_id for link in links if link.contact_id is not None})):
        for cid, name, role, oid in session.execute(select(col(Contact.id), col(Contact.name), col(Contact.role),
                                                           col(Contact.organisation_id))
                                                    .where(col(Contact.id).in_(ids))):
            contacts[cid] = ContactInfo(name if personal else "", role, oid)
    types = list(dict.fromkeys(t for sid in schools for t in required[sid]))
    networks = na.school_networks(list(schools), required, links)
    return ScopeNetwork(scope, schools, organisations, contacts, links, required, types, networks, personal)


def municipality_options(session: Session, principal: Principal, scope: Scope) -> list[dict[str, Any]]:
    """The municipalities with readable schools in scope, counted in SQL: {'label': 'Naam (n scholen)', 'value': id}."""
    rows = session.execute(
        select(col(Municipality.id), col(Municipality.name), func.count(col(School.id)))
        .join(School, col(School.municipality_id) == col(Municipality.id))
        .where(*_in_scope(scope, principal))
        .group_by(col(Municipality.id), col(Municipality.name)).order_by(col(Municipality.name))).all()
    return [{"label": f"{name} ({n} scholen)", "value": mid} for mid, name, n in rows]


# ---------------------------------------------------------------- analyses (rows of the page's tables)

@dataclass(frozen=True)
class LoadRow:
    organisation: str
    type: str
    schools: int


@dataclass(frozen=True)
class FailureRow:
    kind: str            # 'Organisatie' or 'Contactpersoon'
    who: str
    schools: int
    types: str
    school_names: str


@dataclass(frozen=True)
class CommunityRow:
    group: str
    size: int
    schools: str
    shared: str


@dataclass(frozen=True)
class WeakRow:
    school: str
    code: str
    municipality: str
    partners: int
    share: float | None
    missing: str


@dataclass(frozen=True)
class Analysis:
    load: list[LoadRow]
    failures: list[FailureRow]
    communities: list[CommunityRow]
    weak: list[WeakRow]
    drawn: bool                     # False when the graph has more than MAX_DRAWN_NODES nodes
    communities_computed: bool      # False above COMMUNITY_MAX_SCHOOLS schools


def analyse(net: ScopeNetwork) -> Analysis:
    """The regional analyses with names filled in (contact names only with personal data)."""
    def school_label(sid: int) -> str:
        s = net.schools[sid]
        return f"{s.name} ({s.code})"

    load = [LoadRow(net.organisations[o].name, label(ORGANISATION_TYPES, net.organisations[o].type), n)
            for o, n in na.partner_load(net.links)]
    failures = []
    for f in na.single_points_of_failure(net.links, net.required):
        if f.kind == "organisation":
            who, kind = net.organisations[f.id].name, "Organisatie"
        else:
            c = net.contacts.get(f.id)
            org = net.organisations.get(c.organisation_id) if c else None
            who = f"{(c and (c.name or c.role)) or 'contactpersoon'} — {org.name if org else ''}"
            kind = "Contactpersoon"
        failures.append(FailureRow(kind, who, len(f.schools),
                                   ", ".join(sorted({label(ORGANISATION_TYPES, t) for _, t in f.exposed})),
                                   "; ".join(school_label(s) for s in f.schools[:8])
                                   + (f" en {len(f.schools) - 8} meer" if len(f.schools) > 8 else "")))
    # learning groups are for a region's next tranche: computed within each region (also cheaper
    # than one Louvain run over a whole province or the country)
    by_region: dict[int | None, list[na.Link]] = {}
    for link in net.links:
        by_region.setdefault(net.schools[link.school_id].region_id, []).append(link)
    computed = len(net.schools) <= COMMUNITY_MAX_SCHOOLS
    groups = sorted((g for links in by_region.values() for g in na.communities(links, max_load=COMMUNITY_MAX_LOAD)),
                    key=lambda c: (-len(c), c)) if computed else []
    shared: dict[int, set[int]] = {}
    for link in net.links:
        shared.setdefault(link.school_id, set()).add(link.organisation_id)
    communities = []
    for i, group in enumerate(groups, start=1):
        common = set.intersection(*(shared[s] for s in group)) if group else set()
        communities.append(CommunityRow(f"Leergroep {i}", len(group), "; ".join(school_label(s) for s in group),
                                        ", ".join(sorted(net.organisations[o].name for o in common))
                                        or "(partners gedeeld door deelgroepen)"))
    weak = [WeakRow(school_label(n.school_id), net.schools[n.school_id].code, net.schools[n.school_id].municipality,
                    n.partners, n.share, ", ".join(label(ORGANISATION_TYPES, t) for t in n.missing))
            for n in na.weak_networks(net.networks, WEAK_THRESHOLD)]
    return Analysis(load, failures, communities, weak, len(net.schools) + len(net.organisations) <= MAX_DRAWN_NODES,
                    computed)


@dataclass(frozen=True)
class Heatmap:
    rows: list[str]                       # school labels, or municipality names when aggregated
    types: list[str]
    matrix: list[list[float | None]]
    aggregated: bool


def heatmap(net: ScopeNetwork, max_schools: int) -> Heatmap:
    """Schools x required types (1 present, 0 missing, None not required); above max_schools
    aggregated per municipality (share of its schools that have the type)."""
    matrix = na.completeness_matrix(net.networks, net.required, net.types)
    if len(net.networks) <= max_schools:
        order = sorted(net.networks, key=lambda s: (net.schools[s].name, net.schools[s].code))
        return Heatmap([f"{net.schools[s].name} ({net.schools[s].code})" for s in order], net.types,
                       [list(matrix[s]) for s in order], False)
    shares = na.group_completeness(matrix, {s: net.schools[s].municipality for s in net.networks}, len(net.types))
    order_groups = sorted(shares)
    return Heatmap(order_groups, net.types, [shares[g] for g in order_groups], True)


# ---------------------------------------------------------------- caches

# Small per-process LRU caches keyed by content: a stale entry can never be served, because any
# change to the graph changes the fingerprint in the key (so several workers are no problem).
_CACHE: OrderedDict[tuple[Hashable, ...], object] = OrderedDict()
_CACHE_MAX = 48


def _cached(key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return cast(T, _CACHE[key])
    value = compute()
    _CACHE[key] = value
    if len(_CACHE) > _CACHE_MAX:
        _CACHE.popitem(last=False)
    return value


def clear_caches() -> None:
    _CACHE.clear()


def cached_analysis(net: ScopeNetwork, key: tuple[Hashable, ...]) -> Analysis:
    """analyse(net), cached per (scope, date, graph content, personal data or not)."""
    return _cached(("analysis", *key, net.personal, net.fingerprint), lambda: analyse(net))


def scope_positions(net: ScopeNetwork, key: tuple[Hashable, ...]) -> dict[str, tuple[float, float]]:
    """Seeded positions of the scope graph (organisations on a ring, schools among their partners),
    cached per (scope, date, graph content)."""
    def compute() -> dict[str, tuple[float, float]]:
        g = na.bipartite_graph(net.links, net.schools)
        return na.anchored_positions(g, seed=1, size=max(600.0, 120 * g.number_of_nodes() ** 0.5))

    return _cached(("positions", *key, net.fingerprint), compute)


# ---------------------------------------------------------------- export

def export_partnerships(session: Session, principal: Principal, scope: Scope,
                        fmt: Literal["csv", "xlsx"]) -> tuple[str, bytes]:
    """The partnerships of the readable schools in scope (all dates: history included) in the exchange
    format: 'xlsx' gives the sheets samenwerkingen, organisaties and (with personal data)
    contactpersonen; 'csv' gives samenwerkingen.csv for Dutch Excel (dataio.report_csv: Dutch labels,
    dd-mm-jjjj), which `vios import` still reads back as that sheet.
    Without personal data the contact column is left out, as in the Gegevens export."""
    from dataio.exchange import export_tables
    from dataio.report_csv import excel_csv_bytes, with_labels
    from dataio.tabular import xlsx_bytes

    filters = _in_scope(scope, principal)
    codes = set(session.scalars(select(col(School.code))
                                .join(Municipality, col(School.municipality_id) == col(Municipality.id))
                                .where(*filters)))
    region_ids: list[int] | None = None
    if scope.region_id is not None or scope.province_id is not None:
        found = session.scalars(select(col(Municipality.region_id))
                                .join(School, col(School.municipality_id) == col(Municipality.id))
                                .where(*filters, col(Municipality.region_id).is_not(None)).distinct())
        region_ids = sorted({r for r in found if r is not None})
    personal = can_see_personal_data(principal)
    tables = {name: (header, rows) for name, header, rows in
              export_tables(session, include_personal=personal, scope_region_ids=region_ids)}
    header, rows = tables["samenwerkingen"]
    rows = [r for r in rows if r[header.index("school")] in codes]
    if fmt == "csv":
        return "samenwerkingen.csv", excel_csv_bytes(header, with_labels("samenwerkingen", header, rows))
    used = {r[header.index("organisatie")] for r in rows}
    sheets = [("samenwerkingen", header, rows)]
    oh, orows = tables["organisaties"]
    sheets.append(("organisaties", oh, [r for r in orows if r[oh.index("naam")] in used]))
    if personal and "contactpersonen" in tables:
        ch, crows = tables["contactpersonen"]
        sheets.append(("contactpersonen", ch, [r for r in crows if r[ch.index("organisatie")] in used]))
    return "samenwerkingen.xlsx", xlsx_bytes(sheets)

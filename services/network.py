"""Partner-network data for the network page and the school page, read with the user's permissions.

Per school: its partnerships active at the as-of date (domain.network.partnership_active),
completeness and gaps against its region's required partner types (domain.network.completeness).
Per scope: all schools the user may read in the scope, their active partnerships as
domain.network_analysis.Link, and the analyses of that module. Contact persons' names,
phones and e-mails only for roles with permissions.can_see_personal_data.
"""
from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, or_, select
from sqlmodel import Session

from domain import network_analysis as na
from domain.network import completeness, contact_active, partnership_active
from domain.scope import Scope
from domain.vocab import DEFAULT_REQUIRED_PARTNER_TYPES, ORGANISATION_TYPES, label
from models import Contact, Municipality, Organisation, Partnership, Region, School
from services.permissions import (
    READ_DENIED,
    PermissionDenied,
    Principal,
    can_edit_school,
    can_see_personal_data,
    ensure_can_read_school,
    school_filter_for,
    school_location,
)
from services.snapshot import _school_filters

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


def _required(region: Region | None) -> list[str]:
    return list(region.required_partner_types) if region else list(DEFAULT_REQUIRED_PARTNER_TYPES)


# ---------------------------------------------------------------- school search

def school_options(session: Session, principal: Principal, scope: Scope, search: str = "",
                   *, limit: int = SCHOOL_OPTIONS_LIMIT) -> list[dict]:
    """Dropdown options {'label': 'Naam (CODE, Plaats)', 'value': code} for readable schools in scope
    where every word of `search` occurs in the name, code or town (case-insensitive), at most `limit`."""
    filters = _school_filters(scope) + school_filter_for(principal)
    # every word must occur in the name, the code or the town (so a whole option label finds itself)
    words = [w for w in re.split(r"[\s(),–]+", (search or "").lower()[:100]) if w][:8]
    stmt = (select(School.code, School.name, School.city).join(Municipality, School.municipality_id == Municipality.id)
            .where(*filters))
    text = func.lower(School.name + " " + School.code + " " + func.coalesce(School.city, ""))
    for word in words:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(text.like(f"%{escaped}%", escape="\\"))
    rows = session.execute(stmt.order_by(School.name, School.code).limit(limit)).all()
    return [{"label": f"{name} ({code}, {city or '–'})", "value": code} for code, name, city in rows]


def school_by_code(session: Session, principal: Principal, code: str) -> School:
    """The school with this DUO code if the user may read it; else PermissionDenied (same answer)."""
    from services.school_profile import SCHOOL_CODE

    code = (code or "").strip().upper()
    school = session.scalar(select(School).where(School.code == code)) if SCHOOL_CODE.match(code) else None
    if school is None:
        raise PermissionDenied(READ_DENIED)
    ensure_can_read_school(session, principal, school.id)
    return school


# ---------------------------------------------------------------- one school

@dataclass
class Partner:
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


@dataclass
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
    school = school_by_code(session, principal, code)
    municipality = session.get(Municipality, school.municipality_id)
    region = session.get(Region, municipality.region_id) if municipality.region_id else None
    personal = can_see_personal_data(principal)
    rows = session.execute(
        select(Partnership, Organisation, Contact)
        .join(Organisation, Partnership.organisation_id == Organisation.id)
        .outerjoin(Contact, Partnership.contact_id == Contact.id)
        .where(Partnership.school_id == school.id)
        .order_by(Organisation.type, Organisation.name, Partnership.start_on, Partnership.id)).all()
    partners, ended = [], []
    for p, o, c in rows:
        if c is not None and not contact_active(c.ended_on, as_of):
            c = None  # the contact person had left by as_of
        item = Partner(p.id, o.id, o.name, o.type, p.role, p.start_on, p.end_on, p.agreements, p.contact_id,
                       contact=(c.name if c and personal else ""), contact_role=(c.role if c else ""),
                       phone=(c.phone if c and personal else ""), email=(c.email if c and personal else ""))
        if partnership_active(p.start_on, p.end_on, as_of):
            partners.append(item)
        elif p.start_on <= as_of:
            ended.append(item)
    required = _required(region)
    result = completeness(required, [p.type for p in partners])
    where = school_location(session, school.id)
    return SchoolNetwork(school.id, school.code, school.name, region.name if region else "", required, partners,
                         result.share, result.present, result.missing, personal,
                         bool(where) and can_edit_school(principal, where[0]), ended)


# ---------------------------------------------------------------- a scope

@dataclass
class ScopeNetwork:
    scope: Scope
    schools: dict[int, dict]                  # id -> {code, name, municipality, region_id}
    organisations: dict[int, dict]            # id -> {name, type}
    contacts: dict[int, dict]                 # id -> {name (personal only), role}
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
        for part in (sorted(self.schools.items()), links,
                     sorted(self.organisations.items()), sorted(self.contacts.items()), sorted(self.required.items())):
            h.update(repr(part).encode())
        return h.hexdigest()


def scope_network(session: Session, principal: Principal, scope: Scope, *,
                  municipality_id: int | None = None) -> ScopeNetwork:
    """All readable schools in scope (optionally one municipality) and their active partnerships."""
    filters = _school_filters(scope) + school_filter_for(principal)
    if municipality_id is not None:
        filters.append(School.municipality_id == municipality_id)
    conn = session.connection()
    school_rows = conn.execute(
        select(School.id, School.code, School.name, Municipality.id, Municipality.name, Region.id,
               Region.required_partner_types)
        .join(Municipality, School.municipality_id == Municipality.id)
        .outerjoin(Region, Municipality.region_id == Region.id)
        .where(*filters).order_by(School.name, School.code)).all()
    schools, required = {}, {}
    for sid, code, name, mid, mname, rid, req in school_rows:
        schools[sid] = {"code": code, "name": name, "municipality_id": mid, "municipality": mname, "region_id": rid}
        required[sid] = list(req) if rid is not None else list(DEFAULT_REQUIRED_PARTNER_TYPES)
    edge_rows = conn.execute(
        select(Partnership.school_id, Partnership.organisation_id, Organisation.type, Partnership.contact_id,
               Partnership.role, Partnership.start_on, Partnership.end_on, Contact.ended_on)
        .join(Organisation, Partnership.organisation_id == Organisation.id)
        .outerjoin(Contact, Partnership.contact_id == Contact.id)
        .join(School, Partnership.school_id == School.id)
        .join(Municipality, School.municipality_id == Municipality.id)
        .where(*filters, Partnership.start_on <= scope.as_of,
               or_(Partnership.end_on.is_(None), Partnership.end_on >= scope.as_of))).all()
    links = [na.Link(s, o, t, c if contact_active(left, scope.as_of) else None, r)
             for s, o, t, c, r, start, end, left in edge_rows
             if s in schools and partnership_active(start, end, scope.as_of)]
    org_ids = sorted({link.organisation_id for link in links})
    organisations = {}
    for i in range(0, len(org_ids), 900):
        for oid, name, otype in conn.execute(select(Organisation.id, Organisation.name, Organisation.type)
                                             .where(Organisation.id.in_(org_ids[i:i + 900]))):
            organisations[oid] = {"name": name, "type": otype}
    personal = can_see_personal_data(principal)
    contact_ids = sorted({link.contact_id for link in links if link.contact_id is not None})
    contacts = {}
    for i in range(0, len(contact_ids), 900):
        for cid, name, role, oid in conn.execute(select(Contact.id, Contact.name, Contact.role,
                                                        Contact.organisation_id)
                                                 .where(Contact.id.in_(contact_ids[i:i + 900]))):
            contacts[cid] = {"name": name if personal else "", "role": role, "organisation_id": oid}
    types = list(dict.fromkeys(t for sid in schools for t in required[sid]))
    networks = na.school_networks(schools, required, links)
    return ScopeNetwork(scope, schools, organisations, contacts, links, required, types, networks, personal)


def municipality_options(session: Session, net: ScopeNetwork) -> list[dict]:
    counts: dict[int, list] = {}
    for s in net.schools.values():
        counts.setdefault(s["municipality_id"], [s["municipality"], 0])[1] += 1
    return [{"label": f"{name} ({n} scholen)", "value": mid}
            for mid, (name, n) in sorted(counts.items(), key=lambda kv: kv[1][0])]


@dataclass
class Analysis:
    load: list[dict]
    failures: list[dict]
    communities: list[dict]
    weak: list[dict]
    drawn: bool                     # False when the graph has more than MAX_DRAWN_NODES nodes
    communities_computed: bool      # False above COMMUNITY_MAX_SCHOOLS schools


def analyse(net: ScopeNetwork) -> Analysis:
    """The regional analyses with names filled in (contact names only with personal data)."""
    def school_label(sid: int) -> str:
        s = net.schools[sid]
        return f"{s['name']} ({s['code']})"

    load = [{"organisation": net.organisations[o]["name"],
             "type": label(ORGANISATION_TYPES, net.organisations[o]["type"]), "schools": n}
            for o, n in na.partner_load(net.links)]
    failures = []
    for f in na.single_points_of_failure(net.links, net.required):
        if f.kind == "organisation":
            org = net.organisations[f.id]
            who, kind = org["name"], "Organisatie"
        else:
            c = net.contacts.get(f.id, {})
            org = net.organisations.get(c.get("organisation_id"), {"name": ""})
            who = f"{c.get('name') or c.get('role') or 'contactpersoon'} — {org['name']}"
            kind = "Contactpersoon"
        failures.append({"kind": kind, "who": who, "schools": len(f.schools),
                         "types": ", ".join(sorted({label(ORGANISATION_TYPES, t) for _, t in f.exposed})),
                         "school_names": "; ".join(school_label(s) for s in f.schools[:8])
                         + (f" en {len(f.schools) - 8} meer" if len(f.schools) > 8 else "")})
    # learning groups are for a region's next tranche: computed within each region (also cheaper
    # than one Louvain run over a whole province or the country)
    by_region: dict[object, list[na.Link]] = {}
    for link in net.links:
        by_region.setdefault(net.schools[link.school_id]["region_id"], []).append(link)
    computed = len(net.schools) <= COMMUNITY_MAX_SCHOOLS
    groups = sorted((g for links in by_region.values() for g in na.communities(links, max_load=COMMUNITY_MAX_LOAD)),
                    key=lambda c: (-len(c), c)) if computed else []
    shared = {}
    for link in net.links:
        shared.setdefault(link.school_id, set()).add(link.organisation_id)
    communities = []
    for i, group in enumerate(groups, start=1):
        common = set.intersection(*(shared[s] for s in group)) if group else set()
        communities.append({"group": f"Leergroep {i}", "size": len(group),
                            "schools": "; ".join(school_label(s) for s in group),
                            "shared": ", ".join(sorted(net.organisations[o]["name"] for o in common)) or
                            "(partners gedeeld door deelgroepen)"})
    weak = [{"school": school_label(n.school_id), "code": net.schools[n.school_id]["code"],
             "municipality": net.schools[n.school_id]["municipality"], "partners": n.partners,
             "share": n.share, "missing": ", ".join(label(ORGANISATION_TYPES, t) for t in n.missing)}
            for n in na.weak_networks(net.networks, WEAK_THRESHOLD)]
    return Analysis(load, failures, communities, weak, len(net.schools) + len(net.organisations) <= MAX_DRAWN_NODES,
                    computed)


def heatmap(net: ScopeNetwork, max_schools: int) -> dict:
    """Schools x required types (1 present, 0 missing, None not required); above max_schools
    aggregated per municipality (share of its schools that have the type)."""
    matrix = na.completeness_matrix(net.networks, net.required, net.types)
    if len(net.networks) <= max_schools:
        order = sorted(net.networks, key=lambda s: (net.schools[s]["name"], net.schools[s]["code"]))
        return {"rows": [f"{net.schools[s]['name']} ({net.schools[s]['code']})" for s in order], "types": net.types,
                "matrix": [matrix[s] for s in order], "aggregated": False}
    shares = na.group_completeness(matrix, {s: net.schools[s]["municipality"] for s in net.networks}, len(net.types))
    order = sorted(shares)
    return {"rows": order, "types": net.types, "matrix": [shares[g] for g in order], "aggregated": True}


# ---------------------------------------------------------------- caches

# Small per-process LRU caches keyed by content: a stale entry can never be served, because any
# change to the graph changes the fingerprint in the key (so several workers are no problem).
_CACHE: OrderedDict[tuple, object] = OrderedDict()
_CACHE_MAX = 48


def _cached(key: tuple, compute):
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    value = compute()
    _CACHE[key] = value
    if len(_CACHE) > _CACHE_MAX:
        _CACHE.popitem(last=False)
    return value


def clear_caches() -> None:
    _CACHE.clear()


def cached_analysis(net: ScopeNetwork, key: tuple) -> Analysis:
    """analyse(net), cached per (scope, date, graph content, personal data or not)."""
    return _cached(("analysis", *key, net.personal, net.fingerprint), lambda: analyse(net))


def scope_positions(net: ScopeNetwork, key: tuple) -> dict[str, tuple[float, float]]:
    """Seeded positions of the scope graph (organisations on a ring, schools among their partners),
    cached per (scope, date, graph content)."""
    def compute() -> dict[str, tuple[float, float]]:
        g = na.bipartite_graph(net.links, net.schools)
        return na.anchored_positions(g, seed=1, size=max(600.0, 120 * g.number_of_nodes() ** 0.5))

    return _cached(("positions", *key, net.fingerprint), compute)


# ---------------------------------------------------------------- export

def export_partnerships(session: Session, principal: Principal, scope: Scope, fmt: str) -> tuple[str, bytes]:
    """The partnerships of the readable schools in scope (all dates: history included) in the exchange
    format: 'xlsx' gives the sheets samenwerkingen, organisaties and (with personal data)
    contactpersonen; 'csv' gives samenwerkingen.csv, which `vios import` reads back as that sheet.
    Without personal data the contact column is left out, as in the Gegevens export."""
    from dataio.exchange import export_tables
    from dataio.tabular import csv_bytes, xlsx_bytes

    filters = _school_filters(scope) + school_filter_for(principal)
    codes = set(session.scalars(select(School.code).join(Municipality, School.municipality_id == Municipality.id)
                                .where(*filters)))
    region_ids = None if scope.region_id is None and scope.province_id is None else sorted(set(session.scalars(
        select(Municipality.region_id).join(School, School.municipality_id == Municipality.id)
        .where(*filters, Municipality.region_id.is_not(None)).distinct())))
    personal = can_see_personal_data(principal)
    tables = {name: (header, rows) for name, header, rows in
              export_tables(session, include_personal=personal, scope_region_ids=region_ids)}
    header, rows = tables["samenwerkingen"]
    rows = [r for r in rows if r[header.index("school")] in codes]
    if fmt == "csv":
        return "samenwerkingen.csv", csv_bytes(header, rows)
    used = {r[header.index("organisatie")] for r in rows}
    sheets = [("samenwerkingen", header, rows)]
    oh, orows = tables["organisaties"]
    sheets.append(("organisaties", oh, [r for r in orows if r[oh.index("naam")] in used]))
    if personal and "contactpersonen" in tables:
        ch, crows = tables["contactpersonen"]
        sheets.append(("contactpersonen", ch, [r for r in crows if r[ch.index("organisatie")] in used]))
    return "samenwerkingen.xlsx", xlsx_bytes(sheets)

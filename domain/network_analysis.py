"""Analysis of partner networks (plain data in, plain data out; networkx does the graph work).

The input is the list of partnerships active at the as-of date, as `Link`s (services.network
reads them and applies domain.network.partnership_active). A network is bipartite: schools on
one side, organisations on the other. Completeness follows DOMAIN.md via domain.network.

Metrics:
- partner load: distinct schools per organisation, ranked;
- single points of failure: an organisation (or contact person) that is the only one giving a
  school a partner of a required type, so its loss leaves the school without that type;
- communities: groups of schools sharing partners (Louvain on the school projection, seeded);
- weak networks: schools without any partnership or with completeness below a threshold;
- completeness matrix: per school, per required type, present or missing.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from domain.network import completeness


@dataclass(frozen=True)
class Link:
    """One active partnership: school - organisation (of a type), with an optional contact."""
    school_id: int
    organisation_id: int
    organisation_type: str
    contact_id: int | None = None
    role: str = ""


def school_node(school_id: int) -> str:
    return f"s{school_id}"


def organisation_node(organisation_id: int) -> str:
    return f"o{organisation_id}"


def bipartite_graph(links: Iterable[Link], schools: Iterable[int] = ()) -> nx.Graph:
    """Schools ('s<id>', kind 'school') and organisations ('o<id>', kind 'organisation'); one edge
    per pair, with the number of partnerships between them as 'count'. `schools` adds schools
    without partnerships."""
    g = nx.Graph()
    for school_id in schools:
        g.add_node(school_node(school_id), kind="school", id=school_id)
    for link in links:
        s, o = school_node(link.school_id), organisation_node(link.organisation_id)
        g.add_node(s, kind="school", id=link.school_id)
        g.add_node(o, kind="organisation", id=link.organisation_id, type=link.organisation_type)
        if g.has_edge(s, o):
            g[s][o]["count"] += 1
        else:
            g.add_edge(s, o, count=1)
    return g


# ---------------------------------------------------------------- load

def partner_load(links: Iterable[Link]) -> list[tuple[int, int]]:
    """(organisation id, number of distinct schools it serves), most schools first, then by id."""
    g = bipartite_graph(links)
    load = [(g.nodes[n]["id"], g.degree(n)) for n in g if g.nodes[n]["kind"] == "organisation"]
    return sorted(load, key=lambda x: (-x[1], x[0]))


# ---------------------------------------------------------------- single points of failure

@dataclass(frozen=True)
class Failure:
    """Losing this organisation or contact leaves these schools without a partner of these types."""
    kind: str                                  # 'organisation' or 'contact'
    id: int
    exposed: tuple[tuple[int, str], ...]       # (school id, required type), sorted

    @property
    def schools(self) -> tuple[int, ...]:
        return tuple(sorted({s for s, _ in self.exposed}))


def single_points_of_failure(links: Iterable[Link], required: Mapping[int, Sequence[str]]) -> list[Failure]:
    """Organisations and contacts that are a school's only source of a required partner type.

    For school s and required type t, let O(s, t) be the organisations of type t with an active
    partnership with s and C(s, t) the contact persons on those partnerships. When O(s, t) is
    exactly {o}, losing o leaves s without type t; when C(s, t) is exactly {c} and every such
    partnership names c, losing c leaves s without anyone to call for type t. A school that lacks
    t altogether has a gap, not a single point of failure. Most affected schools first.
    """
    orgs: dict[tuple[int, str], set[int]] = defaultdict(set)
    contacts: dict[tuple[int, str], set[int | None]] = defaultdict(set)
    for link in links:
        if link.organisation_type in required.get(link.school_id, ()):
            key = (link.school_id, link.organisation_type)
            orgs[key].add(link.organisation_id)
            contacts[key].add(link.contact_id)
    exposed: dict[tuple[str, int], set[tuple[int, str]]] = defaultdict(set)
    for key, found in orgs.items():
        if len(found) == 1:
            exposed[("organisation", next(iter(found)))].add(key)
        people = contacts[key]
        person = next(iter(people)) if len(people) == 1 else None
        if person is not None:
            exposed[("contact", person)].add(key)
    result = [Failure(kind, ident, tuple(sorted(pairs))) for (kind, ident), pairs in exposed.items()]
    return sorted(result, key=lambda f: (-len(f.schools), -len(f.exposed), f.kind != "organisation", f.id))


# ---------------------------------------------------------------- communities

def school_projection(links: Iterable[Link], *, max_load: int | None = None) -> nx.Graph:
    """Schools linked when they share an organisation; weight = sum over shared organisations of
    1 / (schools served - 1), so a partner of two schools binds them more than one of forty.
    Organisations serving more than max_load schools are left out (they tie everyone together)."""
    g = bipartite_graph(links)
    p = nx.Graph()
    for _node, data in g.nodes(data=True):
        if data["kind"] == "school":
            p.add_node(data["id"])
    for n, data in g.nodes(data=True):
        if data["kind"] != "organisation":
            continue
        served = sorted(g.nodes[s]["id"] for s in g.neighbors(n))
        if len(served) < 2 or (max_load is not None and len(served) > max_load):
            continue
        w = 1.0 / (len(served) - 1)
        for i, a in enumerate(served):
            for b in served[i + 1:]:
                if p.has_edge(a, b):
                    p[a][b]["weight"] += w
                else:
                    p.add_edge(a, b, weight=w)
    return p


def communities(links: Iterable[Link], *, seed: int = 1, max_load: int | None = None,
                min_size: int = 2) -> list[tuple[int, ...]]:
    """Groups of schools that share partners (Louvain, seeded: the same answer every time).

    Largest group first; each group sorted by school id; groups smaller than min_size dropped.
    """
    p = school_projection(links, max_load=max_load)
    p.remove_nodes_from([n for n in list(p) if p.degree(n) == 0])
    if p.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(p, weight="weight", seed=seed)
    groups = [tuple(sorted(c)) for c in found if len(c) >= min_size]
    return sorted(groups, key=lambda c: (-len(c), c))


# ---------------------------------------------------------------- completeness per school

def active_types(links: Iterable[Link]) -> dict[int, set[str]]:
    types: dict[int, set[str]] = defaultdict(set)
    for link in links:
        types[link.school_id].add(link.organisation_type)
    return types


@dataclass(frozen=True)
class SchoolNetwork:
    school_id: int
    partners: int                  # distinct organisations with an active partnership
    share: float | None            # domain.network.completeness
    missing: tuple[str, ...]


def school_networks(school_ids: Iterable[int], required: Mapping[int, Sequence[str]],
                    links: Iterable[Link]) -> dict[int, SchoolNetwork]:
    links = list(links)
    types = active_types(links)
    partners: dict[int, set[int]] = defaultdict(set)
    for link in links:
        partners[link.school_id].add(link.organisation_id)
    result = {}
    for s in school_ids:
        c = completeness(required.get(s, ()), types.get(s, ()))
        result[s] = SchoolNetwork(s, len(partners.get(s, ())), c.share, c.missing)
    return result


def weak_networks(networks: Mapping[int, SchoolNetwork], threshold: float = 0.5) -> list[SchoolNetwork]:
    """Schools without any partnership, or with completeness below threshold; weakest first."""
    weak = [n for n in networks.values()
            if n.partners == 0 or (n.share is not None and n.share < threshold)]
    return sorted(weak, key=lambda n: (n.share if n.share is not None else -1.0, n.partners, n.school_id))


def completeness_matrix(networks: Mapping[int, SchoolNetwork], required: Mapping[int, Sequence[str]],
                        types: Sequence[str]) -> dict[int, list[int | None]]:
    """Per school, per type in `types`: 1 present, 0 missing, None when its region does not require it."""
    matrix = {}
    for s, n in networks.items():
        req = set(required.get(s, ()))
        matrix[s] = [None if t not in req else (0 if t in n.missing else 1) for t in types]
    return matrix


def group_completeness(matrix: Mapping[int, list[int | None]], groups: Mapping[int, str],
                       n_types: int) -> dict[str, list[float | None]]:
    """Aggregate a completeness matrix by group (e.g. municipality): per type the share of the
    group's schools that require it and have it; None when none of them requires it."""
    sums: dict[str, list[list[int]]] = {}
    for s, row in matrix.items():
        acc = sums.setdefault(groups[s], [[0, 0] for _ in range(n_types)])
        for i, v in enumerate(row):
            if v is not None:
                acc[i][0] += v
                acc[i][1] += 1
    return {g: [(have / total if total else None) for have, total in acc] for g, acc in sums.items()}


# ---------------------------------------------------------------- positions

def spring_positions(g: nx.Graph, *, seed: int = 1, size: float = 1000.0) -> dict[str, tuple[float, float]]:
    """Seeded force-directed positions scaled to a size x size pixel box (for a preset layout)."""
    if g.number_of_nodes() == 0:
        return {}
    k = 2.5 / math.sqrt(g.number_of_nodes())
    pos = nx.spring_layout(g, seed=seed, k=k, iterations=60)
    half = size / 2
    return {n: (round(float(x) * half + half, 1), round(float(y) * half + half, 1)) for n, (x, y) in pos.items()}


def anchored_positions(g: nx.Graph, *, seed: int = 1, size: float = 1000.0) -> dict[str, tuple[float, float]]:
    """Organisations fixed on a ring (grouped by type), schools placed among their partners by a
    seeded spring layout: readable even when a few partners serve every school. Pixel box size x size."""
    orgs = sorted((n for n, d in g.nodes(data=True) if d.get("kind") == "organisation"),
                  key=lambda n: (g.nodes[n].get("type", ""), g.nodes[n]["id"]))
    if not orgs:
        return spring_positions(g, seed=seed, size=size)
    ring = {n: (x / 1000, y / 1000) for n, (x, y) in zip(orgs, ring_positions(len(orgs), 1000.0), strict=True)}
    k = 1.0 / math.sqrt(max(1, g.number_of_nodes()))
    pos = nx.spring_layout(g, pos=ring, fixed=orgs, seed=seed, k=k, iterations=60, scale=None)
    half = size / 2
    return {n: (round(float(x) * half * 0.95 + half, 1), round(float(y) * half * 0.95 + half, 1))
            for n, (x, y) in pos.items()}


def ring_positions(count: int, radius: float, *, start_angle: float = -math.pi / 2,
                   centre: tuple[float, float] = (0.0, 0.0)) -> list[tuple[float, float]]:
    """`count` points evenly on a circle, the first at the top, clockwise."""
    if count <= 0:
        return []
    step = 2 * math.pi / count
    return [(round(centre[0] + radius * math.cos(start_angle + i * step), 1),
             round(centre[1] + radius * math.sin(start_angle + i * step), 1)) for i in range(count)]

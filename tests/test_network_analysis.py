"""Network metrics on small graphs whose answers are worked out by hand in the comments."""
from __future__ import annotations

import pytest

from domain.network_analysis import (
    Failure,
    Link,
    anchored_positions,
    bipartite_graph,
    communities,
    completeness_matrix,
    group_completeness,
    partner_load,
    ring_positions,
    school_networks,
    school_projection,
    single_points_of_failure,
    spring_positions,
    weak_networks,
)

REQ = ["politie", "halt"]

# s1: politie o10 (contact 100), halt o20 (contact 200)
# s2: politie o10 (contact 100) and o11 (contact 101), halt o20 (contact 201)
# s3: halt o20 (contact 200); politie missing
# s4: no partnerships
LINKS = [
    Link(1, 10, "politie", 100, "kernteam"), Link(1, 20, "halt", 200, "advies"),
    Link(2, 10, "politie", 100, "kernteam"), Link(2, 11, "politie", 101, "advies"), Link(2, 20, "halt", 201),
    Link(3, 20, "halt", 200),
]
REQUIRED = {1: REQ, 2: REQ, 3: REQ, 4: REQ}


def test_net_a01_partner_load_counts_distinct_schools():
    # o20 serves 1, 2, 3; o10 serves 1, 2; o11 serves 2. A second edge to the same school counts once.
    assert partner_load(LINKS + [Link(1, 20, "halt", None, "kernteam")]) == [(20, 3), (10, 2), (11, 1)]
    assert partner_load([]) == []


def test_net_a02_single_points_of_failure_organisations_and_contacts():
    found = single_points_of_failure(LINKS, REQUIRED)
    # o20 is the only halt partner of 1, 2 and 3; contact 200 is the only halt contact of 1 and 3;
    # o10 only for s1's politie (s2 also has o11); contact 100 only for s1; contact 201 for s2.
    assert found == [
        Failure("organisation", 20, ((1, "halt"), (2, "halt"), (3, "halt"))),
        Failure("contact", 200, ((1, "halt"), (3, "halt"))),
        Failure("organisation", 10, ((1, "politie"),)),
        Failure("contact", 100, ((1, "politie"),)),
        Failure("contact", 201, ((2, "halt"),)),
    ]
    assert found[0].schools == (1, 2, 3)


def test_net_a03_no_failure_for_unrequired_types_or_unnamed_contacts():
    links = [Link(1, 30, "jongerenwerk", 300), Link(1, 10, "politie", None), Link(1, 12, "politie", None)]
    # jongerenwerk is not required; politie has two organisations and no named contact
    assert single_points_of_failure(links, {1: REQ}) == []
    # one organisation, partly without a contact: the organisation is a risk, the contact is not
    links = [Link(1, 10, "politie", 100), Link(1, 10, "politie", None, "advies")]
    assert single_points_of_failure(links, {1: REQ}) == [Failure("organisation", 10, ((1, "politie"),))]


def test_net_a04_school_networks_and_weak_networks():
    nets = school_networks([1, 2, 3, 4], REQUIRED, LINKS)
    assert (nets[1].share, nets[2].share, nets[3].share, nets[4].share) == (1.0, 1.0, 0.5, 0.0)
    assert nets[2].partners == 3 and nets[3].missing == ("politie",) and nets[4].partners == 0
    assert [n.school_id for n in weak_networks(nets)] == [4]              # 0,5 is not below 0,5
    assert [n.school_id for n in weak_networks(nets, threshold=0.75)] == [4, 3]
    # a school in a region without requirements is weak only when it has no partners at all
    nets = school_networks([5, 6], {}, [Link(5, 10, "politie")])
    assert nets[5].share is None and [n.school_id for n in weak_networks(nets)] == [6]


def test_net_a05_completeness_matrix_and_group_shares():
    nets = school_networks([1, 3, 4], {1: REQ, 3: REQ, 4: ["halt"]}, LINKS)
    matrix = completeness_matrix(nets, {1: REQ, 3: REQ, 4: ["halt"]}, ["politie", "halt"])
    assert matrix == {1: [1, 1], 3: [0, 1], 4: [None, 0]}
    # group A = schools 1 and 3: politie 1 of 2, halt 2 of 2; group B = school 4: politie not required
    shares = group_completeness(matrix, {1: "A", 3: "A", 4: "B"}, 2)
    assert shares == {"A": [0.5, 1.0], "B": [None, 0.0]}


def _triangles(hub: bool = False) -> list[Link]:
    # schools 1-3 share o100 and o101, schools 4-6 share o200 and o201, o300 links 3 and 4 (a bridge)
    links = [Link(s, o, "politie") for s in (1, 2, 3) for o in (100, 101)]
    links += [Link(s, o, "politie") for s in (4, 5, 6) for o in (200, 201)]
    links += [Link(3, 300, "halt"), Link(4, 300, "halt")]
    if hub:
        links += [Link(s, 999, "gemeente") for s in range(1, 7)]
    return links


def test_net_a06_projection_weights():
    p = school_projection(_triangles())
    # a partner of 3 schools gives 1/2 per pair (two of them: 1), a partner of 2 schools 1/1
    assert p[1][2]["weight"] == pytest.approx(1.0) and p[3][4]["weight"] == pytest.approx(1.0)
    assert not p.has_edge(1, 4)
    p = school_projection(_triangles(hub=True), max_load=3)
    assert not p.has_edge(1, 6)


def test_net_a07_communities_split_two_groups_joined_by_one_partner():
    # total weight 7; modularity of {1,2,3},{4,5,6}: 2 * (3/7 - (7/14)^2) = 0,357;
    # {1,2},{3,4},{5,6}: 3/7 - (4/14)^2 - (6/14)^2 - (4/14)^2 = 0,082
    assert communities(_triangles()) == [(1, 2, 3), (4, 5, 6)]
    # a partner of every school is left out when it serves more than max_load schools
    assert communities(_triangles(hub=True), max_load=3) == [(1, 2, 3), (4, 5, 6)]
    # schools that share nothing form no group
    assert communities([Link(1, 10, "politie"), Link(2, 11, "politie")]) == []


def test_net_a08_positions_are_seeded_and_rings_even():
    g = bipartite_graph(_triangles())
    assert spring_positions(g, seed=3) == spring_positions(g, seed=3)
    xs = [x for x, _ in spring_positions(g, size=500).values()]
    assert min(xs) >= -1 and max(xs) <= 501
    assert ring_positions(4, 100) == [pytest.approx((0, -100)), pytest.approx((100, 0)), pytest.approx((0, 100)),
                                      pytest.approx((-100, 0))]
    assert ring_positions(0, 100) == []


def test_net_a09_anchored_positions_keep_organisations_on_the_ring():
    g = bipartite_graph(_triangles())
    pos = anchored_positions(g, size=200)
    assert pos == anchored_positions(g, size=200)
    # organisations sorted by (type, id): halt o300 first at the top of the ring (centre 100, radius 95)
    assert pos["o300"] == pytest.approx((100, 5), abs=0.2)
    for n in ("o100", "o101", "o200", "o201", "o300"):
        x, y = pos[n]
        assert ((x - 100) ** 2 + (y - 100) ** 2) ** 0.5 == pytest.approx(95, abs=0.2)

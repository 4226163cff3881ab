"""Benchmark: the network page's per-school and area callbacks at demo and national scale.

    python bench/network_timing.py [--schools 8000] [--repeat 5]

'layout' rows time the server-side positions (uncached) for growing numbers of schools:
the basis of services.network.MAX_DRAWN_NODES. Prints a table (bench/common.py); nothing
is asserted.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from common import TODAY, Add, admin_principal, largest_region, run

if TYPE_CHECKING:
    from sqlmodel import Session


def measure(session: Session, add: Add) -> None:
    from sqlmodel import col, func, select

    from components import network_graph as ng
    from domain import network_analysis as na
    from domain.scope import Scope
    from models import Partnership, School
    from pages.network import _area_tab as area_tab
    from services import network

    admin = admin_principal()
    region_id, province_id = largest_region(session)
    # the school with the most partnerships: the heaviest per-school graph
    code = session.exec(select(col(School.code)).join(Partnership).group_by(col(School.id))
                        .order_by(func.count(col(Partnership.id)).desc())).first()
    if code is None:
        raise RuntimeError("the dataset has no partnerships")

    def per_school():
        net = network.school_network(session, admin, code, TODAY)
        return ng.school_elements(net, show_contacts=True), ng.completeness_figure(
            net.share, len(net.present), len(net.required))

    add("per school: graph + figure", 1, per_school)
    add("school search ('college')", "-",
        lambda: network.school_options(session, admin, Scope(as_of=TODAY), "college"))
    scopes = {"regio": Scope(as_of=TODAY, region_id=region_id),
              "provincie": Scope(as_of=TODAY, province_id=province_id),
              "heel Nederland": Scope(as_of=TODAY)}
    for label, scope in scopes.items():
        net = network.scope_network(session, admin, scope)
        n = len(net.schools)
        add(f"area data, {label}", n, lambda: network.scope_network(session, admin, scope))  # noqa: B023
        add(f"area analyses, {label}", n, lambda: network.analyse(net))  # noqa: B023

        def area_callback():
            network.clear_caches()   # uncached: the first view of a scope and date
            return area_tab.area_view(network.scope_network(session, admin, scope), scope, None)  # noqa: B023

        add(f"area callback (uncached), {label}", n, area_callback, repeat=3)
    if len(network.scope_network(session, admin, scopes["provincie"]).schools) > 500:
        # positions for growing graphs: schools of the province, municipality by municipality
        whole = network.scope_network(session, admin, scopes["provincie"])
        ids = sorted(whole.schools, key=lambda sid: (whole.schools[sid].municipality, sid))
        for size in (100, 200, 300, 400, 500):
            keep = set(ids[:size])
            links = [link for link in whole.links if link.school_id in keep]
            g = na.bipartite_graph(links, keep)
            if g.number_of_nodes() >= 500:   # networkx switches to scipy there (not a dependency)
                continue
            add(f"layout, {g.number_of_nodes()} nodes", size,
                lambda: na.anchored_positions(g, seed=1), repeat=3)  # noqa: B023


if __name__ == "__main__":
    run(measure, repeat=5)

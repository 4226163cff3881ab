"""Benchmark: the network page's per-school and area callbacks at demo and national scale.

    python bench/network_timing.py [--schools 8000] [--repeat 5]

Seeds both datasets into temporary SQLite files and prints a table of median and worst
times. 'layout' rows time the server-side positions (uncached) for growing numbers of
schools: the basis of services.network.MAX_DRAWN_NODES. Nothing here is asserted.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_common import TODAY, _time, largest_region, print_table, seeded_engine  # noqa: E402  (bench/ is the script's folder)


def main() -> None:
    parser = argparse.ArgumentParser(description="network page timings")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--schools", type=int, default=8000, help="schools in the national dataset")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="vios-netbench-"))
    os.environ["VIOS_INSTANCE"] = str(tmp)
    from sqlalchemy import func, select

    from components import network_graph as ng
    from domain import network_analysis as na
    from domain.scope import Scope
    from models import Partnership, School
    from models.db import session_scope
    from services import network
    from services.permissions import Principal
    import app  # noqa: F401  (pages register against the app)
    from pages import network as network_page

    admin = Principal(user_id=0, username="bench", role="beheerder")
    rows = []
    for dataset in ("demo", "national"):
        engine, seconds = seeded_engine(tmp, dataset, args.schools)
        rows.append((dataset, "seed", "-", seconds, None))
        with session_scope(engine) as session:
            region_id, province_id = largest_region(session)
            # the school with the most partnerships: the heaviest per-school graph
            code = session.scalar(select(School.code).join(Partnership).group_by(School.id)
                                  .order_by(func.count(Partnership.id).desc()))

            def per_school():
                net = network.school_network(session, admin, code, TODAY)
                return ng.school_elements(net, show_contacts=True), ng.completeness_figure(
                    net.share, len(net.present), len(net.required))

            median, worst = _time(per_school, args.repeat)
            rows.append((dataset, "per school: graph + figure", 1, median, worst))
            median, worst = _time(lambda: network.school_options(session, admin, Scope(as_of=TODAY), "college"),
                                  args.repeat)
            rows.append((dataset, "school search ('college')", "-", median, worst))
            scopes = {"regio": Scope(as_of=TODAY, region_id=region_id),
                      "provincie": Scope(as_of=TODAY, province_id=province_id),
                      "heel Nederland": Scope(as_of=TODAY)}
            for label, scope in scopes.items():
                net = network.scope_network(session, admin, scope)
                n = len(net.schools)
                median, worst = _time(lambda: network.scope_network(session, admin, scope), args.repeat)
                rows.append((dataset, f"area data, {label}", n, median, worst))
                median, worst = _time(lambda: network.analyse(net), args.repeat)
                rows.append((dataset, f"area analyses, {label}", n, median, worst))

                def area_callback():
                    network.clear_caches()   # uncached: the first view of a scope and date
                    return network_page._area_view(network.scope_network(session, admin, scope), scope, None)

                median, worst = _time(area_callback, min(args.repeat, 3))
                rows.append((dataset, f"area callback (uncached), {label}", n, median, worst))
            if dataset == "national":
                # positions for growing graphs: schools of the province, municipality by municipality
                whole = network.scope_network(session, admin, scopes["provincie"])
                ids = sorted(whole.schools, key=lambda sid: (whole.schools[sid]["municipality"], sid))
                for size in (100, 200, 300, 400, 500):
                    keep = set(ids[:size])
                    links = [link for link in whole.links if link.school_id in keep]
                    g = na.bipartite_graph(links, keep)
                    if g.number_of_nodes() >= 500:   # networkx switches to scipy there (not a dependency)
                        continue
                    median, worst = _time(lambda: na.anchored_positions(g, seed=1), 3)
                    rows.append((dataset, f"layout, {g.number_of_nodes()} nodes", size, median, worst))
        engine.dispose()

    print_table(rows, 44)

if __name__ == "__main__":
    main()

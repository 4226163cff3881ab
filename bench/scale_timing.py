"""Benchmark: how the pages' read models grow with the national set (8,000, 16,000, 32,000 schools).

    python bench/scale_timing.py --schools 8000 16000 32000 [--keep /tmp/vios-bench] [--repeat 5]

For each size: seeds the national set (with --keep: once, then reused), then times, at country,
province and region scope, the read models behind the pages: Overzicht (overview_since), Gemeenten
(comparison with 8 quarters, the map's data) and Certificering (the table's rows). "cold" is the first
call for the scope (for heel Nederland, measured first, also the first after a new data version: the
school facts loaded and every status computed; the other scopes share those), "warm" the median of
the next calls (what every later request of any scope pays until the next write). Both in CPU seconds
of this process (time.process_time), which other work on a shared machine disturbs less than wall
time; the wall time of the cold call beside it.
Nothing is asserted.
"""
from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from common import TODAY, largest_region


def _cpu(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.process_time() - cpu, time.perf_counter() - wall


def measure(path: Path, schools: int, repeat: int) -> list[tuple[str, str, float, float, float]]:
    from domain.scope import Scope
    from models.db import make_engine, session_scope
    from seed.scale import seed_scale
    from services import school_facts
    from services.certification_reads import CertificationReads
    from services.migrate import upgrade
    from services.municipality_comparison import comparison, map_data
    from services.report import overview_since

    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    if not path.with_suffix(".seeded").exists():
        with session_scope(engine) as session:
            seed_scale(session, schools=schools, seed=1, today=TODAY)
        path.with_suffix(".seeded").touch()
    rows = []
    compare_with = TODAY - timedelta(days=91)
    with session_scope(engine) as session:
        region_id, province_id = largest_region(session)
        scopes = {"heel Nederland": Scope(as_of=TODAY), "provincie": Scope(as_of=TODAY, province_id=province_id),
                  "regio": Scope(as_of=TODAY, region_id=region_id)}
        operations: dict[str, Callable[[Scope], object]] = {
            "Overzicht: overview_since": lambda s: overview_since(session, s, compare_with, None),
            "Gemeenten: comparison (8 quarters)": lambda s: comparison(session, s, compare_with, None,
                                                                      quarters=8, with_points=False),
            "Gemeenten: map_data": lambda s: map_data(session, s, None),
            "Certificering: table rows": lambda s: CertificationReads(session, s, None).rows,
        }
        school_facts.clear_cache()
        for label, scope in scopes.items():
            for name, fn in operations.items():
                cold_cpu, cold_wall = _cpu(lambda: fn(scope))  # noqa: B023
                warm = statistics.median(_cpu(lambda: fn(replace(scope)))[0] for _ in range(repeat))  # noqa: B023
                rows.append((name, label, cold_cpu, cold_wall, warm))
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, nargs="+", default=[8000])
    parser.add_argument("--keep", type=Path, default=None, help="seed each size once into this folder, reuse it")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from common import TMP, load_app

    load_app()
    folder = args.keep or TMP
    folder.mkdir(parents=True, exist_ok=True)
    print(f"{'schools':>8}  {'operation':<38}{'scope':<16}{'cold cpu s':>11}{'cold wall s':>12}{'warm cpu ms':>12}")
    for n in args.schools:
        for name, scope, cold_cpu, cold_wall, warm in measure(folder / f"national-{n}.db", n, args.repeat):
            print(f"{n:>8}  {name:<38}{scope:<16}{cold_cpu:>11.3f}{cold_wall:>12.3f}{warm * 1000:>12.1f}", flush=True)
    with open("/proc/loadavg") as f:
        print("# load average:", f.read().strip())


if __name__ == "__main__":
    main()

"""Benchmark: the overview report and page at demo and national scale.

    python bench/overview_timing.py [--schools 8000] [--repeat 5]

Seeds both datasets into temporary SQLite files and prints a table of median
and worst times per scope. Rerun after changes; nothing here is asserted.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TODAY = date(2026, 11, 23)


def _time(fn, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vios-bench-"))
    os.environ["VIOS_INSTANCE"] = str(tmp)
    from sqlalchemy import func, select
    from domain.scope import Scope
    from models import Municipality, Region, School
    from models.db import make_engine, session_scope
    from seed.demo import seed_demo
    from seed.scale import seed_scale
    from services.migrate import upgrade
    from services.report import overview_report
    import app  # noqa: F401  (pages register against the app)
    from pages import overview as overview_page

    rows = []
    for dataset in ("demo", "national"):
        engine = make_engine(f"sqlite:///{tmp / (dataset + '.db')}")
        upgrade(engine)
        start = time.perf_counter()
        with session_scope(engine) as session:
            if dataset == "demo":
                seed_demo(session, today=TODAY)
            else:
                seed_scale(session, schools=args.schools, seed=1, today=TODAY)
        rows.append((dataset, "seed", "-", time.perf_counter() - start, None))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / (dataset + '.db')}"
        with session_scope(engine) as session:
            # the largest region and its province: the usual scopes of a steering group
            region_id = session.execute(
                select(Municipality.region_id, func.count(School.id)).join(School)
                .where(Municipality.region_id.is_not(None)).group_by(Municipality.region_id)
                .order_by(func.count(School.id).desc())).first()[0]
            province_id = session.get(Region, region_id).province_id
            scopes = {"heel Nederland": Scope(as_of=TODAY), "provincie": Scope(as_of=TODAY, province_id=province_id),
                      "regio": Scope(as_of=TODAY, region_id=region_id),
                      "regio, vo": Scope(as_of=TODAY, region_id=region_id, sector="vo")}
            for label, scope in scopes.items():
                n = overview_report(session, scope)["totals"]["schools"]
                median, worst = _time(lambda: overview_report(session, scope), args.repeat)
                rows.append((dataset, f"overview report, {label}", n, median, worst))
                query = {"gebied": scope.area_key, "peildatum": TODAY.isoformat(), "sector": scope.sector}
                median, worst = _time(lambda: overview_page.layout(**query), args.repeat)
                rows.append((dataset, f"overview page render, {label}", n, median, worst))
        engine.dispose()

    print(f"{'dataset':<10}{'operation':<40}{'schools':>9}{'median s':>10}{'max s':>8}")
    for dataset, op, n, median, worst in rows:
        w = f"{worst:.3f}" if worst is not None else ""
        print(f"{dataset:<10}{op:<40}{n!s:>9}{median:>10.3f}{w:>8}")


if __name__ == "__main__":
    main()

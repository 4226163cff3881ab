"""Shared helpers of the benchmark scripts: timing, seeded datasets, the usual scopes."""
from __future__ import annotations

import statistics
import time
from datetime import date
from pathlib import Path

TODAY = date(2026, 11, 23)


def _time(fn, repeat: int) -> tuple[float, float]:
    """(median, worst) seconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def seeded_engine(tmp: Path, dataset: str, schools: int):  # noqa: ANN201
    """A migrated SQLite engine in tmp with the demo ('demo') or the national-scale dataset; and the seed time."""
    from models.db import make_engine, session_scope
    from seed.demo import seed_demo
    from seed.scale import seed_scale
    from services.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp / (dataset + '.db')}")
    upgrade(engine)
    start = time.perf_counter()
    with session_scope(engine) as session:
        if dataset == "demo":
            seed_demo(session, today=TODAY)
        else:
            seed_scale(session, schools=schools, seed=1, today=TODAY)
    return engine, time.perf_counter() - start


def largest_region(session) -> tuple[int, int | None]:  # noqa: ANN001
    """(region id, its province id) of the region with the most schools: a steering group's usual scope."""
    from sqlalchemy import func, select

    from models import Municipality, Region, School

    region_id = session.execute(
        select(Municipality.region_id, func.count(School.id)).join(School)
        .where(Municipality.region_id.is_not(None)).group_by(Municipality.region_id)
        .order_by(func.count(School.id).desc())).first()[0]
    return region_id, session.get(Region, region_id).province_id


def print_table(rows: list[tuple], op_width: int = 40) -> None:
    """rows of (dataset, operation, schools, median s, worst s or None) as an aligned table."""
    print(f"{'dataset':<10}{'operation':<{op_width}}{'schools':>9}{'median s':>10}{'max s':>8}")
    for dataset, op, n, median, worst in rows:
        w = f"{worst:.3f}" if worst is not None else ""
        print(f"{dataset:<10}{op:<{op_width}}{n!s:>9}{median:>10.3f}{w:>8}")

"""Shared set-up of the benchmark scripts: datasets, timing, running pages as a user, the table.

Each script seeds the demo and the national-scale dataset into temporary SQLite files,
times plain service functions and the pages' layout and callback functions (called as
a logged-in beheerder inside a Flask request context, as Dash would), and prints a table.
Nothing is asserted: rerun after a change and compare.
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dash import Dash
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from services.permissions import Principal

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TODAY = date(2026, 11, 23)
Add = Callable[..., None]
"""add(operation, schools, fn, repeat=None): times fn and adds a row to the table (see run)."""
ADMIN_NAME = "bench-admin"
# Everything the benchmarks write (databases, the instance folder) goes to a temporary folder.
TMP = Path(tempfile.mkdtemp(prefix="vios-bench-"))
os.environ["VIOS_INSTANCE"] = str(TMP)
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'app.db'}"


def load_app() -> Dash:
    """The Dash app: page modules can be imported (and their callbacks called) only after it exists."""
    import app

    return app.app


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, worst) seconds of repeat calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def datasets(schools: int, keep: Path | None = None) -> Iterator[tuple[str, Engine, float]]:
    """(name, engine, seconds to seed) for 'demo' and 'national'; DATABASE_URL points at each in turn.
    With keep: the national set is seeded once into keep/national-<schools>.db and reused (seconds 0)."""
    tmp = TMP
    from models.db import make_engine, session_scope
    from seed.demo import seed_demo
    from seed.scale import seed_scale
    from services.migrate import upgrade

    for name in ("demo", "national"):
        path = keep / f"national-{schools}.db" if keep is not None and name == "national" else tmp / f"{name}.db"
        reuse = path.exists()
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        upgrade(engine)
        start = time.perf_counter()
        with session_scope(engine) as session:
            if name == "demo":
                seed_demo(session, today=TODAY)
            elif not reuse:
                seed_scale(session, schools=schools, seed=1, today=TODAY)
        seconds = time.perf_counter() - start
        os.environ["DATABASE_URL"] = url
        yield name, engine, seconds
        engine.dispose()


def largest_region(session: Session) -> tuple[int, int | None]:
    """(region id, province id) of the region with the most schools: a steering group's usual scope."""
    from sqlmodel import col, func, select

    from models import Municipality, Region, School

    schools = func.count(col(School.id))
    region_id = session.exec(
        select(col(Municipality.region_id)).join(School)
        .where(col(Municipality.region_id).is_not(None)).group_by(col(Municipality.region_id))
        .order_by(schools.desc())).first()
    region = session.get(Region, region_id) if region_id is not None else None
    if region is None or region.id is None:
        raise RuntimeError("the dataset has no school in a region")
    return region.id, region.province_id


def admin_principal() -> Principal:
    """The beheerder the benchmarks run as (inside as_admin(), which run() sets up)."""
    from web import login

    principal = login.current_principal()
    if principal is None:
        raise RuntimeError("admin_principal() works only inside as_admin()")
    return principal


@contextmanager
def as_admin() -> Iterator[None]:
    """A Flask request of a logged-in beheerder: pages and callbacks see a principal, as in the app."""
    import flask

    from services.permissions import Principal

    with load_app().server.test_request_context("/"):
        flask.g.principal = Principal(user_id=0, username=ADMIN_NAME, role="beheerder")
        yield


def print_table(rows: list[tuple[str, str, object, float, float | None]]) -> None:
    print(f"{'dataset':<10}{'operation':<52}{'schools':>13}{'median s':>10}{'max s':>8}")
    for dataset, op, n, median, worst in rows:
        w = f"{worst:.3f}" if worst is not None else ""
        print(f"{dataset:<10}{op:<52}{n!s:>13}{median:>10.3f}{w:>8}")


def run(measure: Callable[[Session, Add], None], *, repeat: int = 3) -> None:
    """Parse --schools/--repeat, then for each dataset call measure(session, add) as a beheerder;
    add(operation, schools, fn, repeat=None) times fn and adds a row to the printed table."""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=8000, help="schools in the national dataset")
    parser.add_argument("--repeat", type=int, default=repeat, help="calls per operation")
    parser.add_argument("--keep", type=Path, default=None,
                        help="seed the national set once into this folder and reuse it (e.g. /tmp/vios-bench)")
    args = parser.parse_args()
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
    load_app()
    from models.db import session_scope

    rows: list[tuple[str, str, object, float, float | None]] = []
    for dataset, engine, seed_seconds in datasets(args.schools, args.keep):
        rows.append((dataset, "seed", "-", seed_seconds, None))

        def add(operation: str, schools: object, fn: Callable[[], object], repeat: int | None = None) -> None:
            median, worst = timed(fn, repeat or args.repeat)
            rows.append((dataset, operation, schools, median, worst))  # noqa: B023

        with session_scope(engine) as session, as_admin():
            measure(session, add)
    print_table(rows)

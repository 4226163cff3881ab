"""Shared set-up of the benchmark scripts: seeded demo and national datasets, a timer."""
from __future__ import annotations

import os
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Callable, Iterator

TODAY = date(2026, 11, 23)


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(median, worst) seconds of repeat calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), max(times)


def seeded_datasets(tmp: Path, schools: int) -> Iterator[tuple[str, object, float, dict]]:
    """For 'demo' and 'national': (name, engine, seed seconds, scopes by label), with DATABASE_URL
    pointing at that dataset. Scopes: the whole country, the largest region, its province, the region's vo."""
    from sqlalchemy import func, select

    from domain.scope import Scope
    from models import Municipality, Region, School
    from models.db import make_engine, session_scope
    from seed.demo import seed_demo
    from seed.scale import seed_scale
    from services.migrate import upgrade

    for dataset in ("demo", "national"):
        engine = make_engine(f"sqlite:///{tmp / (dataset + '.db')}")
        upgrade(engine)
        start = time.perf_counter()
        with session_scope(engine) as session:
            if dataset == "demo":
                seed_demo(session, today=TODAY)
            else:
                seed_scale(session, schools=schools, seed=1, today=TODAY)
        seconds = time.perf_counter() - start
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
        yield dataset, engine, seconds, scopes
        engine.dispose()


def as_beheerder():
    """Pages and callbacks ask who is logged in; outside a request nobody is, and a page would
    only render its refusal. Pretend a beheerder (reads everything) is logged in."""
    from unittest import mock

    from services.permissions import Principal

    return mock.patch("services.web_auth.current_principal",
                      return_value=Principal(user_id=0, username="bench", role="beheerder"))

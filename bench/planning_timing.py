"""Benchmark: tranche planning (candidates, proposal, projection, save, comparison) at demo and national scale.

    python bench/planning_timing.py [--schools 8000] [--repeat 5] [--capacity 40]

Seeds both datasets into temporary SQLite files, creates a future tranche in the region
with the most schools and prints a table of median and worst times. The last rows run the
pure proposal on every school of the country as one candidate pool (the worst case for the
greedy fill). Nothing here is asserted.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from overview_timing import TODAY, _time  # noqa: E402  (the same timing helper and date)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--capacity", type=int, default=40)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vios-bench-"))
    os.environ["VIOS_INSTANCE"] = str(tmp)
    from sqlalchemy import func, select

    from domain.dates import add_months
    from domain.planning import Candidate, Weights, propose
    from models import Municipality, School
    from models.db import make_engine, session_scope
    from seed.demo import seed_demo
    from seed.scale import seed_scale
    from services import planning
    from services.migrate import upgrade
    from services.permissions import Principal

    admin = Principal(0, "bench", "beheerder")
    rows = []
    for dataset in ("demo", "national"):
        engine = make_engine(f"sqlite:///{tmp / (dataset + '.db')}")
        upgrade(engine)
        with session_scope(engine) as session:
            if dataset == "demo":
                seed_demo(session, today=TODAY)
            else:
                seed_scale(session, schools=args.schools, seed=1, today=TODAY)
        with session_scope(engine) as session:
            region_id, n_schools = session.execute(
                select(Municipality.region_id, func.count(School.id)).join(School)
                .where(Municipality.region_id.is_not(None)).group_by(Municipality.region_id)
                .order_by(func.count(School.id).desc())).first()
            tranche_id = planning.create_tranche(session, admin, region_id, "Benchmark", add_months(TODAY, 6),
                                                 args.capacity, today=TODAY).id
        with session_scope(engine) as session:
            ctx = planning.context(session, admin, tranche_id, TODAY)
            label = f"{n_schools} schools, {len(ctx.candidates)} candidates"

            def run(name, fn):  # noqa: ANN001, ANN202
                median, worst = _time(fn, args.repeat)
                rows.append((dataset, name, label, median, worst))

            run("load candidates (context)", lambda: planning.context(session, admin, tranche_id, TODAY))
            run("proposal, domain only", lambda: propose(ctx.candidates, Weights(), capacity=ctx.free, quotas={},
                                                         coverage=ctx.data.coverage, as_of=TODAY))
            items, _ = planning.make_proposal(session, admin, tranche_id, TODAY, weights={}, quotas={}, items=[])
            run("proposal via service", lambda: planning.make_proposal(session, admin, tranche_id, TODAY,
                                                                       weights={}, quotas={}, items=[]))
            run("projection (coverage + audits)", lambda: planning.plan_projection(
                session, admin, tranche_id, TODAY, items=items, audit_capacity=10))
            a = planning.save_plan(session, admin, tranche_id, "A", TODAY, weights={}, quotas={}, audit_capacity=10,
                                   items=items, today=TODAY).id
            b = planning.save_plan(session, admin, tranche_id, "B", TODAY, weights={"learning": 5}, quotas={},
                                   audit_capacity=10, items=items[: len(items) // 2], today=TODAY).id
            run("save draft", lambda: planning.save_plan(session, admin, tranche_id, "A", TODAY, weights={},
                                                         quotas={}, audit_capacity=10, items=items, today=TODAY))
            run("compare two drafts", lambda: planning.compare_plans(session, admin, a, b, TODAY))
            if dataset == "national":
                # every school of the country as one candidate pool, with partners: the greedy worst case
                schools = session.execute(select(School.id, School.code, School.sector, School.municipality_id)).all()
                partners = ctx.data.partners
                pool = [Candidate(sid, code, code, sector, str(mid), str(mid), "never", None, 0.5, "plan", None,
                                  partners.get(sid, frozenset({mid % 500, (sid * 7) % 900})))
                        for sid, code, sector, mid in schools]
                for capacity in (40, 400):
                    median, worst = _time(lambda: propose(pool, Weights(), capacity=capacity, quotas={"po": capacity // 2},
                                                          coverage={}, as_of=TODAY), args.repeat)
                    rows.append((dataset, f"proposal, whole country, capacity {capacity}", f"{len(pool)} candidates",
                                 median, worst))
        engine.dispose()

    print(f"{'dataset':<10}{'operation':<44}{'size':<34}{'median s':>10}{'max s':>8}")
    for dataset, op, size, median, worst in rows:
        print(f"{dataset:<10}{op:<44}{size:<34}{median:>10.3f}{worst:>8.3f}")


if __name__ == "__main__":
    main()

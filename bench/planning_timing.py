"""Benchmark: the tranche planner (candidates, proposal, projection, drafts) at demo and national scale.

    python bench/planning_timing.py [--schools 8000] [--repeat 5]

A future tranche (capacity 40) is created in the largest region; the national run also times
the proposal over every school of the country as one candidate pool (the greedy worst case).
Prints a table (bench/common.py); nothing is asserted.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from common import TODAY, Add, admin_principal, largest_region, run

if TYPE_CHECKING:
    from sqlmodel import Session

CAPACITY = 40


def measure(session: Session, add: Add) -> None:
    from sqlmodel import col, select

    from domain.dates import add_months
    from domain.planning import Candidate, Weights, propose
    from models import School
    from services import planning

    admin = admin_principal()
    region_id, _ = largest_region(session)
    tranche_id = planning.create_tranche(session, admin, region_id, "Benchmark", add_months(TODAY, 6), CAPACITY,
                                         today=TODAY).id
    session.flush()
    ctx = planning.tranche_context(session, admin, tranche_id, TODAY)
    n = f"{len(ctx.candidates)} kand."
    add("load candidates (context)", n, lambda: planning.tranche_context(session, admin, tranche_id, TODAY))
    add("proposal, domain only", n, lambda: propose(ctx.candidates, Weights(), capacity=ctx.free, quotas={},
                                                    coverage=ctx.data.coverage, as_of=TODAY))
    items, _ = planning.make_proposal(session, admin, tranche_id, TODAY, weights={}, quotas={}, items=[])
    add("proposal via service", n, lambda: planning.make_proposal(session, admin, tranche_id, TODAY, weights={},
                                                                  quotas={}, items=[]))
    add("projection (coverage + audits)", n, lambda: planning.plan_projection(
        session, admin, tranche_id, TODAY, items=items, audit_capacity=10))
    a = planning.save_plan(session, admin, tranche_id, "A", TODAY, weights={}, quotas={}, audit_capacity=10,
                           items=items, today=TODAY).id
    b = planning.save_plan(session, admin, tranche_id, "B", TODAY, weights={"learning": 5}, quotas={},
                           audit_capacity=10, items=items[: len(items) // 2], today=TODAY).id
    add("save draft", n, lambda: planning.save_plan(session, admin, tranche_id, "A", TODAY, weights={}, quotas={},
                                                    audit_capacity=10, items=items, today=TODAY))
    add("compare two drafts", n, lambda: planning.compare_plans(session, admin, a, b, TODAY))
    schools = session.execute(select(col(School.id), col(School.code), col(School.sector),
                                     col(School.municipality_id))).all()
    if len(schools) > 1000:
        partners = ctx.data.partners
        pool = [Candidate(sid, code, code, sector, str(mid), str(mid), "never", None, 0.5, "plan", None,
                          partners.get(sid, frozenset({mid % 500, (sid * 7) % 900})))
                for sid, code, sector, mid in schools]
        for capacity in (40, 400):
            add(f"proposal, whole country, capacity {capacity}", f"{len(pool)} kand.",
                lambda: propose(pool, Weights(), capacity=capacity, quotas={"po": capacity // 2},  # noqa: B023
                                coverage={}, as_of=TODAY))


if __name__ == "__main__":
    run(measure, repeat=5)

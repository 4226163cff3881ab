"""Tranche planning with the database: the candidates of a tranche, proposals, named drafts,
the comparison of two plans, the projection, and confirmation (which starts the trajectories).

Where things live:
- access.py        looking up a region, tranche or plan for a user (the rules are in
                   services.permissions: can_read_plans, can_edit_plans, PLAN_ROLES);
- tranche_data.py  what a tranche needs of its region at a date, loaded once (TrancheContext);
- working_plan.py  the working plan from the browser (untrusted: cleaned and checked again);
- queries.py       read models as dataclasses (TrancheChoice, SavedPlan, Projection, PlanComparison);
- commands.py      writes: validation, permission check and audit in one place.

Permissions: beheerder and the coordinators of the region change plans; a stuurgroeplid who
may read the region reads them; everyone else (bestuurder) sees nothing. Every write is in the
audit log, in the caller's transaction. Rules of the planning itself: domain.planning.
"""
from __future__ import annotations

from services.planning.access import ensure_can_read_plans
from services.planning.commands import (
    PLAN_ENTITY,
    add_school,
    confirm_plan,
    create_tranche,
    make_proposal,
    remove_school,
    save_plan,
)
from services.planning.queries import (
    PlanComparison,
    PlanSummary,
    Projection,
    SavedPlan,
    ScoredPlan,
    TrancheChoice,
    compare_plans,
    future_tranches,
    list_plans,
    load_plan,
    plan_projection,
    projection,
    scored_plan,
    sector_counts,
)
from services.planning.tranche_data import RegionData, TrancheContext, region_data, tranche_context
from services.planning.working_plan import PlanItem, clean_items, included

__all__ = [
    "PLAN_ENTITY", "PlanComparison", "PlanItem", "PlanSummary", "Projection", "RegionData", "SavedPlan",
    "ScoredPlan", "TrancheChoice", "TrancheContext", "add_school", "clean_items", "compare_plans", "confirm_plan",
    "create_tranche", "ensure_can_read_plans", "future_tranches", "included", "list_plans", "load_plan",
    "make_proposal", "plan_projection", "projection", "region_data", "remove_school", "save_plan", "scored_plan",
    "sector_counts", "tranche_context",
]

"""Looking up a region, tranche or plan for a user: the rules are services.permissions'
(can_read_plans, can_edit_plans); an unknown id gets the same answer as a forbidden one."""
from __future__ import annotations

from sqlmodel import Session

from models import Region, Tranche, TranchePlan
from services.permissions import EDIT_DENIED, READ_DENIED, PermissionDenied, Principal, can_edit_plans, can_read_plans


def ensure_can_read_plans(session: Session, p: Principal, region_id: object) -> Region:
    region = session.get(Region, region_id) if isinstance(region_id, int) else None
    if region is None or not can_read_plans(p, region.id, region.province_id):
        raise PermissionDenied(READ_DENIED)
    return region


def ensure_can_edit_plans(session: Session, p: Principal, region_id: object) -> Region:
    region = ensure_can_read_plans(session, p, region_id)
    if not can_edit_plans(p, region.id):
        raise PermissionDenied(EDIT_DENIED)
    return region


def tranche_for(session: Session, p: Principal, tranche_id: object, *, edit: bool = False) -> tuple[Tranche, Region]:
    tranche = session.get(Tranche, tranche_id) if isinstance(tranche_id, int) else None
    if tranche is None:
        raise PermissionDenied(READ_DENIED)
    check = ensure_can_edit_plans if edit else ensure_can_read_plans
    return tranche, check(session, p, tranche.region_id)


def plan_for(session: Session, p: Principal, plan_id: object, *,
             edit: bool = False) -> tuple[TranchePlan, Tranche, Region]:
    plan = session.get(TranchePlan, plan_id) if isinstance(plan_id, int) else None
    if plan is None:
        raise PermissionDenied(READ_DENIED)
    tranche, region = tranche_for(session, p, plan.tranche_id, edit=edit)
    return plan, tranche, region

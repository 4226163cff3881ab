"""Write commands of tranche planning. Each one validates its (untrusted) input, checks the
permission (services.permissions through services.planning.access) and records the change in
the audit log, in the caller's transaction. Changes of the working plan (proposal, adding or
removing a school by hand) write nothing: they return the new items for the browser."""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from domain import clock
from domain.dates import format_nl
from domain.planning import (
    PlanRefused,
    Weights,
    capacity_error,
    clean_quotas,
    propose,
    score_against,
    tranche_start_error,
)
from domain.vocab import SECTORS
from models import School, Tranche, TranchePlan, TranchePlanItem
from services import audit, names, trajectories
from services.permissions import Principal
from services.planning.access import ensure_can_edit_plans, plan_for, tranche_for
from services.planning.queries import load_plan
from services.planning.tranche_data import TrancheContext, tranche_context
from services.planning.working_plan import PlanItem, check_items, clean_audit_capacity, clean_items, included
from services.transactions import check_version, flush_versioned

PLAN_ENTITY = "trancheplan"
PLAN_NOUN = "dit concept"


def plan_version(session: Session, p: Principal, plan_id: object) -> int:
    """The version of a saved plan (read permission), for the page's working plan: saving over it or
    confirming it later is refused when someone else saved it in between."""
    plan, _tranche, _region = plan_for(session, p, plan_id)
    return plan.version


def _seen_version(plan: TranchePlan, seen: tuple[object, object] | None) -> int | None:
    """The version the page's working plan was opened (or saved) with, when it is this plan."""
    if seen is None or seen[0] != plan.id:
        return None
    return seen[1] if isinstance(seen[1], int) and not isinstance(seen[1], bool) else -1


def _ensure_open(session: Session, tranche: Tranche, today: date) -> None:
    if tranche.start_on <= today:
        raise PlanRefused(f"{tranche.name} is al begonnen ({format_nl(tranche.start_on)}); plan een latere tranche.")
    if session.exec(select(TranchePlan.id).where(TranchePlan.tranche_id == tranche.id,
                                                 TranchePlan.status == "confirmed")).first() is not None:
        raise PlanRefused(f"Voor {tranche.name} is al een plan bevestigd; de planning is alleen-lezen.")


def _reason(reason: str | None) -> str:
    return (reason or "").strip()[:1000]


# ---------------------------------------------------------------- tranches

def create_tranche(session: Session, p: Principal, region_id: int | None, name: str, start_on: date, capacity: int,
                   *, today: date | None = None) -> Tranche:
    today = today or clock.today()
    region = ensure_can_edit_plans(session, p, region_id)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise PlanRefused("Geef de tranche een naam (hoogstens 100 tekens).")
    refused = tranche_start_error(start_on, today) or capacity_error(capacity)
    if refused:
        raise PlanRefused(refused)
    if names.same_name(session, "tranche", name, scope_id=region.id) is not None:  # case and spaces don't count
        raise PlanRefused(f"De regio heeft al een tranche '{' '.join(name.split())}' "
                          "(hoofdletters en extra spaties tellen niet mee).")
    assert region.id is not None
    tranche = Tranche(region_id=region.id, name=name, start_on=start_on, capacity=capacity)
    session.add(tranche)
    session.flush()
    audit.record(session, username=p.username, action="create", entity="tranche", entity_id=tranche.id,
                 changes={"region_id": (None, region.id), "name": (None, name), "start_on": (None, start_on),
                          "capacity": (None, capacity)})
    return tranche


# ---------------------------------------------------------------- the working plan

def make_proposal(session: Session, p: Principal, tranche_id: object, as_of: date, *,
                  weights: dict[str, object] | None, quotas: dict[str, object] | None,
                  items: object) -> tuple[list[PlanItem], list[str]]:
    """New plan items: the hand-made overrides kept, the rest filled by domain.planning.propose."""
    ctx = tranche_context(session, p, tranche_id, as_of, edit=True)
    w, q = Weights.from_dict(weights), clean_quotas(quotas, SECTORS)
    overrides = [i for i in clean_items(items) if i["source"] != "proposal"]
    fixed = [i["school_id"] for i in overrides if i["source"] == "added"]
    removed = [i["school_id"] for i in overrides if i["source"] == "removed"]
    proposal = propose(ctx.candidates, w, capacity=ctx.free, quotas=q, coverage=ctx.data.coverage, as_of=as_of,
                       fixed=fixed, excluded=removed)
    fixed_set = set(fixed)
    new: list[PlanItem] = [{"school_id": s.candidate.school_id, "source": "proposal", "reason": ""}
                           for s in proposal.chosen if s.candidate.school_id not in fixed_set]
    return overrides + new, proposal.warnings


def add_school(session: Session, p: Principal, tranche_id: object, as_of: date, *, quotas: dict[str, object] | None,
               items: object, school_id: object, reason: str) -> list[PlanItem]:
    """Add a candidate by hand (reason required); refused when the tranche or the quota is full."""
    ctx = tranche_context(session, p, tranche_id, as_of, edit=True)
    current = clean_items(items)
    reason = _reason(reason)
    if not reason:
        raise PlanRefused("Geef een reden om deze school handmatig toe te voegen.")
    candidate = next((c for c in ctx.candidates if c.school_id == school_id), None)
    if candidate is None:
        raise PlanRefused("Deze school is geen kandidaat voor deze tranche.")
    if candidate.school_id in included(current):
        raise PlanRefused("Deze school staat al in het plan.")
    new = [i for i in current if i["school_id"] != candidate.school_id] + [
        PlanItem(school_id=candidate.school_id, source="added", reason=reason)]
    check_items(ctx, new, clean_quotas(quotas, SECTORS))
    return new


def remove_school(session: Session, p: Principal, tranche_id: object, as_of: date, *, items: object,
                  school_id: object, reason: str) -> list[PlanItem]:
    """Take a school out of the plan (reason required); a new proposal will not pick it again."""
    tranche_for(session, p, tranche_id, edit=True)
    current = clean_items(items)
    reason = _reason(reason)
    if not reason:
        raise PlanRefused("Geef een reden om deze school uit het plan te halen.")
    if not isinstance(school_id, int) or school_id not in included(current):
        raise PlanRefused("Deze school staat niet in het plan.")
    return [i for i in current if i["school_id"] != school_id] + [
        PlanItem(school_id=school_id, source="removed", reason=reason)]


# ---------------------------------------------------------------- drafts

def _codes(session: Session, school_ids: list[int]) -> dict[int, str]:
    if not school_ids:
        return {}
    return {sid: code for sid, code in session.exec(select(School.id, School.code)
                                                    .where(col(School.id).in_(school_ids))) if sid is not None}


def save_plan(session: Session, p: Principal, tranche_id: object, name: str, as_of: date, *,
              weights: dict[str, object] | None, quotas: dict[str, object] | None, audit_capacity: object,
              items: object, today: date | None = None, seen: tuple[object, object] | None = None) -> TranchePlan:
    """Save the working plan as the named draft (a new one, or overwrite the draft with that name).

    `seen` = (plan id, version) the working plan was opened or saved with: overwriting that plan after
    someone else saved it is refused (StaleVersion) and nothing changes."""
    today = today or clock.today()
    ctx = tranche_context(session, p, tranche_id, as_of, edit=True)
    _ensure_open(session, ctx.tranche, today)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise PlanRefused("Geef het concept een naam (hoogstens 100 tekens).")
    w, q = Weights.from_dict(weights), clean_quotas(quotas, SECTORS)
    cap = clean_audit_capacity(audit_capacity)
    clean = clean_items(items)
    check_items(ctx, clean, q)
    scores = {s.candidate.school_id: s.score for s in score_against(
        ctx.candidates, w, coverage=ctx.data.coverage, as_of=as_of, planned_ids=included(clean))}
    # the draft of that name (without case and extra spaces, services.names) is overwritten
    same = names.same_name(session, "plan", name, scope_id=ctx.tranche.id)
    plan = session.get(TranchePlan, same) if same is not None else None
    codes = _codes(session, [i["school_id"] for i in clean])
    new_values: dict[str, Any] = {"weights": w.as_dict(), "quotas": q, "audit_capacity_per_quarter": cap,
                                  "schools": sorted(codes[s] for s in included(clean))}
    if plan is None:
        plan = TranchePlan(tranche_id=ctx.tranche_id, name=name, created_by=p.username[:100])
        old_values: dict[str, Any] = dict.fromkeys(["name", "tranche_id", "weights", "quotas",
                                                    "audit_capacity_per_quarter", "schools"])
        new_values = {"name": name, "tranche_id": ctx.tranche.id, **new_values}
        action = "create"
    else:
        check_version(session, plan, _seen_version(plan, seen), entity=PLAN_ENTITY, noun=PLAN_NOUN)
        old_items = list(session.exec(select(TranchePlanItem).where(TranchePlanItem.plan_id == plan.id)))
        old_codes = _codes(session, [i.school_id for i in old_items])
        old_values = {"weights": dict(plan.weights), "quotas": dict(plan.quotas),
                      "audit_capacity_per_quarter": plan.audit_capacity_per_quarter,
                      "schools": sorted(old_codes[i.school_id] for i in old_items if i.source != "removed")}
        for old in old_items:
            session.delete(old)
        session.flush()
        action = "update"
    plan.weights, plan.quotas, plan.audit_capacity_per_quarter = w.as_dict(), q, cap
    plan.updated_at = clock.now()
    session.add(plan)
    flush_versioned(session, plan, entity=PLAN_ENTITY, noun=PLAN_NOUN)
    assert plan.id is not None
    for item in clean:
        session.add(TranchePlanItem(plan_id=plan.id, school_id=item["school_id"], source=item["source"],
                                    reason=item["reason"], score=round(scores.get(item["school_id"], 0.0), 2)))
    overrides = "; ".join(f"{'toegevoegd' if i['source'] == 'added' else 'verwijderd'} {codes[i['school_id']]}: "
                          f"{i['reason']}" for i in clean if i["source"] != "proposal")
    changes = audit.diff(old_values, new_values)
    audit.record(session, username=p.username, action=action, entity=PLAN_ENTITY, entity_id=plan.id,
                 changes=changes or None, detail=f"Concept '{name}' voor {ctx.tranche.name}"
                 + (f". Handmatig: {overrides}" if overrides else ""))
    return plan


def confirm_plan(session: Session, p: Principal, plan_id: object, *, today: date | None = None,
                 version: int | None = None) -> list[int]:
    """Start a trajectory ('registered', today) for every school of the draft, through
    services.trajectories.start_trajectory, and make the plan read-only. All or nothing: the
    caller's transaction rolls back on any refusal. Returns the new trajectory ids."""
    today = today or clock.today()
    plan, tranche, region = plan_for(session, p, plan_id, edit=True)
    if plan.status != "draft":
        raise PlanRefused("Dit plan is al bevestigd.")
    check_version(session, plan, version, entity=PLAN_ENTITY, noun=PLAN_NOUN)   # confirm what the page showed
    _ensure_open(session, tranche, today)
    ctx: TrancheContext = tranche_context(session, p, tranche.id, today, edit=True)
    items = load_plan(session, p, plan.id).items
    check_items(ctx, items, clean_quotas(plan.quotas, SECTORS))
    school_ids = included(items)
    if not school_ids:
        raise PlanRefused("Het plan bevat geen scholen.")
    created: list[int] = []
    for sid in school_ids:
        trajectory = trajectories.start_trajectory(session, p, sid, ctx.tranche_id, today,
                                                   f"Tranche-plan '{plan.name}' bevestigd.", today=today)
        assert trajectory.id is not None
        created.append(trajectory.id)
    plan.status, plan.confirmed_by, plan.confirmed_at = "confirmed", p.username[:100], clock.now()
    session.add(plan)
    flush_versioned(session, plan, entity=PLAN_ENTITY, noun=PLAN_NOUN)
    audit.record(session, username=p.username, action="confirm", entity=PLAN_ENTITY, entity_id=plan.id,
                 changes={"status": ("draft", "confirmed")},
                 detail=f"{len(created)} trajecten gestart in {tranche.name} ({region.name}).")
    return created

"""Tranche planning with the database: candidates of a tranche, proposals, named drafts,
comparison, projection and confirmation (which starts the trajectories).

Permissions (services.permissions): beheerder and the coordinators of the region change
plans (can_edit_region); a stuurgroeplid who may read the region reads them; everyone else
(bestuurder) sees nothing. Every write is in the audit log, in the caller's transaction.
Plan contents coming from the browser are untrusted: every school is checked to be a
candidate of the tranche, the capacity and quotas are checked again, and overrides need a
reason. Rules of the planning itself: domain.planning.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from domain import clock
from domain.certification import ACTIVE_PHASES, Certificate
from domain.dates import format_nl, quarter_label, quarter_of
from domain.lifecycle import QuarterDemand, audit_forecast, current_phase
from domain.network import completeness, partnership_active
from domain.overview import figures_per_municipality, school_status
from domain.planning import (
    Candidate,
    PlanRefused,
    ProjectedSchool,
    Weights,
    candidate_kind,
    check_limits,
    clean_quotas,
    coverage_projection,
    expected_certificate_date,
    plan_difference,
    propose,
    remove_dates,
    score_against,
    tranche_finish,
)
from domain.scope import Scope
from domain.vocab import SECTORS
from models import (
    Municipality,
    Organisation,
    Partnership,
    Region,
    School,
    Trajectory,
    Tranche,
    TranchePlan,
    TranchePlanItem,
)
from services import audit, trajectories
from services.permissions import (
    EDIT_DENIED,
    READ_DENIED,
    PermissionDenied,
    Principal,
    can_edit_region,
    can_read_region,
)
from services.snapshot import school_facts

PLAN_ROLES = ("beheerder", "coordinator", "stuurgroeplid")
PLAN_ENTITY = "trancheplan"


# ---------------------------------------------------------------- permissions

def can_read_plans(p: Principal, region: Region) -> bool:
    return p.role in PLAN_ROLES and can_read_region(p, region.id, region.province_id)


def ensure_can_read_plans(session: Session, p: Principal, region_id: int | None) -> Region:
    region = session.get(Region, region_id) if isinstance(region_id, int) else None
    if region is None or not can_read_plans(p, region):
        raise PermissionDenied(READ_DENIED)
    return region


def _tranche(session: Session, p: Principal, tranche_id: object, *, edit: bool = False) -> tuple[Tranche, Region]:
    # an unknown id gets the same answer as a forbidden one
    tranche = session.get(Tranche, tranche_id) if isinstance(tranche_id, int) else None
    if tranche is None:
        raise PermissionDenied(READ_DENIED)
    region = ensure_can_read_plans(session, p, tranche.region_id)
    if edit and not can_edit_region(p, region.id):
        raise PermissionDenied(EDIT_DENIED)
    return tranche, region


def _plan(session: Session, p: Principal, plan_id: object, *, edit: bool = False) -> tuple[TranchePlan, Tranche, Region]:
    plan = session.get(TranchePlan, plan_id) if isinstance(plan_id, int) else None
    if plan is None:
        raise PermissionDenied(READ_DENIED)
    tranche, region = _tranche(session, p, plan.tranche_id, edit=edit)
    return plan, tranche, region


def _ensure_open(session: Session, tranche: Tranche, today: date) -> None:
    if tranche.start_on <= today:
        raise PlanRefused(f"{tranche.name} is al begonnen ({format_nl(tranche.start_on)}); plan een latere tranche.")
    if session.scalar(select(TranchePlan.id).where(TranchePlan.tranche_id == tranche.id,
                                                   TranchePlan.status == "confirmed")) is not None:
        raise PlanRefused(f"Voor {tranche.name} is al een plan bevestigd; de planning is alleen-lezen.")


# ---------------------------------------------------------------- tranches

def future_tranches(session: Session, p: Principal, region_id: int, as_of: date) -> list[dict]:
    """The region's tranches starting after as_of: id, name, start_on, capacity, taken, confirmed."""
    ensure_can_read_plans(session, p, region_id)
    result = []
    for t in session.scalars(select(Tranche).where(Tranche.region_id == region_id, Tranche.start_on > as_of)
                             .order_by(Tranche.start_on, Tranche.id)):
        result.append({"id": t.id, "name": t.name, "start_on": t.start_on, "capacity": t.capacity,
                       "taken": _taken(session, t.id), "confirmed": _confirmed_plan(session, t.id)})
    return result


def _taken(session: Session, tranche_id: int) -> int:
    """Places already used: trajectories in the tranche whose latest phase is active."""
    ids = list(session.scalars(select(Trajectory.id).where(Trajectory.tranche_id == tranche_id)))
    events = trajectories.events_of(session, ids)
    return sum(1 for i in ids if current_phase(events[i]) in ACTIVE_PHASES)


def _confirmed_plan(session: Session, tranche_id: int) -> str | None:
    return session.scalar(select(TranchePlan.name).where(TranchePlan.tranche_id == tranche_id,
                                                         TranchePlan.status == "confirmed"))


def create_tranche(session: Session, p: Principal, region_id: int, name: str, start_on: date, capacity: int,
                   *, today: date | None = None) -> Tranche:
    today = today or clock.today()
    region = ensure_can_read_plans(session, p, region_id)
    if not can_edit_region(p, region.id):
        raise PermissionDenied(EDIT_DENIED)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise PlanRefused("Geef de tranche een naam (hoogstens 100 tekens).")
    if start_on <= today:
        raise PlanRefused("De startdatum van een nieuwe tranche moet na vandaag liggen.")
    if not isinstance(capacity, int) or not 1 <= capacity <= 1000:
        raise PlanRefused("De capaciteit is een geheel aantal scholen van 1 tot 1000.")
    if session.scalar(select(Tranche.id).where(Tranche.region_id == region.id, Tranche.name == name)):
        raise PlanRefused(f"De regio heeft al een tranche '{name}'.")
    tranche = Tranche(region_id=region.id, name=name, start_on=start_on, capacity=capacity)
    session.add(tranche)
    session.flush()
    audit.record(session, username=p.username, action="create", entity="tranche", entity_id=tranche.id,
                 changes={"region_id": (None, region.id), "name": (None, name), "start_on": (None, start_on),
                          "capacity": (None, capacity)})
    return tranche


# ---------------------------------------------------------------- the region's data

@dataclass
class RegionData:
    """What planning needs of a region at as_of (loaded in a few queries)."""
    statuses: dict[int, object]                 # school id -> domain.overview.SchoolStatus
    coverage: dict[str, float | None]           # municipality CBS code -> coverage at as_of
    approach: dict[str, str]                    # municipality CBS code -> approach phase
    running: dict[int, date | None]             # school id -> start of the tranche of its running trajectory
    waiting_since: dict[int, date]              # school id -> first registration not ending certified
    partners: dict[int, frozenset[int]]         # school id -> active partner organisations
    completeness: dict[int, float | None]


def region_data(session: Session, region: Region, as_of: date) -> RegionData:
    facts = school_facts(session, Scope(as_of=as_of, region_id=region.id))
    statuses = {f.school_id: school_status(f, as_of) for f in facts}
    coverage = {m["cbs_code"]: m["coverage"] for m in figures_per_municipality(statuses.values())}
    approach = dict(session.execute(select(Municipality.cbs_code, Municipality.approach_phase)
                                    .where(Municipality.region_id == region.id)).all())
    in_region = School.municipality_id.in_(select(Municipality.id).where(Municipality.region_id == region.id))
    rows = session.execute(select(Trajectory.id, Trajectory.school_id, Tranche.start_on)
                           .outerjoin(Tranche, Trajectory.tranche_id == Tranche.id)
                           .join(School, Trajectory.school_id == School.id).where(in_region)).all()
    events = trajectories.events_of(session, [r[0] for r in rows])
    running: dict[int, date | None] = {}
    waiting: dict[int, date] = {}
    for tid, sid, start in rows:
        evs = events[tid]
        if current_phase(evs) in ACTIVE_PHASES:
            running[sid] = start
        elif not any(e.phase == "certified" for e in evs):
            first = min((e.on for e in evs if e.phase == "registered" and e.on <= as_of), default=None)
            if first is not None and (sid not in waiting or first < waiting[sid]):
                waiting[sid] = first
    types: dict[int, set[str]] = defaultdict(set)
    orgs: dict[int, set[int]] = defaultdict(set)
    for sid, org_id, org_type, start_on, end_on in session.execute(
            select(Partnership.school_id, Organisation.id, Organisation.type, Partnership.start_on, Partnership.end_on)
            .join(Organisation, Partnership.organisation_id == Organisation.id)
            .join(School, Partnership.school_id == School.id).where(in_region)).all():
        if partnership_active(start_on, end_on, as_of):
            types[sid].add(org_type)
            orgs[sid].add(org_id)
    required = region.required_partner_types
    return RegionData(statuses, coverage, approach, running, waiting,
                      {sid: frozenset(o) for sid, o in orgs.items()},
                      {sid: completeness(required, types.get(sid, ())).share for sid in statuses})


def candidates(data: RegionData, region: Region, tranche: Tranche) -> list[Candidate]:
    finish = tranche_finish(tranche.start_on, region.expected_months_max)
    result = []
    for sid, s in data.statuses.items():
        kind = candidate_kind(s.certificate_status, s.expires_on, sid in data.running, finish)
        if kind is None:
            continue
        result.append(Candidate(sid, s.code, s.name, s.sector, s.municipality_code, s.municipality_name, kind,
                                s.expires_on, data.completeness.get(sid), data.approach.get(s.municipality_code, "geen"),
                                data.waiting_since.get(sid), data.partners.get(sid, frozenset())))
    return sorted(result, key=lambda c: c.code)


# ---------------------------------------------------------------- working plans (from the browser)

def clean_items(raw: object) -> list[dict]:
    """[{school_id, source, reason}] from untrusted input; PlanRefused for a bad row."""
    items, seen = [], set()
    for row in raw if isinstance(raw, list) else []:
        if not isinstance(row, dict):
            raise PlanRefused("Ongeldige planregel.")
        sid, source = row.get("school_id"), row.get("source")
        reason = str(row.get("reason") or "").strip()[:1000]
        if not isinstance(sid, int) or isinstance(sid, bool) or source not in ("proposal", "added", "removed"):
            raise PlanRefused("Ongeldige planregel.")
        if sid in seen:
            raise PlanRefused("Een school staat twee keer in het plan.")
        if source != "proposal" and not reason:
            raise PlanRefused("Geef een reden voor elke handmatige wijziging.")
        seen.add(sid)
        items.append({"school_id": sid, "source": source, "reason": reason})
    return items


def included(items: list[dict]) -> list[int]:
    return [i["school_id"] for i in items if i["source"] != "removed"]


@dataclass
class Context:
    tranche: Tranche
    region: Region
    data: RegionData
    candidates: list[Candidate]
    free: int            # capacity minus places already used by trajectories


def context(session: Session, p: Principal, tranche_id: object, as_of: date, *, edit: bool = False) -> Context:
    tranche, region = _tranche(session, p, tranche_id, edit=edit)
    data = region_data(session, region, as_of)
    return Context(tranche, region, data, candidates(data, region, tranche),
                   max(0, tranche.capacity - _taken(session, tranche.id)))


def _validate(ctx: Context, items: list[dict], quotas: dict[str, int]) -> None:
    by_id = {c.school_id: c for c in ctx.candidates}
    planned = included(items)
    if any(sid not in by_id for sid in planned):
        raise PlanRefused("Een school in het plan is geen kandidaat (meer) voor deze tranche: maak een nieuw voorstel.")
    check_limits([by_id[sid].sector for sid in planned], ctx.free, quotas)


def make_proposal(session: Session, p: Principal, tranche_id: object, as_of: date, *, weights: dict | None,
                  quotas: dict | None, items: object) -> tuple[list[dict], list[str]]:
    """New plan items: the hand-made overrides kept, the rest filled by domain.planning.propose."""
    ctx = context(session, p, tranche_id, as_of, edit=True)
    w, q = Weights.from_dict(weights), clean_quotas(quotas, SECTORS)
    overrides = [i for i in clean_items(items) if i["source"] != "proposal"]
    fixed = [i["school_id"] for i in overrides if i["source"] == "added"]
    removed = [i["school_id"] for i in overrides if i["source"] == "removed"]
    proposal = propose(ctx.candidates, w, capacity=ctx.free, quotas=q, coverage=ctx.data.coverage, as_of=as_of,
                       fixed=fixed, excluded=removed)
    fixed_set = set(fixed)
    new = [{"school_id": s.candidate.school_id, "source": "proposal", "reason": ""}
           for s in proposal.chosen if s.candidate.school_id not in fixed_set]
    return overrides + new, proposal.warnings


def add_school(session: Session, p: Principal, tranche_id: object, as_of: date, *, quotas: dict | None,
               items: object, school_id: object, reason: str) -> list[dict]:
    """Add a candidate by hand (reason required); refused when the tranche or the quota is full."""
    ctx = context(session, p, tranche_id, as_of, edit=True)
    current = clean_items(items)
    reason = (reason or "").strip()[:1000]
    if not reason:
        raise PlanRefused("Geef een reden om deze school handmatig toe te voegen.")
    if not any(c.school_id == school_id for c in ctx.candidates):
        raise PlanRefused("Deze school is geen kandidaat voor deze tranche.")
    if school_id in included(current):
        raise PlanRefused("Deze school staat al in het plan.")
    new = [i for i in current if i["school_id"] != school_id] + [
        {"school_id": school_id, "source": "added", "reason": reason}]
    _validate(ctx, new, clean_quotas(quotas, SECTORS))
    return new


def remove_school(session: Session, p: Principal, tranche_id: object, as_of: date, *, items: object,
                  school_id: object, reason: str) -> list[dict]:
    """Take a school out of the plan (reason required); a new proposal will not pick it again."""
    _tranche(session, p, tranche_id, edit=True)
    current = clean_items(items)
    reason = (reason or "").strip()[:1000]
    if not reason:
        raise PlanRefused("Geef een reden om deze school uit het plan te halen.")
    if school_id not in included(current):
        raise PlanRefused("Deze school staat niet in het plan.")
    return [i for i in current if i["school_id"] != school_id] + [
        {"school_id": school_id, "source": "removed", "reason": reason}]


# ---------------------------------------------------------------- drafts

def list_plans(session: Session, p: Principal, tranche_id: object) -> list[dict]:
    tranche, _ = _tranche(session, p, tranche_id)
    result = []
    for plan in session.scalars(select(TranchePlan).where(TranchePlan.tranche_id == tranche.id)
                                .order_by(TranchePlan.name)):
        n = len([i for i in session.scalars(select(TranchePlanItem.source).where(TranchePlanItem.plan_id == plan.id))
                 if i != "removed"])
        result.append({"id": plan.id, "name": plan.name, "status": plan.status, "schools": n,
                       "created_by": plan.created_by})
    return result


def load_plan(session: Session, p: Principal, plan_id: object) -> dict:
    """A saved plan as the page's working state."""
    plan, tranche, _ = _plan(session, p, plan_id)
    items = [{"school_id": i.school_id, "source": i.source, "reason": i.reason}
             for i in session.scalars(select(TranchePlanItem).where(TranchePlanItem.plan_id == plan.id)
                                      .order_by(TranchePlanItem.id))]
    return {"tranche_id": tranche.id, "plan_id": plan.id, "name": plan.name, "status": plan.status,
            "weights": Weights.from_dict(plan.weights).as_dict(), "quotas": dict(plan.quotas),
            "audit_capacity": plan.audit_capacity_per_quarter, "items": items}


def _codes(session: Session, school_ids: list[int]) -> dict[int, str]:
    if not school_ids:
        return {}
    return dict(session.execute(select(School.id, School.code).where(School.id.in_(school_ids))).all())


def save_plan(session: Session, p: Principal, tranche_id: object, name: str, as_of: date, *, weights: dict | None,
              quotas: dict | None, audit_capacity: object, items: object, today: date | None = None) -> TranchePlan:
    """Save the working plan as the named draft (a new one, or overwrite the draft with that name)."""
    today = today or clock.today()
    ctx = context(session, p, tranche_id, as_of, edit=True)
    _ensure_open(session, ctx.tranche, today)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise PlanRefused("Geef het concept een naam (hoogstens 100 tekens).")
    w, q = Weights.from_dict(weights), clean_quotas(quotas, SECTORS)
    cap = _audit_capacity(audit_capacity)
    clean = clean_items(items)
    _validate(ctx, clean, q)
    scores = {s.candidate.school_id: s.score for s in score_against(
        ctx.candidates, w, coverage=ctx.data.coverage, as_of=as_of, planned_ids=included(clean))}
    plan = session.scalar(select(TranchePlan).where(TranchePlan.tranche_id == ctx.tranche.id,
                                                    TranchePlan.name == name))
    codes = _codes(session, [i["school_id"] for i in clean])
    new_values = {"weights": w.as_dict(), "quotas": q, "audit_capacity_per_quarter": cap,
                  "schools": sorted(codes[s] for s in included(clean))}
    if plan is None:
        plan = TranchePlan(tranche_id=ctx.tranche.id, name=name, created_by=p.username[:100])
        old_values: dict = {"name": None, "tranche_id": None, "weights": None, "quotas": None,
                            "audit_capacity_per_quarter": None, "schools": None}
        new_values = {"name": name, "tranche_id": ctx.tranche.id, **new_values}
        action = "create"
    else:
        old_items = list(session.scalars(select(TranchePlanItem).where(TranchePlanItem.plan_id == plan.id)))
        old_codes = _codes(session, [i.school_id for i in old_items])
        old_values = {"weights": dict(plan.weights), "quotas": dict(plan.quotas),
                      "audit_capacity_per_quarter": plan.audit_capacity_per_quarter,
                      "schools": sorted(old_codes[i.school_id] for i in old_items if i.source != "removed")}
        for item in old_items:
            session.delete(item)
        session.flush()
        action = "update"
    plan.weights, plan.quotas, plan.audit_capacity_per_quarter = w.as_dict(), q, cap
    plan.updated_at = clock.now()
    session.add(plan)
    session.flush()
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


def _audit_capacity(value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise PlanRefused("De auditcapaciteit per kwartaal is een geheel getal.") from None
    if not 0 <= number <= 10_000:
        raise PlanRefused("De auditcapaciteit per kwartaal ligt tussen 0 en 10.000.")
    return number


def confirm_plan(session: Session, p: Principal, plan_id: object, *, today: date | None = None) -> list[int]:
    """Start a trajectory ('registered', today) for every school of the draft, through
    services.trajectories.start_trajectory, and make the plan read-only. All or nothing: the
    caller's transaction rolls back on any refusal. Returns the new trajectory ids."""
    today = today or clock.today()
    plan, tranche, region = _plan(session, p, plan_id, edit=True)
    if plan.status != "draft":
        raise PlanRefused("Dit plan is al bevestigd.")
    _ensure_open(session, tranche, today)
    ctx = context(session, p, tranche.id, today, edit=True)
    items = load_plan(session, p, plan.id)["items"]
    _validate(ctx, items, clean_quotas(plan.quotas, SECTORS))
    school_ids = included(items)
    if not school_ids:
        raise PlanRefused("Het plan bevat geen scholen.")
    created = [trajectories.start_trajectory(session, p, sid, tranche.id, today,
                                             f"Tranche-plan '{plan.name}' bevestigd.", today=today).id
               for sid in school_ids]
    plan.status, plan.confirmed_by, plan.confirmed_at = "confirmed", p.username[:100], clock.now()
    session.add(plan)
    audit.record(session, username=p.username, action="confirm", entity=PLAN_ENTITY, entity_id=plan.id,
                 changes={"status": ("draft", "confirmed")},
                 detail=f"{len(created)} trajecten gestart in {tranche.name} ({region.name}).")
    return created


# ---------------------------------------------------------------- views: scores, projection, comparison

def scored_view(ctx: Context, as_of: date, weights: dict | None, items: list[dict]) -> tuple[list, list, list]:
    """(plan rows, other candidates, removed rows) as domain.planning.Scored, scored against the plan."""
    w = Weights.from_dict(weights)
    planned = included(items)
    scored = score_against(ctx.candidates, w, coverage=ctx.data.coverage, as_of=as_of, planned_ids=planned)
    removed = {i["school_id"] for i in items if i["source"] == "removed"}
    in_plan = set(planned)
    return ([s for s in scored if s.candidate.school_id in in_plan],
            [s for s in scored if s.candidate.school_id not in in_plan and s.candidate.school_id not in removed],
            [s for s in scored if s.candidate.school_id in removed])


@dataclass(frozen=True)
class Projection:
    quarters: list[str]
    municipalities: list            # domain.planning.CoverageRow
    total: object                   # CoverageRow of the whole region
    audits: list[QuarterDemand]
    over_capacity: list[str]
    certified_quarter: str          # quarter in which the plan's schools are expected to be certified


def projection(session: Session, ctx: Context, as_of: date, school_ids: list[int],
               audit_capacity: int | None) -> Projection:
    """Expected coverage per municipality per quarter (three years) with this plan, and the
    audits it demands against the audit capacity (domain.lifecycle.audit_forecast)."""
    region, tranche = ctx.region, ctx.tranche
    months = (region.expected_months_min, region.expected_months_max)
    planned_on = expected_certificate_date(tranche.start_on, *months)
    plan = set(school_ids)
    schools = []
    for sid, s in ctx.data.statuses.items():
        expected = None
        if sid in plan:
            expected = planned_on
        elif sid in ctx.data.running and ctx.data.running[sid] is not None:
            expected = expected_certificate_date(ctx.data.running[sid], *months)
        current = Certificate(s.issued_on, s.expires_on) if s.issued_on and s.expires_on else None
        schools.append(ProjectedSchool(sid, s.municipality_code, s.municipality_name, current, expected))
    labels, rows, total = coverage_projection(schools, as_of=as_of, validity_months=region.validity_months)
    inputs = trajectories.forecast_inputs(session, region.id, as_of)
    plan_expiries = [ctx.data.statuses[sid].expires_on for sid in plan
                     if ctx.data.statuses[sid].has_valid_certificate]
    planned = list(inputs.planned_tranches) + ([(tranche.start_on, len(plan))] if plan else [])
    audits = audit_forecast(remove_dates(inputs.expiries, plan_expiries), planned, as_of=as_of, quarters=12,
                            expected_months_min=months[0], expected_months_max=months[1],
                            capacity_per_quarter=audit_capacity, validity_months=region.validity_months)
    return Projection(labels, rows, total, audits, [q.label for q in audits if q.over_capacity],
                      quarter_label(*quarter_of(max(planned_on, as_of))))


def plan_projection(session: Session, p: Principal, tranche_id: object, as_of: date, *, items: object,
                    audit_capacity: object) -> tuple[Context, Projection]:
    ctx = context(session, p, tranche_id, as_of)
    clean = clean_items(items)
    known = {c.school_id for c in ctx.candidates}
    cap = _audit_capacity(audit_capacity)
    return ctx, projection(session, ctx, as_of, [s for s in included(clean) if s in known], cap)


def compare_plans(session: Session, p: Principal, plan_a: object, plan_b: object, as_of: date) -> dict:
    """Two saved plans side by side: which schools differ, coverage per municipality when the
    plans' schools are expected to be certified, and the audits per quarter."""
    a, b = load_plan(session, p, plan_a), load_plan(session, p, plan_b)
    result = {"names": (a["name"], b["name"])}
    ctxs, projections = [], []
    for plan in (a, b):
        ctx, proj = plan_projection(session, p, plan["tranche_id"], as_of, items=plan["items"],
                                    audit_capacity=plan["audit_capacity"])
        ctxs.append(ctx)
        projections.append(proj)
    if ctxs[0].region.id != ctxs[1].region.id:
        raise PlanRefused("Vergelijk twee plannen van dezelfde regio.")
    only_a, only_b, both = plan_difference(included(a["items"]), included(b["items"]))
    names = {sid: (s.code, s.name, s.municipality_name) for ctx in ctxs for sid, s in ctx.data.statuses.items()}
    result.update(only_a=[names[s] for s in only_a if s in names], only_b=[names[s] for s in only_b if s in names],
                  both=len(both))
    moment = max(projections[0].certified_quarter, projections[1].certified_quarter)
    col = projections[0].quarters.index(moment) if moment in projections[0].quarters else -1
    rows = []
    for ra, rb in zip(projections[0].municipalities + [projections[0].total],
                      projections[1].municipalities + [projections[1].total], strict=True):
        rows.append({"name": ra.name, "schools": ra.schools, "now": ra.coverage[0], "a": ra.coverage[col],
                     "b": rb.coverage[col]})
    result["coverage_quarter"] = projections[0].quarters[col]
    result["coverage"] = rows
    result["audits"] = [{"quarter": qa.label, "a": qa.total, "b": qb.total, "capacity_a": qa.capacity,
                         "capacity_b": qb.capacity, "over_a": qa.over_capacity, "over_b": qb.over_capacity}
                        for qa, qb in zip(projections[0].audits, projections[1].audits, strict=True)]
    return result

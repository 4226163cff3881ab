"""Read models of tranche planning: the future tranches, the saved plans, a plan's scored rows,
its projection, and the comparison of two plans (PlanComparison). Each checks that the user
may read the region's plans (services.planning.access)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, func, select

from domain.certification import Certificate
from domain.dates import quarter_label, quarter_of
from domain.lifecycle import QuarterDemand, audit_forecast
from domain.planning import (
    CoverageRow,
    PlanRefused,
    ProjectedSchool,
    Scored,
    Weights,
    coverage_projection,
    expected_certificate_date,
    plan_difference,
    remove_dates,
    score_against,
)
from models import Tranche, TranchePlan, TranchePlanItem
from services import certification_reads
from services.certification_reads import ForecastInputs
from services.permissions import Principal
from services.planning.access import ensure_can_read_plans, plan_for, tranche_for
from services.planning.tranche_data import TrancheContext, taken_places, tranche_context
from services.planning.working_plan import PlanItem, clean_audit_capacity, clean_items, included

# ---------------------------------------------------------------- tranches and saved plans


@dataclass(frozen=True)
class TrancheChoice:
    """A future tranche as offered on the page."""
    id: int
    name: str
    start_on: date
    capacity: int
    taken: int                  # places used by running trajectories
    confirmed: str | None       # name of its confirmed plan


def future_tranches(session: Session, p: Principal, region_id: int | None, as_of: date) -> list[TrancheChoice]:
    """The region's tranches starting after as_of, by start date."""
    ensure_can_read_plans(session, p, region_id)
    tranches = list(session.exec(select(Tranche).where(Tranche.region_id == region_id, Tranche.start_on > as_of)
                                 .order_by(col(Tranche.start_on), col(Tranche.id))))
    ids = [t.id for t in tranches if t.id is not None]
    taken = taken_places(session, ids)
    confirmed = dict(session.exec(select(TranchePlan.tranche_id, TranchePlan.name)
                                  .where(col(TranchePlan.tranche_id).in_(ids), TranchePlan.status == "confirmed"))
                     .all())
    return [TrancheChoice(t.id, t.name, t.start_on, t.capacity, taken[t.id], confirmed.get(t.id))
            for t in tranches if t.id is not None]


@dataclass(frozen=True)
class PlanSummary:
    id: int
    name: str
    status: str                 # draft / confirmed
    schools: int
    created_by: str


def list_plans(session: Session, p: Principal, tranche_id: object) -> list[PlanSummary]:
    """The tranche's saved plans by name, with their number of schools."""
    tranche, _ = tranche_for(session, p, tranche_id)
    plans = list(session.exec(select(TranchePlan).where(TranchePlan.tranche_id == tranche.id)
                              .order_by(col(TranchePlan.name))))
    counts = dict(session.exec(select(TranchePlanItem.plan_id, func.count(col(TranchePlanItem.id)))
                               .where(col(TranchePlanItem.plan_id).in_([plan.id for plan in plans]),
                                      TranchePlanItem.source != "removed")
                               .group_by(col(TranchePlanItem.plan_id))).all())
    return [PlanSummary(plan.id, plan.name, plan.status, counts.get(plan.id, 0), plan.created_by)
            for plan in plans if plan.id is not None]


@dataclass(frozen=True)
class SavedPlan:
    """A saved plan: its settings and items (the page's working state when opened)."""
    id: int
    tranche_id: int
    name: str
    status: str
    weights: dict[str, float]
    quotas: dict[str, int]
    audit_capacity: int | None
    items: list[PlanItem]

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


def load_plan(session: Session, p: Principal, plan_id: object) -> SavedPlan:
    plan, tranche, _ = plan_for(session, p, plan_id)
    assert plan.id is not None and tranche.id is not None
    items = clean_items([{"school_id": i.school_id, "source": i.source, "reason": i.reason}
                         for i in session.exec(select(TranchePlanItem).where(TranchePlanItem.plan_id == plan.id)
                                               .order_by(col(TranchePlanItem.id)))])
    return SavedPlan(plan.id, tranche.id, plan.name, plan.status, Weights.from_dict(plan.weights).as_dict(),
                     dict(plan.quotas), plan.audit_capacity_per_quarter, items)


# ---------------------------------------------------------------- a plan's rows and projection


@dataclass(frozen=True)
class ScoredPlan:
    """The candidates scored against the plan (domain.planning.Scored), best first."""
    in_plan: list[Scored]
    others: list[Scored]        # candidates neither in the plan nor removed by hand
    removed: list[Scored]       # removed by hand


def scored_plan(ctx: TrancheContext, as_of: date, weights: dict[str, object] | None,
                items: list[PlanItem]) -> ScoredPlan:
    planned = included(items)
    scored = score_against(ctx.candidates, Weights.from_dict(weights), coverage=ctx.data.coverage, as_of=as_of,
                           planned_ids=planned)
    removed = {i["school_id"] for i in items if i["source"] == "removed"}
    in_plan = set(planned)
    return ScoredPlan([s for s in scored if s.candidate.school_id in in_plan],
                      [s for s in scored if s.candidate.school_id not in in_plan | removed],
                      [s for s in scored if s.candidate.school_id in removed])


@dataclass(frozen=True)
class Projection:
    quarters: list[str]
    municipalities: list[CoverageRow]
    total: CoverageRow              # the whole region
    audits: list[QuarterDemand]
    over_capacity: list[str]
    certified_quarter: str          # quarter in which the plan's schools are expected to be certified


def projection(session: Session, ctx: TrancheContext, as_of: date, school_ids: list[int],
               audit_capacity: int | None, *, inputs: ForecastInputs | None = None) -> Projection:
    """Expected coverage per municipality per quarter (three years) with this plan, and the
    audits it demands against the audit capacity (domain.lifecycle.audit_forecast). `inputs`:
    the region's forecast inputs at as_of when already loaded in this request."""
    region, tranche = ctx.region, ctx.tranche
    months = (region.expected_months_min, region.expected_months_max)
    planned_on = expected_certificate_date(tranche.start_on, *months)
    plan = set(school_ids)
    schools = []
    for sid, s in ctx.data.statuses.items():
        expected = None
        running_start = ctx.data.running.get(sid)
        if sid in plan:
            expected = planned_on
        elif running_start is not None:
            expected = expected_certificate_date(running_start, *months)
        current = Certificate(s.issued_on, s.expires_on) if s.issued_on and s.expires_on else None
        schools.append(ProjectedSchool(sid, s.municipality_code, s.municipality_name, current, expected))
    labels, rows, total = coverage_projection(schools, as_of=as_of, validity_months=region.validity_months)
    if inputs is None:
        inputs = certification_reads.forecast_inputs(session, ctx.data.region_id, as_of)
    plan_expiries = [expires for sid in plan if ctx.data.statuses[sid].has_valid_certificate
                     and (expires := ctx.data.statuses[sid].expires_on) is not None]
    planned = list(inputs.planned_tranches) + ([(tranche.start_on, len(plan))] if plan else [])
    audits = audit_forecast(remove_dates(inputs.expiries, plan_expiries), planned, as_of=as_of, quarters=12,
                            expected_months_min=months[0], expected_months_max=months[1],
                            capacity_per_quarter=audit_capacity, validity_months=region.validity_months)
    return Projection(labels, rows, total, audits, [q.label for q in audits if q.over_capacity],
                      quarter_label(*quarter_of(max(planned_on, as_of))))


def plan_projection(session: Session, p: Principal, tranche_id: object, as_of: date, *, items: object,
                    audit_capacity: object, ctx: TrancheContext | None = None,
                    inputs: ForecastInputs | None = None) -> tuple[TrancheContext, Projection]:
    """The projection of a working plan; schools that are no candidate (any more) are left out."""
    ctx = ctx or tranche_context(session, p, tranche_id, as_of)
    known = {c.school_id for c in ctx.candidates}
    cap = clean_audit_capacity(audit_capacity)
    return ctx, projection(session, ctx, as_of, [s for s in included(clean_items(items)) if s in known], cap,
                           inputs=inputs)


# ---------------------------------------------------------------- comparing two plans


@dataclass(frozen=True)
class SchoolRef:
    code: str
    name: str
    municipality: str


@dataclass(frozen=True)
class CoverageComparison:
    """One municipality (or 'Hele regio') in the quarter both plans' schools are certified."""
    name: str
    schools: int
    now: float | None
    a: float | None
    b: float | None


@dataclass(frozen=True)
class AuditComparison:
    quarter: str
    a: int
    b: int
    capacity_a: int | None
    capacity_b: int | None
    over_a: bool
    over_b: bool


@dataclass(frozen=True)
class PlanComparison:
    """Two saved plans side by side."""
    name_a: str
    name_b: str
    only_a: list[SchoolRef]
    only_b: list[SchoolRef]
    both: int
    coverage_quarter: str
    coverage: list[CoverageComparison]   # per municipality, the whole region last
    audits: list[AuditComparison]


def compare_plans(session: Session, p: Principal, plan_a: object, plan_b: object, as_of: date) -> PlanComparison:
    """Which schools differ, the coverage per municipality when the plans' schools are expected
    to be certified, and the audits per quarter. The region's data is loaded once."""
    a, b = load_plan(session, p, plan_a), load_plan(session, p, plan_b)
    ctx_a = tranche_context(session, p, a.tranche_id, as_of)
    ctx_b = tranche_context(session, p, b.tranche_id, as_of, data=ctx_a.data)
    if ctx_a.region.id != ctx_b.region.id:
        raise PlanRefused("Vergelijk twee plannen van dezelfde regio.")
    inputs = certification_reads.forecast_inputs(session, ctx_a.data.region_id, as_of)
    _, proj_a = plan_projection(session, p, a.tranche_id, as_of, items=a.items, audit_capacity=a.audit_capacity,
                                ctx=ctx_a, inputs=inputs)
    _, proj_b = plan_projection(session, p, b.tranche_id, as_of, items=b.items, audit_capacity=b.audit_capacity,
                                ctx=ctx_b, inputs=inputs)
    only_a, only_b, both = plan_difference(included(a.items), included(b.items))
    statuses = ctx_a.data.statuses
    names = {sid: SchoolRef(s.code, s.name, s.municipality_name) for sid, s in statuses.items()}
    moment = max(proj_a.certified_quarter, proj_b.certified_quarter)
    column = proj_a.quarters.index(moment) if moment in proj_a.quarters else -1
    coverage = [CoverageComparison(ra.name, ra.schools, ra.coverage[0], ra.coverage[column], rb.coverage[column])
                for ra, rb in zip([*proj_a.municipalities, proj_a.total], [*proj_b.municipalities, proj_b.total],
                                  strict=True)]
    audits = [AuditComparison(qa.label, qa.total, qb.total, qa.capacity, qb.capacity, qa.over_capacity,
                              qb.over_capacity) for qa, qb in zip(proj_a.audits, proj_b.audits, strict=True)]
    return PlanComparison(a.name, b.name, [names[s] for s in only_a if s in names],
                          [names[s] for s in only_b if s in names], len(both), proj_a.quarters[column], coverage,
                          audits)


def sector_counts(scored: list[Scored]) -> dict[str, int]:
    """Schools per sector, by sector code."""
    return dict(sorted(Counter(s.candidate.sector for s in scored).items()))

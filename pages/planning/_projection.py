"""5. Projection, and the view of the working plan: whenever it changes, the plan's grid, the
other candidates, the summary, the expected coverage and the audit wave are drawn again."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from components.certification_charts import forecast_chart
from components.chart_table import with_table
from components.charts import GRAPH_CONFIG
from components.planning_charts import coverage_projection_chart
from components.theme import pct
from pages.planning import _ids as ids
from pages.planning._common import RULE_REFUSALS, SOURCE_LABELS, candidate_row, error, working
from pages.planning._settings import AUDIT_CAPACITY, WEIGHTS, weights_of
from pages.planning._tranche import tranche_info
from services import planning
from services.permissions import can_edit_plans
from services.planning import PlanItem, Projection, ScoredPlan, TrancheContext
from web.request_context import Request, page_callback


def projection_card() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3("5. Projectie van dit plan (komende drie jaar)", className="h6"),
        html.P("Aanname: scholen in dit plan en in lopende trajecten worden gecertificeerd na de gemiddelde "
               "doorlooptijd van de regio; bestaande certificaten verlopen op hun einddatum (alleen wat gepland is "
               "telt). De auditgolf toont ook de heraudits die nodig zijn om certificaten geldig te houden.",
               className="small text-muted"),
        with_table(dcc.Graph(id=ids.COVERAGE_CHART, config=GRAPH_CONFIG)),
        with_table(dcc.Graph(id=ids.AUDIT_CHART, config=GRAPH_CONFIG)),
        html.P(id=ids.OVER_CAPACITY),
    ]), className="mb-3 shadow-sm")


LOCKED = (True,) * len(ids.EDIT_BUTTONS)


def _nothing(summary: Any) -> tuple[Any, ...]:
    return "", [], [], None, summary, {}, {}, "", "", True, *LOCKED


@page_callback(Output(ids.TRANCHE_INFO, "children"), Output(ids.PLAN_GRID, "rowData"),
               Output(ids.CANDIDATE_GRID, "rowData"), Output(ids.REMOVED, "children"),
               Output(ids.SUMMARY, "children"), Output(ids.COVERAGE_CHART, "figure"),
               Output(ids.AUDIT_CHART, "figure"), Output(ids.OVER_CAPACITY, "children"),
               Output(ids.OVER_CAPACITY, "className"), Output(ids.CONFIRM, "disabled"),
               *[Output(i, "disabled") for i in ids.EDIT_BUTTONS],
               Input(ids.WORK, "data"), WEIGHTS, AUDIT_CAPACITY, on_refusal=lambda message: _nothing(error(message)))
def show_plan(request: Request, work: object, weights: object, audit_capacity: object) -> tuple[Any, ...]:
    plan = working(work)
    if plan.get("tranche_id") is None:
        return _nothing("Kies een tranche.")
    as_of = request.scope.as_of
    try:
        context, projection = planning.plan_projection(request.session, request.principal, plan["tranche_id"], as_of,
                                                       items=plan.get("items", []), audit_capacity=audit_capacity)
        items = {i["school_id"]: i for i in planning.clean_items(plan.get("items", []))}
        scored = planning.scored_plan(context, as_of, weights_of(weights), list(items.values()))
    except RULE_REFUSALS as exc:
        return _nothing(error(str(exc)))
    charts = (coverage_projection_chart(projection), forecast_chart(projection.audits), *_over(projection))
    info = tranche_info(context)
    if plan.get("status") == "confirmed":
        rows, summary = _confirmed(context, items, str(plan.get("name", "")))
        return info, rows, [], None, summary, *charts, True, *LOCKED
    editable = can_edit_plans(request.principal, context.region.id)
    can_confirm = editable and bool(plan.get("plan_id"))
    return (info, [candidate_row(s, items.get(s.candidate.school_id)) for s in scored.in_plan],
            [candidate_row(s) for s in scored.others], _removed(scored, items),
            _summary(context, scored, items, projection, plan), *charts, not can_confirm,
            *[not editable] * len(ids.EDIT_BUTTONS))


def _summary(context: TrancheContext, scored: ScoredPlan, items: dict[int, PlanItem], projection: Projection,
             plan: dict[str, Any]) -> list[Any]:
    summary: list[Any] = [html.Span(f"{len(scored.in_plan)} van {context.free} vrije plaatsen gevuld",
                                    id="plan-count", className="fw-semibold")]
    if len(scored.in_plan) < len(planning.included(list(items.values()))):
        summary.append(html.Span(" (een deel van de scholen is geen kandidaat meer)", className="text-danger"))
    if plan.get("plan_id"):
        summary.append(html.Span(f" — concept '{plan.get('name', '')}'", className="text-muted"))
    sectors = planning.sector_counts(scored.in_plan)
    if sectors:
        summary.append(html.Span(" — " + ", ".join(f"{k}: {v}" for k, v in sectors.items()), className="text-muted"))
    total, quarter = projection.total, projection.certified_quarter
    coverage_text = (f"Dekking hele regio: nu {pct(total.coverage[0])}, in {quarter} "
                     f"{pct(total.coverage[projection.quarters.index(quarter)])}"
                     if quarter in projection.quarters else "")
    summary.append(html.Div(coverage_text, className="small text-muted", id="plan-coverage-text"))
    return summary


def _removed(scored: ScoredPlan, items: dict[int, PlanItem]) -> html.Div | None:
    if not scored.removed:
        return None
    return html.Div([html.Span("Handmatig verwijderd: ", className="fw-semibold small"),
                     html.Ul([html.Li(f"{s.candidate.name} ({s.candidate.code}): "
                                      f"{items[s.candidate.school_id]['reason']}", className="small")
                              for s in scored.removed], id="plan-removed-list", className="mb-0")])


def _over(projection: Projection) -> tuple[str, str]:
    over = projection.over_capacity
    if over:
        return "Auditcapaciteit onvoldoende in: " + ", ".join(over) + ".", "text-danger fw-semibold"
    return "De auditcapaciteit is in geen enkel kwartaal overschreden.", "text-muted"


def _confirmed(context: TrancheContext, items: dict[int, PlanItem],
               name: str) -> tuple[list[dict[str, Any]], list[Any]]:
    """A confirmed plan: its schools (now in a trajectory) as saved, read-only."""
    statuses = context.data.statuses
    rows = [{"school_id": sid, "code": statuses[sid].code, "name": statuses[sid].name,
             "municipality": statuses[sid].municipality_name, "sector": statuses[sid].sector,
             "kind": "Traject gestart", "source": SOURCE_LABELS[item["source"]], "reason": item["reason"]}
            for sid, item in items.items() if item["source"] != "removed" and sid in statuses]
    summary = [html.Span(f"{len(rows)} scholen in plan '{name}'", id="plan-count", className="fw-semibold"),
               dbc.Badge("bevestigd — alleen-lezen", color="success", className="ms-2", id="plan-readonly")]
    return rows, summary

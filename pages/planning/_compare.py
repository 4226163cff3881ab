"""6. Comparing two saved plans of the tranche (services.planning.compare_plans): the schools
that differ, the coverage per municipality and the audits per quarter."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, html

from components.inputs import dropdown
from components.links import school_link
from components.theme import pct
from pages.planning import _ids as ids
from pages.planning._common import RULE_REFUSALS, error, refused
from services import planning
from services.planning import PlanComparison
from services.planning.queries import SchoolRef
from web.request_context import Request, page_callback


def plan_compare_card() -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3("6. Twee plannen vergelijken", className="h6"),
        dbc.Row([
            dbc.Col([dbc.Label("Plan A", html_for=ids.PLAN_COMPARE_A), dropdown(ids.PLAN_COMPARE_A, [], None)], md=4),
            dbc.Col([dbc.Label("Plan B", html_for=ids.PLAN_COMPARE_B), dropdown(ids.PLAN_COMPARE_B, [], None)], md=4),
            dbc.Col(dbc.Button("Vergelijken", id=ids.PLAN_COMPARE_RUN, color="secondary"), md=2,
                    className="d-flex align-items-end"),
        ], className="g-2"),
        html.Div(id=ids.PLAN_COMPARE_RESULT, className="mt-3"),
    ]), className="mb-3 shadow-sm")


@page_callback(Output(ids.PLAN_COMPARE_RESULT, "children"), Input(ids.PLAN_COMPARE_RUN, "n_clicks"),
               State(ids.PLAN_COMPARE_A, "value"), State(ids.PLAN_COMPARE_B, "value"),
               on_refusal=error, prevent_initial_call=True)
def compare_two_plans(request: Request, _clicks: int | None, plan_a: object, plan_b: object) -> Any:
    if plan_a is None or plan_b is None or plan_a == plan_b:
        return dbc.Alert("Kies twee verschillende plannen.", color="info")
    try:
        comparison = planning.compare_plans(request.session, request.principal, plan_a, plan_b, request.scope.as_of)
    except RULE_REFUSALS as exc:
        return refused(request, exc)
    return plan_comparison_view(comparison, request.query)


def _school_list(schools: list[SchoolRef], list_id: str, query: Mapping[str, str]) -> html.P | html.Ul:
    if not schools:
        return html.P("geen", className="text-muted small", id=list_id)
    return html.Ul([html.Li([school_link(s.code, s.name, query), f" ({s.code}), {s.municipality}"])
                    for s in schools], id=list_id,
                   className="small")


def _capacity(value: int | None) -> str:
    return "onbeperkt" if value is None else str(value)


def _audits(value: int, over: bool) -> html.Td:
    return html.Td(f"{value}" + (" ⚠" if over else ""), className="text-danger fw-semibold" if over else None)


def plan_comparison_view(c: PlanComparison, query: Mapping[str, str]) -> html.Div:
    coverage = dbc.Table([
        html.Thead(html.Tr([html.Th("Gemeente"), html.Th("Scholen"), html.Th("Dekking nu"),
                            html.Th(f"{c.name_a} ({c.coverage_quarter})"),
                            html.Th(f"{c.name_b} ({c.coverage_quarter})"),
                            # A and B are named: B is another plan, not "now"
                            html.Th(f"Verschil {c.name_a} − {c.name_b}", id="plan-compare-difference")])),
        html.Tbody([html.Tr([html.Td(r.name), html.Td(r.schools), html.Td(pct(r.now)), html.Td(pct(r.a)),
                             html.Td(pct(r.b)), html.Td(pct((r.a or 0) - (r.b or 0)) if r.a is not None else "–")],
                            className="fw-semibold" if r.name == "Hele regio" else None)
                    for r in c.coverage]),
    ], size="sm", bordered=True, id="plan-compare-coverage")
    audits = dbc.Table([
        html.Thead(html.Tr([html.Th("Kwartaal"), html.Th(f"Audits {c.name_a}"), html.Th(f"Audits {c.name_b}"),
                            html.Th(f"Capaciteit {c.name_a} / {c.name_b}")])),
        html.Tbody([html.Tr([html.Td(q.quarter), _audits(q.a, q.over_a), _audits(q.b, q.over_b),
                             html.Td(f"{_capacity(q.capacity_a)} / {_capacity(q.capacity_b)}")])
                    for q in c.audits]),
    ], size="sm", bordered=True, id="plan-compare-audits")
    return html.Div([
        html.P(f"{c.both} scholen staan in beide plannen.", id="plan-compare-both"),
        dbc.Row([dbc.Col([html.H4(f"Alleen in {c.name_a}", className="h6"),
                          _school_list(c.only_a, "plan-compare-only-a", query)], md=6),
                 dbc.Col([html.H4(f"Alleen in {c.name_b}", className="h6"),
                          _school_list(c.only_b, "plan-compare-only-b", query)], md=6)]),
        html.H4("Effect op de dekking per gemeente", className="h6 mt-2"), coverage,
        html.H4("Auditbelasting per kwartaal (⚠ = boven capaciteit)", className="h6 mt-2"), audits,
    ])

"""Planning: which schools enter the next tranche, within capacity, with transparent priorities,
named drafts, a comparison of two drafts, the projection, and confirmation."""
from __future__ import annotations

from datetime import date

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components.certification_charts import forecast_chart
from components.charts import GRAPH_CONFIG
from components.grid import DEFAULT_COLUMN, grid_options
from components.inputs import dropdown
from components.planning_charts import coverage_projection_chart
from components.scope_page import PageContext, open_page, read_scope, refusal
from components.theme import pct
from domain.dates import format_nl, parse_date
from domain.lifecycle import TransitionRefused
from domain.planning import CANDIDATE_LABELS, COMPONENT_LABELS, PlanRefused, Weights
from domain.vocab import SECTORS
from models.db import session_scope
from services import planning, web_auth
from services.permissions import PermissionDenied, can_edit_region

dash.register_page(__name__, path="/planning", name="Planning", order=50, roles=planning.PLAN_ROLES,
                   title="Planning – Veilig in en om School")

WEIGHT_IDS = {k: f"plan-w-{k}" for k in COMPONENT_LABELS}
QUOTA_IDS = {s: f"plan-q-{s}" for s in SECTORS}
SOURCE_LABELS = {"proposal": "Voorstel", "added": "Handmatig toegevoegd", "removed": "Handmatig verwijderd"}
# Short column / field labels; the full label is the tooltip.
SHORT_LABELS = {"recert": "Hercertificering", "coverage": "Dekkingsgat", "readiness": "Gereedheid",
                "waiting": "Wachttijd", "learning": "Leereffect"}
ERRORS = (PlanRefused, PermissionDenied, TransitionRefused, ValueError)

COLUMNS = [
    {"field": "code", "headerName": "BRIN", "maxWidth": 95, "pinned": "left"},
    {"field": "name", "headerName": "School", "minWidth": 240, "pinned": "left"},
    {"field": "municipality", "headerName": "Gemeente", "minWidth": 130},
    {"field": "sector", "headerName": "Sector", "maxWidth": 85},
    {"field": "kind", "headerName": "Certificaat", "minWidth": 190},
    {"field": "score", "headerName": "Prioriteit (0-100)", "type": "numericColumn", "maxWidth": 120,
     "sort": "desc"},
    *[{"field": f"p_{k}", "headerName": SHORT_LABELS[k], "type": "numericColumn", "minWidth": 105, "maxWidth": 125,
       "headerTooltip": f"Punten voor: {label}"} for k, label in COMPONENT_LABELS.items()],
]
PLAN_COLUMNS = COLUMNS + [{"field": "source", "headerName": "Bron", "minWidth": 130},
                          {"field": "reason", "headerName": "Reden", "minWidth": 200}]


def _grid(grid_id: str, columns: list[dict], height: str) -> dag.AgGrid:
    return dag.AgGrid(id=grid_id, rowData=[], columnDefs=columns, getRowId="params.data.code",
                      defaultColDef=DEFAULT_COLUMN, style={"height": height},
                      dashGridOptions=grid_options(rowSelection={"mode": "singleRow", "checkboxes": False,
                                                                 "enableClickSelection": True},
                                                   tooltipShowDelay=300))


def _number(component_id: str, value, *, step: float = 1, placeholder: str = "", disabled: bool = False):
    return dbc.Input(id=component_id, type="number", min=0, step=step, value=value, placeholder=placeholder,
                     size="sm", disabled=disabled)


def _tranche_options(tranches: list[dict]) -> list[dict]:
    return [{"label": f"{t['name']} — start {format_nl(t['start_on'])}, {t['capacity']} plaatsen"
                      + (f" ({t['taken']} al bezet)" if t["taken"] else "")
                      + (" — bevestigd" if t["confirmed"] else ""), "value": t["id"]} for t in tranches]


def layout(**query):
    with session_scope() as session:
        page = open_page(session, "Planning", query)
        if not isinstance(page, PageContext):
            return page
        principal, scope, heading = page.principal, page.scope, page.heading
        if scope.region_id is None:
            return html.Div([heading, dbc.Alert("Kies een regio in de balk bovenaan om een tranche te plannen.",
                                                color="info", id="plan-choose-region")])
        try:
            region = planning.ensure_can_read_plans(session, principal, scope.region_id)
        except PermissionDenied as exc:
            return html.Div([heading, refusal(exc)])
        tranches = planning.future_tranches(session, principal, region.id, scope.as_of)
        editable = can_edit_region(principal, region.id)
        audit_capacity = region.audit_capacity_per_quarter
    weights = Weights()
    tranche_card = dbc.Card(dbc.CardBody([
        html.H3("1. Tranche", className="h6"),
        dbc.Row([
            dbc.Col([dbc.Label("Toekomstige tranche", html_for="plan-tranche"),
                     dropdown("plan-tranche", _tranche_options(tranches),
                              tranches[0]["id"] if tranches else None, clearable=False,
                              placeholder="Kies een tranche")], md=6),
            dbc.Col(html.Div(id="plan-tranche-info", className="small text-muted pt-4"), md=6),
        ]),
        dbc.Collapse(dbc.Row([
            dbc.Col([dbc.Label("Naam nieuwe tranche", html_for="plan-new-name"),
                     dbc.Input(id="plan-new-name", maxLength=100, size="sm", placeholder="bijv. Tranche 2028")], md=4),
            dbc.Col([dbc.Label("Startdatum", html_for="plan-new-start"),
                     dcc.DatePickerSingle(id="plan-new-start", display_format="DD-MM-YYYY", first_day_of_week=1,
                                          placeholder="dd-mm-jjjj")], md=3),
            dbc.Col([dbc.Label("Capaciteit (scholen)", html_for="plan-new-capacity"),
                     _number("plan-new-capacity", 8)], md=2),
            dbc.Col(dbc.Button("Tranche aanmaken", id="plan-new-create", color="secondary", size="sm"), md=3,
                    className="d-flex align-items-end"),
        ], className="g-2 mt-2"), is_open=editable),
        html.Div(id="plan-new-message", className="mt-2"),
    ]), className="mb-3 shadow-sm")
    settings_card = dbc.Card(dbc.CardBody([
        html.H3("2. Prioriteiten en quota", className="h6"),
        html.P("Gewichten (0 tot 10) bepalen hoe zwaar elk onderdeel telt in de prioriteit; quota zijn het "
               "maximum aantal plaatsen per sector (leeg: geen quotum).", className="small text-muted mb-2"),
        dbc.Row([dbc.Col([dbc.Label(f"Gewicht {SHORT_LABELS[k].lower()}", html_for=WEIGHT_IDS[k], className="small"),
                          _number(WEIGHT_IDS[k], getattr(weights, k), step=0.5, disabled=not editable)], md=2)
                 for k, label in COMPONENT_LABELS.items()]
                + [dbc.Col([dbc.Label("Auditcapaciteit per kwartaal", html_for="plan-audit-cap", className="small"),
                            _number("plan-audit-cap", audit_capacity, placeholder="onbeperkt",
                                    disabled=not editable)], md=2)], className="g-2"),
        dbc.Row([dbc.Col([dbc.Label(f"Quotum {code}", html_for=QUOTA_IDS[code], className="small"),
                          _number(QUOTA_IDS[code], None, placeholder="geen", disabled=not editable)], md=2)
                 for code in SECTORS], className="g-2 mt-1"),
        dbc.Button("Voorstel maken", id="plan-propose", color="primary", className="mt-3", disabled=not editable),
    ]), className="mb-3 shadow-sm")
    plan_card = dbc.Card(dbc.CardBody([
        html.H3("3. Plan", className="h6"),
        html.Div(id="plan-summary", className="mb-2"),
        html.P("Prioriteit 0-100 = som van de punten per onderdeel (gewicht × score van de school). Hercertificering: "
               "verlopen 1, nodig 0,75; dekkingsgat: 1 − dekking van de gemeente; gereedheid: gemiddelde van "
               "netwerkcompleetheid en aanpakfase van de gemeente; wachttijd: maanden sinds eerste aanmelding / 36; "
               "leereffect: deel van de partners gedeeld met scholen in het plan.", className="small text-muted"),
        _grid("plan-grid", PLAN_COLUMNS, "330px"),
        dbc.Row([
            dbc.Col([dbc.Label("Reden (verplicht bij handmatig toevoegen of verwijderen)", html_for="plan-reason"),
                     dbc.Input(id="plan-reason", maxLength=1000, placeholder="bijv. bestuur vraagt uitstel")], md=6),
            dbc.Col(dbc.Button("Geselecteerde school uit het plan halen", id="plan-remove", color="danger",
                               outline=True, disabled=not editable), md=3, className="d-flex align-items-end"),
            dbc.Col(dbc.Button("Geselecteerde kandidaat toevoegen", id="plan-add", color="success", outline=True,
                               disabled=not editable), md=3, className="d-flex align-items-end"),
        ], className="g-2 mt-2"),
        html.Div(id="plan-removed", className="mt-2"),
        html.H4("Overige kandidaten", className="h6 mt-3"),
        _grid("plan-cand-grid", COLUMNS, "300px"),
    ]), className="mb-3 shadow-sm")
    save_card = dbc.Card(dbc.CardBody([
        html.H3("4. Concepten", className="h6"),
        dbc.Row([
            dbc.Col([dbc.Label("Naam van het concept", html_for="plan-save-name"),
                     dbc.Input(id="plan-save-name", maxLength=100, placeholder="bijv. Scenario A")], md=4),
            dbc.Col(dbc.Button("Opslaan als concept", id="plan-save", color="primary", disabled=not editable),
                    md=2, className="d-flex align-items-end"),
            dbc.Col([dbc.Label("Opgeslagen plannen", html_for="plan-drafts"),
                     dropdown("plan-drafts", [], None, placeholder="Kies een plan")], md=4),
            dbc.Col(dbc.Button("Openen", id="plan-load", color="secondary", outline=True), md=2,
                    className="d-flex align-items-end"),
        ], className="g-2"),
        html.Div([
            dbc.Button("Geopend concept bevestigen…", id="plan-confirm", color="warning", className="mt-3",
                       disabled=not editable),
            html.Div([
                dbc.Alert(["Bevestigen maakt voor elke school van het geopende concept een traject aan "
                           "(fase Aangemeld) in deze tranche. Daarna is het plan alleen-lezen.",
                           html.Br(),
                           dbc.Button("Ja, trajecten aanmaken", id="plan-confirm-yes", color="danger",
                                      size="sm", className="mt-2")], color="warning", className="mt-2"),
            ], id="plan-confirm-ask", style={"display": "none"}),
        ]),
    ]), className="mb-3 shadow-sm")
    projection_card = dbc.Card(dbc.CardBody([
        html.H3("5. Projectie van dit plan (komende drie jaar)", className="h6"),
        html.P("Aanname: scholen in dit plan en in lopende trajecten worden gecertificeerd na de gemiddelde "
               "doorlooptijd van de regio; bestaande certificaten verlopen op hun einddatum (alleen wat gepland is "
               "telt). De auditgolf toont ook de heraudits die nodig zijn om certificaten geldig te houden.",
               className="small text-muted"),
        dcc.Graph(id="plan-coverage-chart", config=GRAPH_CONFIG),
        dcc.Graph(id="plan-audit-chart", config=GRAPH_CONFIG),
        html.P(id="plan-over"),
    ]), className="mb-3 shadow-sm")
    compare_card = dbc.Card(dbc.CardBody([
        html.H3("6. Twee plannen vergelijken", className="h6"),
        dbc.Row([
            dbc.Col([dbc.Label("Plan A", html_for="plan-cmp-a"), dropdown("plan-cmp-a", [], None)], md=4),
            dbc.Col([dbc.Label("Plan B", html_for="plan-cmp-b"), dropdown("plan-cmp-b", [], None)], md=4),
            dbc.Col(dbc.Button("Vergelijken", id="plan-compare", color="secondary"), md=2,
                    className="d-flex align-items-end"),
        ], className="g-2"),
        html.Div(id="plan-cmp-result", className="mt-3"),
    ]), className="mb-3 shadow-sm")
    return html.Div([
        heading,
        dcc.Store(id="plan-scope", data={"query": {k: v for k, v in query.items()
                                                   if k in ("gebied", "sector", "peildatum")}}),
        dcc.Store(id="plan-work", data={}),
        html.Div(id="plan-message"),
        tranche_card, settings_card, plan_card, save_card, projection_card, compare_card,
    ])


# ---------------------------------------------------------------- helpers

def _as_of(session, principal, scope_data) -> date:
    scope, _ = read_scope(session, (scope_data or {}).get("query", {}), principal)
    return scope.as_of


def _error(exc: Exception) -> dbc.Alert:
    return dbc.Alert(str(exc), color="danger", id="plan-error")


def _ok(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="success", id="plan-done")


def _school_id(rows) -> int | None:
    value = (rows or [{}])[0].get("school_id") if rows else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _draft_options(session, principal, tranche_id) -> list[dict]:
    return [{"label": f"{p['name']} ({'bevestigd' if p['status'] == 'confirmed' else 'concept'}, "
                      f"{p['schools']} scholen)", "value": p["id"]}
            for p in planning.list_plans(session, principal, tranche_id)]


def _row(s, item: dict | None = None) -> dict:
    c = s.candidate
    row = {"school_id": c.school_id, "code": c.code, "name": c.name, "municipality": c.municipality_name,
           "sector": c.sector, "kind": CANDIDATE_LABELS.get(c.kind, c.kind)
           + (f" ({format_nl(c.expires_on)})" if c.kind == "due" and c.expires_on else ""),
           "score": round(s.score, 1), **{f"p_{k}": round(v, 1) for k, v in s.points.items()}}
    if item is not None:
        row["source"] = SOURCE_LABELS[item["source"]]
        row["reason"] = item["reason"]
    return row


def _settings(values: list) -> tuple[dict, dict, object]:
    weights = dict(zip(COMPONENT_LABELS, values[:len(COMPONENT_LABELS)], strict=False))
    quotas = dict(zip(SECTORS, values[len(COMPONENT_LABELS):len(COMPONENT_LABELS) + len(SECTORS)], strict=False))
    return weights, quotas, values[-1]


EDIT_BUTTONS = ("plan-propose", "plan-add", "plan-remove", "plan-save")
SETTING_STATES = ([State(i, "value") for i in WEIGHT_IDS.values()] + [State(i, "value") for i in QUOTA_IDS.values()]
                  + [State("plan-audit-cap", "value")])
SETTING_OUTPUTS = ([Output(i, "value") for i in WEIGHT_IDS.values()] + [Output(i, "value") for i in QUOTA_IDS.values()]
                   + [Output("plan-audit-cap", "value")])


# ---------------------------------------------------------------- callbacks

@callback(Output("plan-tranche", "options"), Output("plan-tranche", "value"), Output("plan-new-message", "children"),
          Input("plan-new-create", "n_clicks"),
          State("plan-new-name", "value"), State("plan-new-start", "date"), State("plan-new-capacity", "value"),
          State("plan-scope", "data"), prevent_initial_call=True)
def create_tranche(_n, name, start, capacity, scope_data):
    principal = web_auth.current_principal()
    try:
        start_on = parse_date(start or "")
        with session_scope() as session:
            scope, _ = read_scope(session, (scope_data or {}).get("query", {}), principal)
            cap = int(capacity) if capacity not in (None, "") and float(capacity).is_integer() else None
            tranche = planning.create_tranche(session, principal, scope.region_id, str(name or ""), start_on,
                                              cap if cap is not None else -1)
            options = _tranche_options(planning.future_tranches(session, principal, scope.region_id, scope.as_of))
    except ERRORS as exc:
        return no_update, no_update, _error(exc)
    return options, tranche.id, _ok(f"Tranche '{tranche.name}' aangemaakt.")


@callback(Output("plan-work", "data"), Output("plan-message", "children"), Output("plan-drafts", "options"),
          Output("plan-cmp-a", "options"), Output("plan-cmp-b", "options"), Output("plan-tranche-info", "children"),
          *SETTING_OUTPUTS,
          Input("plan-tranche", "value"), Input("plan-propose", "n_clicks"), Input("plan-add", "n_clicks"),
          Input("plan-remove", "n_clicks"), Input("plan-save", "n_clicks"), Input("plan-load", "n_clicks"),
          Input("plan-confirm-yes", "n_clicks"),
          State("plan-work", "data"), State("plan-reason", "value"), State("plan-grid", "selectedRows"),
          State("plan-cand-grid", "selectedRows"), State("plan-save-name", "value"), State("plan-drafts", "value"),
          State("plan-scope", "data"), *SETTING_STATES)
def act(tranche_id, _p, _a, _r, _s, _l, _c, work, reason, plan_rows, cand_rows, save_name, draft_id, scope_data,
        *setting_values):
    """Every change of the working plan: the browser's state is checked again by the service."""
    principal = web_auth.current_principal()
    trigger = ctx.triggered_id or "plan-tranche"
    work = work if isinstance(work, dict) else {}
    weights, quotas, audit_cap = _settings(list(setting_values))
    keep = [no_update] * len(SETTING_OUTPUTS)
    lists = [no_update] * 4
    if principal is None:
        return {}, _error(PermissionDenied("U bent niet ingelogd.")), *lists, *keep
    message, settings = None, keep
    try:
        with session_scope() as session:
            as_of = _as_of(session, principal, scope_data)
            if trigger == "plan-tranche" or work.get("tranche_id") != tranche_id:
                if tranche_id is None:
                    return {}, None, [], [], [], "", *keep
                ctx_ = planning.context(session, principal, tranche_id, as_of)
                work = {"tranche_id": tranche_id, "items": []}
                options = _draft_options(session, principal, tranche_id)
                finish = format_nl(planning.tranche_finish(ctx_.tranche.start_on, ctx_.region.expected_months_max))
                info = (f"{len(ctx_.candidates)} kandidaten; {ctx_.free} vrije plaatsen; verwacht klaar op {finish}.")
                return work, None, options, options, options, info, *keep
            items = work.get("items", [])
            if trigger == "plan-propose":
                items, warnings = planning.make_proposal(session, principal, tranche_id, as_of, weights=weights,
                                                         quotas=quotas, items=items)
                work = {**work, "items": items, "plan_id": None, "status": "draft"}
                message = dbc.Alert(" ".join(warnings), color="warning", id="plan-warning") if warnings else \
                    _ok(f"Voorstel gemaakt: {len(planning.included(items))} scholen.")
            elif trigger == "plan-add":
                items = planning.add_school(session, principal, tranche_id, as_of, quotas=quotas, items=items,
                                            school_id=_school_id(cand_rows), reason=str(reason or ""))
                work = {**work, "items": items, "plan_id": None, "status": "draft"}
                message = _ok("School toegevoegd aan het plan.")
            elif trigger == "plan-remove":
                items = planning.remove_school(session, principal, tranche_id, as_of, items=items,
                                               school_id=_school_id(plan_rows), reason=str(reason or ""))
                work = {**work, "items": items, "plan_id": None, "status": "draft"}
                message = _ok("School uit het plan gehaald.")
            elif trigger == "plan-save":
                plan = planning.save_plan(session, principal, tranche_id, str(save_name or ""), as_of,
                                          weights=weights, quotas=quotas, audit_capacity=audit_cap, items=items)
                work = {**work, "plan_id": plan.id, "name": plan.name, "status": plan.status}
                message = _ok(f"Concept '{plan.name}' opgeslagen.")
            elif trigger == "plan-load":
                loaded = planning.load_plan(session, principal, draft_id)
                if loaded["tranche_id"] != tranche_id:
                    raise PlanRefused("Dit plan hoort bij een andere tranche.")
                work = loaded
                settings = ([loaded["weights"][k] for k in COMPONENT_LABELS]
                            + [loaded["quotas"].get(s) for s in SECTORS] + [loaded["audit_capacity"]])
                message = _ok(f"Plan '{loaded['name']}' geopend"
                              + (" (bevestigd, alleen-lezen)." if loaded["status"] == "confirmed" else "."))
            elif trigger == "plan-confirm-yes":
                plan_id = work.get("plan_id")
                created = planning.confirm_plan(session, principal, plan_id)
                work = planning.load_plan(session, principal, plan_id)
                message = _ok(f"Plan bevestigd: {len(created)} trajecten aangemaakt (fase Aangemeld).")
            options = _draft_options(session, principal, tranche_id)
    except ERRORS as exc:
        return no_update, _error(exc), *lists, *keep
    return work, message, options, options, options, no_update, *settings


@callback(Output("plan-confirm-ask", "style"), Input("plan-confirm", "n_clicks"), Input("plan-work", "data"),
          prevent_initial_call=True)
def ask_confirmation(_n, _work):
    return {"display": "block"} if ctx.triggered_id == "plan-confirm" else {"display": "none"}


@callback(Output("plan-grid", "rowData"), Output("plan-cand-grid", "rowData"), Output("plan-removed", "children"),
          Output("plan-summary", "children"), Output("plan-coverage-chart", "figure"),
          Output("plan-audit-chart", "figure"), Output("plan-over", "children"), Output("plan-over", "className"),
          Output("plan-confirm", "disabled"), *[Output(i, "disabled") for i in EDIT_BUTTONS],
          Input("plan-work", "data"), State("plan-scope", "data"), *SETTING_STATES)
def render(work, scope_data, *setting_values):
    principal = web_auth.current_principal()
    work = work if isinstance(work, dict) else {}
    weights, _quotas, audit_cap = _settings(list(setting_values))
    locked = [True] * len(EDIT_BUTTONS)
    if principal is None or work.get("tranche_id") is None:
        return [], [], None, "Kies een tranche.", {}, {}, "", "", True, *locked
    try:
        with session_scope() as session:
            as_of = _as_of(session, principal, scope_data)
            context, proj = planning.plan_projection(session, principal, work["tranche_id"], as_of,
                                                     items=work.get("items", []), audit_capacity=audit_cap)
            items = {i["school_id"]: i for i in planning.clean_items(work.get("items", []))}
            in_plan, others, removed = planning.scored_view(context, as_of, weights, list(items.values()))
            editable = can_edit_region(principal, context.region.id)
    except ERRORS as exc:
        return [], [], None, _error(exc), {}, {}, "", "", True, *locked
    if work.get("status") == "confirmed":
        return *_confirmed_view(context, items, proj, work), *locked
    summary = [html.Span(f"{len(in_plan)} van {context.free} vrije plaatsen gevuld", id="plan-count",
                         className="fw-semibold")]
    if len(in_plan) < len([i for i in items.values() if i["source"] != "removed"]):
        summary.append(html.Span(" (een deel van de scholen is geen kandidaat meer)", className="text-danger"))
    if work.get("plan_id"):
        summary.append(html.Span(f" — concept '{work.get('name', '')}'", className="text-muted"))
    sectors = {}
    for s in in_plan:
        sectors[s.candidate.sector] = sectors.get(s.candidate.sector, 0) + 1
    if sectors:
        summary.append(html.Span(" — " + ", ".join(f"{k}: {v}" for k, v in sorted(sectors.items())),
                                 className="text-muted"))
    removed_part = None
    if removed:
        removed_part = html.Div([html.Span("Handmatig verwijderd: ", className="fw-semibold small"),
                                 html.Ul([html.Li(f"{s.candidate.name} ({s.candidate.code}): "
                                                  f"{items[s.candidate.school_id]['reason']}", className="small")
                                          for s in removed], id="plan-removed-list", className="mb-0")])
    over_text, over_class = _over(proj)
    coverage_text = (f"Dekking hele regio: nu {pct(proj.total.coverage[0])}, in {proj.certified_quarter} "
                     f"{pct(proj.total.coverage[proj.quarters.index(proj.certified_quarter)])}"
                     if proj.certified_quarter in proj.quarters else "")
    summary.append(html.Div(coverage_text, className="small text-muted", id="plan-coverage-text"))
    can_confirm = editable and bool(work.get("plan_id"))
    return ([_row(s, items.get(s.candidate.school_id)) for s in in_plan], [_row(s) for s in others], removed_part,
            summary, coverage_projection_chart(proj), forecast_chart(proj.audits), over_text, over_class,
            not can_confirm, *[not editable] * len(EDIT_BUTTONS))


def _over(proj) -> tuple[str, str]:
    over = proj.over_capacity
    if over:
        return "Auditcapaciteit onvoldoende in: " + ", ".join(over) + ".", "text-danger fw-semibold"
    return "De auditcapaciteit is in geen enkel kwartaal overschreden.", "text-muted"


def _confirmed_view(context, items: dict, proj, work: dict):
    """A confirmed plan: its schools (now in a trajectory) as saved, read-only."""
    statuses = context.data.statuses
    rows = [{"school_id": sid, "code": statuses[sid].code, "name": statuses[sid].name,
             "municipality": statuses[sid].municipality_name, "sector": statuses[sid].sector,
             "kind": "Traject gestart", "source": SOURCE_LABELS[item["source"]], "reason": item["reason"]}
            for sid, item in items.items() if item["source"] != "removed" and sid in statuses]
    summary = [html.Span(f"{len(rows)} scholen in plan '{work.get('name', '')}'", id="plan-count",
                         className="fw-semibold"),
               dbc.Badge("bevestigd — alleen-lezen", color="success", className="ms-2", id="plan-readonly")]
    over_text, over_class = _over(proj)
    return (rows, [], None, summary, coverage_projection_chart(proj), forecast_chart(proj.audits), over_text,
            over_class, True)


@callback(Output("plan-cmp-result", "children"), Input("plan-compare", "n_clicks"),
          State("plan-cmp-a", "value"), State("plan-cmp-b", "value"), State("plan-scope", "data"),
          prevent_initial_call=True)
def compare(_n, plan_a, plan_b, scope_data):
    principal = web_auth.current_principal()
    if plan_a is None or plan_b is None or plan_a == plan_b:
        return dbc.Alert("Kies twee verschillende plannen.", color="info")
    try:
        with session_scope() as session:
            result = planning.compare_plans(session, principal, plan_a, plan_b, _as_of(session, principal,
                                                                                    scope_data))
    except ERRORS as exc:
        return _error(exc)
    name_a, name_b = result["names"]

    def school_list(rows, list_id):
        if not rows:
            return html.P("geen", className="text-muted small", id=list_id)
        return html.Ul([html.Li(f"{name} ({code}), {municipality}") for code, name, municipality in rows],
                       id=list_id, className="small")

    coverage = dbc.Table([
        html.Thead(html.Tr([html.Th("Gemeente"), html.Th("Scholen"), html.Th("Dekking nu"),
                            html.Th(f"{name_a} ({result['coverage_quarter']})"),
                            html.Th(f"{name_b} ({result['coverage_quarter']})"), html.Th("Verschil A − B")])),
        html.Tbody([html.Tr([html.Td(r["name"]), html.Td(r["schools"]), html.Td(pct(r["now"])), html.Td(pct(r["a"])),
                             html.Td(pct(r["b"])),
                             html.Td(pct((r["a"] or 0) - (r["b"] or 0)) if r["a"] is not None else "–")],
                            className="fw-semibold" if r["name"] == "Hele regio" else None)
                    for r in result["coverage"]]),
    ], size="sm", bordered=True, id="plan-cmp-coverage")
    audits = dbc.Table([
        html.Thead(html.Tr([html.Th("Kwartaal"), html.Th(f"Audits {name_a}"), html.Th(f"Audits {name_b}"),
                            html.Th("Capaciteit A / B")])),
        html.Tbody([html.Tr([html.Td(q["quarter"]),
                             html.Td(f"{q['a']}" + (" ⚠" if q["over_a"] else ""),
                                     className="text-danger fw-semibold" if q["over_a"] else None),
                             html.Td(f"{q['b']}" + (" ⚠" if q["over_b"] else ""),
                                     className="text-danger fw-semibold" if q["over_b"] else None),
                             html.Td(f"{_cap(q['capacity_a'])} / {_cap(q['capacity_b'])}")])
                    for q in result["audits"]]),
    ], size="sm", bordered=True, id="plan-cmp-audits")
    return html.Div([
        html.P(f"{result['both']} scholen staan in beide plannen.", id="plan-cmp-both"),
        dbc.Row([dbc.Col([html.H4(f"Alleen in {name_a}", className="h6"), school_list(result["only_a"], "plan-cmp-only-a")],
                         md=6),
                 dbc.Col([html.H4(f"Alleen in {name_b}", className="h6"), school_list(result["only_b"], "plan-cmp-only-b")],
                         md=6)]),
        html.H4("Effect op de dekking per gemeente", className="h6 mt-2"), coverage,
        html.H4("Auditbelasting per kwartaal (⚠ = boven capaciteit)", className="h6 mt-2"), audits,
    ])


def _cap(value) -> str:
    return "onbeperkt" if value is None else str(value)

"""Certificering: every school's phase and certificate, recording progress, tranches, expiries, forecast."""
from __future__ import annotations

from datetime import date

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html, no_update

from components.certification_charts import forecast_chart, funnel_chart, gantt_chart
from components.charts import GRAPH_CONFIG
from components.grid import DEFAULT_COLUMN, grid_options
from components.inputs import dropdown
from components.scope_page import PageContext, open_page, read_scope
from domain import clock
from domain.certification import PHASES
from domain.dates import format_nl, parse_date
from domain.lifecycle import TransitionRefused
from models.db import session_scope
from services import trajectories, trajectory_actions, web_auth
from services.permissions import PermissionDenied
from services.school_profile import SCHOOL_CODE

dash.register_page(__name__, path="/certificering", name="Certificering", order=20,
                   title="Certificering – Veilig in en om School")

STATUS_STYLE = {
    "styleConditions": [
        {"condition": "params.data.status == 'expired'", "style": {"color": "#c62828", "fontWeight": "bold"}},
        {"condition": "params.data.status == 'expiring'", "style": {"color": "#b26a00", "fontWeight": "bold"}},
        {"condition": "params.data.status == 'valid'", "style": {"color": "#2e7d32"}},
    ]
}
COLUMNS = [
    {"field": "code", "headerName": "BRIN", "maxWidth": 100, "pinned": "left"},
    {"field": "name", "headerName": "School", "minWidth": 260, "pinned": "left"},
    {"field": "municipality", "headerName": "Gemeente"},
    {"field": "sector", "headerName": "Sector", "maxWidth": 90},
    {"field": "phase_label", "headerName": "Fase"},
    {"field": "tranche", "headerName": "Tranche"},
    {"field": "days_in_phase", "headerName": "Dagen in fase", "type": "numericColumn", "maxWidth": 130},
    {"field": "issued", "headerName": "Certificaat sinds"},
    {"field": "expires", "headerName": "Geldig tot"},
    {"field": "status_label", "headerName": "Status", "cellStyle": STATUS_STYLE, "minWidth": 170},
    {"field": "stall", "headerName": "Vastgelopen", "minWidth": 260},
]


def _grid_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "issued": format_nl(r["issued_on"]), "expires": format_nl(r["expires_on"]),
             "stall": "; ".join(r["stall_reasons"]), "issued_on": None, "expires_on": None} for r in rows]


def _expiry_table(rows: list[dict], table_id: str) -> html.Div:
    if not rows:
        return html.P("Geen certificaten die in deze periode verlopen.", className="text-muted", id=table_id)
    body = [html.Tr([html.Td(r["code"]), html.Td(r["name"]), html.Td(r["municipality"]),
                     html.Td(format_nl(r["expires_on"])), html.Td(r["days_left"], className="text-end"),
                     html.Td(r["planned_in"] or "nog niet gepland",
                             className="text-success" if r["reaudit_planned"] else "text-danger fw-semibold")])
            for r in rows]
    head = html.Thead(html.Tr([html.Th(h) for h in ("BRIN", "School", "Gemeente", "Geldig tot", "Dagen",
                                                    "Heraudit")]))
    return dbc.Table([head, html.Tbody(body)], size="sm", striped=True, bordered=True, id=table_id)


def _tranche_section(session, scope, principal) -> list:
    if scope.region_id is None:
        return [dbc.Alert("Kies een regio in de balk bovenaan om de tranches en de auditprognose te zien.",
                          color="info", id="cert-choose-region")]
    parts = []
    for tranche in trajectories.tranche_overview(session, scope.region_id, scope.as_of, principal):
        if not tranche["schools"]:
            parts.append(html.P(f"{tranche['name']} (start {format_nl(tranche['start_on'])}, capaciteit "
                                f"{tranche['capacity']}): nog geen scholen.", className="text-muted"))
            continue
        stalled = (dbc.Badge(f"{tranche['stalled_count']} vastgelopen", color="danger", className="ms-2")
                   if tranche["stalled_count"] else None)
        parts.append(dbc.Card(dbc.CardBody([
            html.H4([tranche["name"], stalled], className="h6"),
            dbc.Row([
                dbc.Col(dcc.Graph(figure=funnel_chart(tranche), config=GRAPH_CONFIG,
                                  id={"type": "cert-funnel", "tranche": tranche["tranche_id"]}), lg=4),
                dbc.Col(dcc.Graph(figure=gantt_chart(tranche, scope.as_of), config=GRAPH_CONFIG), lg=8),
            ]),
        ]), className="mb-3 shadow-sm"))
    quarters = trajectories.forecast(session, scope.region_id, scope.as_of, principal)
    over = [q.label for q in quarters if q.over_capacity]
    parts.append(html.H3("Auditprognose", className="h5 mt-3"))
    parts.append(dcc.Graph(id="cert-forecast", figure=forecast_chart(quarters), config=GRAPH_CONFIG))
    parts.append(html.P(("Boven de auditcapaciteit: " + ", ".join(over) + ".") if over else
                        "Geen kwartaal boven de auditcapaciteit.", id="cert-forecast-over",
                        className="text-danger fw-semibold" if over else "text-muted"))
    return parts


def _recorder() -> dbc.Card:
    hidden = {"display": "none"}
    return dbc.Card(dbc.CardBody([
        html.H3("Voortgang vastleggen", className="h6"),
        html.Div("Kies een school in de tabel.", id="cert-selected", className="mb-2"),
        dbc.RadioItems(id="cert-action", options=[], value=None, inline=True, className="mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label("Nieuwe fase", html_for="cert-phase"), dropdown("cert-phase", [], None)],
                    md=3, id="cert-phase-col"),
            dbc.Col([dbc.Label("Tranche", html_for="cert-tranche"), dropdown("cert-tranche", [], None)],
                    md=3, id="cert-tranche-col", style=hidden),
            dbc.Col([dbc.Label("Datum", html_for="cert-date"),
                     dcc.DatePickerSingle(id="cert-date", date=clock.today().isoformat(),
                                          display_format="DD-MM-YYYY", first_day_of_week=1,
                                          placeholder="dd-mm-jjjj")], md=2),
            dbc.Col([dbc.Label("Notitie", html_for="cert-note"),
                     dbc.Input(id="cert-note", maxLength=2000, placeholder="bijv. intakegesprek gevoerd")], md=5),
            dbc.Col(dbc.Button("Vastleggen", id="cert-record", color="primary", disabled=True), md=2,
                    className="d-flex align-items-end"),
        ], className="g-2"),
        html.Div(id="cert-message", className="mt-2"),
    ]), className="mb-3 shadow-sm")


def layout(**query):
    with session_scope() as session:
        page = open_page(session, "Certificering", query)
        if not isinstance(page, PageContext):
            return page
        principal, scope, heading = page.principal, page.scope, page.heading
        rows = trajectories.certification_rows(session, scope, principal)
        soon = {m: trajectories.expiry_list(session, scope, m, principal) for m in (6, 12)}
        tranche_parts = _tranche_section(session, scope, principal)
    recorder = _recorder()
    return html.Div([
        heading,
        dcc.Store(id="cert-scope", data={"query": {k: v for k, v in query.items()
                                                   if k in ("gebied", "sector", "peildatum")}}),
        recorder,
        dag.AgGrid(id="cert-grid", rowData=_grid_rows(rows), columnDefs=COLUMNS, getRowId="params.data.code",
                   defaultColDef=DEFAULT_COLUMN,
                   dashGridOptions=grid_options(rowSelection={"mode": "singleRow", "checkboxes": False,
                                                              "enableClickSelection": True},
                                                pagination=True, paginationPageSize=20),
                   csvExportParams={"fileName": f"certificering-{scope.as_of.isoformat()}.csv"},
                   style={"height": "560px"}),
        dbc.Button("Exporteer tabel (CSV)", id="cert-export", color="secondary", outline=True, size="sm",
                   className="mt-2"),
        html.H3("Verloopt binnenkort: heraudit nodig", className="h5 mt-4"),
        dbc.Tabs([
            dbc.Tab(_expiry_table(soon[6], "cert-expiry-6"), label=f"Komende 6 maanden ({len(soon[6])})"),
            dbc.Tab(_expiry_table(soon[12], "cert-expiry-12"), label=f"Komende 12 maanden ({len(soon[12])})"),
        ]),
        html.H3("Tranches", className="h5 mt-4"),
        html.Div(tranche_parts, id="cert-tranches"),
    ])


@callback(Output("cert-grid", "exportDataAsCsv"), Input("cert-export", "n_clicks"), prevent_initial_call=True)
def export_csv(_n):
    return True


def _school_actions(session, principal, selected: list | None, scope_data: dict | None):
    """(certification row, actions) of the selected school, looked up on the server: the browser
    only names the school. Raises PermissionDenied when the user may not read or change it."""
    if not selected:
        return None, None
    scope, _ = read_scope(session, (scope_data or {}).get("query", {}), principal)
    row = trajectories.certification_row(session, str(selected[0].get("code", ""))[:6], scope.as_of, principal)
    if row is None:
        raise PermissionDenied("Deze school is niet gevonden of u mag haar niet zien.")
    try:
        return row, trajectory_actions.school_actions(session, principal, row["school_id"])
    except PermissionDenied as exc:
        raise PermissionDenied(f"{row['name']}: {exc}") from None


@callback(Output("cert-selected", "children"), Output("cert-action", "options"), Output("cert-action", "value"),
          Output("cert-record", "disabled"),
          Input("cert-grid", "selectedRows"), State("cert-scope", "data"), prevent_initial_call=True)
def select_school(selected, scope_data):
    principal = web_auth.current_principal()
    if principal is None or not selected:
        return "Kies een school in de tabel.", [], None, True
    with session_scope() as session:
        try:
            row, actions = _school_actions(session, principal, selected, scope_data)
        except PermissionDenied as exc:
            return str(exc), [], None, True
    # The code comes from the database row and matches the DUO pattern: safe in a link.
    school_link = dcc.Link("schoolpagina", href=f"/school/{row['code']}", id="cert-school-link") \
        if SCHOOL_CODE.match(row["code"]) else ""
    options = actions.options()
    now = f"nu: {PHASES[actions.phase]}" if actions.phase else "nog geen traject"
    if not options:
        reason = ("er is geen tranche in de regio om het traject in te starten" if actions.start_label
                  else "geen vervolgstap mogelijk")
        return [f"{row['name']} ({row['code']}), {now}: {reason}. ", school_link], [], None, True
    return [f"{row['name']} ({row['code']}), {now} — ", school_link], options, options[0]["value"], False


@callback(Output("cert-phase", "options"), Output("cert-phase", "value"),
          Output("cert-tranche", "options"), Output("cert-tranche", "value"),
          Output("cert-phase-col", "style"), Output("cert-tranche-col", "style"),
          Input("cert-action", "value"), State("cert-grid", "selectedRows"), State("cert-scope", "data"),
          prevent_initial_call=True)
def choose_action(action, selected, scope_data):
    hidden, shown = {"display": "none"}, {}
    principal = web_auth.current_principal()
    if principal is None or not action or not selected:
        return [], None, [], None, shown, hidden
    with session_scope() as session:
        try:
            _row, actions = _school_actions(session, principal, selected, scope_data)
        except PermissionDenied:
            return [], None, [], None, shown, hidden
    if action == trajectory_actions.NEXT:
        phases = [{"label": PHASES[p], "value": p} for p in actions.next_phases]
        return phases, phases[0]["value"] if phases else None, [], None, shown, hidden
    tranches = [{"label": name, "value": tid} for tid, name in actions.tranche_choices(action)]
    if tranches:
        return [], None, tranches, tranches[-1]["value"], hidden, shown
    return [], None, [], None, hidden, hidden  # a correction needs only a date and a reason


def _apply(session, principal, actions, action: str, phase, tranche, on_date: date, note: str) -> str:
    """Carry out one action through the trajectory service; the Dutch confirmation."""
    trajectory_actions.require_action(actions, action)
    if action == trajectory_actions.NEXT:
        trajectories.record_transition(session, principal, actions.trajectory_id, str(phase or ""), on_date, note)
        return f"{PHASES.get(phase, phase)} vastgelegd op {format_nl(on_date)}."
    if action == trajectory_actions.CORRECT:
        trajectories.correct_to(session, principal, actions.trajectory_id, actions.correction_to, on_date, note)
        return f"gecorrigeerd naar {PHASES[actions.correction_to]} op {format_nl(on_date)}."
    choices = dict(actions.tranche_choices(action))
    if not isinstance(tranche, int) or tranche not in choices:
        raise TransitionRefused("Kies een tranche.")
    if action == trajectory_actions.MOVE:
        trajectories.move_to_tranche(session, principal, actions.trajectory_id, tranche, on_date, note)
        return f"uitgesteld en aangemeld in {choices[tranche]}."
    trajectories.start_trajectory(session, principal, actions.school_id, tranche, on_date, note)
    return f"aangemeld in {choices[tranche]} op {format_nl(on_date)}."


@callback(Output("cert-message", "children"), Output("cert-grid", "rowData"), Output("cert-tranches", "children"),
          Output("cert-selected", "children", allow_duplicate=True),
          Output("cert-action", "options", allow_duplicate=True), Output("cert-record", "disabled", allow_duplicate=True),
          Input("cert-record", "n_clicks"),
          State("cert-grid", "selectedRows"), State("cert-action", "value"), State("cert-phase", "value"),
          State("cert-tranche", "value"), State("cert-date", "date"), State("cert-note", "value"),
          State("cert-scope", "data"), prevent_initial_call=True)
def record(_n, selected, action, phase, tranche, on, note, scope_data):
    unchanged = (no_update,) * 5
    principal = web_auth.current_principal()
    if principal is None:
        return (dbc.Alert("U bent niet ingelogd.", color="danger"), *unchanged)
    try:
        on_date = parse_date(on or "")
    except ValueError as exc:
        return (dbc.Alert(f"Datum: {exc}", color="danger", id="cert-error"), *unchanged)
    with session_scope() as session:
        try:
            row, actions = _school_actions(session, principal, selected, scope_data)
            if actions is None:
                raise TransitionRefused("Kies eerst een school in de tabel.")
            done = _apply(session, principal, actions, str(action or ""), phase, tranche, on_date,
                          str(note or "")[:2000])
        except (TransitionRefused, PermissionDenied, ValueError) as exc:
            session.rollback()
            return (dbc.Alert(str(exc), color="danger", id="cert-error"), *unchanged)
        scope, _ = read_scope(session, (scope_data or {}).get("query", {}), principal)
        rows = trajectories.certification_rows(session, scope, principal)
        tranche_parts = _tranche_section(session, scope, principal)
    message = dbc.Alert(f"{row['name']}: {done}", color="success", id="cert-done")
    return message, _grid_rows(rows), tranche_parts, "Kies een school in de tabel.", [], True

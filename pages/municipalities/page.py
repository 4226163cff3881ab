"""Gemeenten: compare the municipalities in scope, with peers, over time, on a map, and what changed."""
from __future__ import annotations

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from components.charts import GRAPH_CONFIG
from components.compare_date import compare_picker
from components.municipality_charts import approach_heatmap, coverage_bars, coverage_lines, phase_bars, role_of
from components.grid import DEFAULT_COLUMN, change_column, grid_options
from components.inputs import dropdown
from components.kpi import kpi_card
from components.map import MAP_STYLES, school_map
from components.scope_page import PageContext, open_page, read_scope
from components.theme import pct, signed
from domain.certification import ACTIVE_PHASES, PHASES
from domain.municipality_comparison import CHANGE_KINDS, PEER_KINDS, MunicipalityInfo, peers
from domain.dates import format_nl
from domain.scope import compare_date_from_params
from domain.vocab import APPROACH_MODELS, APPROACH_PHASES, SECTORS, label
from models.db import session_scope
from services import boundaries, web_auth
from services.municipality_comparison import comparison, map_data
from services.permissions import PermissionDenied, is_admin
from services.uploads import decode_upload

dash.register_page(__name__, path="/gemeenten", name="Gemeenten", order=40,
                   title="Gemeenten – Veilig in en om School")

QUARTERS = 8
# '3 (+1)': the count with its change since the compare date from the row's <field>_delta (a fixed formatter).
WITH_CHANGE = {"function": "(function(v, d) { return v + (d ? ' (' + (d > 0 ? '+' : '−') + Math.abs(d) + ')' : ''); })"
                           "(params.value, params.data[params.colDef.field + '_delta'])"}
ROW_STYLE = {"styleConditions": [
    {"condition": "params.data.role == 'target'", "style": {"backgroundColor": "#e3f2fd", "fontWeight": "bold"}},
    {"condition": "params.data.role == 'peer'", "style": {"backgroundColor": "#fff3e0"}},
]}


def _columns(sector: str | None) -> list[dict]:
    schools = f"Scholen {sector} (DUO)" if sector else "Scholen (DUO)"
    return [
        {"field": "name", "headerName": "Gemeente", "pinned": "left", "minWidth": 190},
        {"field": "cbs_code", "headerName": "CBS-code", "maxWidth": 105},
        {"field": "schools", "headerName": schools, "type": "numericColumn"}, change_column("schools_delta"),
        {"field": "taking_part", "headerName": "Deelnemend", "type": "numericColumn",
         "headerTooltip": "In traject of met een geldig certificaat"}, change_column("taking_part_delta"),
        {"field": "valid_certificates", "headerName": "Geldig gecertificeerd", "type": "numericColumn"},
        change_column("valid_certificates_delta"),
        {"field": "coverage_pct", "headerName": "Dekking (%)", "type": "numericColumn"},
        change_column("coverage_delta_pp", "Δ (pp)"),
        {"field": "in_trajectory", "headerName": "In traject", "type": "numericColumn"},
        change_column("in_trajectory_delta"),
        {"headerName": "In traject per fase", "children": [
            {"field": f"phase_{p}", "headerName": PHASES[p], "type": "numericColumn", "minWidth": 110,
             "valueFormatter": WITH_CHANGE, "headerTooltip": "Tussen haakjes: verandering sinds de vergelijkdatum"}
            for p in ACTIVE_PHASES]},
        {"field": "expiring_soon", "headerName": "Verloopt binnenkort", "type": "numericColumn"},
        change_column("expiring_soon_delta"),
        {"field": "expired", "headerName": "Verlopen", "type": "numericColumn"}, change_column("expired_delta"),
        {"field": "approach_model_label", "headerName": "Aanpakmodel", "minWidth": 170},
        {"field": "approach_phase_label", "headerName": "Aanpakfase", "minWidth": 130},
    ]


def grid_rows(rows: list[dict], target: str | None = None, peer_codes: set[str] = frozenset()) -> list[dict]:
    out = []
    for m in rows:
        changes = m["changes"]
        row = {k: m[k] for k in ("cbs_code", "name", "schools", "taking_part", "valid_certificates", "in_trajectory",
                                 "expiring_soon", "expired")}
        row.update({f"{k}_delta": changes[k] for k in ("schools", "taking_part", "valid_certificates",
                                                       "in_trajectory", "expiring_soon", "expired")})
        row["coverage_pct"] = round(m["coverage"] * 100, 1) if m["coverage"] is not None else None
        row["coverage_delta_pp"] = round(changes["coverage"] * 100, 1) if changes["coverage"] is not None else None
        row.update({f"phase_{p}": m["in_trajectory_by_phase"][p] for p in ACTIVE_PHASES})
        row.update({f"phase_{p}_delta": changes["in_trajectory_by_phase"][p] for p in ACTIVE_PHASES})
        row["approach_model_label"] = label(APPROACH_MODELS, m["approach_model"])
        row["approach_phase_label"] = label(APPROACH_PHASES, m["approach_phase"])
        row["role"] = role_of(m["cbs_code"], target, peer_codes)
        out.append(row)
    return out


def _change_text(c) -> str:
    if c.kind in ("phase", "certified"):
        before = PHASES.get(c.phase_from, c.phase_from) if c.phase_from else "—"
        return f"{before} → {PHASES.get(c.phase_to, c.phase_to)}"
    return c.detail


MAX_CHANGE_ROWS = 1000


def change_rows(changes: list) -> list[dict]:
    """The most recent events first; at most MAX_CHANGE_ROWS (the counts above cover them all)."""
    return [{"iso": c.on.isoformat(), "kind": CHANGE_KINDS[c.kind], "code": c.school_code,
             "school": c.school_name, "municipality": c.municipality_name, "what": _change_text(c)}
            for c in list(reversed(changes))[:MAX_CHANGE_ROWS]]


CHANGE_COLUMNS = [
    # sorted on the ISO date, shown as dd-mm-jjjj
    {"field": "iso", "headerName": "Datum", "maxWidth": 130,
     "valueFormatter": {"function": "params.value ? params.value.split('-').reverse().join('-') : ''"}},
    {"field": "kind", "headerName": "Gebeurtenis", "minWidth": 170},
    {"field": "code", "headerName": "BRIN", "maxWidth": 100},
    {"field": "school", "headerName": "School", "minWidth": 220},
    {"field": "municipality", "headerName": "Gemeente"},
    {"field": "what", "headerName": "Wat", "minWidth": 240},
]


def _kpi(card_id: str, title: str, value: str, change: str, colour: str = "primary") -> dbc.Col:
    return kpi_card(card_id, title, value, "", colour, change=f"{change} sinds vergelijkdatum")


def _summary_sentence(summary: dict) -> str:
    k = summary["kinds"]
    return (f"{k['certified']} school(en) gecertificeerd, {k['expired']} certifica(a)t(en) verlopen, "
            f"{k['phase']} faseovergang(en), {k['partnership_started']} samenwerking(en) gestart, "
            f"{k['partnership_ended']} beëindigd.")


def _phase_moves(summary: dict) -> str:
    phases = [p for p in PHASES if summary["entered"].get(p) or summary["left"].get(p)]
    return "; ".join(f"{PHASES[p]}: {summary['entered'].get(p, 0)} in, {summary['left'].get(p, 0)} uit"
                     for p in phases) or "geen faseovergangen"


def _store_data(data: dict, groups: dict[str, str]) -> dict:
    """Aggregated figures per municipality only (no school rows), for the highlight callback."""
    infos = [m.__dict__ | {"elements": list(m.elements)} for m in data["infos"]]
    return {"rows": data["municipalities"], "infos": infos, "series": data["series"], "groups": groups}


def _group_names(session, data: dict, scope) -> dict[str, str]:
    """cbs_code -> panel name for the small multiples: provinces (whole country) or regions."""
    from models import Province, Region

    if scope.region_id is not None:
        return {}
    if scope.province_id is None:
        names = {p.id: p.name for p in session.query(Province).all()}
        return {m.cbs_code: names.get(m.province_id, "Overig") for m in data["infos"]}
    names = {r.id: r.name for r in session.query(Region).all()}
    return {m.cbs_code: names.get(m.region_id, "Zonder regio") for m in data["infos"]}


def layout(**query):
    with session_scope() as session:
        page = open_page(session, "Gemeenten vergelijken", query)
        if not isinstance(page, PageContext):
            return page
        scope, heading, principal = page.scope, page.heading, page.principal
        compare_with, warnings = compare_date_from_params(query, scope.as_of)
        data = comparison(session, scope, compare_with, principal, quarters=QUARTERS, with_points=False)
        groups = _group_names(session, data, scope)
    stored = boundaries.load(codes={m["cbs_code"] for m in data["municipalities"]})
    totals, changes = data["totals"], data["total_changes"]
    parts = [heading, *[dbc.Alert(w, color="warning", className="py-1") for w in warnings],
             compare_picker("cmp", compare_with, scope.as_of)]
    if not totals["schools"]:
        return html.Div(parts + [dbc.Alert("Er zijn geen actieve scholen in deze selectie op deze peildatum.",
                                           color="info", id="cmp-empty")])
    cards = dbc.Row([
        _kpi("cmp-kpi-schools", "Scholen", str(totals["schools"]), signed(changes["schools"])),
        _kpi("cmp-kpi-taking-part", "Deelnemend", str(data["taking_part"]), signed(changes["taking_part"])),
        _kpi("cmp-kpi-valid", "Geldig gecertificeerd", str(totals["valid_certificates"]),
             signed(changes["valid_certificates"]), "success"),
        _kpi("cmp-kpi-coverage", "Dekking", pct(totals["coverage"]), signed(changes["coverage"], percent=True),
             "success"),
        _kpi("cmp-kpi-expiring", "Verloopt binnenkort", str(totals["expiring_soon"]),
             signed(changes["expiring_soon"]), "warning"),
        _kpi("cmp-kpi-expired", "Verlopen", str(totals["expired"]), signed(changes["expired"]), "danger"),
    ])
    summary = data["change_summary"]
    what_changed = dbc.Card(dbc.CardBody([
        html.H3(f"Wat is er veranderd sinds {format_nl(compare_with)}?", className="h5"),
        cards,
        html.P(_summary_sentence(summary), id="cmp-change-summary", className="mb-1 fw-semibold"),
        html.P("Per fase (scholen die de fase in- en uitgingen): " + _phase_moves(summary), id="cmp-phase-moves",
               className="small text-muted"),
        html.P(f"De lijst toont de {MAX_CHANGE_ROWS} meest recente van {len(data['changes'])} gebeurtenissen; "
               "kies een kleiner gebied of een latere vergelijkdatum voor de rest.", className="small text-warning")
        if len(data["changes"]) > MAX_CHANGE_ROWS else None,
        dag.AgGrid(id="cmp-changes", rowData=change_rows(data["changes"]), columnDefs=CHANGE_COLUMNS,
                   defaultColDef=DEFAULT_COLUMN,
                   dashGridOptions=grid_options(pagination=True, paginationPageSize=10,
                                                paginationPageSizeSelector=False, domLayout="autoHeight"),
                   style={"height": None},
                   csvExportParams={"fileName": f"veranderingen-{compare_with}-{scope.as_of}.csv"}),
    ]), className="mb-4 shadow-sm")

    options = [{"label": m.name, "value": m.cbs_code} for m in data["infos"]]
    controls = dbc.Card(dbc.CardBody(dbc.Row([
        dbc.Col([dbc.Label("Vergelijk gemeente", html_for="cmp-target", className="small mb-0"),
                 dropdown("cmp-target", options, None, placeholder="Kies een gemeente")], md=4),
        dbc.Col([dbc.Label("met", html_for="cmp-peer-kind", className="small mb-0"),
                 dropdown("cmp-peer-kind", [{"label": v, "value": k} for k, v in PEER_KINDS.items()], "region",
                          clearable=False)], md=3),
        dbc.Col(html.Div("Kies een gemeente om haar en haar vergelijkingsgroep in elke grafiek te markeren "
                         "(binnen het gekozen gebied).", id="cmp-peer-text", className="small text-muted"), md=5),
    ], className="g-2 align-items-end")), className="mb-3 shadow-sm")

    sector = SECTORS[scope.sector].lower() if scope.sector else None
    table = html.Div([
        html.Div([html.H3("Per gemeente", className="h5 mb-0"),
                  dbc.Button("Exporteren (CSV)", id="cmp-export", color="secondary", outline=True, size="sm")],
                 className="d-flex justify-content-between align-items-center mb-2 mt-2"),
        html.P(f"Scholen: actieve vestigingen in het DUO-register{' (' + sector + ')' if sector else ''}. "
               "Dekking = geldige certificaten / alle actieve scholen. Δ = verandering sinds "
               f"{format_nl(compare_with)}.", className="small text-muted"),
        dag.AgGrid(id="cmp-grid", rowData=grid_rows(data["municipalities"]), columnDefs=_columns(scope.sector),
                   defaultColDef=DEFAULT_COLUMN, getRowId="params.data.cbs_code", getRowStyle=ROW_STYLE,
                   dashGridOptions=grid_options(domLayout="autoHeight", suppressColumnVirtualisation=True), style={"height": None},
                   csvExportParams={"fileName": f"gemeenten-{scope.as_of.isoformat()}.csv"}),
    ])
    admin = is_admin(principal)
    upload = dcc.Upload(id="cmp-boundaries-upload", multiple=False, accept=".geojson,.json", disabled=not admin,
                        className="border border-2 rounded p-2 text-center bg-light small",
                        children=html.Div(["Gemeentegrenzen (GeoJSON, WGS84) hierheen slepen of ",
                                           html.A("een bestand kiezen", href="#")] if admin else
                                          "Alleen een beheerder kan gemeentegrenzen laden."))
    geo = dbc.Card(dbc.CardBody([
        dbc.Row([
            dbc.Col([dbc.Label("Achtergrond", html_for="cmp-map-style", className="small mb-0"),
                     dbc.RadioItems(id="cmp-map-style", value="white-bg", inline=True,
                                    options=[{"label": v, "value": k} for k, v in MAP_STYLES.items()])], md=7),
            dbc.Col(html.Div("Zonder internet laadt de OpenStreetMap-achtergrond niet; de scholen en grenzen "
                             "blijven zichtbaar.", className="small text-muted"), md=5),
        ]),
        html.P(_map_note(stored), id="cmp-map-note", className="small mt-2 mb-1"),
        dcc.Loading(dcc.Graph(id="cmp-map", config=GRAPH_CONFIG)),
        html.Div(upload, className="mt-2"),
        html.Div(id="cmp-boundaries-result", className="small mt-1"),
    ]), className="mb-4 shadow-sm")

    return html.Div(parts + [
        what_changed,
        controls,
        dcc.Store(id="cmp-data", data=_store_data(data, groups)),
        dcc.Store(id="cmp-query", data=dict(query)),
        table,
        html.Div([
            dcc.Graph(id="cmp-coverage-chart", config=GRAPH_CONFIG),
            dbc.RadioItems(id="cmp-phase-mode", value="absolute", inline=True, className="mt-3",
                           options=[{"label": "Aantallen", "value": "absolute"},
                                    {"label": "Procenten", "value": "percent"}]),
            dcc.Graph(id="cmp-phase-chart", config=GRAPH_CONFIG),
            dcc.Graph(id="cmp-approach-chart", config=GRAPH_CONFIG),
            dcc.Graph(id="cmp-series-chart", config=GRAPH_CONFIG),
        ]),
        html.H3("Kaart", className="h5 mt-3"),
        geo,
    ])


def _map_note(stored: dict | None) -> str:
    if stored and stored["features"]:
        return f"Gemeentegrenzen geladen ({boundaries.summary(stored)} in dit gebied). {boundaries.ATTRIBUTION}."
    return ("Geen gemeentegrenzen geladen: de kaart toont alleen de scholen. Laad de grenzen met "
            "`vios boundaries download` (internet nodig) of upload hieronder een GeoJSON-bestand (beheerder).")


def _peer_set(infos: list[MunicipalityInfo], target: str | None, kind: str | None) -> set[str]:
    if not isinstance(target, str) or not isinstance(kind, str) or kind not in PEER_KINDS:
        return set()
    return set(peers(target, infos, kind))


def _infos(data: dict) -> list[MunicipalityInfo]:
    return [MunicipalityInfo(**{**m, "elements": tuple(m["elements"])}) for m in data.get("infos") or []]


@callback(Output("cmp-grid", "rowData"), Output("cmp-coverage-chart", "figure"), Output("cmp-phase-chart", "figure"),
          Output("cmp-approach-chart", "figure"), Output("cmp-series-chart", "figure"), Output("cmp-peer-text", "children"),
          Input("cmp-target", "value"), Input("cmp-peer-kind", "value"), Input("cmp-phase-mode", "value"),
          State("cmp-data", "data"))
def highlight(target, kind, mode, data):
    """Draw every chart with the chosen municipality and its peers highlighted.

    Works only on the aggregated figures the page itself sent (what this user was shown), so it
    reads nothing from the database; a target outside those figures is ignored.
    """
    if web_auth.current_principal() is None or not isinstance(data, dict):
        raise PreventUpdate
    try:
        return _highlighted(target, kind, mode, data)
    except (KeyError, TypeError, ValueError, AttributeError):   # a crafted store: nothing to draw
        raise PreventUpdate from None


def _highlighted(target, kind, mode, data: dict):
    infos = _infos(data)
    names = {m.cbs_code: m.name for m in infos}
    target = target if isinstance(target, str) and target in names else None
    peer_codes = _peer_set(infos, target, kind)
    rows = data["rows"]
    text = "Kies een gemeente om haar en haar vergelijkingsgroep in elke grafiek te markeren (binnen het gekozen gebied)."
    if target:
        listed = ", ".join(sorted(names[c] for c in peer_codes)) or "geen (binnen dit gebied)"
        text = f"{names[target]} (blauw) met {PEER_KINDS[kind].lower()} (oranje): {listed}."
    return (grid_rows(rows, target, peer_codes), coverage_bars(rows, target, peer_codes),
            phase_bars(rows, mode == "percent", target, peer_codes), approach_heatmap(infos, target, peer_codes),
            coverage_lines(data["series"], data.get("groups"), target, peer_codes), text)


@callback(Output("cmp-map", "figure"), Output("cmp-map-note", "children"),
          Input("cmp-target", "value"), Input("cmp-peer-kind", "value"), Input("cmp-map-style", "value"), Input("cmp-boundaries-result", "children"), State("cmp-query", "data"))
def draw_map(target, kind, style, _uploaded, query):
    """The map, from the database: re-reads the scope and re-checks that the user may read it."""
    principal = web_auth.current_principal()
    if principal is None or not isinstance(query, dict):
        raise PreventUpdate
    with session_scope() as session:
        try:
            scope, _ = read_scope(session, {k: v for k, v in query.items() if isinstance(v, str)}, principal)
        except PermissionDenied:
            raise PreventUpdate from None
        data = map_data(session, scope, principal)
    coverage = data["coverage"]
    target = target if isinstance(target, str) and target in coverage else None
    peer_codes = _peer_set(data["infos"], target, kind)
    stored = boundaries.load(codes=set(coverage))
    figure = school_map(data["points"], stored if stored and stored["features"] else None, coverage,
                        style if isinstance(style, str) and style in MAP_STYLES else "white-bg", target, peer_codes,
                        coverage[target][0] if target else None, {coverage[c][0] for c in peer_codes})
    return figure, _map_note(stored)


@callback(Output("cmp-grid", "exportDataAsCsv"), Input("cmp-export", "n_clicks"), prevent_initial_call=True)
def export_grid(n_clicks):
    if web_auth.current_principal() is None or not n_clicks:
        raise PreventUpdate
    return True


@callback(Output("cmp-boundaries-result", "children"), Input("cmp-boundaries-upload", "contents"),
          State("cmp-boundaries-upload", "filename"), prevent_initial_call=True)
def upload_boundaries(contents, filename):
    """Store uploaded boundaries (beheerder only; audited)."""
    principal = web_auth.current_principal()
    if principal is None or not contents:
        raise PreventUpdate
    if not is_admin(principal):
        return dbc.Alert("Alleen een beheerder mag gemeentegrenzen laden.", color="danger", className="py-1")
    try:
        collection = boundaries.parse(decode_upload(contents))
    except (boundaries.BoundaryError, ValueError) as exc:
        return dbc.Alert(str(exc), color="danger", className="py-1", id="cmp-boundaries-error")
    boundaries.store(collection, username=principal.username, source=f"upload {str(filename or '')[:100]}")
    return dbc.Alert(f"{boundaries.summary(collection)} opgeslagen; de kaart is bijgewerkt.", color="success",
                     className="py-1", id="cmp-boundaries-ok")


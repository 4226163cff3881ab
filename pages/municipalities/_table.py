"""Gemeenten, section 'Per gemeente': the municipality and peer group to highlight, and the table
(the figures of `vios report` with their changes since the compare date), its rows fetched after the
layout (web/row_data.py; at country scope 340 municipalities, ~230 kB)."""
from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import ClientsideFunction, Input, Output, clientside_callback, dcc, html
from dash.exceptions import PreventUpdate

from components.grid import (
    DECIMAL_FORMATTER,
    DEFAULT_COLUMN,
    change_column,
    csv_export_params,
    fit_columns,
    grid_options,
    grows_with_rows,
    sized,
)
from components.inputs import dropdown
from components.municipality_charts import NONE, role_of
from domain.certification import ACTIVE_PHASES, PHASES
from domain.dates import format_nl
from domain.municipality_comparison import PEER_KINDS, MunicipalityInfo, peers
from domain.vocab import APPROACH_MODELS, APPROACH_PHASES, SECTORS, label
from pages.municipalities import _ids as ids
from services.municipality_comparison import QUARTERS, MunicipalityRow, comparison
from web import row_data
from web.request_context import Request, page_callback

PEER_HINT = ("Kies een gemeente om haar en haar vergelijkingsgroep in elke grafiek te markeren "
             "(binnen het gekozen gebied).")
# '3 (+1)': the count with its change since the compare date from the row's <field>_delta (a fixed formatter).
# (assets/grid_functions.js: a named function, no inline function the CSP would refuse)
WITH_CHANGE = {"function": "withChange(params.value, params.data[params.colDef.field + '_delta'])"}
ROW_STYLE = {"styleConditions": [
    {"condition": "params.data.role == 'target'", "style": {"backgroundColor": "#e3f2fd", "fontWeight": "bold"}},
    {"condition": "params.data.role == 'peer'", "style": {"backgroundColor": "#fff3e0"}},
]}
ROWS = "gemeenten"   # GET /_rijen/gemeenten
COUNTS = ("schools", "taking_part", "valid_certificates", "in_trajectory", "expiring_soon", "expired")


def peer_set(infos: Sequence[MunicipalityInfo], target: object, kind: object) -> set[str]:
    """The peers of the chosen municipality (untrusted input: anything unknown gives none)."""
    if not isinstance(target, str) or not isinstance(kind, str) or kind not in PEER_KINDS:
        return set()
    return set(peers(target, infos, kind))


def peer_controls(infos: Sequence[MunicipalityInfo]) -> dbc.Card:
    options = [{"label": m.name, "value": m.cbs_code} for m in infos]
    return dbc.Card(dbc.CardBody(dbc.Row([
        dbc.Col([dbc.Label("Vergelijk gemeente", html_for=ids.TARGET, className="small mb-0"),
                 dropdown(ids.TARGET, options, None, placeholder="Kies een gemeente")], md=4),
        dbc.Col([dbc.Label("met", html_for=ids.PEER_KIND, className="small mb-0"),
                 dropdown(ids.PEER_KIND, [{"label": v, "value": k} for k, v in PEER_KINDS.items()], "region",
                          clearable=False)], md=3),
        dbc.Col(html.Div(PEER_HINT, id=ids.PEER_TEXT, className="small text-muted"), md=5),
    ], className="g-2 align-items-end")), className="mb-3 shadow-sm")


def _columns(sector: str | None) -> list[dict[str, Any]]:
    schools = f"Scholen {sector} (DUO)" if sector else "Scholen (DUO)"
    return fit_columns([
        {"field": "name", "headerName": "Gemeente", "pinned": "left", "minWidth": 190},
        {"field": "cbs_code", "headerName": "CBS-code", "maxWidth": 105},
        {"field": "schools", "headerName": schools, "type": "numericColumn"}, change_column("schools_delta"),
        {"field": "taking_part", "headerName": "Deelnemend", "type": "numericColumn",
         "headerTooltip": "In traject of met een geldig certificaat"}, change_column("taking_part_delta"),
        {"field": "valid_certificates", "headerName": "Geldig gecertificeerd", "type": "numericColumn"},
        change_column("valid_certificates_delta"),
        {"field": "coverage_pct", "headerName": "Dekking (%)", "type": "numericColumn",
         "valueFormatter": DECIMAL_FORMATTER},
        change_column("coverage_delta_pp", "Δ (pp)"),
        {"field": "in_trajectory", "headerName": "In traject", "type": "numericColumn"},
        change_column("in_trajectory_delta"),
        {"headerName": "In traject per fase", "children": [column for p in ACTIVE_PHASES for column in (
            {"field": f"phase_{p}", "headerName": PHASES[p], "type": "numericColumn", "minWidth": 110,
             "valueFormatter": WITH_CHANGE, "headerTooltip": "Tussen haakjes: verandering sinds de vergelijkdatum"},
            # shown in the brackets above; a column of its own only in the CSV export
            {"field": f"phase_{p}_delta", "headerName": "Δ", "type": "numericColumn", "hide": True})]},
        {"field": "expiring_soon", "headerName": "Verloopt binnenkort", "type": "numericColumn"},
        change_column("expiring_soon_delta"),
        {"field": "expired", "headerName": "Verlopen", "type": "numericColumn"}, change_column("expired_delta"),
        {"field": "approach_model_label", "headerName": "Aanpakmodel", "minWidth": 170},
        {"field": "approach_phase_label", "headerName": "Aanpakfase", "minWidth": 130},
    ])


def grid_rows(rows: Sequence[MunicipalityRow]) -> list[dict[str, Any]]:
    """The table's rows, nothing highlighted (the role: what ROLES and vios_rows.apply_roles change)."""
    out = []
    for m in rows:
        figures, changes = m.figures, m.changes
        row: dict[str, Any] = {
            "cbs_code": m.cbs_code, "name": m.name, "schools": figures["schools"], "taking_part": m.taking_part,
            "valid_certificates": figures["valid_certificates"], "in_trajectory": figures["in_trajectory"],
            "expiring_soon": figures["expiring_soon"], "expired": figures["expired"]}
        row.update({f"{k}_delta": changes[k] for k in COUNTS})
        row["coverage_pct"] = round(figures["coverage"] * 100, 1) if figures["coverage"] is not None else None
        row["coverage_delta_pp"] = round(changes["coverage"] * 100, 1) if changes["coverage"] is not None else None
        row.update({f"phase_{p}": figures["in_trajectory_by_phase"][p] for p in ACTIVE_PHASES})
        row.update({f"phase_{p}_delta": changes["in_trajectory_by_phase"][p] for p in ACTIVE_PHASES})
        row["approach_model_label"] = label(APPROACH_MODELS, m.approach_model)
        row["approach_phase_label"] = label(APPROACH_PHASES, m.approach_phase)
        row["role"] = role_of(m.cbs_code, None, NONE)
        out.append(row)
    return out


def municipality_table(request: Request, rows: Sequence[MunicipalityRow], compare_with: date) -> html.Div:
    """The table; more rows than fit in its fixed height come after the layout from GET /_rijen/gemeenten
    (encoded_grid_rows)."""
    scope = request.scope
    sector = SECTORS[scope.sector].lower() if scope.sector else None
    options, style = sized(len(rows))
    return html.Div([
        html.Div([html.H3("Per gemeente", className="h5 mb-0"),
                  dbc.Button("Exporteren (CSV)", id=ids.EXPORT, color="secondary", outline=True, size="sm")],
                 className="d-flex justify-content-between align-items-center mb-2 mt-2"),
        html.P(f"Scholen: actieve vestigingen in het DUO-register{' (' + sector + ')' if sector else ''}. "
               "Dekking = geldige certificaten / alle actieve scholen. Δ = verandering sinds "
               f"{format_nl(compare_with)}.", className="small text-muted"),
        dcc.Store(id=ids.ROLES),
        row_data.fetched_grid(   # a few rows: with the layout (the charts below do not move when they come)
            row_data.url(ROWS, request), id=ids.GRID, inline=grid_rows(rows) if grows_with_rows(len(rows)) else None,
            columnDefs=_columns(scope.sector), defaultColDef=DEFAULT_COLUMN,
            getRowId="params.data.cbs_code", getRowStyle=ROW_STYLE,
            dashGridOptions=grid_options(suppressColumnVirtualisation=True, **options), style=style,
            csvExportParams=csv_export_params(f"gemeenten-{scope.as_of.isoformat()}.csv", all_columns=True)),
    ])


@row_data.source(ROWS)
def encoded_grid_rows(request: Request) -> bytes:
    """The table's rows for GET /_rijen/gemeenten, from the comparison the layout drew (kept per data
    version): encoded once per data version, selection and compare date, for all workers."""
    return row_data.since_compare_date(request, "gemeenten-grid-json", lambda compare_with: grid_rows(comparison(
        request.session, request.scope, compare_with, request.principal, quarters=QUARTERS, with_points=False,
        with_changes=False).municipalities))


row_data.fetch_callback(ids.GRID)


def roles(rows: Sequence[MunicipalityRow], target: str | None, peer_codes: Set[str]) -> dict[str, Any]:
    """ROLES: each row's role (components.municipality_charts.role_of) as vios_rows.apply_roles sets them,
    the common one as "rest", the others by code; the rows themselves need not have arrived yet."""
    rest = role_of("", target, NONE)
    of = {m.cbs_code: role for m in rows if (role := role_of(m.cbs_code, target, peer_codes)) != rest}
    return {"rest": rest, "of": of}


# The highlight's roles reach the rows in the browser, also when they arrive after it (assets/grid_rows_fetch.js).
clientside_callback(ClientsideFunction("vios_rows", "apply_roles"),
                    Output(ids.GRID, "rowData", allow_duplicate=True),
                    Input(ids.ROLES, "data"), Input(ids.GRID, "rowData"), prevent_initial_call=True)


@page_callback(Output(ids.GRID, "exportDataAsCsv"), Input(ids.EXPORT, "n_clicks"), prevent_initial_call=True)
def export_grid(request: Request, n_clicks: object) -> bool:
    """The table as CSV (what the user sees; the browser writes the file)."""
    if not n_clicks:
        raise PreventUpdate
    return True

"""Overzicht: key figures, phase distribution, expiries per quarter and coverage per municipality,
each with its change since the compare date (?vergelijk=, default three months earlier)."""
from __future__ import annotations

from datetime import date
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from components.chart_table import with_table
from components.charts import GRAPH_CONFIG, coverage_chart, expiring_chart, status_phase_chart
from components.figure_memo import remembered
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
from components.kpi import kpi_card
from components.municipality_charts import coverage_bars, per_area, shows_areas
from components.theme import pct, signed
from domain.dates import format_nl
from domain.scope import COMPARE_PARAM, scope_query
from pages._area_drill import area_clicked, drill_links
from pages._changes_download import changes_button
from pages._compare_date import compare_picker
from pages._report_download import report_button
from services.areas import whose_schools
from services.municipality_comparison import AreaRow, comparison
from services.report import OverviewChanges, OverviewReport, overview_since
from web import row_data
from web.request_context import Request, page_callback, page_layout

PATH = "/"
dash.register_page(__name__, path=PATH, name="Overzicht", order=0, title="Overzicht – Veilig in en om School")

TITLE = "Overzicht"
ROWS = "overzicht"  # GET /_rijen/overzicht: the table's rows (at country scope 340 municipalities, ~160 kB)
GRID = "ov-municipality-grid"
GRID_COLUMNS: list[dict[str, Any]] = [
    {"field": "name", "headerName": "Gemeente", "pinned": "left", "minWidth": 180},
    {"field": "cbs_code", "headerName": "CBS", "headerTooltip": "CBS-code van de gemeente", "minWidth": 100,
     "maxWidth": 110},
    {"field": "schools", "headerName": "Scholen", "type": "numericColumn"},
    {"field": "valid_certificates", "headerName": "Geldig gecertificeerd", "type": "numericColumn"},
    {"field": "coverage_pct", "headerName": "Dekking (%)", "type": "numericColumn",
         "valueFormatter": DECIMAL_FORMATTER},
    {"field": "in_trajectory", "headerName": "In traject", "type": "numericColumn"},
    {"field": "expiring_soon", "headerName": "Verloopt binnenkort", "type": "numericColumn"},
    {"field": "expired", "headerName": "Verlopen", "type": "numericColumn"},
    {"field": "never_certified", "headerName": "Nooit gecertificeerd", "type": "numericColumn"},
]
# Each figure's change since the compare date, next to it.
for _field in ("schools", "valid_certificates", "coverage_pct", "in_trajectory", "expiring_soon", "expired",
               "never_certified"):
    _at = next(i for i, c in enumerate(GRID_COLUMNS) if c["field"] == _field)
    GRID_COLUMNS.insert(_at + 1, change_column(f"{_field}_change", "Δ (pp)" if _field == "coverage_pct" else "Δ"))
GRID_COLUMNS = fit_columns(GRID_COLUMNS)   # headers break between words only


@page_layout(TITLE)
def layout(request: Request) -> html.Div:
    scope = request.scope
    choice = request.compare_choice
    compare_with = choice.on
    report, changes = overview_since(request.session, scope, compare_with, request.principal)
    # the list of events in between is on the Gemeenten page (same scope and compare date)
    # an explicit compare date travels along; the default (a meeting or three months) is the same there
    events_href = f"/gemeenten{scope_query(scope)}" + (f"&{COMPARE_PARAM}={compare_with.isoformat()}"
                                                       if choice.explicit else "")
    events_link = html.P([f"Welke scholen sinds {choice.label} zijn gecertificeerd, verlopen of van fase "
                          "veranderd staat op ", dcc.Link("Gemeenten", id="ov-events-link", href=events_href),
                          " (daar ook de vergaderingen van de stuurgroep)."],
                         className="small text-muted mt-n2")
    heading = html.Div([request.heading(TITLE),
                        *[dbc.Alert(w, color="warning", className="py-1", id="ov-compare-warning")
                          for w in choice.warnings],
                        compare_picker("ov", choice, scope.as_of), events_link,
                        html.Div([report_button("ov"), changes_button("ov", "Lijst van veranderingen (CSV)")],
                                 className="d-flex flex-wrap align-items-start gap-2")])
    if not report["totals"]["schools"]:
        return html.Div([heading, dbc.Alert(
            "Er zijn geen actieve scholen in deze selectie op deze peildatum. Kies een ander gebied of een "
            "andere sector, of laad gegevens via 'Gegevens'.", color="info", id="ov-empty")])
    rows = _grid_rows(report, changes)
    grid_size = sized(len(rows))
    whose = whose_schools(request.session, request.principal)   # a board's figures say so
    areas = _areas(request, compare_with, len(rows))
    return html.Div([
        heading,
        _cards(report, changes, f"sinds {format_nl(compare_with)}"),
        dbc.Row([
            dbc.Col(with_table(dcc.Graph(id="ov-phase-chart", figure=remembered(
                status_phase_chart, report["status_by_phase"], changes.status_by_phase), config=GRAPH_CONFIG)), lg=6),
            dbc.Col(with_table(dcc.Graph(id="ov-expiry-chart", figure=remembered(
                expiring_chart, report["expiring_per_quarter"], changes.expiring_per_quarter), config=GRAPH_CONFIG)),
                lg=6),
        ]),
        dbc.Row(dbc.Col([with_table(dcc.Graph(
            id="ov-coverage-chart", config=GRAPH_CONFIG,
            figure=coverage_bars([], areas=areas, whose=whose) if areas else remembered(coverage_chart, rows, whose))),
            drill_links(request, areas, PATH, "ov-drill-links")])),
        html.H3(f"Per gemeente{whose}", className="h5 mt-3", id="ov-per-municipality"),
        row_data.fetched_grid(row_data.url(ROWS, request), id=GRID, inline=rows if grows_with_rows(len(rows)) else None,
                              columnDefs=GRID_COLUMNS,
                              defaultColDef=DEFAULT_COLUMN, getRowId="params.data.cbs_code",
                              dashGridOptions=grid_options(**grid_size[0]), style=grid_size[1],
                              csvExportParams=csv_export_params(f"overzicht-{scope.as_of.isoformat()}.csv")),
    ])


@row_data.source(ROWS)
def encoded_grid_rows(request: Request) -> bytes:
    """The table's rows for GET /_rijen/overzicht, from the same figures as the page's (overview_since):
    encoded once per data version, selection and compare date, for all workers."""
    return row_data.since_compare_date(request, "overview-grid-json", lambda compare_with: _grid_rows(
        *overview_since(request.session, request.scope, compare_with, request.principal)))


row_data.fetch_callback(GRID)


def _areas(request: Request, compare_with: date, municipalities: int) -> list[AreaRow]:
    """The provinces the coverage chart shows instead of `municipalities` municipalities (the whole
    country), with their changes since compare_with; none: per municipality."""
    if request.scope.area_key != "nl" or not shows_areas(municipalities):
        return []
    data = comparison(request.session, request.scope, compare_with, request.principal, with_points=False,
                      with_changes=False, with_series=False)   # the Gemeenten page's figures, cached as there
    return per_area(municipalities, data.areas)


@page_callback(Output("url", "search", allow_duplicate=True), Input("ov-coverage-chart", "clickData"),
               prevent_initial_call=True)
def open_area(request: Request, click: object) -> str:
    """A click on a province's bar opens the overview of that province (what its link under the chart does)."""
    return area_clicked(request, click)


def _cards(report: OverviewReport, changes: OverviewChanges, since: str) -> dbc.Row:
    totals = report["totals"]
    by_phase = totals["in_trajectory_by_phase"]
    in_progress = ", ".join(f"{n} {label.lower()}" for label, n in (
        ("aangemeld", by_phase["registered"]), ("intake", by_phase["intake"]),
        ("maatwerk", by_phase["improvement"]), ("audit", by_phase["audit"]),
        ("commissie", by_phase["committee"]), ("niet geslaagd", by_phase["not_passed"])) if n)

    def change(field: str) -> str:
        return f"{signed(changes.totals[field], percent=field == 'coverage')} {since}"

    return dbc.Row([
        kpi_card("ov-kpi-schools", "Scholen", str(totals["schools"]), "actieve schoolvestigingen",
                 change=change("schools")),
        kpi_card("ov-kpi-valid", "Geldig gecertificeerd", str(totals["valid_certificates"]),
                 f"waarvan {totals['expiring_soon']} binnenkort verloopt", "success",
                 change=change("valid_certificates")),
        kpi_card("ov-kpi-coverage", "Dekking", pct(totals["coverage"]), "van alle actieve scholen", "success",
                 change=change("coverage")),
        kpi_card("ov-kpi-in-trajectory", "In traject", str(totals["in_trajectory"]), in_progress or "geen",
                 change=change("in_trajectory")),
        kpi_card("ov-kpi-expiring", "Verloopt binnenkort", str(totals["expiring_soon"]),
                 "binnen de termijn van de regio", "warning", change=change("expiring_soon")),
        kpi_card("ov-kpi-expired", "Verlopen", str(totals["expired"]), "heraudit nodig", "danger",
                 change=change("expired")),
    ])


def _grid_rows(report: OverviewReport, changes: OverviewChanges) -> list[dict[str, Any]]:
    """The municipalities of the report, each figure with its change since the compare date."""
    rows = []
    for m in report["municipalities"]:
        delta = changes.municipalities[m["cbs_code"]]
        rows.append({**m, "coverage_pct": round(m["coverage"] * 100, 1) if m["coverage"] is not None else None,
                     "coverage_change": delta["coverage"],
                     "coverage_pct_change": round(delta["coverage"] * 100, 1) if delta["coverage"] is not None
                     else None,
                     **{f"{f}_change": delta[f] for f in ("schools", "valid_certificates", "in_trajectory",
                                                         "expiring_soon", "expired", "never_certified")}})
    return rows

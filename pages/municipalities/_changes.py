"""Gemeenten, section 'Wat is er veranderd?': key figures with their change since the compare date,
a summary of the events in between and the list of them.

The layout draws the key figures and the status chart (cached per data version); the events (they
include partnerships, read anew every time: thousands at country scope) come from their own callback,
answered while the map is drawn, so the page's layout does not wait for them."""
from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html

from components.chart_table import with_table
from components.charts import GRAPH_CONFIG, status_phase_chart
from components.figure_memo import remembered
from components.grid import DEFAULT_COLUMN, date_column, grid_options, school_column
from components.kpi import kpi_card
from components.theme import pct, signed
from domain.certification import PHASES
from domain.changes import CHANGE_KINDS, Change, ChangeSummary, change_summary
from domain.dates import format_nl
from pages._changes_download import changes_button
from pages.municipalities import _ids as ids
from services.municipality_comparison import MunicipalityComparison, changes_since
from web import warm_up
from web.request_context import Request, page_callback

# The list shows the most recent events (10 a page); the counts above and the CSV export cover them all.
# At country scope three months hold thousands of events: sending them all made the page slow.
MAX_CHANGE_ROWS = 200
CHANGE_COLUMNS: list[dict[str, Any]] = [
    date_column("iso", "Datum", maxWidth=130),
    {"field": "kind", "headerName": "Gebeurtenis", "minWidth": 170},
    {"field": "code", "headerName": "BRIN", "maxWidth": 100},
    school_column("school", minWidth=220),
    {"field": "municipality", "headerName": "Gemeente"},
    {"field": "what", "headerName": "Wat", "minWidth": 240},
]


def _change_text(c: Change) -> str:
    if c.kind in ("phase", "certified"):
        before = PHASES.get(c.phase_from, c.phase_from) if c.phase_from else "—"
        return f"{before} → {PHASES.get(c.phase_to or '', c.phase_to)}"
    return c.detail


def change_rows(changes: list[Change]) -> list[dict[str, str]]:
    """The most recent events first; at most MAX_CHANGE_ROWS (the counts above cover them all)."""
    return [{"iso": c.on.isoformat(), "kind": CHANGE_KINDS[c.kind], "code": c.school_code,
             "school": c.school_name, "municipality": c.municipality_name, "what": _change_text(c)}
            for c in list(reversed(changes))[:MAX_CHANGE_ROWS]]


def _kpi(card_id: str, title: str, value: str, change: str, colour: str = "primary") -> dbc.Col:
    return kpi_card(card_id, title, value, "", colour, change=f"{change} sinds vergelijkdatum")


def _summary_sentence(summary: ChangeSummary) -> str:
    k = summary.kinds
    return (f"{k['certified']} school(en) gecertificeerd, {k['expired']} certifica(a)t(en) verlopen, "
            f"{k['phase']} faseovergang(en), {k['partnership_started']} samenwerking(en) gestart, "
            f"{k['partnership_ended']} beëindigd.")


def _phase_moves(summary: ChangeSummary) -> str:
    phases = [p for p in PHASES if summary.entered.get(p) or summary.left.get(p)]
    return "; ".join(f"{PHASES[p]}: {summary.entered.get(p, 0)} in, {summary.left.get(p, 0)} uit"
                     for p in phases) or "geen faseovergangen"


def what_changed(data: MunicipalityComparison) -> dbc.Card:
    totals, changes = data.totals, data.total_changes
    cards = dbc.Row([
        _kpi(ids.KPI_SCHOOLS, "Scholen", str(totals["schools"]), signed(changes["schools"])),
        _kpi(ids.KPI_TAKING_PART, "Deelnemend", str(data.taking_part), signed(changes["taking_part"])),
        _kpi(ids.KPI_VALID, "Geldig gecertificeerd", str(totals["valid_certificates"]),
             signed(changes["valid_certificates"]), "success"),
        _kpi(ids.KPI_COVERAGE, "Dekking", pct(totals["coverage"]), signed(changes["coverage"], percent=True),
             "success"),
        _kpi(ids.KPI_EXPIRING, "Verloopt binnenkort", str(totals["expiring_soon"]),
             signed(changes["expiring_soon"]), "warning"),
        _kpi(ids.KPI_EXPIRED, "Verlopen", str(totals["expired"]), signed(changes["expired"]), "danger"),
        _kpi(ids.KPI_IN_TRAJECTORY, "In traject", str(totals["in_trajectory"]), signed(changes["in_trajectory"])),
    ])
    for card in cards.children:   # seven cards: one row of equal columns on wide screens (not six and one)
        card.xl = None
        card.className = f"{card.className} col-xl"
    return dbc.Card(dbc.CardBody([
        html.H3(f"Wat is er veranderd sinds {format_nl(data.compare_with)}?", className="h5"),
        cards,
        with_table(dcc.Graph(id=ids.STATUS_CHART, figure=remembered(status_phase_chart, data.status_phase,
                                                                    data.status_phase_changes), config=GRAPH_CONFIG)),
        html.Div([html.P(ids.CHANGES_LOADING, id=ids.CHANGE_SUMMARY, className="mb-0 fw-semibold"),
                  changes_button(ids.PICKER)],
                 className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-1"),
        html.P("", id=ids.PHASE_MOVES, className="small text-muted"),
        html.P("", id=ids.CHANGES_NOTE, className="small text-warning"),
        dag.AgGrid(id=ids.CHANGES_GRID, rowData=[], columnDefs=CHANGE_COLUMNS,
                   defaultColDef=DEFAULT_COLUMN,
                   dashGridOptions=grid_options(pagination=True, paginationPageSize=10,
                                                paginationPageSizeSelector=False, domLayout="autoHeight"),
                   style={"height": None}),
    ]), className="mb-4 shadow-sm")


def _listed(changes: list[Change]) -> str:
    return (f"De lijst toont de {MAX_CHANGE_ROWS} meest recente van {len(changes)} gebeurtenissen; "
            "de export (CSV) bevat ze alle." if len(changes) > MAX_CHANGE_ROWS else "")


@page_callback(Output(ids.CHANGES_GRID, "rowData"), Output(ids.CHANGE_SUMMARY, "children"),
               Output(ids.PHASE_MOVES, "children"), Output(ids.CHANGES_NOTE, "children"),
               Input(ids.CHANGES_GRID, "id"), on_refusal=lambda message: ([], message, "", ""))
def list_changes(request: Request, _grid: object) -> tuple[list[dict[str, str]], str, str, str]:
    """The events since the compare date in the URL (as the page opens), for the schools this user may read."""
    changes = changes_since(request.session, request.scope, request.principal, request.compare_choice.on)
    summary = change_summary(changes)
    return (change_rows(changes), _summary_sentence(summary),
            "Per fase (scholen die de fase in- en uitgingen): " + _phase_moves(summary), _listed(changes))


# the change list as the page opens, in a starting worker
warm_up.after_layout("/gemeenten", "gemeenten: gebeurtenissen", lambda search: list_changes(ids.CHANGES_GRID, search))

"""The certification table and the expiry lists (ag-grids: at country scope thousands of rows, sent as
plain row data, not as components; their rows come after the layout, from web.row_data, except an expiry
list of no more than a page)."""
from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components.grid import (
    DEFAULT_COLUMN,
    LOCALE_NL,
    csv_export_params,
    date_column,
    fit_columns,
    grid_options,
    school_column,
)
from pages.certification import _ids as ids
from pages.certification._reads import reads_of
from services.certification_reads import CertificationReads, CertificationRow, ExpiryRow
from web import row_data
from web.request_context import Request

ROWS = "certificering"  # GET /_rijen/certificering: the table's rows
# GET /_rijen/verloopt-6 and -12: the expiry lists' rows (at country scope thousands: inline they were 97% of
# the layout, 556 kB at 16,000 schools)
EXPIRY_MONTHS = {6: ids.EXPIRY_6, 12: ids.EXPIRY_12}


def expiry_source(months: int) -> str:
    return f"verloopt-{months}"

STATUS_STYLE = {
    "styleConditions": [
        {"condition": "params.data.status == 'expired'", "style": {"color": "#c62828", "fontWeight": "bold"}},
        {"condition": "params.data.status == 'expiring'", "style": {"color": "#b26a00", "fontWeight": "bold"}},
        {"condition": "params.data.status == 'valid'", "style": {"color": "#2e7d32"}},
    ]
}
COLUMNS = fit_columns([   # what is checked most first: at 1280 px BRIN to Tranche fit without scrolling
    {"field": "code", "headerName": "BRIN", "maxWidth": 100, "pinned": "left"},
    school_column(minWidth=260, pinned="left"),
    {"field": "status_label", "headerName": "Status", "cellStyle": STATUS_STYLE, "minWidth": 170},
    date_column("expires", "Geldig tot"),
    {"field": "phase_label", "headerName": "Fase", "minWidth": 150},
    {"field": "municipality", "headerName": "Gemeente"},
    {"field": "sector", "headerName": "Sector", "maxWidth": 90},
    {"field": "tranche", "headerName": "Tranche"},
    {"field": "days_in_phase", "headerName": "Dagen in fase", "type": "numericColumn", "maxWidth": 130},
    date_column("issued", "Certificaat sinds"),
    {"field": "stall", "headerName": "Vastgelopen", "minWidth": 260},
])
# A planned re-audit in green, none in bold red (as the status colours above).
REAUDIT_STYLE = {
    "styleConditions": [
        {"condition": "params.data.planned", "style": {"color": "#2e7d32"}},
        {"condition": "!params.data.planned", "style": {"color": "#c62828", "fontWeight": "bold"}},
    ]
}
NO_EXPIRIES = "Geen certificaten die in deze periode verlopen."
EXPIRY_PAGE = 10
EXPIRY_MIN_HEIGHT = "513px"  # a page of EXPIRY_PAGE rows with header and paging bar, as measured in Chromium
EXPIRY_COLUMNS = fit_columns([
    {"field": "code", "headerName": "BRIN", "maxWidth": 100},
    school_column(minWidth=240),
    {"field": "municipality", "headerName": "Gemeente"},
    date_column("expires", "Geldig tot", sort="asc"),
    {"field": "days_left", "headerName": "Dagen", "type": "numericColumn", "maxWidth": 110},
    {"field": "reaudit", "headerName": "Heraudit", "cellStyle": REAUDIT_STYLE, "minWidth": 200,
     "tooltipField": "reaudit"},
])


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def grid_rows(rows: list[CertificationRow]) -> list[dict[str, Any]]:
    """The grid's rows (plain dicts, dates ISO; the grid shows them dd-mm-jjjj): the page edge of the
    read model."""
    return [{"code": r.code, "name": r.name, "municipality": r.municipality, "sector": r.sector,
             "phase": r.phase, "phase_label": r.phase_label, "tranche": r.tranche,
             "days_in_phase": r.days_in_phase, "issued": _iso(r.issued_on), "expires": _iso(r.expires_on),
             "status": r.status, "status_label": r.status_label, "stall": "; ".join(r.stall_reasons)}
            for r in rows]


@row_data.source(ROWS)
def encoded_grid_rows(request: Request) -> bytes:
    """The table's rows for GET /_rijen/certificering: encoded once per data version, for all workers."""
    reads = reads_of(request)
    return reads.cached("certification-grid-json", None, lambda: row_data.encoded(grid_rows(reads.rows)))


row_data.fetch_callback(ids.GRID)


def grid(request: Request, selected: str | None = None) -> html.Div:
    """The schools' grid, its rows fetched after the layout; selected: a school (DUO code) chosen by the
    address (?school=), so a link from elsewhere (the Actielijst) opens the record form on it (the grid
    selects it when its rows arrive; an unknown code selects nothing)."""
    chosen: dict[str, Any] = {"selectedRows": {"ids": [selected[:6]]}} if selected else {}
    return row_data.fetched_grid(
        row_data.url(ROWS, request),
        id=ids.GRID, columnDefs=COLUMNS, getRowId="params.data.code", **chosen, defaultColDef=DEFAULT_COLUMN,
        dashGridOptions=grid_options(rowSelection={"mode": "singleRow", "checkboxes": False,
                                                   "enableClickSelection": True},
                                     pagination=True, paginationPageSize=20),
        csvExportParams=csv_export_params(f"certificering-{request.scope.as_of.isoformat()}.csv"),
        style={"height": "560px"})


def expiry_rows(rows: list[ExpiryRow]) -> list[dict[str, Any]]:
    return [{"code": r.code, "name": r.name, "municipality": r.municipality, "expires": r.expires_on.isoformat(),
             "days_left": r.days_left, "planned": r.reaudit_planned, "reaudit": r.planned_in or "nog niet gepland"}
            for r in rows]


def _expiry_rows_of(months: int) -> row_data.Source:
    def encoded_expiry_rows(request: Request) -> bytes:
        """An expiry list's rows for GET /_rijen/verloopt-<months>: encoded once per data version."""
        reads = reads_of(request)
        return reads.cached("expiry-json", months, lambda: row_data.encoded(expiry_rows(reads.expiring(months))))
    return encoded_expiry_rows


for _months, _grid_id in EXPIRY_MONTHS.items():
    row_data.source(expiry_source(_months))(_expiry_rows_of(_months))
    row_data.fetch_callback(_grid_id)


def expiry_grid(request: Request, rows: list[ExpiryRow], months: int, grid_id: str) -> html.Div:
    """The certificates expiring within `months`, soonest first (10 a page; sortable and filterable); the rows
    after the layout, but a few (no more than a page) with it, as the grid grows with them."""
    few = len(rows) <= EXPIRY_PAGE
    return row_data.fetched_grid(
        row_data.url(expiry_source(months), request), id=grid_id, inline=expiry_rows(rows) if few else None,
        columnDefs=EXPIRY_COLUMNS, getRowId="params.data.code", defaultColDef=DEFAULT_COLUMN,
        dashGridOptions=grid_options(pagination=True, paginationPageSize=EXPIRY_PAGE,
                                     paginationPageSizeSelector=[10, 25, 50, 100], domLayout="autoHeight",
                                     localeText={**LOCALE_NL, "noRowsToShow": NO_EXPIRIES}),
        csvExportParams=csv_export_params(f"verloopt-{months}-maanden-{request.scope.as_of.isoformat()}.csv"),
        # a page of rows high from the start: the rows arriving do not push the tranches down
        style=None if few else {"minHeight": EXPIRY_MIN_HEIGHT})


def expiry_tabs(request: Request, reads: CertificationReads) -> dbc.Tabs:
    """The expiry lists of the next 6 and 12 months, one tab each; the first shown from the start
    (named tabs with an explicit active tab: the list is there on first view, not only after a click)."""
    lists = {m: reads.expiring(m) for m in EXPIRY_MONTHS}   # kept per data version
    return dbc.Tabs([
        dbc.Tab(expiry_grid(request, lists[m], m, grid_id), label=f"Komende {m} maanden ({len(lists[m])})",
                tab_id=f"expiry-{m}")
        for m, grid_id in EXPIRY_MONTHS.items()
    ], active_tab="expiry-6", id=ids.EXPIRY_TABS)

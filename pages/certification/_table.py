"""The certification table (ag-grid) and the expiry lists."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import html

from components.grid import DEFAULT_COLUMN, csv_export_params, fit_columns, grid_options, school_column
from components.links import school_link
from domain.dates import format_nl
from pages.certification import _ids as ids
from services.certification_reads import CertificationRow, ExpiryRow

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
    {"field": "expires", "headerName": "Geldig tot"},
    {"field": "phase_label", "headerName": "Fase", "minWidth": 150},
    {"field": "municipality", "headerName": "Gemeente"},
    {"field": "sector", "headerName": "Sector", "maxWidth": 90},
    {"field": "tranche", "headerName": "Tranche"},
    {"field": "days_in_phase", "headerName": "Dagen in fase", "type": "numericColumn", "maxWidth": 130},
    {"field": "issued", "headerName": "Certificaat sinds"},
    {"field": "stall", "headerName": "Vastgelopen", "minWidth": 260},
])


def grid_rows(rows: list[CertificationRow]) -> list[dict[str, Any]]:
    """The grid's rows (plain dicts, dates in Dutch notation): the page edge of the read model."""
    return [{"code": r.code, "name": r.name, "municipality": r.municipality, "sector": r.sector,
             "phase": r.phase, "phase_label": r.phase_label, "tranche": r.tranche,
             "days_in_phase": r.days_in_phase, "issued": format_nl(r.issued_on), "expires": format_nl(r.expires_on),
             "status": r.status, "status_label": r.status_label, "stall": "; ".join(r.stall_reasons)}
            for r in rows]


def grid(rows: list[CertificationRow], as_of: date, selected: str | None = None) -> dag.AgGrid:
    """The schools' grid; selected: a school (DUO code) chosen by the address (?school=), so a link from
    elsewhere (the Actielijst) opens the record form on it."""
    chosen = {"selectedRows": {"ids": [selected]}} if selected and any(r.code == selected for r in rows) else {}
    return dag.AgGrid(id=ids.GRID, rowData=grid_rows(rows), columnDefs=COLUMNS, getRowId="params.data.code", **chosen,
                      defaultColDef=DEFAULT_COLUMN,
                      dashGridOptions=grid_options(rowSelection={"mode": "singleRow", "checkboxes": False,
                                                                 "enableClickSelection": True},
                                                   pagination=True, paginationPageSize=20),
                      csvExportParams=csv_export_params(f"certificering-{as_of.isoformat()}.csv"),
                      style={"height": "560px"})


def expiry_table(rows: list[ExpiryRow], table_id: str, query: Mapping[str, str]) -> html.Div | html.P:
    if not rows:
        return html.P("Geen certificaten die in deze periode verlopen.", className="text-muted", id=table_id)
    body = [html.Tr([html.Td(r.code), html.Td(school_link(r.code, r.name, query)), html.Td(r.municipality),
                     html.Td(format_nl(r.expires_on)), html.Td(r.days_left, className="text-end"),
                     html.Td(r.planned_in or "nog niet gepland",
                             className="text-success" if r.reaudit_planned else "text-danger fw-semibold")])
            for r in rows]
    head = html.Thead(html.Tr([html.Th(h) for h in ("BRIN", "School", "Gemeente", "Geldig tot", "Dagen",
                                                    "Heraudit")]))
    # responsive: on a narrow screen the list scrolls in its own box, not the whole page (WCAG 1.4.10)
    return dbc.Table([head, html.Tbody(body)], size="sm", striped=True, bordered=True, responsive=True, id=table_id)


def expiry_tabs(soon: dict[int, list[ExpiryRow]], query: Mapping[str, str]) -> dbc.Tabs:
    """The expiry lists of the next 6 and 12 months, one tab each; the first shown from the start
    (named tabs with an explicit active tab: the list is there on first view, not only after a click)."""
    return dbc.Tabs([
        dbc.Tab(expiry_table(soon[6], ids.EXPIRY_6, query), label=f"Komende 6 maanden ({len(soon[6])})",
                tab_id="expiry-6"),
        dbc.Tab(expiry_table(soon[12], ids.EXPIRY_12, query), label=f"Komende 12 maanden ({len(soon[12])})",
                tab_id="expiry-12"),
    ], active_tab="expiry-6", id=ids.EXPIRY_TABS)

"""The Contactlijst's callbacks: another choice shows its list; the export downloads it as CSV."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, dcc

from pages.contacts import _ids as ids
from pages.contacts._layout import contact_tables, rows_for
from services.contacts_list import contact_csv, file_name
from web.request_context import Request, page_callback


@page_callback(Output(ids.LIST, "children"), Input(ids.MUNICIPALITY, "value"), Input(ids.SCHOOL, "value"),
               on_refusal=lambda message: [dbc.Alert(message, color="danger", id="access-denied")],
               prevent_initial_call=True)
def show(request: Request, municipality: Any, school: Any) -> list[Any]:
    return contact_tables(rows_for(request, municipality, school))


@page_callback(Output(ids.DOWNLOAD, "data"), Input(ids.EXPORT, "n_clicks"), State(ids.MUNICIPALITY, "value"),
               State(ids.SCHOOL, "value"), prevent_initial_call=True)
def export(request: Request, _n: Any, municipality: Any, school: Any) -> Any:
    rows = rows_for(request, municipality, school)
    what = rows[0].school_code if rows and isinstance(school, str) and school else (
        rows[0].municipality if rows else "leeg")
    return dcc.send_bytes(contact_csv(rows), file_name(request.scope.as_of, what))

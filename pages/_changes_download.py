"""The 'Veranderingen (CSV)' download of Overzicht and Gemeenten: the list of events since the page's
compare date (services.change_export), for the page's selection and the schools this user may read."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from services.change_export import changes_csv
from web.request_context import Request, page_callback


def changes_button(page: str, label: str = "Veranderingen exporteren (CSV)") -> html.Span:
    """The button and its download (ids {"type": "changes-csv" / "changes-download", "page": page})."""
    return html.Span([
        dbc.Button(label, id={"type": "changes-csv", "page": page}, color="secondary", outline=True, size="sm",
                   title="Alle gebeurtenissen sinds de vergelijkdatum, voor Excel (puntkomma, decimale komma)"),
        dcc.Download(id={"type": "changes-download", "page": page}),
    ], className="d-print-none")


@page_callback(Output({"type": "changes-download", "page": MATCH}, "data"),
               Input({"type": "changes-csv", "page": MATCH}, "n_clicks"), on_refusal=lambda _message: None,
               prevent_initial_call=True)
def download_changes(request: Request, n_clicks: object) -> dict[str, Any]:
    """The events since the page's compare date as CSV."""
    if not n_clicks:
        raise PreventUpdate
    name, content = changes_csv(request.session, request.scope, request.principal, request.compare_choice.on)
    return dcc.send_bytes(content, name)

"""The 'Verslag voor de vergadering (PDF)' download of Overzicht and Gemeenten: the same PDF as
`vios report --pdf`, for the page's selection and compare date and the schools this user may read.
Built on the server (services.meeting_report_pdf); a spinner shows while it is being made."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import MATCH, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from services.meeting_report import meeting_report
from services.meeting_report_pdf import build_pdf
from web.request_context import Request, page_callback


def report_button(page: str) -> html.Div:
    """The button, the download and the status line (id <page>-report-status once made)."""
    return html.Div([
        dbc.Button("Verslag voor de vergadering (PDF)", id={"type": "report-pdf", "page": page}, color="primary",
                   outline=True, size="sm"),
        dcc.Loading(html.Div([dcc.Download(id={"type": "report-download", "page": page}),
                              html.Span(id={"type": "report-status", "page": page}, className="small text-muted")]),
                    type="dot", overlay_style={"visibility": "visible"}),
    ], className="d-flex align-items-center gap-2 mb-3 d-print-none")


def _refused(message: str) -> tuple[Any, str]:
    return None, message


@page_callback(Output({"type": "report-download", "page": MATCH}, "data"),
               Output({"type": "report-status", "page": MATCH}, "children"),
               Input({"type": "report-pdf", "page": MATCH}, "n_clicks"), on_refusal=_refused,
               prevent_initial_call=True)
def download_report(request: Request, n_clicks: object) -> tuple[dict[str, Any], str]:
    """The PDF of the page's selection, compared with the page's compare date."""
    if not n_clicks:
        raise PreventUpdate
    scope = request.scope
    choice = request.compare_choice
    content, pages = build_pdf(meeting_report(request.session, scope, choice, request.principal))
    name = f"stuurgroep-{scope.area_key}-{scope.as_of.isoformat()}.pdf"
    return dcc.send_bytes(content, name), f"PDF gemaakt: {pages} pagina's, vergeleken met {choice.label}."

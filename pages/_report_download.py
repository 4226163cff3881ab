"""The 'Verslag voor de vergadering (PDF)' download of Overzicht and Gemeenten: the same PDF as
`vios report --pdf`, for the page's selection and compare date and the schools this user may read.

Built in the background (web/request_context.page_background_callback: a job of its own, the web app
answers other requests meanwhile), with a progress bar (gathering the figures, then laying out the PDF),
a cancel button while it runs, and the download when done."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from services.meeting_report import meeting_report
from services.meeting_report_pdf import build_pdf
from web.request_context import Progress, Request, page_background_callback

_SHOWN, _HIDDEN = {"display": "flex"}, {"display": "none"}
# The pages with the button: Overzicht ("ov") and Gemeenten ("cmp"). One callback each, because Dash's
# background callbacks take no pattern-matching ids.
PAGES = ("ov", "cmp")


def _id(kind: str, page: str) -> str:
    return f"{page}-{kind}"


def report_button(page: str) -> html.Div:
    """The button, the progress bar with its cancel button, the download and the status line
    (id <page>-report-status once made)."""
    if page not in PAGES:
        raise ValueError(f"no report download registered for page {page!r}; add it to PAGES")
    return html.Div([
        dbc.Button("Verslag voor de vergadering (PDF)", id=_id("report-pdf", page), color="primary",
                   outline=True, size="sm"),
        html.Div([
            dbc.Progress(id=_id("report-progress", page), value=0, striped=True, animated=True,
                         style={"width": "10rem"}, label=""),
            dbc.Button("Annuleren", id=_id("report-cancel", page), color="secondary", outline=True, size="sm"),
        ], id=_id("report-busy", page), className="align-items-center gap-2", style=_HIDDEN),
        dcc.Download(id=_id("report-download", page)),
        html.Span(id=_id("report-status", page), className="small text-muted", role="status"),
    ], className="d-flex align-items-center gap-2 mb-3 d-print-none")


def _refused(message: str) -> tuple[Any, str]:
    return None, message


def _make_report(request: Request, set_progress: Progress, n_clicks: object) -> tuple[dict[str, Any], str]:
    """The PDF of the page's selection, compared with the page's compare date."""
    if not n_clicks:
        raise PreventUpdate
    set_progress(10, "Cijfers verzamelen")
    scope = request.scope
    choice = request.compare_choice
    report = meeting_report(request.session, scope, choice, request.principal)
    set_progress(60, "PDF opmaken")
    content, pages = build_pdf(report)
    set_progress(100, "Klaar")
    name = f"stuurgroep-{scope.area_key}-{scope.as_of.isoformat()}.pdf"
    return dcc.send_bytes(content, name), f"PDF gemaakt: {pages} pagina's, vergeleken met {choice.label}."


def _register(page: str) -> None:
    page_background_callback(
        Output(_id("report-download", page), "data"), Output(_id("report-status", page), "children"),
        Input(_id("report-pdf", page), "n_clicks"),
        progress=[Output(_id("report-progress", page), "value"), Output(_id("report-progress", page), "label")],
        progress_default=[0, ""], interval=500,
        running=[(Output(_id("report-pdf", page), "disabled"), True, False),
                 (Output(_id("report-busy", page), "style"), _SHOWN, _HIDDEN)],
        cancel=[Input(_id("report-cancel", page), "n_clicks")],
        on_refusal=_refused, prevent_initial_call=True)(_make_report)


for _page in PAGES:
    _register(_page)

"""The compare date ("Vergelijk met") of the overview and Gemeenten pages, kept in the URL (?vergelijk=...).

One callback serves every page that shows the picker: it only rewrites the URL query (no data is
read here); the page then renders again from the URL, re-checking the user's access as always.
"""
from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, dcc, html
from dash.exceptions import PreventUpdate

from domain.compare_choice import CompareChoice
from domain.dates import format_nl, parse_date
from domain.scope import COMPARE_PARAM
from web.request_context import Request, page_callback


def compare_picker(page: str, choice: CompareChoice, as_of: date) -> html.Div:
    """A date picker (only dates before the peildatum) plus the sentence that says what the changes
    are measured against: a meeting of the steering group or a date."""
    return html.Div([
        dbc.Label("Vergelijk met", html_for=f"{page}-compare-date", className="small mb-0 me-2"),
        html.Div(dcc.DatePickerSingle(id={"type": "compare-date", "page": page}, date=choice.on.isoformat(),
                                      max_date_allowed=(as_of - timedelta(days=1)).isoformat(),
                                      display_format="DD-MM-YYYY", first_day_of_week=1, clearable=False,
                                      placeholder="dd-mm-jjjj"), style={"width": "11rem"}),
        html.Span(f"Veranderingen sinds {choice.label} (peildatum {format_nl(as_of)}).",
                  id=f"{page}-compare-text", className="small text-muted ms-2"),
    ], className="d-flex align-items-center flex-wrap gap-1 mb-3")


@page_callback(Output("url", "search", allow_duplicate=True),
               Input({"type": "compare-date", "page": ALL}, "date"), prevent_initial_call=True)
def set_compare_date(request: Request, dates: object) -> str:
    """Put the chosen compare date in the URL query, keeping the rest of the query."""
    chosen = next((d for d in dates if d), None) if isinstance(dates, list) else None
    if not isinstance(chosen, str):
        raise PreventUpdate
    try:
        value = parse_date(chosen[:10]).isoformat()
    except ValueError:
        raise PreventUpdate from None
    if request.query.get(COMPARE_PARAM) == value:
        raise PreventUpdate
    # The picker of a page just drawn reports its date too (Dash fires ALL inputs when the page's
    # components appear): the date the page already uses changes nothing, and a default (the last
    # meeting, or three months) must stay unpinned so that it follows the peildatum.
    if request.compare_choice.on.isoformat() == value:
        raise PreventUpdate
    params = [(k, v) for k, v in request.query.items() if k != COMPARE_PARAM]
    return "?" + urlencode(params + [(COMPARE_PARAM, value)])

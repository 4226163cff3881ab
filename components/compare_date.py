"""The "Vergelijk met" date of the comparison and overview pages, kept in the URL (?vergelijk=...).

One callback serves every page that shows the picker: it only rewrites the URL query (no data is
read here); the page then renders again from the URL, re-checking the user's access as always.
"""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, callback, dcc, html
from dash.exceptions import PreventUpdate

from domain.dates import format_nl, parse_date
from domain.scope import COMPARE_PARAM


def compare_picker(page: str, compare_with: date, as_of: date) -> html.Div:
    """A date picker plus the sentence that says what the changes are measured against."""
    return html.Div([
        dbc.Label("Vergelijk met", html_for=f"{page}-compare-date", className="small mb-0 me-2"),
        html.Div(dcc.DatePickerSingle(id={"type": "compare-date", "page": page}, date=compare_with.isoformat(),
                                      display_format="DD-MM-YYYY", first_day_of_week=1, clearable=False,
                                      placeholder="dd-mm-jjjj"), style={"width": "11rem"}),
        html.Span(f"Veranderingen sinds {format_nl(compare_with)} (peildatum {format_nl(as_of)}).",
                  id=f"{page}-compare-text", className="small text-muted ms-2"),
    ], className="d-flex align-items-center flex-wrap gap-1 mb-3")


@callback(Output("url", "search", allow_duplicate=True),
          Input({"type": "compare-date", "page": ALL}, "date"), State("url", "search"),
          prevent_initial_call=True)
def set_compare_date(dates, search):
    """Put the chosen compare date in the URL query, keeping the rest of the query."""
    chosen = next((d for d in dates or [] if d), None)
    if not isinstance(chosen, str):
        raise PreventUpdate
    try:
        value = parse_date(chosen[:10]).isoformat()
    except ValueError:
        raise PreventUpdate from None
    params = [(k, v) for k, v in parse_qsl((search or "").lstrip("?")) if k != COMPARE_PARAM]
    if dict(parse_qsl((search or "").lstrip("?"))).get(COMPARE_PARAM) == value:
        raise PreventUpdate
    return "?" + urlencode(params + [(COMPARE_PARAM, value)])

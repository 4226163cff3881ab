"""The Mijn scholen layout and its one callback (another board chosen)."""
from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, html

from components.inputs import dropdown
from domain.dates import format_nl
from domain.scope import scope_from_params
from pages.my_schools import _ids as ids
from pages.my_schools._tiles import board_content
from services.board_view import board_choices, board_view
from services.permissions import PermissionDenied
from web.request_context import Request, page_callback, refusal_alert

TITLE = "Mijn scholen"


def as_of(request: Request) -> date:
    """The peildatum from the URL: the page is not limited to the area of the scope bar."""
    scope, _ = scope_from_params(request.query, request.today)
    return scope.as_of


def build(request: Request) -> html.Div:
    choices = board_choices(request.session, request.principal)
    day = as_of(request)
    heading = html.Div([html.H2(TITLE, className="h4 mb-0"),
                        html.Div(f"Alle regio's — peildatum {format_nl(day)}", id="scope-description",
                                 className="text-muted")], className="mb-3")
    if not choices:
        return html.Div([heading, dbc.Alert("Er is geen bestuur met scholen die u mag bekijken.", color="info",
                                            id=ids.NO_BOARD)])
    first = choices[0]["value"]
    assert isinstance(first, int)
    picker = html.Div([dbc.Label("Bestuur", html_for=ids.BOARD),
                       dropdown(ids.BOARD, choices, first, clearable=False)],
                      className="mb-3", style={"maxWidth": "36rem"},
                      hidden=request.principal.role == "bestuurder" and len(choices) == 1)
    return html.Div([heading, picker,
                     html.Div(board_content(board_view(request.session, request.principal, first, day)),
                              id=ids.CONTENT)])


@page_callback(Output(ids.CONTENT, "children"), Input(ids.BOARD, "value"),
               on_refusal=lambda message: [refusal_alert(PermissionDenied(message))], prevent_initial_call=True)
def show_board(request: Request, board: Any) -> list[Any]:
    if not isinstance(board, int):
        raise PermissionDenied("Kies een bestuur.")
    return board_content(board_view(request.session, request.principal, board, as_of(request)))

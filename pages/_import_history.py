"""The import history on Gegevens (issue 15): who imported which file when, with its counts, newest first.

Shown to the roles that may import (services.import_history decides what each sees: the beheerder all
imports, a coordinator those of their own regions); refreshed when an import on this page is done."""
from __future__ import annotations

from datetime import UTC, datetime

import dash_bootstrap_components as dbc
from dash import Input, Output, html

from domain import clock
from services import import_history
from services.import_history import ImportRunRow
from web.request_context import Request, page_callback

KINDS = {"exchange": "Uitwisselbestand", "duo": "DUO-register"}
HEADERS = ("Tijdstip", "Gebruiker", "Soort", "Bestand", "Nieuw", "Gewijzigd", "Ongewijzigd", "Inactief gemaakt",
           "Afgekeurd")


def history_card(request: Request) -> dbc.Card:
    return dbc.Card(dbc.CardBody([
        html.H3("Importgeschiedenis", className="h5"),
        html.Div(history_table(request), id="data-history"),
    ]), className="mb-4 shadow-sm")


def history_table(request: Request) -> html.P | dbc.Table:
    runs = import_history.visible_runs(request.session, request.principal)
    if not runs:
        return html.P("Er is nog niets geïmporteerd.", className="text-muted", id="data-history-empty")
    return dbc.Table([html.Thead(html.Tr([html.Th(h) for h in HEADERS])), html.Tbody([_row(r) for r in runs])],
                     bordered=True, size="sm", striped=True, className="w-auto", id="data-history-table")


def _local(at: datetime) -> str:
    aware = at if at.tzinfo is not None else at.replace(tzinfo=UTC)  # SQLite gives the stored UTC without zone
    return f"{aware.astimezone(clock.TIMEZONE):%d-%m-%Y %H:%M}"


def _row(run: ImportRunRow) -> html.Tr:
    numbers = (run.created, run.updated, run.unchanged, run.deactivated, run.rejected)
    return html.Tr([html.Td(_local(run.at)), html.Td(run.username), html.Td(KINDS.get(run.kind, run.kind)),
                    html.Td(run.filename)] + [html.Td(n, className="text-end") for n in numbers])


@page_callback(Output("data-history", "children"), Input("data-result", "children"), prevent_initial_call=True)
def refresh_history(request: Request, _result: object) -> html.P | dbc.Table:
    return history_table(request)

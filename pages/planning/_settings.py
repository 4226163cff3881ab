"""2. Priorities and quotas: the weights of the priority components, the places per sector
and the audit capacity. The actions read them as three States (pattern-matching ids)."""
from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import ALL, State, html

from domain.planning import Weights
from pages.planning import _ids as ids
from pages.planning._common import SHORT_LABELS, by_key, dom_id, number

WEIGHTS = State({"type": ids.WEIGHT_TYPE, "key": ALL}, "value")
QUOTAS = State({"type": ids.QUOTA_TYPE, "key": ALL}, "value")
AUDIT_CAPACITY = State(ids.AUDIT_CAPACITY, "value")


def weights_of(values: object) -> dict[str, object]:
    return by_key(values, ids.WEIGHT_KEYS)


def quotas_of(values: object) -> dict[str, object]:
    return by_key(values, ids.QUOTA_KEYS)


def settings_card(audit_capacity: int | None, editable: bool) -> dbc.Card:
    weights = Weights()
    weight_inputs = [
        dbc.Col([dbc.Label(f"Gewicht {SHORT_LABELS[k].lower()}", html_for=dom_id(ids.weight_id(k)), className="small"),
                 number(ids.weight_id(k), getattr(weights, k), step=0.5, disabled=not editable)], md=2)
        for k in ids.WEIGHT_KEYS]
    audit_input = dbc.Col([dbc.Label("Auditcapaciteit per kwartaal", html_for=ids.AUDIT_CAPACITY, className="small"),
                           number(ids.AUDIT_CAPACITY, audit_capacity, placeholder="onbeperkt",
                                  disabled=not editable)], md=2)
    quota_inputs = [
        dbc.Col([dbc.Label(f"Quotum {code}", html_for=dom_id(ids.quota_id(code)), className="small"),
                 number(ids.quota_id(code), None, placeholder="geen", disabled=not editable)], md=2)
        for code in ids.QUOTA_KEYS]
    return dbc.Card(dbc.CardBody([
        html.H3("2. Prioriteiten en quota", className="h6"),
        html.P("Gewichten (0 tot 10) bepalen hoe zwaar elk onderdeel telt in de prioriteit; quota zijn het "
               "maximum aantal plaatsen per sector (leeg: geen quotum).", className="small text-muted mb-2"),
        dbc.Row([*weight_inputs, audit_input], className="g-2"),
        dbc.Row(quota_inputs, className="g-2 mt-1"),
        dbc.Button("Voorstel maken", id=ids.PROPOSE, color="primary", className="mt-3", disabled=not editable),
    ]), className="mb-3 shadow-sm")

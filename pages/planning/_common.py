"""Shared pieces of the planning page: messages, inputs, grid columns and rows, options."""
from __future__ import annotations

import json
from typing import Any

import dash_ag_grid as dag
import dash_bootstrap_components as dbc

from components.grid import DEFAULT_COLUMN, fit_columns, grid_options, school_column
from domain.dates import format_nl
from domain.lifecycle import TransitionRefused
from domain.planning import CANDIDATE_LABELS, COMPONENT_LABELS, PlanRefused, Scored
from services.planning import PlanItem, PlanSummary, TrancheChoice
from web.request_context import Request

# Refusals of a rule (the user can fix the input); no access and not found are the decorator's.
RULE_REFUSALS = (PlanRefused, TransitionRefused, ValueError)
# Write controls the plan view still switches, never shown to a read-only role.
HIDDEN = {"display": "none"}
SOURCE_LABELS = {"proposal": "Voorstel", "added": "Handmatig toegevoegd", "removed": "Handmatig verwijderd"}
# Short column / field labels; the full label is the tooltip.
SHORT_LABELS = {"recert": "Hercertificering", "coverage": "Dekkingsgat", "readiness": "Gereedheid",
                "waiting": "Wachttijd", "learning": "Leereffect"}

COLUMNS: list[dict[str, Any]] = fit_columns([
    {"field": "code", "headerName": "BRIN", "maxWidth": 95, "pinned": "left"},
    school_column(minWidth=240, pinned="left"),
    {"field": "municipality", "headerName": "Gemeente", "minWidth": 130},
    {"field": "sector", "headerName": "Sector", "maxWidth": 85},
    {"field": "kind", "headerName": "Certificaat", "minWidth": 190},
    {"field": "score", "headerName": "Prioriteit (0-100)", "type": "numericColumn", "maxWidth": 120,
     "sort": "desc"},
    *[{"field": f"p_{k}", "headerName": SHORT_LABELS[k], "type": "numericColumn", "minWidth": 105, "maxWidth": 125,
       "headerTooltip": f"Punten voor: {label}"} for k, label in COMPONENT_LABELS.items()],
])
PLAN_COLUMNS = COLUMNS + [{"field": "source", "headerName": "Bron", "minWidth": 130},
                          {"field": "reason", "headerName": "Reden", "minWidth": 200}]


def error(message: str) -> dbc.Alert:
    return dbc.Alert(message, color="danger", id="plan-error")


def done(text: str) -> dbc.Alert:
    return dbc.Alert(text, color="success", id="plan-done")


def refused(request: Request, exc: Exception) -> dbc.Alert:
    """A rule refused the action: nothing of it is kept (the request's transaction is rolled back)."""
    request.session.rollback()
    return error(str(exc))


def grid(grid_id: str, columns: list[dict[str, Any]], height: str) -> dag.AgGrid:
    return dag.AgGrid(id=grid_id, rowData=[], columnDefs=columns, getRowId="params.data.code",
                      defaultColDef=DEFAULT_COLUMN, style={"height": height},
                      dashGridOptions=grid_options(rowSelection={"mode": "singleRow", "checkboxes": False,
                                                                 "enableClickSelection": True},
                                                   tooltipShowDelay=300))


def number(component_id: str | dict[str, str], value: float | None, *, step: float = 1, placeholder: str = "",
           disabled: bool = False) -> dbc.Input:
    return dbc.Input(id=component_id, type="number", min=0, step=step, value=value, placeholder=placeholder,
                     size="sm", disabled=disabled)


def dom_id(component_id: dict[str, str]) -> str:
    """The id Dash gives a pattern-matching component in the page (for a label's html_for)."""
    return json.dumps(component_id, sort_keys=True, separators=(",", ":"))


def by_key(values: object, keys: tuple[str, ...]) -> dict[str, object]:
    """The values of an ALL-pattern State (in layout order) by key; anything else gives {}."""
    return dict(zip(keys, values, strict=False)) if isinstance(values, list) else {}


def working(work: object) -> dict[str, Any]:
    """The working plan from the browser (untrusted: the services check it again)."""
    return work if isinstance(work, dict) else {}


def edited(work: dict[str, Any], items: list[PlanItem]) -> dict[str, Any]:
    """The working plan after a change by hand or a new proposal: an unsaved draft."""
    return {**work, "items": items, "plan_id": None, "status": "draft"}


def selected_school(rows: object) -> int | None:
    first = rows[0] if isinstance(rows, list) and rows and isinstance(rows[0], dict) else {}
    value = first.get("school_id")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def tranche_options(tranches: list[TrancheChoice]) -> list[dict[str, Any]]:
    return [{"label": f"{t.name} — start {format_nl(t.start_on)}, {t.capacity} plaatsen"
                      + (f" ({t.taken} al bezet)" if t.taken else "")
                      + (" — bevestigd" if t.confirmed else ""), "value": t.id} for t in tranches]


def draft_options(plans: list[PlanSummary]) -> list[dict[str, Any]]:
    return [{"label": f"{p.name} ({'bevestigd' if p.status == 'confirmed' else 'concept'}, {p.schools} scholen)",
             "value": p.id} for p in plans]


def candidate_row(s: Scored, item: PlanItem | None = None) -> dict[str, Any]:
    c = s.candidate
    row: dict[str, Any] = {
        "school_id": c.school_id, "code": c.code, "name": c.name, "municipality": c.municipality_name,
        "sector": c.sector, "kind": CANDIDATE_LABELS.get(c.kind, c.kind)
        + (f" ({format_nl(c.expires_on)})" if c.kind == "due" and c.expires_on else ""),
        "score": round(s.score, 1), **{f"p_{k}": round(v, 1) for k, v in s.points.items()}}
    if item is not None:
        row["source"] = SOURCE_LABELS[item["source"]]
        row["reason"] = item["reason"]
    return row

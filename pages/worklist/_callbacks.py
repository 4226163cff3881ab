"""The Actielijst's write: re-certification for the chosen schools into one tranche."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import Input, Output, State, no_update

from domain import clock
from domain.lifecycle import TransitionRefused
from pages.worklist import _ids as ids
from pages.worklist._layout import worklist_of
from pages.worklist._sections import content
from services import worklist
from services.trajectories import Seen
from web.request_context import Request, page_callback


def _error(message: str) -> tuple[Any, Any]:
    return dbc.Alert(message, color="danger", id=ids.ERROR), no_update


def _seen(data: object) -> dict[int, Seen]:
    """{school id: (trajectory id, phase)} from the page's store; anything malformed counts as unseen."""
    out: dict[int, Seen] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and key.isdigit() and isinstance(value, list) and len(value) == 2:
                tid, phase = value
                out[int(key)] = (tid if isinstance(tid, int) else None, phase if isinstance(phase, str) else None)
    return out


@page_callback(Output(ids.MESSAGE, "children"), Output(ids.CONTENT, "children"),
               Input(ids.START, "n_clicks"), State(ids.PICK, "value"), State(ids.TRANCHE, "value"),
               State(ids.SEEN, "data"), on_refusal=_error, prevent_initial_call=True)
def start_recertification(request: Request, _n: Any, picked: Any, tranche: Any, seen: Any) -> tuple[Any, Any]:
    school_ids = [s for s in picked if isinstance(s, int)][:500] if isinstance(picked, list) else []
    if not isinstance(tranche, int):
        return _error("Kies een tranche.")
    try:
        names = worklist.start_recertifications(request.session, request.principal, request.scope.region_id,
                                                school_ids, tranche, clock.today(), _seen(seen))
    except TransitionRefused as exc:
        request.session.rollback()
        return _error(f"Niets vastgelegd. {exc}")
    request.session.flush()
    done = dbc.Alert(f"Hercertificering gestart voor {len(names)} "
                     f"{'school' if len(names) == 1 else 'scholen'}: {', '.join(names)}.", color="success", id=ids.DONE)
    return done, content(worklist_of(request))

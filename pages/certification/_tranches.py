"""The tranche section: the region's tranches as an accordion (each one's funnel and Gantt chart), then the
audit forecast.

One tranche is open when the page opens (the one recorded in, else the latest that has started); the
others show their key figures in their heading and are drawn when opened (draw_opened): a region's
tranches at once were fifteen charts, seconds of drawing in the browser, mostly of tranches nobody opened.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
from dash import ALL, Input, Output, State, html, no_update
from dash.exceptions import PreventUpdate

from components.certification_charts import forecast_chart, funnel_chart, gantt_chart, graph
from domain.dates import format_nl
from pages.certification import _ids as ids
from pages.certification._reads import reads_of
from services.certification_reads import CertificationReads, TrancheOverview
from services.permissions import board_limited
from web.request_context import Request, page_callback

DRAWN = "vios-tranche-drawn"   # the className of a tranche's body once its charts are in it


def _item_id(tranche_id: int) -> str:
    return f"tranche-{tranche_id}"


def first_open(tranches: Sequence[TrancheOverview], as_of: date) -> int | None:
    """The tranche open when the page opens: the latest with schools that started on or before the as-of
    date, else the first with schools."""
    with_schools = [t for t in tranches if t.schools]
    started = [t for t in with_schools if t.start_on <= as_of]
    chosen = started[-1] if started else (with_schools[0] if with_schools else None)
    return chosen.tranche_id if chosen else None


def _title(tranche: TrancheOverview, reads: CertificationReads) -> str:
    """'Tranche 3 (voorjaar 2025) · start 01-06-2025 · 8 scholen · 1 vastgelopen' (names carry brackets)."""
    parts = [tranche.name, f"start {format_nl(tranche.start_on)}"]
    if not tranche.schools:
        # a board's schools are not compared with the region's capacity
        if not (reads.principal and board_limited(reads.principal)):
            parts.append(f"capaciteit {tranche.capacity}")
        return " · ".join([*parts, "nog geen scholen"])
    parts.append("1 school" if tranche.schools_count == 1 else f"{tranche.schools_count} scholen")
    if tranche.stalled_count:
        parts.append(f"{tranche.stalled_count} vastgelopen")
    return " · ".join(parts)


def _charts(tranche: TrancheOverview, as_of: date) -> dbc.Row:
    return dbc.Row([
        dbc.Col(graph(funnel_chart(tranche.funnel, tranche.start_on),
                      id={"type": ids.FUNNEL, "tranche": tranche.tranche_id}), lg=4),
        dbc.Col(graph(gantt_chart(tranche.schools, as_of)), lg=8),
    ])


def _body(tranche: TrancheOverview, as_of: date, drawn: bool) -> html.Div:
    """A tranche's body: its charts when drawn, else empty until it is opened (one without schools has none)."""
    if not tranche.schools:
        return html.Div(html.P("Nog geen scholen in deze tranche.", className="text-muted mb-0"),
                        id={"type": ids.TRANCHE_BODY, "tranche": tranche.tranche_id}, className=DRAWN)
    return html.Div(_charts(tranche, as_of) if drawn else None,
                    id={"type": ids.TRANCHE_BODY, "tranche": tranche.tranche_id}, className=DRAWN if drawn else "")


def tranche_section(reads: CertificationReads, opened: int | None = None) -> list[Any]:
    """The section's children; without a region in the scope, the hint to choose one. opened: the tranche to
    open (the one just recorded in), else first_open."""
    if reads.scope.region_id is None:
        return [dbc.Alert("Kies een regio in de balk bovenaan om de tranches en de auditprognose te zien.",
                          color="info", id=ids.CHOOSE_REGION)]
    tranches, as_of = reads.tranches, reads.scope.as_of
    if opened not in {t.tranche_id for t in tranches if t.schools}:
        opened = first_open(tranches, as_of)
    parts: list[Any] = [dbc.Accordion(
        [dbc.AccordionItem(_body(t, as_of, t.tranche_id == opened), title=_title(t, reads),
                           item_id=_item_id(t.tranche_id)) for t in tranches],
        id=ids.TRANCHE_LIST, always_open=True, active_item=[_item_id(opened)] if opened is not None else [],
        className="mb-3")] if tranches else [html.P("Deze regio heeft nog geen tranches.", className="text-muted")]
    if reads.principal is not None and board_limited(reads.principal):
        # The forecast weighs all the region's audits against its capacity: a board's part of it says nothing.
        return parts + [html.P("De auditprognose (alle audits van de regio tegen haar auditcapaciteit) staat niet "
                               "bij de scholen van één bestuur: die vergelijking zou niets zeggen.",
                               className="text-muted small", id=ids.FORECAST_OVER)]
    quarters = reads.forecast()
    over = [q.label for q in quarters if q.over_capacity]
    parts += [
        html.H3("Auditprognose", className="h5 mt-3"),
        graph(forecast_chart(quarters), id=ids.FORECAST),
        html.P(("Boven de auditcapaciteit: " + ", ".join(over) + ".") if over else
               "Geen kwartaal boven de auditcapaciteit.", id=ids.FORECAST_OVER,
               className="text-danger fw-semibold" if over else "text-muted"),
    ]
    return parts


@page_callback(Output({"type": ids.TRANCHE_BODY, "tranche": ALL}, "children"),
               Output({"type": ids.TRANCHE_BODY, "tranche": ALL}, "className"),
               Input(ids.TRANCHE_LIST, "active_item"),
               State({"type": ids.TRANCHE_BODY, "tranche": ALL}, "id"),
               State({"type": ids.TRANCHE_BODY, "tranche": ALL}, "className"), prevent_initial_call=True)
def draw_opened(request: Request, active: object, bodies: list[Any], drawn: list[Any]) -> tuple[list[Any], list[Any]]:
    """Opening a tranche: its charts, drawn once (a tranche drawn before keeps them; the rest is left)."""
    if not isinstance(bodies, list) or not isinstance(drawn, list) or len(drawn) != len(bodies):
        raise PreventUpdate   # not what the page sent
    opened = {a for a in (active if isinstance(active, list) else [active]) if isinstance(a, str)}
    wanted = {i: body["tranche"] for i, body in enumerate(bodies)
              if isinstance(body, dict) and isinstance(body.get("tranche"), int) and drawn[i] != DRAWN
              and _item_id(body["tranche"]) in opened}
    if not wanted:
        raise PreventUpdate
    reads = reads_of(request)
    by_id = {t.tranche_id: t for t in reads.tranches}
    children: list[Any] = [no_update] * len(bodies)
    classes: list[Any] = [no_update] * len(bodies)
    for i, tranche_id in wanted.items():
        tranche = by_id.get(tranche_id)
        if tranche is not None and tranche.schools:
            children[i], classes[i] = _charts(tranche, reads.scope.as_of), DRAWN
    return children, classes

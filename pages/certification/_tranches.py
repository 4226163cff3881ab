"""The tranche section: per tranche of the region its funnel and Gantt chart, then the audit forecast."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components.certification_charts import forecast_chart, funnel_chart, gantt_chart, graph
from domain.dates import format_nl
from pages.certification import _ids as ids
from services.certification_reads import CertificationReads, TrancheOverview
from services.permissions import board_limited


def _tranche_card(tranche: TrancheOverview, reads: CertificationReads) -> Any:
    if not tranche.schools:
        # a board's schools are not compared with the region's capacity
        capacity = "" if reads.principal and board_limited(reads.principal) else f", capaciteit {tranche.capacity}"
        return html.P(f"{tranche.name} (start {format_nl(tranche.start_on)}{capacity}): nog geen scholen.",
                      className="text-muted")
    stalled = (dbc.Badge(f"{tranche.stalled_count} vastgelopen", color="danger", className="ms-2")
               if tranche.stalled_count else None)
    return dbc.Card(dbc.CardBody([
        html.H4([tranche.name, stalled], className="h6"),
        dbc.Row([
            dbc.Col(graph(funnel_chart(tranche.funnel, tranche.start_on),
                          id={"type": ids.FUNNEL, "tranche": tranche.tranche_id}), lg=4),
            dbc.Col(graph(gantt_chart(tranche.schools, reads.scope.as_of)), lg=8),
        ]),
    ]), className="mb-3 shadow-sm")


def tranche_section(reads: CertificationReads) -> list[Any]:
    """The section's children; without a region in the scope, the hint to choose one."""
    if reads.scope.region_id is None:
        return [dbc.Alert("Kies een regio in de balk bovenaan om de tranches en de auditprognose te zien.",
                          color="info", id=ids.CHOOSE_REGION)]
    parts = [_tranche_card(tranche, reads) for tranche in reads.tranches]
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

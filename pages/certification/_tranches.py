"""The tranche section: per tranche of the region its funnel and Gantt chart, then the audit forecast."""
from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from components.certification_charts import forecast_chart, funnel_chart, gantt_chart, graph
from domain.dates import format_nl
from pages.certification import _ids as ids
from services.trajectories import CertificationReads, TrancheOverview


def _tranche_card(tranche: TrancheOverview, reads: CertificationReads) -> Any:
    if not tranche.schools:
        return html.P(f"{tranche.name} (start {format_nl(tranche.start_on)}, capaciteit {tranche.capacity}): "
                      "nog geen scholen.", className="text-muted")
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

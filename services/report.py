"""The overview report: the figures `vios report --json` prints and the overview page shows."""
from __future__ import annotations

from sqlmodel import Session

from domain.overview import (
    expiring_per_quarter,
    figures,
    figures_per_municipality,
    phase_distribution,
    school_status,
)
from domain.scope import Scope
from services.permissions import Principal
from services.snapshot import school_facts, scope_label


def overview_report(session: Session, scope: Scope, principal: Principal | None = None) -> dict:
    """The figures for a scope; with a principal only over the schools that user may read."""
    statuses = [school_status(f, scope.as_of) for f in school_facts(session, scope, principal)]
    return {
        "as_of": scope.as_of.isoformat(),
        "scope": {
            "area": scope_label(session, scope),
            "region_id": scope.region_id,
            "province_id": scope.province_id,
            "sector": scope.sector,
        },
        "totals": figures(statuses),
        "municipalities": figures_per_municipality(statuses),
        "expiring_per_quarter": expiring_per_quarter(statuses, scope.as_of),
        "phase_distribution": phase_distribution(statuses),
    }

"""The quarterly meeting report: everything the PDF (services.meeting_report_pdf) prints, gathered
by the same code as the pages: Gemeenten's comparison (figures, changes, events, status and phase),
the certification page's expiry lists and audit forecast, the network page's weak networks.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from domain import clock
from domain import network_analysis as na
from domain.compare_choice import CompareChoice
from domain.lifecycle import QuarterDemand
from domain.scope import Scope
from domain.vocab import ORGANISATION_TYPES, label
from models import Region
from services import network
from services.areas import scope_label
from services.certification_reads import CertificationReads, ExpiryRow, forecast
from services.municipality_comparison import MunicipalityComparison, comparison
from services.permissions import Principal

# The command line reads everything (like `vios report`); the network reads want a principal.
COMMAND_LINE = Principal(0, "cli", "beheerder")
WEAK_LIMIT = 25
FORECAST_QUARTERS = 8


@dataclass(frozen=True)
class ForecastRow:
    label: str
    from_expiries: int
    from_tranches: int
    total: int
    capacity: int | None

    @property
    def over_capacity(self) -> bool:
        return self.capacity is not None and self.total > self.capacity


@dataclass(frozen=True)
class MeetingReport:
    area: str
    scope: Scope
    choice: CompareChoice
    generated_at: datetime
    data: MunicipalityComparison
    expiring_6: list[ExpiryRow]
    expiring_12: list[ExpiryRow]
    weak: list[network.WeakRow]
    weak_total: int
    forecast: list[ForecastRow]
    forecast_regions: int


def _regions_in(session: Session, scope: Scope) -> list[int]:
    if scope.region_id is not None:
        return [scope.region_id]
    stmt = select(col(Region.id)).order_by(col(Region.id))
    if scope.province_id is not None:
        stmt = stmt.where(col(Region.province_id) == scope.province_id)
    return [r for r in session.exec(stmt).all() if r is not None]


def _summed_forecast(per_region: list[list[QuarterDemand]]) -> list[ForecastRow]:
    """The regions' audit forecasts added per quarter; the capacity is the sum of the known ones."""
    rows: dict[str, list[int | None]] = {}
    for demands in per_region:
        for q in demands:
            entry = rows.setdefault(q.label, [0, 0, 0, None])
            entry[0] = (entry[0] or 0) + q.from_expiries
            entry[1] = (entry[1] or 0) + q.from_tranches
            entry[2] = (entry[2] or 0) + q.total
            if q.capacity is not None:
                entry[3] = (entry[3] or 0) + q.capacity
    return [ForecastRow(label, e[0] or 0, e[1] or 0, e[2] or 0, e[3]) for label, e in rows.items()]


def meeting_report(session: Session, scope: Scope, choice: CompareChoice,
                   principal: Principal | None = None) -> MeetingReport:
    """The report's content for the schools in scope the principal may read (None: all)."""
    reader = principal or COMMAND_LINE
    data = comparison(session, scope, choice.on, principal, quarters=0, with_points=False)
    net = network.scope_network(session, reader, scope)
    weak_networks = na.weak_networks(net.networks, network.WEAK_THRESHOLD)
    weak = [network.WeakRow(net.schools[n.school_id].name, net.schools[n.school_id].code,
                        net.schools[n.school_id].municipality, n.partners, n.share,
                        ", ".join(label(ORGANISATION_TYPES, t) for t in n.missing))
            for n in weak_networks[:WEAK_LIMIT]]
    regions = _regions_in(session, scope)
    forecasts = [forecast(session, r, scope.as_of, principal, quarters=FORECAST_QUARTERS) for r in regions]
    reads = CertificationReads(session, scope, principal)   # the school facts once for both expiry lists
    return MeetingReport(
        area=scope_label(session, scope, principal), scope=scope, choice=choice, generated_at=clock.now(), data=data,
        expiring_6=reads.expiring(6), expiring_12=reads.expiring(12),
        weak=weak, weak_total=len(weak_networks), forecast=_summed_forecast(forecasts), forecast_regions=len(regions))


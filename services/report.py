"""The overview report: the figures `vios report --json` prints and the overview page shows,
and (for the overview page) their changes since the compare date."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlmodel import Session

from domain.changes import Change, FigureChanges, distribution_deltas, figure_deltas, municipality_deltas
from domain.overview import (
    SchoolFacts,
    SchoolStatus,
    active_on,
    expiring_per_quarter,
    figures,
    figures_per_municipality,
    phase_distribution,
    school_status,
)
from domain.scope import Scope
from domain.status_phase import StatusPhase, matrix_delta, status_by_phase
from services.areas import scope_label
from services.municipality_comparison import events_between
from services.permissions import Principal
from services.school_facts import derived, school_facts

# The JSON document of `vios report --json`: as_of, scope, totals, municipalities, expiring_per_quarter,
# phase_distribution, status_by_phase (certificate status -> trajectory phase -> schools, domain.status_phase).
OverviewReport = dict[str, Any]


def _report(scope: Scope, area: str, statuses: Iterable[SchoolStatus]) -> OverviewReport:
    statuses = list(statuses)
    return {
        "as_of": scope.as_of.isoformat(),
        "scope": {
            "area": area,
            "region_id": scope.region_id,
            "province_id": scope.province_id,
            "sector": scope.sector,
        },
        "totals": figures(statuses),
        "municipalities": figures_per_municipality(statuses),
        "expiring_per_quarter": expiring_per_quarter(statuses, scope.as_of),
        "phase_distribution": phase_distribution(statuses),
        "status_by_phase": status_by_phase(statuses),
    }


def overview_report(session: Session, scope: Scope, principal: Principal | None = None) -> OverviewReport:
    """The figures for a scope; with a principal only over the schools that user may read."""
    statuses = [school_status(f, scope.as_of) for f in school_facts(session, scope, principal)]
    return _report(scope, scope_label(session, scope, principal), statuses)


@dataclass(frozen=True)
class OverviewChanges:
    """Changes between two overview reports: the report at the as-of date minus the one at the compare date."""
    totals: FigureChanges
    municipalities: dict[str, FigureChanges]       # cbs_code -> changes (the municipalities of the as-of date)
    phase_distribution: dict[str, int]
    expiring_per_quarter: dict[str, int]           # quarter -> count at the compare date
    status_by_phase: StatusPhase


def overview_changes(now: OverviewReport, then: OverviewReport) -> OverviewChanges:
    """Changes between two overview reports (overview_report at two dates)."""
    return OverviewChanges(
        totals=figure_deltas(now["totals"], then["totals"]),
        municipalities=municipality_deltas(now["municipalities"], then["municipalities"]),
        phase_distribution=distribution_deltas(now["phase_distribution"], then["phase_distribution"]),
        expiring_per_quarter={q["quarter"]: q["count"] for q in then["expiring_per_quarter"]},
        status_by_phase=matrix_delta(now["status_by_phase"], then["status_by_phase"]),
    )


def _reports_at(session: Session, scope: Scope, compare_with: date, principal: Principal | None,
                area: str | None = None) -> tuple[list[SchoolFacts], OverviewReport, OverviewReport]:
    """The school facts loaded once for both dates, and the overview report at each (area: the
    scope's name in the reports, None: scope_label)."""
    first, last = min(compare_with, scope.as_of), max(compare_with, scope.as_of)
    facts = school_facts(session, replace(scope, as_of=last), principal, active_from=first)
    area = scope_label(session, scope, principal) if area is None else area
    now = _report(scope, area, (school_status(f, scope.as_of) for f in facts if active_on(f, scope.as_of)))
    then = _report(replace(scope, as_of=compare_with), area,
                   (school_status(f, compare_with) for f in facts if active_on(f, compare_with)))
    return facts, now, then


def overview_since(session: Session, scope: Scope, compare_with: date,
                   principal: Principal | None) -> tuple[OverviewReport, OverviewChanges]:
    """The overview report at the as-of date and its changes since compare_with, from the school
    facts loaded once for both dates (equal to overview_report at each date)."""
    def compute() -> tuple[OverviewReport, OverviewChanges]:
        _facts, now, then = _reports_at(session, scope, compare_with, principal, area="")
        return now, overview_changes(now, then)

    # the figures read only what the data version covers: cached per version; the area's name is read anew
    now, changes = derived(session, scope, principal, "overview_since", compare_with, compute,
                           active_from=min(compare_with, scope.as_of))
    return {**now, "scope": {**now["scope"], "area": scope_label(session, scope, principal)}}, changes


def event_json(c: Change) -> dict[str, Any]:
    """One event of the `changes.events` list of `vios report --since --json`."""
    return {"kind": c.kind, "date": c.on.isoformat(), "school_code": c.school_code, "school_name": c.school_name,
            "municipality": c.municipality_name, "phase_from": c.phase_from, "phase_to": c.phase_to,
            "detail": c.detail}


def report_since(session: Session, scope: Scope, since: date,
                 principal: Principal | None = None) -> tuple[OverviewReport, OverviewReport, list[Change]]:
    """`vios report --since`: the report at the as-of date with its `changes` section (totals and each
    municipality now minus then, with the field names of `totals`, and the events in between: the same
    code as Overzicht's deltas and Gemeenten's list); also the report at `since` and the events."""
    if since >= scope.as_of:
        raise ValueError("--since moet vóór de peildatum liggen")
    facts, now, then = _reports_at(session, scope, since, principal)
    changes = overview_changes(now, then)
    events = events_between(session, scope, principal, facts, since, scope.as_of)
    names = {m["cbs_code"]: m["name"] for m in now["municipalities"]}
    now["changes"] = {
        "since": since.isoformat(),
        "totals": changes.totals,
        "municipalities": [{"cbs_code": code, "name": names[code], **delta}
                           for code, delta in changes.municipalities.items()],
        "events": [event_json(c) for c in events],
    }
    return now, then, events

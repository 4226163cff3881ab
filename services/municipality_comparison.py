"""Data for the comparison page and the overview's 'since the compare date' figures.

Every figure is computed by services.snapshot.school_facts + domain.overview as of each
date (the as-of date, the compare date, every quarter end), for the schools the principal
may read; this module only loads, combines and hands over plain data.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from domain.municipality_comparison import (
    MunicipalityInfo,
    PartnershipFact,
    change_summary,
    changes_between,
    coverage_at_points,
    coverage_series,
    delta,
    distribution_deltas,
    figure_deltas,
    municipality_deltas,
    quarter_points,
    taking_part,
)
from domain.overview import (
    SchoolStatus,
    active_on,
    figures,
    figures_per_municipality,
    phase_distribution,
    school_status,
)
from domain.scope import Scope
from models import Municipality, Organisation, Partnership, School
from services.permissions import Principal
from services.snapshot import school_facts


def map_data(session: Session, scope: Scope, principal: Principal | None) -> dict:
    """The map's data at the as-of date: school points with status, coverage per municipality, infos."""
    statuses = [school_status(f, scope.as_of) for f in school_facts(session, scope, principal)]
    rows = figures_per_municipality(statuses)
    return {"points": school_points(session, statuses),
            "coverage": {m["cbs_code"]: (m["name"], m["coverage"]) for m in rows},
            "infos": municipality_infos(session, {m["cbs_code"] for m in rows},
                                        {m["cbs_code"]: m["schools"] for m in rows})}


def report_changes(now: dict, then: dict) -> dict:
    """Changes between two overview reports (services.report.overview_report)."""
    return {
        "totals": figure_deltas(now["totals"], then["totals"]),
        "municipalities": municipality_deltas(now["municipalities"], then["municipalities"]),
        "phase_distribution": distribution_deltas(now["phase_distribution"], then["phase_distribution"]),
        "expiring_per_quarter": {q["quarter"]: q["count"] for q in then["expiring_per_quarter"]},
    }


def municipality_infos(session: Session, codes: set[str], counts: dict[str, int]) -> list[MunicipalityInfo]:
    """Region, province and approach of the given municipalities, sorted by name."""
    if not codes:
        return []
    rows = session.execute(
        select(Municipality.cbs_code, Municipality.name, Municipality.region_id, Municipality.province_id,
               Municipality.approach_model, Municipality.approach_phase, Municipality.elements)
        .where(Municipality.cbs_code.in_(sorted(codes)))
    ).all()
    return sorted((MunicipalityInfo(r[0], r[1], r[2], r[3], r[4], r[5], tuple(r[6] or ()), counts.get(r[0], 0))
                   for r in rows), key=lambda m: m.name)


def partnership_facts(session: Session, school_ids: set[int], start: date, end: date) -> list[PartnershipFact]:
    """Partnerships of the given schools that started or ended after start up to end."""
    low, high = min(start, end), max(start, end)
    # Core execution on the connection, like services.snapshot: no per-row ORM machinery.
    rows = session.connection().execute(
        select(Partnership.school_id, School.code, School.name, Municipality.name, Organisation.name,
               Partnership.role, Partnership.start_on, Partnership.end_on)
        .join(School, Partnership.school_id == School.id)
        .join(Municipality, School.municipality_id == Municipality.id)
        .join(Organisation, Partnership.organisation_id == Organisation.id)
        .where(or_(and_(Partnership.start_on > low, Partnership.start_on <= high),
                   and_(Partnership.end_on > low, Partnership.end_on <= high)))
    ).all()
    return [PartnershipFact(r[1], r[2], r[3], r[4], r[5], r[6], r[7]) for r in rows if r[0] in school_ids]


def school_points(session: Session, statuses: list[SchoolStatus]) -> list[dict]:
    """Schools with coordinates and their status, for the map."""
    wanted = {s.school_id: s for s in statuses}
    rows = session.execute(
        select(School.id, School.latitude, School.longitude)
        .where(School.latitude.is_not(None), School.longitude.is_not(None))
    ).all()
    return [{"code": wanted[i].code, "name": wanted[i].name, "municipality": wanted[i].municipality_name,
             "status": wanted[i].certificate_status, "phase": wanted[i].phase, "in_trajectory": wanted[i].in_trajectory,
             "lat": lat, "lon": lon} for i, lat, lon in rows if i in wanted]


def comparison(session: Session, scope: Scope, compare_with: date, principal: Principal | None, *,
               quarters: int = 8, with_points: bool = True) -> dict:
    """Everything the comparison page shows, for the schools in scope the principal may read.

    'municipalities' rows are exactly those of `vios report` (figures_per_municipality) plus the
    approach model and phase, each figure's change since compare_with, and the phase distribution.
    The facts are loaded once for every date needed (as-of, compare date, quarter ends).
    """
    first, last = min(compare_with, scope.as_of), max(compare_with, scope.as_of)
    points = quarter_points(scope.as_of, quarters) if quarters else []
    earliest = min([first] + [p.on for p in points])
    facts = school_facts(session, replace(scope, as_of=last), principal, active_from=earliest)
    statuses_now = [school_status(f, scope.as_of) for f in facts if active_on(f, scope.as_of)]
    statuses_then = [school_status(f, compare_with) for f in facts if active_on(f, compare_with)]
    rows_now = figures_per_municipality(statuses_now)
    changes_per_municipality = municipality_deltas(rows_now, figures_per_municipality(statuses_then))

    groups = _by_municipality(statuses_now)
    groups_then = _by_municipality(statuses_then)
    counts = {code: len(members) for code, members in groups.items()}
    infos = municipality_infos(session, set(counts), counts)
    info_by_code = {m.cbs_code: m for m in infos}
    rows = []
    for m in rows_now:
        info = info_by_code.get(m["cbs_code"])
        rows.append({**m, "approach_model": info.approach_model if info else "geen",
                     "approach_phase": info.approach_phase if info else "geen",
                     "taking_part": taking_part(groups[m["cbs_code"]]),
                     "changes": {**changes_per_municipality[m["cbs_code"]], "taking_part": delta(
                         taking_part(groups[m["cbs_code"]]), taking_part(groups_then.get(m["cbs_code"], [])))},
                     "distribution": phase_distribution(groups[m["cbs_code"]]),
                     "distribution_changes": distribution_deltas(
                         phase_distribution(groups[m["cbs_code"]]),
                         phase_distribution(groups_then.get(m["cbs_code"], [])))})

    # the events between the two dates, of the schools active at the start of that period
    in_period = [f for f in facts if active_on(f, first)]
    changes = changes_between(in_period, first, last,
                              partnership_facts(session, {f.school_id for f in in_period}, first, last))
    totals_now, totals_then = figures(statuses_now), figures(statuses_then)
    return {
        "as_of": scope.as_of,
        "compare_with": compare_with,
        "totals": totals_now,
        "totals_then": totals_then,
        "total_changes": {**figure_deltas(totals_now, totals_then),
                          "taking_part": taking_part(statuses_now) - taking_part(statuses_then)},
        "taking_part": taking_part(statuses_now),
        "municipalities": rows,
        "infos": infos,
        "changes": changes,
        "change_summary": change_summary(changes),
        "series": coverage_series(coverage_at_points(facts, points)) if points else {},
        "points": school_points(session, statuses_now) if with_points else [],
    }


def _by_municipality(statuses: list[SchoolStatus]) -> dict[str, list[SchoolStatus]]:
    groups: dict[str, list[SchoolStatus]] = defaultdict(list)
    for s in statuses:
        groups[s.municipality_code].append(s)
    return groups


def quarterly_coverage(session: Session, scope: Scope, principal: Principal | None, quarters: int) -> dict:
    """Coverage per municipality as of each quarter's end (the running quarter: as of the as-of date)."""
    points = quarter_points(scope.as_of, quarters)
    facts = school_facts(session, scope, principal, active_from=points[0].on)
    return coverage_series(coverage_at_points(facts, points))

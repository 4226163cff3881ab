"""Certificate status and trajectory phase as two facts (DOMAIN.md, Settled details).

A school re-certifying while its certificate is still valid is valid AND in trajectory. The charts
of Overzicht, Gemeenten and the report count every school once per certificate status (the bar) and
split that bar by the school's running trajectory phase (or "no running trajectory"), so that:

- the bars add up to the schools;
- 'valid' + 'expiring' = the valid certificates (coverage's numerator), 'expiring' = expiring soon,
  'expired' = expired, 'never' = never certified;
- the trajectory segments over all bars add up to the schools in trajectory.

Plain functions on SchoolStatus rows (domain.overview); nothing here redefines a status or phase.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from domain.certification import ACTIVE_PHASES
from domain.overview import SchoolStatus

STATUS_ORDER: tuple[str, ...] = ("valid", "expiring", "expired", "never")
NO_TRAJECTORY = "none"
PHASE_KEYS: tuple[str, ...] = (*ACTIVE_PHASES, NO_TRAJECTORY)

# Bar labels: 'valid' excludes the expiring ones, so that each school is in one bar.
STATUS_BAR_LABELS: dict[str, str] = {
    "valid": "Geldig (verloopt niet binnenkort)",
    "expiring": "Geldig, verloopt binnenkort",
    "expired": "Verlopen",
    "never": "Nooit gecertificeerd",
}
PHASE_KEY_LABELS: dict[str, str] = {
    "registered": "Aangemeld", "intake": "Intake", "improvement": "Maatwerktraject", "audit": "Audit",
    "committee": "Certificeringscommissie", "not_passed": "Niet geslaagd",
    NO_TRAJECTORY: "Geen lopend traject",
}

# status -> phase key -> schools
StatusPhase = dict[str, dict[str, int]]


def phase_key(s: SchoolStatus) -> str:
    """The school's running trajectory phase, or NO_TRAJECTORY."""
    return s.phase if s.in_trajectory and s.phase in ACTIVE_PHASES else NO_TRAJECTORY


def status_by_phase(statuses: Iterable[SchoolStatus]) -> StatusPhase:
    """Every certificate status with every phase key (zeros included), each school counted once."""
    matrix = {status: dict.fromkeys(PHASE_KEYS, 0) for status in STATUS_ORDER}
    for s in statuses:
        matrix[s.certificate_status][phase_key(s)] += 1
    return matrix


def status_phase_from_figures(figures: Mapping[str, object]) -> tuple[dict[str, int], dict[str, int]]:
    """(schools per certificate status, schools per phase key) from one row of domain.overview.figures:
    the two margins of status_by_phase, for the per-municipality charts."""
    def number(field: str) -> int:
        value = figures[field]
        return value if isinstance(value, int) else 0

    by_status = {"valid": number("valid_certificates") - number("expiring_soon"), "expiring": number("expiring_soon"),
                 "expired": number("expired"), "never": number("never_certified")}
    raw = figures["in_trajectory_by_phase"]
    in_phase = {str(k): int(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}
    by_phase = {p: in_phase.get(p, 0) for p in ACTIVE_PHASES}
    by_phase[NO_TRAJECTORY] = number("schools") - number("in_trajectory")
    return by_status, by_phase


def matrix_delta(now: StatusPhase, then: StatusPhase) -> StatusPhase:
    """now - then per cell."""
    return {s: {p: now[s][p] - then.get(s, {}).get(p, 0) for p in PHASE_KEYS} for s in STATUS_ORDER}

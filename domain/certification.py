"""Certification phases, certificates and the as-of definitions of DOMAIN.md.

Everything here works on plain values so it can be unit-tested by hand:
the definitions are implemented once and used by the UI, the CLI and reports.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.dates import add_months

# Phases in trajectory order, then the side exits.
PHASES: dict[str, str] = {
    "registered": "Aangemeld",
    "intake": "Intake",
    "improvement": "Maatwerktraject",
    "audit": "Audit",
    "committee": "Certificeringscommissie",
    "certified": "Gecertificeerd",
    "not_passed": "Niet geslaagd",
    "postponed": "Uitgesteld",
    "withdrawn": "Teruggetrokken",
}
MAIN_PHASES: tuple[str, ...] = ("registered", "intake", "improvement", "audit", "committee", "certified")
ACTIVE_PHASES: tuple[str, ...] = ("registered", "intake", "improvement", "audit", "committee", "not_passed")

# Allowed transitions (issue 4 enforces them on every write). A trajectory starts
# with "registered"; not_passed sends the school back to improvement.
TRANSITIONS: dict[str | None, tuple[str, ...]] = {
    None: ("registered",),
    "registered": ("intake", "postponed", "withdrawn"),
    "intake": ("improvement", "postponed", "withdrawn"),
    "improvement": ("audit", "postponed", "withdrawn"),
    "audit": ("committee", "not_passed", "postponed", "withdrawn"),
    "committee": ("certified", "not_passed", "withdrawn"),
    "not_passed": ("improvement", "withdrawn", "postponed"),
    "postponed": ("registered", "withdrawn"),
    "withdrawn": (),
    "certified": (),
}

# Certificate status of a school at a date.
STATUS_LABELS: dict[str, str] = {
    "valid": "Geldig",
    "expiring": "Verloopt binnenkort",
    "expired": "Verlopen",
    "never": "Nooit gecertificeerd",
}


# Statuses in which the school holds a valid certificate (counted in coverage).
VALID_STATUSES: tuple[str, ...] = ("valid", "expiring")


# Orders events recorded on one date: a number, a time, or (recorded time, id) as the services use.
RecordedSeq = int | float | datetime | tuple[datetime | None, int | None]


@dataclass(frozen=True)
class Event:
    """One phase event: recorded_seq orders events recorded on the same date."""
    phase: str
    on: date
    recorded_seq: RecordedSeq = 0


@dataclass(frozen=True, order=True)
class Certificate:
    issued_on: date
    expires_on: date

    def is_valid(self, d: date) -> bool:
        return self.issued_on <= d < self.expires_on

    def valid_among(self, days: Sequence[date]) -> range:
        """The indices of the ascending days on which it is valid: is_valid for many days at once."""
        return range(bisect_left(days, self.issued_on), bisect_left(days, self.expires_on))


def certificate(issued_on: date, validity_months: int) -> Certificate:
    """A certificate issued on issued_on (the committee date) for validity_months."""
    return Certificate(issued_on, add_months(issued_on, validity_months))


def phase_at(events: Iterable[Event], as_of: date) -> str | None:
    """Phase of the latest event dated on or before as_of; ties: later recorded wins."""
    best: Event | None = None
    for event in events:
        if event.on > as_of:
            continue
        if best is None or (event.on, event.recorded_seq) >= (best.on, best.recorded_seq):
            best = event
    return best.phase if best else None


def in_trajectory(events: Iterable[Event], as_of: date) -> bool:
    return phase_at(events, as_of) in ACTIVE_PHASES


def certificates_from_events(certified_dates: Iterable[date], validity_months: int) -> list[Certificate]:
    """The certificates of one school: one per 'certified' event, oldest first."""
    return sorted(certificate(d, validity_months) for d in certified_dates)


def certificate_status(certs: Sequence[Certificate], as_of: date, window_months: int = 6) -> str:
    """valid / expiring / expired / never for one school at as_of.

    Only certificates issued on or before as_of exist at as_of.
    - expiring soon: valid at as_of and expires_on <= add_months(as_of, window);
    - expired: the latest certificate has expires_on <= as_of and no later one is valid.
    """
    existing = [c for c in certs if c.issued_on <= as_of]
    if not existing:
        return "never"
    valid = [c for c in existing if c.is_valid(as_of)]
    if valid:
        horizon = add_months(as_of, window_months)
        # the certificate that lasts longest decides whether the school is "expiring"
        if max(c.expires_on for c in valid) <= horizon:
            return "expiring"
        return "valid"
    return "expired"


def current_certificate(certs: Sequence[Certificate], as_of: date) -> Certificate | None:
    """The valid certificate lasting longest at as_of, else the latest issued one."""
    existing = [c for c in certs if c.issued_on <= as_of]
    if not existing:
        return None
    valid = [c for c in existing if c.is_valid(as_of)]
    if valid:
        return max(valid, key=lambda c: c.expires_on)
    return max(existing, key=lambda c: (c.issued_on, c.expires_on))


def allowed_next(phase: str | None) -> tuple[str, ...]:
    return TRANSITIONS.get(phase, ())

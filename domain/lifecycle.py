"""The certification lifecycle: which phase may follow which, stalls, funnel, Gantt
segments and the re-audit forecast. Pure functions on plain values (no database).

Rules (DOMAIN.md and the TRANSITIONS table of domain.certification):

- The *current* phase of a trajectory is the phase of its latest event (latest date;
  ties: the later recorded event wins), whatever the as-of date of a page.
- A new event must follow TRANSITIONS from the current phase; a trajectory starts with
  'registered'. Its date may not lie before the latest event (the same day is allowed)
  and not more than MAX_FUTURE_DAYS after today.
- A correction never edits history: `check_correction` allows a new event that puts the
  trajectory back in the phase *before* the current one (note prefix 'Correctie:'). A
  'certified' event cannot be corrected this way, because every certified event counts
  as a certificate (domain.overview); that needs a separate decision.
- Whole months between two dates (`months_between`) use add_months: the largest n with
  add_months(start, n) <= end. So 31-01 -> 28-02 is one month, 29-02-2024 -> 28-02-2025
  is twelve months.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from domain import clock
from domain.certification import ACTIVE_PHASES, PHASES, TRANSITIONS, Event, RecordedSeq
from domain.dates import add_months, format_nl, next_quarters, quarter_label, quarter_of

MAX_FUTURE_DAYS = 31
CORRECTION_PREFIX = "Correctie:"


def correction_reason_error(note: str | None) -> str | None:
    """A correction gives its reason in the note (the 'Correctie:' prefix alone is none): the rule of the
    certification form (services.trajectories.correct_to) and of an import without the history right."""
    if (note or "").strip().removeprefix(CORRECTION_PREFIX).strip():
        return None
    return "Geef bij een correctie in de notitie de reden op."
# Phases in which time counts towards a stall. 'registered' is left out: a school
# waiting for its tranche to start is not stalling.
STALL_PHASES: tuple[str, ...] = ("intake", "improvement", "audit", "committee", "not_passed")
# Phases before the audit: a trajectory in one of them still needs its audit.
PRE_AUDIT_PHASES: tuple[str, ...] = ("registered", "intake", "improvement", "not_passed")
# Order of the funnel: the main phases, then the side exits.
FUNNEL_ORDER: tuple[str, ...] = tuple(PHASES)


class TransitionRefused(ValueError):
    """A phase change that the lifecycle rules do not allow; the message is Dutch, for the user."""


def label(phase: str | None) -> str:
    return PHASES.get(phase, phase) if phase else "geen"


def dutch_list(items: Sequence[str]) -> str:
    """'A', 'A' of 'B', 'A', 'B' of 'C' (quoted)."""
    quoted = [f"'{i}'" for i in items]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " of " + quoted[-1]


def _key(e: Event) -> tuple[date, RecordedSeq]:
    return (e.on, e.recorded_seq)


def ordered(events: Iterable[Event]) -> list[Event]:
    """Events in time order (date, then recorded order)."""
    return sorted(events, key=_key)


def latest_event(events: Iterable[Event]) -> Event | None:
    events = list(events)
    return max(events, key=_key) if events else None


def current_phase(events: Iterable[Event]) -> str | None:
    last = latest_event(events)
    return last.phase if last else None


def check_transition(events: Sequence[Event], new_phase: str, on: date, *, today: date | None = None,
                     max_future_days: int = MAX_FUTURE_DAYS) -> None:
    """Raise TransitionRefused (Dutch message) unless new_phase may be recorded on `on`.

    - new_phase must be allowed after the current phase (TRANSITIONS);
    - `on` may not lie before the latest event (same day allowed);
    - `on` may not lie more than max_future_days after today.
    """
    today = today or clock.today()
    if new_phase not in PHASES:
        raise TransitionRefused(f"Onbekende fase '{new_phase}'.")
    last = latest_event(events)
    current = last.phase if last else None
    allowed = TRANSITIONS.get(current, ())
    if new_phase not in allowed:
        if current is None:
            raise TransitionRefused(f"Een traject begint altijd met '{label('registered')}'.")
        if not allowed:
            hint = (" Start een nieuw traject voor hercertificering." if current == "certified"
                    else " Start zo nodig een nieuw traject.")
            raise TransitionRefused(f"Van '{label(current)}' kan het traject niet verder.{hint}")
        raise TransitionRefused(
            f"Van '{label(current)}' kan alleen naar {dutch_list([label(p) for p in allowed])}.")
    _check_date(last, on, today, max_future_days)


def _check_date(last: Event | None, on: date, today: date, max_future_days: int) -> None:
    if last is not None and on < last.on:
        raise TransitionRefused(
            f"De datum {format_nl(on)} ligt vóór de vorige fase ({format_nl(last.on)}).")
    limit = today + timedelta(days=max_future_days)
    if on > limit:
        raise TransitionRefused(
            f"De datum {format_nl(on)} ligt te ver in de toekomst: uiterlijk {format_nl(limit)} "
            f"({max_future_days} dagen na vandaag).")


def previous_phase(events: Sequence[Event]) -> str | None:
    """The phase before the current one: of the latest event whose phase differs from the current."""
    seq = ordered(events)
    if not seq:
        return None
    current = seq[-1].phase
    for e in reversed(seq):
        if e.phase != current:
            return e.phase
    return None


def check_correction(events: Sequence[Event], to_phase: str, on: date, *, today: date | None = None,
                     max_future_days: int = MAX_FUTURE_DAYS) -> None:
    """A correction: a new event that returns to the phase before the current one.

    Allowed only to exactly that previous phase, not from 'certified', and with the same
    date rules as a transition. The service stores it with a note starting 'Correctie:'.
    """
    today = today or clock.today()
    last = latest_event(events)
    if last is None:
        raise TransitionRefused("Er is nog geen fase om te corrigeren.")
    if last.phase == "certified":
        raise TransitionRefused("Een certificering kan niet met een correctie worden teruggedraaid.")
    previous = previous_phase(events)
    if previous is None:
        raise TransitionRefused(f"'{label(last.phase)}' is de eerste fase; er is geen vorige fase.")
    if to_phase != previous:
        raise TransitionRefused(
            f"Een correctie kan alleen terug naar de vorige fase '{label(previous)}'.")
    _check_date(last, on, today, max_future_days)


# ---------------------------------------------------------------- time in phase, stalls

def months_between(start: date, end: date) -> int:
    """Whole months from start to end: the largest n >= 0 with add_months(start, n) <= end."""
    if end < start:
        return 0
    n = (end.year - start.year) * 12 + (end.month - start.month)
    while n > 0 and add_months(start, n) > end:
        n -= 1
    return n


def phase_start(events: Iterable[Event], as_of: date) -> date | None:
    """Start of the phase at as_of: the first event of the last run of events in that phase
    (a repeated event of the same phase does not restart the clock)."""
    seq = [e for e in ordered(events) if e.on <= as_of]
    return _last_run_start(seq) if seq else None


def _last_run_start(seq: Sequence[Event]) -> date:
    """The date of the first event of the last run of one phase in ordered, non-empty events."""
    phase = seq[-1].phase
    start = seq[-1].on
    for e in reversed(seq):
        if e.phase != phase:
            break
        start = e.on
    return start


def days_in_phase(events: Iterable[Event], as_of: date) -> int | None:
    start = phase_start(events, as_of)
    return (as_of - start).days if start is not None else None


def stall_flags(events: Iterable[Event], as_of: date, *, phase_limit_months: int,
                total_limit_months: int) -> list[str]:
    """Dutch reasons why a trajectory stalls at as_of (empty: not stalled).

    Only for a trajectory whose phase at as_of is active. Flagged when as_of lies strictly
    after add_months(start, limit):
    - in a STALL_PHASES phase since `start` longer than phase_limit_months;
    - since the first intake event longer than total_limit_months without 'certified'.
    The reason names the whole months elapsed (months_between).
    """
    seq = [e for e in ordered(events) if e.on <= as_of]
    if not seq or seq[-1].phase not in ACTIVE_PHASES:
        return []
    reasons = []
    phase = seq[-1].phase
    start = _last_run_start(seq)
    if phase in STALL_PHASES and as_of > add_months(start, phase_limit_months):
        reasons.append(f"al {months_between(start, as_of)} maanden in '{label(phase)}'")
    intake = next((e.on for e in seq if e.phase == "intake"), None)
    certified = any(e.phase == "certified" for e in seq)
    if intake is not None and not certified and as_of > add_months(intake, total_limit_months):
        reasons.append(f"al {months_between(intake, as_of)} maanden sinds intake zonder certificaat")
    return reasons


# ---------------------------------------------------------------- funnel and Gantt

def funnel(phases_at_date: Iterable[str | None]) -> list[tuple[str, str, int]]:
    """(phase, Dutch label, count) for every phase in FUNNEL_ORDER (zeros included); None is skipped."""
    counts: dict[str, int] = {p: 0 for p in FUNNEL_ORDER}
    for p in phases_at_date:
        if p in counts:
            counts[p] += 1
    return [(p, PHASES[p], counts[p]) for p in FUNNEL_ORDER]


@dataclass(frozen=True)
class Segment:
    phase: str
    label: str
    start: date
    end: date          # exclusive for a finished segment; as_of for the open one


def phase_segments(events: Iterable[Event], as_of: date) -> list[Segment]:
    """The trajectory as bars for a Gantt chart, using the events on or before as_of.

    Consecutive events of one phase form one segment. A segment ends where the next
    starts; the last one ends at as_of when its phase is active, else at its own start
    (a milestone: certified, withdrawn, postponed).
    """
    seq = [e for e in ordered(events) if e.on <= as_of]
    runs: list[tuple[str, date]] = []
    for e in seq:
        if not runs or runs[-1][0] != e.phase:
            runs.append((e.phase, e.on))
    segments = []
    for i, (phase, start) in enumerate(runs):
        if i + 1 < len(runs):
            end = runs[i + 1][1]
        else:
            end = as_of if phase in ACTIVE_PHASES else start
        segments.append(Segment(phase, label(phase), start, end))
    return segments


# ---------------------------------------------------------------- re-audit forecast

@dataclass(frozen=True)
class QuarterDemand:
    year: int
    quarter: int
    label: str
    from_expiries: int
    from_tranches: int
    total: int
    capacity: int | None
    over_capacity: bool


def expected_audit_months(expected_months_min: int, expected_months_max: int) -> int:
    """Midpoint of the expected duration, rounded half up: (6, 8) -> 7, (6, 9) -> 8."""
    return (expected_months_min + expected_months_max + 1) // 2


def audit_forecast(expiries: Iterable[date], planned_tranches: Iterable[tuple[date, int]], *, as_of: date,
                   quarters: int = 12, expected_months_min: int, expected_months_max: int,
                   capacity_per_quarter: int | None, validity_months: int | None = None) -> list[QuarterDemand]:
    """Audits demanded per quarter, for the quarter containing as_of and the quarters after it.

    - An expiring certificate demands one re-audit in the quarter in which it expires
      (quarter_of(expires_on)).
    - Each school of a planned tranche (start, n) demands its audit in the quarter of
      add_months(start, expected_audit_months(min, max)) (midpoint, rounded half up).
    - A demand dated before the first quarter (an overdue audit) counts in the first quarter.
    - With validity_months, each audit is assumed to give a certificate on the audit date
      that needs its re-audit validity_months later; these follow-ups (repeated while in the
      window) count in the same column as the audit that caused them.
    - over_capacity: total > capacity_per_quarter (never when capacity is None).
    """
    wanted = next_quarters(as_of, quarters)
    first, last = wanted[0], wanted[-1]
    exp_counts: dict[tuple[int, int], int] = {q: 0 for q in wanted}
    tr_counts: dict[tuple[int, int], int] = {q: 0 for q in wanted}

    def add(counts: dict[tuple[int, int], int], d: date, n: int) -> None:
        while True:
            q = quarter_of(d)
            if q > last:
                return
            counts[max(q, first)] += n
            if not validity_months:
                return
            d = add_months(d, validity_months)

    for expires_on in expiries:
        add(exp_counts, expires_on, 1)
    months = expected_audit_months(expected_months_min, expected_months_max)
    for start, n in planned_tranches:
        if n > 0:
            add(tr_counts, add_months(start, months), n)
    result = []
    for y, q in wanted:
        total = exp_counts[(y, q)] + tr_counts[(y, q)]
        over = capacity_per_quarter is not None and total > capacity_per_quarter
        result.append(QuarterDemand(y, q, quarter_label(y, q), exp_counts[(y, q)], tr_counts[(y, q)], total,
                                    capacity_per_quarter, over))
    return result

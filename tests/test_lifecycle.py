"""domain.lifecycle: transitions, corrections, stalls, funnel, Gantt segments and the forecast (hand-computed)."""
from __future__ import annotations

from datetime import date

import pytest

from domain.certification import PHASES, TRANSITIONS, Event
from domain.lifecycle import (
    TransitionRefused,
    audit_forecast,
    check_correction,
    check_transition,
    days_in_phase,
    dutch_list,
    expected_audit_months,
    funnel,
    months_between,
    phase_segments,
    phase_start,
    stall_flags,
)

TODAY = date(2026, 11, 23)
D = date(2026, 3, 15)
ALL_FROM = [None, *PHASES]


def events_in(phase: str | None, on: date = D) -> list[Event]:
    return [] if phase is None else [Event(phase, on, 1)]


ALLOWED = [(f, t) for f in ALL_FROM for t in PHASES if t in TRANSITIONS[f]]
REFUSED = [(f, t) for f in ALL_FROM for t in PHASES if t not in TRANSITIONS[f]]


def test_table_covers_every_phase():
    assert set(TRANSITIONS) == {None, *PHASES}
    assert len(ALLOWED) + len(REFUSED) == len(ALL_FROM) * len(PHASES)


@pytest.mark.parametrize("current,new", ALLOWED)
def test_allowed_transitions(current, new):
    check_transition(events_in(current), new, D, today=TODAY)  # same day as the previous event: allowed
    check_transition(events_in(current), new, date(2026, 4, 1), today=TODAY)


@pytest.mark.parametrize("current,new", REFUSED)
def test_refused_transitions(current, new):
    with pytest.raises(TransitionRefused) as exc:
        check_transition(events_in(current), new, date(2026, 4, 1), today=TODAY)
    message = str(exc.value)
    if current is None:
        assert message == "Een traject begint altijd met 'Aangemeld'."
    elif not TRANSITIONS[current]:
        assert message.startswith(f"Van '{PHASES[current]}' kan het traject niet verder.")
    else:
        assert message.startswith(f"Van '{PHASES[current]}' kan alleen naar ")
        for allowed in TRANSITIONS[current]:
            assert f"'{PHASES[allowed]}'" in message


def test_message_examples():
    with pytest.raises(TransitionRefused) as exc:
        check_transition(events_in("intake"), "audit", D, today=TODAY)
    assert str(exc.value) == "Van 'Intake' kan alleen naar 'Maatwerktraject', 'Uitgesteld' of 'Teruggetrokken'."
    with pytest.raises(TransitionRefused) as exc:
        check_transition(events_in("certified"), "registered", D, today=TODAY)
    assert "nieuw traject voor hercertificering" in str(exc.value)
    with pytest.raises(TransitionRefused, match="Onbekende fase"):
        check_transition(events_in("intake"), "klaar", D, today=TODAY)
    assert dutch_list(["A"]) == "'A'" and dutch_list(["A", "B"]) == "'A' of 'B'"


def test_date_before_previous_event_refused_same_day_allowed():
    events = [Event("registered", date(2026, 1, 10), 1), Event("intake", date(2026, 3, 15), 2)]
    with pytest.raises(TransitionRefused) as exc:
        check_transition(events, "improvement", date(2026, 3, 1), today=TODAY)
    assert str(exc.value) == "De datum 01-03-2026 ligt vóór de vorige fase (15-03-2026)."
    check_transition(events, "improvement", date(2026, 3, 15), today=TODAY)


def test_current_phase_is_latest_event_ties_by_recorded_order():
    # two events on one day: the later recorded one is the current phase
    events = [Event("registered", D, 1), Event("intake", D, 2)]
    check_transition(events, "improvement", D, today=TODAY)
    with pytest.raises(TransitionRefused):
        check_transition(events, "intake", D, today=TODAY)


def test_future_dates():
    check_transition([], "registered", date(2026, 12, 24), today=TODAY)  # today + 31 days
    with pytest.raises(TransitionRefused) as exc:
        check_transition([], "registered", date(2026, 12, 25), today=TODAY)
    assert "te ver in de toekomst" in str(exc.value) and "24-12-2026" in str(exc.value)


def test_correction_only_to_previous_phase():
    events = [Event("registered", date(2026, 1, 10), 1), Event("intake", date(2026, 2, 1), 2),
              Event("improvement", date(2026, 3, 1), 3)]
    check_correction(events, "intake", date(2026, 3, 1), today=TODAY)
    with pytest.raises(TransitionRefused, match="vorige fase 'Intake'"):
        check_correction(events, "registered", date(2026, 3, 2), today=TODAY)
    with pytest.raises(TransitionRefused, match="vóór de vorige fase"):
        check_correction(events, "intake", date(2026, 2, 28), today=TODAY)
    with pytest.raises(TransitionRefused, match="eerste fase"):
        check_correction(events[:1], "registered", date(2026, 3, 2), today=TODAY)
    with pytest.raises(TransitionRefused, match="certificering"):
        check_correction(events + [Event("certified", date(2026, 4, 1), 4)], "improvement", date(2026, 4, 2),
                         today=TODAY)
    with pytest.raises(TransitionRefused):
        check_correction([], "registered", date(2026, 3, 2), today=TODAY)


# ---------------------------------------------------------------- months, stalls

def test_months_between_month_ends_and_leap_days():
    assert months_between(date(2024, 1, 31), date(2024, 2, 29)) == 1   # add_months(31-01, 1) = 29-02
    assert months_between(date(2024, 1, 31), date(2024, 2, 28)) == 0
    assert months_between(date(2024, 2, 29), date(2025, 2, 28)) == 12
    assert months_between(date(2024, 2, 29), date(2025, 2, 27)) == 11
    assert months_between(date(2024, 8, 31), date(2025, 2, 28)) == 6
    assert months_between(date(2024, 5, 1), date(2024, 4, 1)) == 0


def test_phase_limit_from_a_leap_day():
    events = [Event("registered", date(2024, 1, 2), 1), Event("intake", date(2024, 2, 1), 2),
              Event("improvement", date(2024, 2, 29), 3)]
    kw = dict(phase_limit_months=4, total_limit_months=8)
    # limit date: add_months(2024-02-29, 4) = 2024-06-29; flagged strictly after it
    assert stall_flags(events, date(2024, 6, 29), **kw) == []
    assert stall_flags(events, date(2024, 6, 30), **kw) == ["al 4 maanden in 'Maatwerktraject'"]
    assert days_in_phase(events, date(2024, 6, 30)) == 122


def test_total_limit_from_a_month_end():
    events = [Event("registered", date(2023, 8, 1), 1), Event("intake", date(2023, 8, 31), 2),
              Event("improvement", date(2023, 9, 15), 3), Event("audit", date(2024, 3, 1), 4)]
    kw = dict(phase_limit_months=4, total_limit_months=8)
    # add_months(2023-08-31, 8) = 2024-04-30
    assert stall_flags(events, date(2024, 4, 30), **kw) == []
    assert stall_flags(events, date(2024, 5, 1), **kw) == ["al 8 maanden sinds intake zonder certificaat"]
    both = stall_flags(events, date(2024, 7, 2), **kw)
    assert both == ["al 4 maanden in 'Audit'", "al 10 maanden sinds intake zonder certificaat"]


def test_no_stall_when_finished_registered_or_certified():
    kw = dict(phase_limit_months=4, total_limit_months=8)
    waiting = [Event("registered", date(2024, 1, 1), 1)]
    assert stall_flags(waiting, date(2025, 1, 1), **kw) == []  # waiting for the tranche is no stall
    done = [Event("intake", date(2024, 1, 1), 1), Event("certified", date(2025, 6, 1), 2)]
    assert stall_flags(done, date(2026, 1, 1), **kw) == []
    assert stall_flags([], date(2026, 1, 1), **kw) == []


def test_repeated_phase_does_not_restart_the_clock():
    events = [Event("intake", date(2024, 1, 1), 1), Event("improvement", date(2024, 2, 1), 2),
              Event("improvement", date(2024, 5, 1), 3)]
    assert phase_start(events, date(2024, 6, 1)) == date(2024, 2, 1)
    assert days_in_phase(events, date(2024, 2, 1)) == 0
    assert days_in_phase(events, date(2023, 1, 1)) is None


# ---------------------------------------------------------------- funnel and Gantt

def test_funnel_ordered_with_zeros():
    result = funnel(["intake", "intake", "certified", None, "postponed"])
    assert [p for p, _, _ in result] == list(PHASES)
    counts = {p: n for p, _, n in result}
    assert counts["intake"] == 2 and counts["certified"] == 1 and counts["postponed"] == 1
    assert counts["audit"] == 0 and sum(counts.values()) == 4
    assert result[0] == ("registered", "Aangemeld", 0)


def test_phase_segments():
    events = [Event("registered", date(2026, 1, 1), 1), Event("intake", date(2026, 2, 1), 2),
              Event("improvement", date(2026, 3, 1), 3), Event("improvement", date(2026, 4, 1), 4),
              Event("audit", date(2026, 9, 1), 5)]
    segs = phase_segments(events, date(2026, 6, 1))
    assert [(s.phase, s.start, s.end) for s in segs] == [
        ("registered", date(2026, 1, 1), date(2026, 2, 1)), ("intake", date(2026, 2, 1), date(2026, 3, 1)),
        ("improvement", date(2026, 3, 1), date(2026, 6, 1))]
    done = events + [Event("committee", date(2026, 10, 1), 6), Event("certified", date(2026, 11, 1), 7)]
    last = phase_segments(done, date(2026, 12, 1))[-1]
    assert (last.phase, last.start, last.end) == ("certified", date(2026, 11, 1), date(2026, 11, 1))


# ---------------------------------------------------------------- forecast

def test_expected_audit_months_rounds_half_up():
    assert expected_audit_months(6, 8) == 7
    assert expected_audit_months(6, 9) == 8
    assert expected_audit_months(6, 6) == 6


def test_forecast_hand_computed_with_capacity():
    expiries = [date(2026, 12, 31),   # 2026 K4
                date(2027, 1, 1), date(2027, 3, 31),   # 2027 K1
                date(2027, 4, 1),     # 2027 K2
                date(2028, 1, 1)]     # outside the 4 quarters
    tranches = [(date(2026, 9, 1), 3),   # + 7 months = 2027-04-01: K2
                (date(2026, 8, 31), 2),  # + 7 = 2027-03-31 (month end clipped): K1
                (date(2025, 1, 1), 1),   # + 7 = 2025-08-01: overdue, counts in the first quarter
                (date(2027, 6, 1), 0)]   # no schools
    result = audit_forecast(expiries, tranches, as_of=date(2026, 11, 23), quarters=4, expected_months_min=6,
                            expected_months_max=8, capacity_per_quarter=3)
    rows = [(r.label, r.from_expiries, r.from_tranches, r.total, r.capacity, r.over_capacity) for r in result]
    assert rows == [
        ("2026 K4", 1, 1, 2, 3, False),
        ("2027 K1", 2, 2, 4, 3, True),
        ("2027 K2", 1, 3, 4, 3, True),
        ("2027 K3", 0, 0, 0, 3, False),
    ]
    assert (result[0].year, result[0].quarter) == (2026, 4)


def test_forecast_leap_day_and_default_twelve_quarters_without_capacity():
    # add_months(2023-07-31, 7) = 2024-02-29 (leap day): 2024 K1
    result = audit_forecast([], [(date(2023, 7, 31), 5)], as_of=date(2024, 1, 1), expected_months_min=6,
                            expected_months_max=8, capacity_per_quarter=None)
    assert len(result) == 12 and result[-1].label == "2026 K4"
    assert result[0].from_tranches == 5 and sum(r.total for r in result) == 5
    assert not any(r.over_capacity for r in result) and result[0].capacity is None
    # a capacity equal to the demand is not over capacity
    at_capacity = audit_forecast([], [(date(2023, 7, 31), 5)], as_of=date(2024, 1, 1), expected_months_min=6,
                                 expected_months_max=8, capacity_per_quarter=5)
    assert not at_capacity[0].over_capacity


def test_forecast_follow_up_reaudits_after_validity():
    # certificate expires 2024-02-29 -> re-audit 2024 K1, next certificate expires add_months(2024-02-29, 24)
    # = 2026-02-28 (2026 K1); a tranche audit on 2024-08-01 -> again 2026-08-01 (2026 K3).
    result = audit_forecast([date(2024, 2, 29)], [(date(2024, 1, 1), 2)], as_of=date(2024, 1, 15), quarters=12,
                            expected_months_min=6, expected_months_max=8, capacity_per_quarter=2,
                            validity_months=24)
    by = {r.label: (r.from_expiries, r.from_tranches, r.over_capacity) for r in result if r.total}
    assert by == {"2024 K1": (1, 0, False), "2024 K3": (0, 2, False), "2026 K1": (1, 0, False),
                  "2026 K3": (0, 2, False)}

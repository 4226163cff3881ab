"""domain.overview.status_timeline: a school's status as spans, looked up for the cached facts, equals the
direct computation by the definitions (_school_status) on random histories and dates (hypothesis), with
certificates ending on month ends and leap days, several trajectories, same-day events and short windows."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.certification import PHASES, Event
from domain.dates import add_months
from domain.overview import SchoolFacts, _school_status, expiring_from, school_status, status_timeline

pytestmark = pytest.mark.unit

FIRST, LAST = date(2019, 1, 1), date(2032, 12, 31)
dates = st.dates(min_value=FIRST, max_value=LAST)
# month ends and leap days, where month arithmetic clips
edges = st.sampled_from([date(2024, 2, 29), date(2025, 1, 31), date(2025, 8, 31), date(2026, 2, 28),
                         date(2026, 3, 31), date(2027, 5, 31), date(2028, 2, 29)])
event_dates = st.one_of(dates, edges)
events = st.lists(st.builds(Event, st.sampled_from(sorted(PHASES)), event_dates, st.integers(0, 3)), min_size=1,
                  max_size=8)
histories = st.dictionaries(st.integers(1, 4), events, max_size=3)


def _facts(trajectories: dict[int, list[Event]], validity: int, window: int, remembered: bool) -> SchoolFacts:
    return SchoolFacts(1, "01AB00", "School (fictief)", "po", "GM0001", "Aa", validity_months=validity,
                       window_months=window, trajectories=trajectories, remembered={} if remembered else None)


@settings(max_examples=300, deadline=None)
@given(histories, st.sampled_from([12, 24, 36]), st.sampled_from([1, 3, 6, 12]),
       st.lists(st.one_of(dates, edges), min_size=1, max_size=12))
def test_st001_the_timeline_gives_the_definitions_status_at_every_date(trajectories, validity, window, asked):
    kept = _facts(trajectories, validity, window, remembered=True)
    plain = _facts(trajectories, validity, window, remembered=False)
    timeline = status_timeline(plain)
    # every date asked, and the days around every span's start (where a change could be missed)
    around = {start + timedelta(days=k) for start in timeline.starts[1:] for k in (-1, 0, 1)}
    for on in sorted(set(asked) | around):
        assert school_status(kept, on) == _school_status(plain, on), on
    assert kept.timeline is not None  # built once, then looked up


@given(st.one_of(dates, edges), st.sampled_from([1, 3, 6, 12, 24]))
def test_st002_expiring_from_is_the_first_day_within_the_window(expires_on, window):
    first = expiring_from(expires_on, window)
    assert expires_on <= add_months(first, window)
    assert add_months(first - timedelta(days=1), window) < expires_on


def test_st003_without_history_the_timeline_is_one_span_of_never():
    facts = _facts({}, 24, 6, remembered=True)
    assert school_status(facts, date(2026, 11, 23)).certificate_status == "never"
    assert facts.timeline is not None and len(facts.timeline.starts) == 1


def test_st004_a_certificate_makes_three_spans_valid_expiring_expired():
    """Valid from the committee date; expiring once its end lies within six months (28-02-2026 + 6 months is
    28-08-2026, before the end: from 01-03-2026); expired on its end."""
    facts = _facts({1: [Event("certified", date(2024, 8, 31), 0)]}, 24, 6, remembered=True)
    timeline = status_timeline(facts)
    assert [(s, st_.certificate_status) for s, st_ in zip(timeline.starts, timeline.statuses, strict=True)] == [
        (date.min, "never"), (date(2024, 8, 31), "valid"), (date(2026, 3, 1), "expiring"),
        (date(2026, 8, 31), "expired")]


@settings(max_examples=200, deadline=None)
@given(histories, st.sampled_from([12, 24]), st.sampled_from([3, 6]), dates, st.lists(dates, max_size=8))
def test_st005_the_view_at_a_date_takes_the_full_timeline_up_to_that_date(trajectories, validity, window, until,
                                                                         asked):
    """services.school_facts' view of a school at a date (its events up to then) reuses the full facts'
    spans up to that date and computes only the rest: the same timeline as computed from scratch."""
    full = _facts(trajectories, validity, window, remembered=True)
    kept = {tid: [e for e in events if e.on <= until] for tid, events in trajectories.items()}
    before = _facts({tid: events for tid, events in kept.items() if events}, validity, window, remembered=False)
    reused = status_timeline(before, same_until=(status_timeline(full), until))
    assert reused == status_timeline(before)
    assert all(reused.at(on) == _school_status(before, on) for on in asked)

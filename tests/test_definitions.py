"""The definitions of DOMAIN.md, edge case by edge case."""
from datetime import date, datetime

import pytest

from domain.certification import (
    Event,
    allowed_next,
    certificate,
    certificate_status,
    certificates_from_events,
    current_certificate,
    in_trajectory,
    phase_at,
)
from domain.dates import add_months, next_quarters, parse_date, quarter_end, quarter_of


@pytest.mark.parametrize("start, n, expected", [
    (date(2024, 2, 29), 24, date(2026, 2, 28)),   # leap day into a non-leap year
    (date(2024, 2, 29), 48, date(2028, 2, 29)),   # leap day into a leap year
    (date(2024, 8, 31), 6, date(2025, 2, 28)),    # month end into a shorter month
    (date(2023, 8, 31), 6, date(2024, 2, 29)),    # ... into a leap February
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2024, 3, 31), 1, date(2024, 4, 30)),
    (date(2024, 11, 15), 2, date(2025, 1, 15)),   # across a year end
    (date(2025, 1, 31), -2, date(2024, 11, 30)),  # backwards
    (date(2024, 5, 10), 0, date(2024, 5, 10)),
    (date(2024, 12, 31), 12, date(2025, 12, 31)),
])
def test_add_months(start, n, expected):
    assert add_months(start, n) == expected


def test_certificate_expiry_follows_add_months():
    assert certificate(date(2024, 2, 29), 24).expires_on == date(2026, 2, 28)
    assert certificate(date(2024, 8, 31), 36).expires_on == date(2027, 8, 31)


def test_valid_until_the_day_before_expiry():
    cert = certificate(date(2024, 3, 15), 24)
    assert not cert.is_valid(date(2024, 3, 14))
    assert cert.is_valid(date(2024, 3, 15))          # valid from the issue date
    assert cert.is_valid(date(2026, 3, 14))
    assert not cert.is_valid(date(2026, 3, 15))      # expired on expires_on itself


def test_status_on_the_expiry_date_itself_is_expired():
    certs = certificates_from_events([date(2024, 3, 15)], 24)
    assert certificate_status(certs, date(2026, 3, 14)) == "expiring"
    assert certificate_status(certs, date(2026, 3, 15)) == "expired"


def test_expiring_soon_window_boundary():
    certs = certificates_from_events([date(2024, 6, 30)], 24)   # expires 2026-06-30
    # expires_on <= add_months(as_of, 6): 2025-12-31 + 6 months = 2026-06-30 -> expiring
    assert certificate_status(certs, date(2025, 12, 31), 6) == "expiring"
    # 2025-12-30 + 6 months = 2026-06-30 as well; 2025-12-29 + 6 = 2026-06-29 -> still just valid
    assert certificate_status(certs, date(2025, 12, 30), 6) == "expiring"
    assert certificate_status(certs, date(2025, 12, 29), 6) == "valid"
    # a region with a 12-month window sees it earlier
    assert certificate_status(certs, date(2025, 7, 1), 12) == "expiring"


def test_window_uses_month_end_rule():
    # as_of 2025-08-31, window 6 -> horizon 2026-02-28; a certificate expiring 2026-02-28 is expiring.
    certs = certificates_from_events([date(2024, 2, 29)], 24)
    assert certs[0].expires_on == date(2026, 2, 28)
    assert certificate_status(certs, date(2025, 8, 31), 6) == "expiring"
    # 28..31 August all reach 28 February; 27 August reaches 27 February
    assert certificate_status(certs, date(2025, 8, 28), 6) == "expiring"
    assert certificate_status(certs, date(2025, 8, 27), 6) == "valid"


def test_never_certified_and_certificates_after_as_of_do_not_count():
    assert certificate_status([], date(2026, 1, 1)) == "never"
    certs = certificates_from_events([date(2026, 6, 1)], 24)
    assert certificate_status(certs, date(2026, 5, 31)) == "never"
    assert certificate_status(certs, date(2026, 6, 1)) == "valid"


def test_expired_unless_a_later_certificate_is_valid():
    certs = certificates_from_events([date(2020, 1, 10), date(2023, 5, 1)], 24)
    assert certificate_status(certs, date(2022, 6, 1)) == "expired"   # first ran out 2022-01-10
    assert certificate_status(certs, date(2023, 5, 1)) == "valid"     # re-certified
    assert certificate_status(certs, date(2025, 5, 1)) == "expired"
    assert current_certificate(certs, date(2025, 5, 1)).issued_on == date(2023, 5, 1)


def test_overlapping_recertification_keeps_the_longest_valid():
    # re-certified before the old one ran out: the school is valid and not "expiring"
    certs = certificates_from_events([date(2023, 1, 1), date(2024, 11, 1)], 24)
    as_of = date(2024, 12, 1)
    assert certificate_status(certs, as_of) == "valid"
    assert current_certificate(certs, as_of).expires_on == date(2026, 11, 1)


def test_phase_at_latest_event_on_or_before():
    events = [Event("registered", date(2025, 1, 1), 1), Event("intake", date(2025, 2, 1), 2),
              Event("improvement", date(2025, 3, 1), 3)]
    assert phase_at(events, date(2024, 12, 31)) is None
    assert phase_at(events, date(2025, 1, 1)) == "registered"
    assert phase_at(events, date(2025, 2, 28)) == "intake"
    assert phase_at(events, date(2025, 3, 1)) == "improvement"


def test_phase_at_tie_later_recorded_wins_regardless_of_list_order():
    a = Event("audit", date(2025, 5, 1), datetime(2025, 5, 1, 9, 0))
    b = Event("withdrawn", date(2025, 5, 1), datetime(2025, 5, 1, 15, 0))
    assert phase_at([a, b], date(2025, 5, 1)) == "withdrawn"
    assert phase_at([b, a], date(2025, 5, 1)) == "withdrawn"


def test_in_trajectory_phases():
    base = [Event("registered", date(2025, 1, 1), 1)]
    assert in_trajectory(base, date(2025, 1, 1))
    assert in_trajectory(base + [Event("not_passed", date(2025, 6, 1), 2)], date(2025, 6, 1))
    assert not in_trajectory(base + [Event("certified", date(2025, 6, 1), 2)], date(2025, 6, 1))
    assert not in_trajectory(base + [Event("postponed", date(2025, 6, 1), 2)], date(2025, 6, 1))
    assert not in_trajectory(base + [Event("withdrawn", date(2025, 6, 1), 2)], date(2025, 6, 1))
    assert not in_trajectory(base, date(2024, 12, 31))


def test_transitions():
    assert allowed_next(None) == ("registered",)
    assert "committee" in allowed_next("audit")
    assert "certified" not in allowed_next("audit")
    assert allowed_next("not_passed")[0] == "improvement"
    assert allowed_next("withdrawn") == ()


@pytest.mark.parametrize("text, expected", [
    ("2026-03-01", date(2026, 3, 1)), ("01-03-2026", date(2026, 3, 1)), ("1-3-2026", date(2026, 3, 1)),
    (" 29-02-2024 ", date(2024, 2, 29)), ("2026-03-01 00:00:00", date(2026, 3, 1)),
])
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["29-02-2025", "2026/03/01", "morgen", "", "32-01-2026", "2026-13-01"])
def test_parse_date_refuses_with_dutch_message(text):
    with pytest.raises(ValueError, match="datum"):
        parse_date(text)


def test_quarters():
    assert quarter_of(date(2026, 11, 23)) == (2026, 4)
    assert quarter_end(2024, 1) == date(2024, 3, 31)
    assert next_quarters(date(2026, 11, 23), 3) == [(2026, 4), (2027, 1), (2027, 2)]

"""The one clock: VIOS_TODAY and fixed_today() fix today for the whole product."""
from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain import clock


def test_the_suite_runs_on_the_tests_fixed_day():
    from tests.conftest import DEMO_TODAY

    assert clock.today() == DEMO_TODAY
    assert clock.now().astimezone(clock.TIMEZONE).date() == DEMO_TODAY
    assert clock.now().tzinfo is not None


def test_fixed_today_wins_and_is_restored():
    before = clock.today()
    with clock.fixed_today(date(2028, 2, 29)):
        assert clock.today() == date(2028, 2, 29)
        assert clock.local_now().date() == date(2028, 2, 29)
    assert clock.today() == before


def test_without_a_fixed_day_today_is_the_dutch_date(monkeypatch):
    monkeypatch.delenv("VIOS_TODAY", raising=False)
    # 23:30 UTC on 31 December is already New Year's Day in Amsterdam
    monkeypatch.setattr(clock, "_system_now", lambda: datetime(2026, 12, 31, 23, 30, tzinfo=UTC))
    assert clock.today() == date(2027, 1, 1)
    assert clock.now() == datetime(2026, 12, 31, 23, 30, tzinfo=UTC)


def test_now_keeps_the_time_of_day_on_the_fixed_day(monkeypatch):
    monkeypatch.setattr(clock, "_system_now", lambda: datetime(2026, 7, 1, 10, 15, tzinfo=UTC))
    with clock.fixed_today(date(2025, 1, 20)):
        # 12:15 summer time in Amsterdam becomes 12:15 winter time on the fixed day
        assert clock.local_now().replace(tzinfo=None) == datetime(2025, 1, 20, 12, 15)


def test_a_bad_vios_today_is_refused_in_dutch(monkeypatch):
    monkeypatch.setenv("VIOS_TODAY", "23-11-2026")
    with pytest.raises(ValueError, match="geen datum; gebruik JJJJ-MM-DD"):
        clock.today()


def test_no_code_outside_the_clock_reads_the_system_date():
    """ruff's banned-API rule (TID251) enforces this in CI; here the rule itself is checked to be on."""
    root = Path(__file__).resolve().parents[1]
    probe = root / "domain" / "_clock_probe.py"
    probe.write_text("from datetime import date\n\nTODAY = date.today()\n")
    try:
        result = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "TID251", str(probe)],
                                cwd=root, capture_output=True, text=True)
    finally:
        probe.unlink()
    assert result.returncode == 1 and "domain.clock.today()" in result.stdout

from datetime import date

from domain.network import completeness, partnership_active


def test_completeness_counts_required_types_only_once():
    result = completeness(["gemeente", "politie", "halt", "ggd"], ["politie", "politie", "jongerenwerk", "ggd"])
    assert result.share == 0.5
    assert result.present == ("politie", "ggd") and result.missing == ("gemeente", "halt")


def test_completeness_without_requirements_is_undefined():
    assert completeness([], ["politie"]).share is None
    assert completeness(["halt"], []).missing == ("halt",)


def test_partnership_active_boundaries():
    start, end = date(2025, 1, 1), date(2026, 6, 30)
    assert not partnership_active(start, end, date(2024, 12, 31))
    assert partnership_active(start, end, start)
    assert partnership_active(start, end, end)                      # the end date is the last day
    assert not partnership_active(start, end, date(2026, 7, 1))
    assert partnership_active(start, None, date(2040, 1, 1))

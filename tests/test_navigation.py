"""The navigation's order: the pages in the order they were registered with (Overzicht, order 0, first)."""
from __future__ import annotations

from components.shell import visible_pages
from services.permissions import Principal


def test_overview_with_order_0_comes_first_and_pages_without_an_order_last():
    pages = [{"name": "Gegevens", "order": 90}, {"name": "Zonder"}, {"name": "Overzicht", "order": 0},
             {"name": "Actielijst", "order": 10, "roles": ("coordinator",)}]
    coordinator = Principal(user_id=1, username="c", role="coordinator")
    assert [p["name"] for p in visible_pages(pages, coordinator)] == ["Overzicht", "Actielijst", "Gegevens", "Zonder"]
    assert [p["name"] for p in visible_pages(pages, None)] == ["Overzicht", "Gegevens", "Zonder"]

"""The shell in the browser: Dutch date pickers, the Dutch page for an unknown address."""
from __future__ import annotations

from conftest import DEMO_TODAY, click

from domain.dates import format_nl


def test_shell001_the_date_picker_speaks_dutch(duo):
    duo.wait_for_page(f"{duo.server_url}/?peildatum={DEMO_TODAY.isoformat()}")
    picker = duo.wait_for_element("#scope-date")  # the picker's text input
    assert picker.get_attribute("value") == format_nl(DEMO_TODAY)
    click(duo, "#scope-date")
    duo.wait_for_contains_text("body", "november")  # the month of the peildatum, in Dutch
    words = duo.find_element("body").text.lower().split()
    assert all(day in words for day in ("ma", "di", "wo", "do", "vr", "za", "zo"))
    assert not {"mo", "tu", "we", "th", "fr", "sa", "su"} & set(words)
    assert duo.get_logs() == []


def test_shell002_an_unknown_address_gets_a_dutch_page(duo):
    duo.wait_for_page(f"{duo.server_url}/bestaat-niet")
    duo.wait_for_contains_text("#not-found", "Pagina niet gevonden")
    assert "404 - Page not found" not in duo.find_element("body").text
    # not a page of the navigation
    assert "Niet gevonden" not in [a.text for a in duo.driver.find_elements("css selector", ".navbar-nav a")]

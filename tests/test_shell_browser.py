"""The shell in the browser: Dutch date pickers, the Dutch page for an unknown address, one navigation row."""
from __future__ import annotations

from conftest import DEMO_TODAY, USERS, click, login

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


def test_shell003_the_navigation_is_one_row_at_1280_and_1440_for_every_role(duo):
    """A laptop on a projector (1280x720) and a desktop (1440x1000): brand, links, search, user and Uitloggen on
    one line, for the role with the most links too; a second row would push every page down."""
    for role, (username, _scope) in USERS.items():
        if role != "beheerder":
            click(duo, "#logout-button")
            login(duo, username)
        for width, height in ((1280, 720), (1440, 1000)):
            duo.driver.set_window_size(width, height)
            duo.wait_for_page(f"{duo.server_url}/")
            brand = duo.wait_for_element("#navbar .navbar-brand").rect
            logout, search = duo.find_element("#logout-button").rect, duo.find_element("#school-search").rect
            links = [a.rect for a in duo.driver.find_elements("css selector", "#navbar .navbar-nav .nav-link")]
            middle = brand["y"] + brand["height"] / 2
            for rect in [logout, search, *links]:
                assert abs(rect["y"] + rect["height"] / 2 - middle) < 12, (role, width, rect, brand)
            assert logout["x"] + logout["width"] <= width

"""Test set-up: a temporary SQLite database per test session, seeded with the demo.

DATABASE_URL is set before anything imports the app, so no test touches the
user's instance/vios.db. The pages app is built once per process (page
callbacks attach to the first app created).
"""
from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="vios-tests-"))
os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'vios-test.db'}"
os.environ["VIOS_INSTANCE"] = str(_TMP / "instance")

# The tests' world: the demo is generated relative to this date and the product's one clock
# (domain/clock.py) is fixed at it, so the suite gives the same answers on any real date.
DEMO_TODAY = date(2026, 11, 23)
os.environ["VIOS_TODAY"] = DEMO_TODAY.isoformat()

# One test user per role, with a known password (the demo's own users get random ones).
PASSWORD = "Kx7m-pQ3w-Rt9v-Hn4a"
USERS = {  # role -> (username, scope)
    "beheerder": ("t-admin", {}),
    "coordinator": ("t-coord", {"region": "Maastricht-Heuvelland"}),
    "stuurgroeplid": ("t-stuur", {"province": "Limburg"}),
    "bestuurder": ("t-bestuur", {"board": "first"}),
}


def _create_test_users(session) -> None:
    from sqlalchemy import select

    from models import Board, Province, Region
    from seed import demo_data
    from services import auth

    for role, (username, scope) in USERS.items():
        if auth.get_user(session, username) is not None:
            continue
        auth.create_user(session, username=username, role=role, password=PASSWORD,
                         display_name=f"Test {role}", actor="tests")
        if "region" in scope:
            auth.assign_scope(session, username, actor="tests", region_id=session.scalar(
                select(Region.id).where(Region.name == scope["region"])))
        if "province" in scope:
            auth.assign_scope(session, username, actor="tests", province_id=session.scalar(
                select(Province.id).where(Province.name == scope["province"])))
        if "board" in scope:
            auth.assign_scope(session, username, actor="tests", board_id=session.scalar(
                select(Board.id).where(Board.number == demo_data.BOARDS[0][0])))


@pytest.fixture(scope="session")
def demo_db():
    """The shared test database, migrated and seeded with the demo once."""
    from models.db import get_engine, session_scope
    from seed.demo import seed_demo
    from services.areas import has_schools
    from services.migrate import upgrade

    engine = get_engine()
    upgrade(engine)
    with session_scope(engine) as session:
        if not has_schools(session):
            seed_demo(session, today=DEMO_TODAY)
        _create_test_users(session)
    return engine


@pytest.fixture
def engine(tmp_path):
    """A fresh, migrated SQLite database file for one test."""
    from models.db import make_engine
    from services.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 't.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def dash_app(demo_db):
    import app as app_module

    return app_module.app


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(dash_duo, dash_app):
    """Start the app without opening '/' (which redirects to /login when nobody is logged in).

    On a free port, so two test runs on one machine do not collide on 8050.
    """
    dash_duo.driver.set_window_size(1400, 1000)
    # Generous waits: on a loaded 2-core CI machine a national-size page can take seconds to render.
    # A wait only ends early when the element appears, so passing tests do not get slower.
    dash_duo.wait_timeout = 30
    dash_duo.start_server(dash_app, navigate=False, port=_free_port())
    dash_duo._url = dash_duo.server.url
    return dash_duo


def login(dash_duo, username: str, password: str = PASSWORD, *, expect_success: bool = True) -> None:
    """Log in through the real login form, like a user."""
    dash_duo.driver.get(f"{dash_duo.server_url}/login")
    dash_duo.wait_for_element("#login-username").send_keys(username)
    dash_duo.find_element("#login-password").send_keys(password)
    dash_duo.find_element("#login-submit").click()
    if expect_success:
        dash_duo.wait_for_element("#nav-user", timeout=30)
    else:
        dash_duo.wait_for_element("#login-error")


@pytest.fixture
def duo(dash_duo, dash_app):
    """dash_duo with the app started in a desktop-sized window, logged in as beheerder."""
    start(dash_duo, dash_app)
    login(dash_duo, USERS["beheerder"][0])
    return dash_duo


@pytest.fixture
def client(dash_app):
    """A Flask test client of the app (no browser); not logged in."""
    return dash_app.server.test_client()


def client_login(client, username: str, password: str = PASSWORD):
    """Log a Flask test client in through the real form: GET for the CSRF token, then POST."""
    import re

    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/login", data={"csrf_token": token, "username": username, "password": password})


def region_key(name: str) -> str:
    from models.db import session_scope
    from services.areas import find_area_key

    with session_scope() as session:
        key = find_area_key(session, name)
    assert key, f"area {name} missing from the demo"
    return key


def choose(dash_duo, selector: str, label: str) -> None:
    """Pick an option of a Dash 4 dropdown by its label: open, search, click."""
    from selenium.webdriver.common.by import By

    # Opened with a script click: a real click can be intercepted while charts around it re-render.
    element = dash_duo.wait_for_element(selector)
    trigger = element if element.tag_name == "button" else (
        element.find_elements(By.CSS_SELECTOR, "button") or [element])[0]
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'}); arguments[0].click();", trigger)
    search = dash_duo.wait_for_element(".dash-dropdown-search")
    search.send_keys(label)
    for option in dash_duo.find_elements(".dash-dropdown-option"):
        if option.text == label:
            dash_duo.driver.execute_script("arguments[0].click();", option)
            # close the menu if it stays open, as a user would
            from selenium.webdriver.common.keys import Keys
            if dash_duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-content"):
                dash_duo.driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
            return
    raise AssertionError(f"no option '{label}' in {selector}: "
                         f"{[o.text for o in dash_duo.driver.find_elements(By.CSS_SELECTOR, '.dash-dropdown-option')]}")


def click(dash_duo, selector: str, timeout: float = 20) -> None:
    """Click like a user: wait until enabled and in view; retry while the layout still moves."""
    import time

    from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    deadline = time.monotonic() + timeout
    while True:
        element = WebDriverWait(dash_duo.driver, timeout).until(
            EC.element_to_be_clickable((By.CSS_SELECTOR, selector)))
        dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", element)
        try:
            element.click()
            return
        except (ElementClickInterceptedException, StaleElementReferenceException):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def wait_until(condition, timeout: float = 20, interval: float = 0.2) -> None:
    """Poll a condition (e.g. a value read from the page) until it holds; fail after timeout."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within the timeout")
        time.sleep(interval)


def schools_workbook(path, schools: list[dict]):
    """A real exchange workbook (from the template) with the given rows in the 'scholen' sheet."""
    import openpyxl

    from dataio.exchange import write_template

    write_template(path)
    wb = openpyxl.load_workbook(path)
    sheet = wb["scholen"]
    header = [c.value for c in sheet[1]]
    for school in schools:
        sheet.append([school.get(column) for column in header])
    wb.save(path)
    return path

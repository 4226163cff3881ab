"""Test set-up: the layers, and a database of its own for every test module.

Layers: markers applied here from what a test uses; select them with -m.
  browser  real headless Chromium (dash_duo, or the `duo` fixture)
  db       a database: a fixture of DATABASE_FIXTURES (or one built on them), or code that opens one
  unit     everything else: plain Python, no database, no browser
`-m "not browser"` is the fast set (scripts/check.sh). A unit test that connects to a database anyway is
named at the end of the run.

Data: the demo (migrated, seed_demo(today=DEMO_TODAY), the test users) is built once per run as a
template file; every test module whose tests use it (DEMO_FIXTURES) works in its own copy. An autouse
module fixture points DATABASE_URL at the copy, and the app reads that per use (settings.database_url();
models.db.get_engine() keeps one engine per URL), so the app, the services and the browser tests' server
(a thread of this process) all use the module's copy: what a module's tests change, and the rows they
pick, stay in that module. A module whose tests do not use the demo gets an empty database.

DATABASE_URL is set before anything imports the app, so no test touches the user's instance/vios.db.
The pages app is built once per process (page callbacks attach to the first app created).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parent
_TMP = Path(tempfile.mkdtemp(prefix="vios-tests-"))
_TEMPLATE = _TMP / "demo-template.db"


def _sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


# Outside a test module (collection, session fixtures) the app sees an empty database.
os.environ["DATABASE_URL"] = _sqlite_url(_TMP / "outside-modules.db")
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


# ---------------------------------------------------------------- layers

LAYERS = ("unit", "db", "browser")  # registered in pyproject.toml [tool.pytest.ini_options]
BROWSER_FIXTURES = frozenset({"dash_duo", "duo", "dash_br", "dashr", "dash_thread_server", "dash_process_server"})
# The demo (and what is built on it), a fresh database, the PostgreSQL fixtures (tests/test_postgres.py).
DATABASE_FIXTURES = frozenset({"demo_db", "engine", "dash_app", "client", "pg", "pg_demo", "lite"})


def _layer(item: pytest.Item) -> str:
    """browser or db by the fixtures a test uses; a module that opens databases itself says so with
    `pytestmark = pytest.mark.db` (a unit test that connects anyway is named at the end of the run)."""
    used = set(getattr(item, "fixturenames", ()))  # the closure: fixtures built on these count too
    if used & BROWSER_FIXTURES:
        return "browser"
    if used & DATABASE_FIXTURES:
        return "db"
    return "unit"


@pytest.hookimpl(tryfirst=True)  # before -m deselects by these markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not any(item.get_closest_marker(layer) for layer in LAYERS):
            item.add_marker(_layer(item))


# A unit test must not need a database: name those that connect to one anyway.
_RUNNING: list[pytest.Item] = []
_UNIT_WITH_DATABASE: set[str] = set()


def _on_connect(*_args) -> None:
    if _RUNNING and _RUNNING[-1].get_closest_marker("unit"):
        _UNIT_WITH_DATABASE.add(_RUNNING[-1].nodeid)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    _RUNNING.append(item)  # the test itself; its set-up may build the module's database
    try:
        return (yield)
    finally:
        _RUNNING.pop()


def pytest_sessionstart(session: pytest.Session) -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "engine_connect", _on_connect)


# ---------------------------------------------------------------- a database per test module

_SECONDS: dict[str, list[float]] = {"template": [], "copies": []}  # what the own databases cost, for the summary


def _build_template(path: Path) -> None:
    from models.db import make_engine, session_scope
    from seed.demo import seed_demo
    from services.migrate import upgrade

    engine = make_engine(_sqlite_url(path))
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            seed_demo(session, today=DEMO_TODAY)
            _create_test_users(session)
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()  # the last connection closed: everything is in the main file, no -wal left
    assert not path.with_name(path.name + "-wal").exists()


@pytest.fixture(scope="session")
def demo_template() -> Path:
    """The seeded demo as a closed file, built once per run; the app only ever opens copies of it."""
    started = time.perf_counter()
    _build_template(_TEMPLATE)
    _SECONDS["template"].append(time.perf_counter() - started)
    return _TEMPLATE


# The fixtures that read the demo (browser tests all do: they log in as a test user).
DEMO_FIXTURES = frozenset({"demo_db", "dash_app", "client"}) | BROWSER_FIXTURES


def _module_uses_the_demo(request: pytest.FixtureRequest) -> bool:
    """Whether a test of this module that runs now (after -m, -k) uses the demo database."""
    module = request.node
    return any(module in item.listchain() and DEMO_FIXTURES & set(getattr(item, "fixturenames", ()))
               for item in request.session.items)


@pytest.fixture(scope="module", autouse=True)
def module_database(request: pytest.FixtureRequest):
    """This module's own database, where DATABASE_URL points while the module runs: a copy of the demo
    template, or an empty file for a module whose tests do not use the demo."""
    from models.db import get_engine

    folder = _TMP / "modules"
    folder.mkdir(exist_ok=True)
    path = folder / (re.sub(r"[^\w.-]", "_", request.node.nodeid) + ".db")
    if _module_uses_the_demo(request):
        template = request.getfixturevalue("demo_template")
        started = time.perf_counter()
        shutil.copyfile(template, path)
        _SECONDS["copies"].append(time.perf_counter() - started)
    previous = os.environ["DATABASE_URL"]
    os.environ["DATABASE_URL"] = _sqlite_url(path)
    try:
        yield path
    finally:
        get_engine().dispose()  # this module's engine; nothing uses its URL again
        os.environ["DATABASE_URL"] = previous
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            leftover.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def demo_db(module_database):
    """The engine of this module's demo database: the seeded demo with the test users, shared only by
    the tests of this module."""
    from models.db import get_engine

    return get_engine()


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(_TMP, ignore_errors=True)  # the template, the module databases, the test instance folder


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    if _SECONDS["template"]:
        copies = _SECONDS["copies"]
        terminalreporter.write_line(
            f"tests/conftest.py: demo template built in {sum(_SECONDS['template']):.1f} s; {len(copies)} test "
            f"modules got their own copy of it ({sum(copies) * 1000:.0f} ms of copying)")
    if _UNIT_WITH_DATABASE:
        terminalreporter.write_line("tests/conftest.py: WARNING: unit tests that connected to a database (give them a "
                                    "database fixture, e.g. demo_db or engine):", yellow=True)
        for nodeid in sorted(_UNIT_WITH_DATABASE):
            terminalreporter.write_line(f"  {nodeid}", yellow=True)


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
def dash_app(demo_template):
    """The app, one per process; what it reads and writes is the current module's database."""
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
    dash_duo.driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'}); arguments[0].click();", trigger)
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


class MemoryStore:
    """A shared store as the workers share Flask-Caching's (web.cache installs that one), in memory."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def get(self, key: str) -> object | None:
        return self.values.get(key)

    def set(self, key: str, value: object) -> None:
        import pickle

        self.values[key] = pickle.loads(pickle.dumps(value))  # what another process would read back

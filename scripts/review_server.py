"""The demo served for review scripts (screenshots, the accessibility audit): a temporary database
seeded with the demo and one user per role, the app on a free loopback port, headless Chromium.

    with demo_server() as (base, passwords):
        driver = chromium(1440, 1000)
        login(driver, base, "coordinator", passwords["coordinator"])
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 11, 23)  # the demo's day; the product's clock is fixed at it (VIOS_TODAY)
PATHS = ["/", "/certificering", "/netwerk", "/gemeenten", "/planning", "/gegevens", "/beheer"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def demo_server() -> Iterator[tuple[str, dict[str, str]]]:
    """(base URL, {username: password}) of the demo served on loopback; everything is removed afterwards."""
    tmp = Path(tempfile.mkdtemp(prefix="vios-review-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'review.db'}"
    os.environ["VIOS_INSTANCE"] = str(tmp)
    os.environ["VIOS_TODAY"] = TODAY.isoformat()
    sys.path.insert(0, str(ROOT))
    import logging

    from werkzeug.serving import make_server

    from models.db import session_scope
    from seed.demo import seed_demo
    from seed.demo_users import seed_demo_users
    from services.migrate import upgrade

    upgrade()
    with session_scope() as session:
        seed_demo(session, today=TODAY)
        passwords = {username: password for username, _role, password in seed_demo_users(session)}
    import app as app_module

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", _free_port(), app_module.app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", passwords
    finally:
        server.shutdown()


def chromium(width: int = 1440, height: int = 1000) -> Any:
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}",
                "--lang=nl-NL"):
        options.add_argument(arg)
    options.binary_location = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
    return webdriver.Chrome(options=options)


def login(driver: Any, base: str, username: str, password: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{base}/login")
    driver.find_element(By.ID, "login-username").send_keys(username)
    driver.find_element(By.ID, "login-password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()
    time.sleep(2)


def open_page(driver: Any, base: str, path: str, settle: float = 4.0) -> None:
    """Open a page at the demo's day and let its callbacks and charts finish."""
    sep = "&" if "?" in path else "?"
    driver.get(f"{base}{path}{sep}peildatum={TODAY.isoformat()}")
    time.sleep(settle)

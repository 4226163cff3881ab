"""Screenshots of pages as a user sees them, for review: python scripts/screenshots.py OUT_DIR [PATH ...]

Seeds the demo into a temporary database, starts the app on a free local port, logs in as a
beheerder in headless Chromium and saves one full-page PNG per path (default: every page).
"""
from __future__ import annotations

import os
import socket
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="vios-shots-"))
os.environ["DATABASE_URL"] = f"sqlite:///{TMP / 'shots.db'}"
os.environ["VIOS_INSTANCE"] = str(TMP)
TODAY = date(2026, 11, 23)
DEFAULT_PATHS = ["/", "/certificering?gebied=r1", "/netwerk?gebied=r1", "/gemeenten?gebied=r1",
                 "/planning?gebied=r1", "/gegevens", "/beheer"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots")
    paths = sys.argv[2:] or DEFAULT_PATHS
    out.mkdir(parents=True, exist_ok=True)
    from models.db import session_scope
    from seed.demo import seed_demo
    from services import auth
    from services.migrate import upgrade

    upgrade()
    with session_scope() as session:
        seed_demo(session, today=TODAY)
        auth.create_user(session, username="shots", role="beheerder", password="Kx7m-pQ3w-Rt9v-Zz2b",
                         display_name="Schermafdruk", actor="screenshots")
    import logging

    from werkzeug.serving import make_server

    import app as app_module

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    port = _free_port()
    server = make_server("127.0.0.1", port, app_module.app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    from selenium import webdriver
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(arg)
    options.binary_location = os.environ.get("DASH_TEST_CHROMEPATH", "/usr/bin/chromium")
    driver = webdriver.Chrome(options=options)
    base = f"http://127.0.0.1:{port}"
    try:
        driver.get(f"{base}/login")
        driver.find_element(By.ID, "login-username").send_keys("shots")
        driver.find_element(By.ID, "login-password").send_keys("Kx7m-pQ3w-Rt9v-Zz2b")
        driver.find_element(By.ID, "login-submit").click()
        time.sleep(2)
        for path in paths:
            sep = "&" if "?" in path else "?"
            driver.get(f"{base}{path}{sep}peildatum={TODAY.isoformat()}")
            time.sleep(4)  # let callbacks and charts finish
            height = driver.execute_script("return document.body.scrollHeight")
            driver.set_window_size(1400, min(max(height, 1000), 6000))
            name = path.strip("/").split("?")[0].replace("/", "_") or "overzicht"
            driver.save_screenshot(str(out / f"{name}.png"))
            driver.set_window_size(1400, 1000)
            print(out / f"{name}.png")
    finally:
        driver.quit()
        server.shutdown()


if __name__ == "__main__":
    main()

"""Screenshots of pages as a user sees them, for review:

    python scripts/screenshots.py OUT_DIR [--role ROLE] [--size 1440x1000] [PATH ...]

Seeds the demo into a temporary database, starts the app on a free local port, logs in as the demo
user of the role (default beheerder) in headless Chromium and saves one full-page PNG per path
(default: every page).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from review_server import PATHS, chromium, demo_server, login, open_page


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("paths", nargs="*", default=PATHS)
    parser.add_argument("--role", default="beheerder",
                        choices=["beheerder", "coordinator", "stuurgroeplid", "bestuurder"])
    parser.add_argument("--size", default="1440x1000")
    args = parser.parse_intermixed_args()
    width, height = (int(x) for x in args.size.split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    with demo_server() as (base, passwords):
        driver = chromium(width, height)
        try:
            login(driver, base, args.role, passwords[args.role])
            for path in args.paths:
                open_page(driver, base, path)
                full = driver.execute_script("return document.body.scrollHeight")
                driver.set_window_size(width, min(max(full, height), 6000))
                name = path.strip("/").split("?")[0].replace("/", "_") or "overzicht"
                target = args.out / f"{args.role}-{width}x{height}-{name}.png"
                driver.save_screenshot(str(target))
                driver.set_window_size(width, height)
                print(target)
        finally:
            driver.quit()


if __name__ == "__main__":
    main()

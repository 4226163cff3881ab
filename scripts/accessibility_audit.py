"""WCAG 2.0/2.1 A and AA check of every page for every role, with axe-core in headless Chromium:

    python scripts/accessibility_audit.py [--size 1440x1000] [--details]

Prints a table: role, page, rules violated, elements affected (and with --details each rule with
its elements). The pages as they open; tests/test_accessibility_browser.py also checks the states a
user reaches (a school selected, a plan proposed, the charts' tables shown) and fails on any violation.
axe-core 4.14.1 is vendored in scripts/vendor (MPL-2.0) so the check runs offline.
Exit code 0 when no page has a violation, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

AXE = Path(__file__).resolve().parent / "vendor" / "axe-4.14.1.min.js"

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ROLES = ["beheerder", "coordinator", "stuurgroeplid", "bestuurder"]


def audit(driver: Any, include: list[str] | None = None) -> list[dict[str, Any]]:
    """The axe violations of the page shown now (each: id, impact, help, nodes); with include only
    within those CSS selectors."""
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const context = arguments[1] ? {include: arguments[1].map(s => [s])} : document;"
        "axe.run(context, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(JSON.stringify(r.violations))).catch(e => done(JSON.stringify({error: String(e)})));",
        TAGS, include)
    violations = json.loads(result)
    if isinstance(violations, dict):
        raise RuntimeError(violations["error"])
    return list(violations)


def main() -> int:
    from review_server import PATHS, chromium, demo_server, login, open_page

    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="1440x1000")
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args()
    width, height = (int(x) for x in args.size.split("x"))
    rows: list[tuple[str, str, int, int, list[dict[str, Any]]]] = []
    with demo_server() as (base, passwords):
        driver = chromium(width, height)
        driver.set_script_timeout(60)
        try:
            for role in ROLES:
                login(driver, base, role, passwords[role])
                for path in ["/login", *PATHS, "/toegankelijkheid"]:
                    if path == "/login":
                        driver.delete_all_cookies()
                        driver.get(f"{base}/login")
                    else:
                        open_page(driver, base, path)
                    violations = audit(driver)
                    nodes = sum(len(v["nodes"]) for v in violations)
                    rows.append((role, path, len(violations), nodes, violations))
                    if path == "/login":
                        login(driver, base, role, passwords[role])
        finally:
            driver.quit()
    print(f"{'rol':<14} {'pagina':<16} {'regels':>6} {'elementen':>9}")
    for role, path, rules, nodes, violations in rows:
        print(f"{role:<14} {path:<16} {rules:>6} {nodes:>9}")
        if args.details:
            for v in violations:
                print(f"    {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])}x")
    total = sum(r[2] for r in rows)
    print(f"totaal: {total} regelovertredingen op {sum(r[3] for r in rows)} elementen, {len(rows)} pagina's")
    return 0 if total == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

"""Zoom and reflow (WCAG 1.4.10, 1.4.4): at 320 CSS pixels wide and at 200% zoom (a 1440x1000 screen,
device scale 2 = 720x500 CSS pixels) the main pages need no sideways scrolling outside the grids, which
scroll inside their own box, and the navigation, the scope bar and the page's own controls stay visible."""
from __future__ import annotations

import time

import pytest
from conftest import DEMO_TODAY, USERS, login, start

PAGES = {  # path -> controls that must be visible and fit the width
    "/": ["#scope-description", "#ov-phase-chart"],
    "/certificering": ["#cert-grid", "#cert-export"],
    "/netwerk": ["#net-school", "#net-graph"],
    "/gemeenten": ["h2"],
    "/planning": ["#plan-tranche"],
    "/gegevens": ["#data-upload"],
}
SHELL = ["#navbar .navbar-brand", "#logout-button", "#scope-area", "#scope-date", "#footer-a11y"]
# width, height (CSS px), device scale
VIEWS = {"320px": (320, 640, 1), "zoom200": (720, 500, 2)}

LAYOUT = """
  const width = document.documentElement.clientWidth;
  const out = {width: width, scroll: document.documentElement.scrollWidth, wide: [], hidden: []};
  for (const sel of arguments[0]) {
    const el = document.querySelector(sel);
    if (!el) { out.hidden.push(sel + ' (missing)'); continue; }
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') out.hidden.push(sel);
    else if (r.left < -1 || r.right > width + 1) out.wide.push(`${sel} ${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return out;"""


@pytest.mark.parametrize("view", list(VIEWS))
def test_rfl001_main_pages_reflow_without_losing_content(dash_duo, dash_app, view):
    start(dash_duo, dash_app)
    login(dash_duo, USERS["coordinator"][0])
    width, height, scale = VIEWS[view]
    dash_duo.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": scale, "mobile": False})
    problems = {}
    for path, controls in PAGES.items():
        dash_duo.driver.get(f"{dash_duo.server_url}{path}?peildatum={DEMO_TODAY.isoformat()}")
        dash_duo.wait_for_element(controls[0])
        time.sleep(2.5)
        layout = dash_duo.driver.execute_script(LAYOUT, SHELL + controls)
        issues = layout["wide"] + [f"not visible: {s}" for s in layout["hidden"]]
        if layout["scroll"] > layout["width"] + 1:
            issues.append(f"page scrolls sideways: {layout['scroll']} > {layout['width']}")
        if issues:
            problems[path] = issues
    assert problems == {}

"""WCAG 2.0/2.1 A and AA with axe-core (scripts/accessibility_audit.py), in headless Chromium.

Every page, for every role, in the states a user reaches (a school selected with its form open, a
school's network, a plan proposed, every chart's table shown) has 0 violations; no rule or element is
left out of the check. One browser session per role. Every page links to the accessibility statement,
and every chart's table holds the numbers of the figure the browser drew.
"""
from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import pytest
from conftest import DEMO_TODAY, USERS, click, login, region_key, start
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

_SPEC = importlib.util.spec_from_file_location(
    "accessibility_audit", Path(__file__).resolve().parents[1] / "scripts" / "accessibility_audit.py")
assert _SPEC and _SPEC.loader
audit_module = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(audit_module)

DAY = f"peildatum={DEMO_TODAY.isoformat()}"
PLAN_ROLES = {"beheerder", "coordinator"}


def _settle(duo, seconds: float = 1.5) -> None:
    """Until no callback is pending (Dash marks loading components), then a moment for charts to draw."""
    end = time.monotonic() + 20
    while time.monotonic() < end and duo.driver.execute_script(
            "return !!document.querySelector('[data-dash-is-loading=\"true\"]');"):
        time.sleep(0.2)
    time.sleep(seconds)


def _open(duo, path: str, ready: str, query: str = DAY) -> None:
    sep = "&" if "?" in path else "?"
    duo.driver.get(f"{duo.server_url}{path}{sep}{query}")
    duo.wait_for_element(ready)
    _settle(duo)


def _show_chart_tables(duo) -> int:
    """Press every "Toon als tabel" (by the keyboard: Enter on the button); the number of charts."""
    toggles = duo.driver.find_elements(By.CSS_SELECTOR, ".vios-chart-table-toggle[aria-expanded='false']")
    for toggle in toggles:
        duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", toggle)
        toggle.send_keys(Keys.ENTER)
    time.sleep(0.3)
    return len(duo.driver.find_elements(By.CSS_SELECTOR, ".vios-chart-table-toggle"))


_NUMBER = re.compile(r"-?\d[\d.]*(?:,\d+)?%?")


def _numbers(text: str) -> set[float]:
    """The numbers a table cell shows (Dutch notation; a percentage as its number of percents)."""
    return {float(n.rstrip("%").replace(".", "").replace(",", ".")) for n in _NUMBER.findall(text)}


def _figure_vs_table(duo) -> list[str]:
    """For each shown chart: the numbers in its figure (read in the browser) missing from its table."""
    charts = duo.driver.execute_script("""
        const out = [];
        document.querySelectorAll('.vios-chart-table[data-graph]').forEach(region => {
          const outer = document.getElementById(region.dataset.graph);
          const gd = outer && (outer.classList.contains('js-plotly-plot') ? outer
                                                                           : outer.querySelector('.js-plotly-plot'));
          if (!gd || !gd._fullData) return;
          const values = [];
          gd._fullData.forEach(t => {
            if (t.visible === false) return;
            let v = [];
            if (t.type === 'bar' && t.base !== undefined && t.base !== null) return;  // a timeline: dates
            if (t.type === 'bar' || t.type === 'scatter') v = Array.from((t.orientation === 'h' ? t.x : t.y) || []);
            else if (t.type === 'heatmap') v = Array.from(t.z || []).flatMap(r => Array.from(r));
            else if (t.type.startsWith('choropleth')) v = Array.from(t.z || []);
            else if (t.type === 'indicator' && (t.mode || '').includes('number')) v = [t.value];
            values.push(...v.filter(x => typeof x === 'number' && !isNaN(x)));
          });
          out.push({id: region.dataset.graph, values: values,
                    cells: Array.from(region.querySelectorAll('td, th')).map(c => c.textContent),
                    tables: region.querySelectorAll('table caption').length});
        });
        return out;""")
    problems = []
    for chart in charts:
        shown: set[float] = set()
        for cell in chart["cells"]:
            shown |= _numbers(cell)
        if chart["values"] and not chart["tables"]:
            problems.append(f"{chart['id']}: no table")
        # the table rounds to 2 decimals, a percentage to 1 decimal of a percent
        missing = [v for v in chart["values"]
                   if not any(abs(n - v) <= 0.0051 or abs(n - v * 100) <= 0.051 for n in shown)]
        if missing:
            problems.append(f"{chart['id']}: {missing[:5]} not in the table")
    return problems


def _check(duo, where: str, found: dict[str, list[str]]) -> None:
    """axe on the page as it is, the footer link, and the charts' tables against their figures."""
    _show_chart_tables(duo)
    problems = [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in audit_module.audit(duo.driver)]
    if where != "/toegankelijkheid" and not duo.driver.find_elements(By.CSS_SELECTOR,
                                                                      "a[href='/toegankelijkheid']"):
        problems.append("no link to the accessibility statement")
    problems += _figure_vs_table(duo)
    if problems:
        found[where] = problems


def _first_school(duo) -> str:
    duo.wait_for_element("#cert-grid .ag-row")
    return duo.driver.execute_script(
        "let c = null; dash_ag_grid.getApi('cert-grid').forEachNodeAfterFilterAndSort(n => { c = c || n.data.code; });"
        "return c;")


@pytest.mark.parametrize("role", ["beheerder", "coordinator", "stuurgroeplid", "bestuurder"])
def test_a11y001_every_page_and_state_meets_wcag_aa_for_every_role(dash_duo, dash_app, role):
    start(dash_duo, dash_app)
    duo = dash_duo
    duo.driver.set_script_timeout(60)
    found: dict[str, list[str]] = {}
    login(duo, USERS[role][0])
    # planning is per region: the beheerder (all of the country) works in one
    query = DAY + (f"&gebied={region_key('Maastricht-Heuvelland')}" if role == "beheerder" else "")

    def open_(path: str, ready: str) -> None:
        _open(duo, path, ready, query)

    open_("/", "#scope-description")
    _check(duo, "/", found)

    # Certificering, then a school selected: its details (and for editors the record form) open
    open_("/certificering", "#cert-grid .ag-row")
    _check(duo, "/certificering", found)
    code = _first_school(duo)
    # editors get the record form for the selected school; read-only roles get no form at all (issue 15)
    form = duo.driver.find_elements(By.CSS_SELECTOR, "#cert-selected")
    assert bool(form) == (role in ("beheerder", "coordinator"))
    before = form[0].text if form else ""
    duo.driver.execute_script(
        "dash_ag_grid.getApi('cert-grid').getRowNode(arguments[0]).setSelected(true, true);", code)
    end = time.monotonic() + 30
    while form and duo.find_element("#cert-selected").text == before and time.monotonic() < end:
        time.sleep(0.2)
    _settle(duo)
    _check(duo, "/certificering + school", found)

    open_("/netwerk", "#net-school")
    _check(duo, "/netwerk", found)
    open_(f"/netwerk?school={code}", "#net-school-title")
    duo.wait_for_contains_text("#net-school-title", code)
    _settle(duo)
    _check(duo, "/netwerk + school", found)

    open_(f"/school/{code}", "#school-phase")
    _check(duo, "/school", found)

    open_("/gemeenten", "h2")
    _check(duo, "/gemeenten", found)

    if role in PLAN_ROLES:
        open_("/planning", "#plan-tranche")
        _check(duo, "/planning", found)
        trigger = duo.find_element("#plan-tranche")
        duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", trigger)
        options = duo.driver.find_elements(By.CSS_SELECTOR, ".dash-dropdown-option")
        if options:
            duo.driver.execute_script("arguments[0].click();", options[0])
            duo.wait_for_contains_text("#plan-tranche-info", "kandidaten")
            click(duo, "#plan-propose")
            duo.wait_for_contains_text("#plan-message", "Voorstel")
            _settle(duo)
            _check(duo, "/planning + voorstel", found)
        else:
            found["/planning"] = ["no tranche to plan in the demo"]

    open_("/gegevens", "h2")
    _check(duo, "/gegevens", found)
    if role == "beheerder":
        open_("/beheer", "h2")
        _check(duo, "/beheer", found)

    duo.driver.get(f"{duo.server_url}/toegankelijkheid")
    duo.wait_for_element("#toegankelijkheid")
    _check(duo, "/toegankelijkheid", found)

    duo.driver.get(f"{duo.server_url}/?{DAY}")
    duo.wait_for_element("#logout-button").click()
    duo.wait_for_element("#login-form")
    _check(duo, "/login", found)
    assert found == {}


def test_a11y002_the_dropdowns_are_reached_by_tab_on_their_button(duo):
    duo.wait_for_page(f"{duo.server_url}/?{DAY}")
    duo.wait_for_element("#scope-area")
    proxies = duo.driver.find_elements(By.CSS_SELECTOR, "#scope-bar .dash-dropdown-focus-target")
    assert proxies and all(p.get_attribute("tabindex") == "-1" for p in proxies)
    assert duo.find_element("#scope-area").get_attribute("tabindex") == "0"


def test_a11y003_the_statement_is_public_and_shows_no_data(client):
    page = client.get("/toegankelijkheid")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    for heading in ("Toegankelijkheidsverklaring", "Status", "Wat is onderzocht", "Hoe is het onderzocht",
                    "Wat nog niet aan de eisen voldoet", "Contact"):
        assert heading in text
    from pages.accessibility_statement import AXE_VERSION

    assert f"axe-core {AXE_VERSION}" in text and AXE_VERSION in audit_module.AXE.name
    assert "href=\"/toegankelijkheid\"" in client.get("/login").get_data(as_text=True)
    # no data of the app: no school, user or area name of the demo
    from sqlmodel import select

    from models import School
    from models.db import session_scope

    with session_scope() as session:
        names = session.exec(select(School.name)).all()[:50]
    assert names and not any(name in text for name in names)

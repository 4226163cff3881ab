"""Browser tests of the overview page: the figures shown equal the figures computed."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from conftest import DEMO_TODAY, choose, region_key, wait_until

from components.theme import pct
from domain import clock
from domain.scope import Scope, parse_area_key
from models.db import session_scope
from services.report import overview_report

KPIS = {
    "#ov-kpi-schools": lambda t: str(t["schools"]),
    "#ov-kpi-valid": lambda t: str(t["valid_certificates"]),
    "#ov-kpi-coverage": lambda t: pct(t["coverage"]),
    "#ov-kpi-in-trajectory": lambda t: str(t["in_trajectory"]),
    "#ov-kpi-expiring": lambda t: str(t["expiring_soon"]),
    "#ov-kpi-expired": lambda t: str(t["expired"]),
}


def _expected(area: str, as_of: date, sector: str | None = None) -> dict:
    region_id, province_id = parse_area_key(area)
    with session_scope() as session:
        return overview_report(session, Scope(as_of=as_of, region_id=region_id, province_id=province_id,
                                               sector=sector))["totals"]


def _assert_kpis(duo, totals: dict) -> None:
    for selector, shown in KPIS.items():
        duo.wait_for_text_to_equal(selector, shown(totals), timeout=10)


def test_ov001_key_figures_equal_the_database(duo):
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    totals = _expected(area, DEMO_TODAY)
    assert totals["schools"] > 0 and totals["valid_certificates"] > 0 and totals["expiring_soon"] > 0
    _assert_kpis(duo, totals)
    duo.wait_for_contains_text("#scope-description", "Regio Maastricht-Heuvelland")
    duo.wait_for_contains_text("#scope-description", "23-11-2026")
    for graph in ("#ov-phase-chart", "#ov-expiry-chart", "#ov-coverage-chart"):
        duo.wait_for_element(f"{graph} .main-svg")
    # the municipality grid lists the six municipalities of the region
    duo.wait_for_contains_text("#ov-municipality-grid", "Eijsden-Margraten")

    # `vios report --json` for the same scope prints what the page shows
    cli = subprocess.run([shutil.which("vios") or str(Path(sys.executable).parent / "vios"), "report", "--json",
                          "--region", "Maastricht-Heuvelland", "--as-of", DEMO_TODAY.isoformat()],
                         capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert cli.returncode == 0, cli.stderr
    cli_totals = json.loads(cli.stdout)["totals"]
    for selector, shown in KPIS.items():
        assert duo.find_element(selector).text == shown(cli_totals)
    assert duo.get_logs() == []


def test_ov002_changing_area_and_date_changes_the_figures(duo):
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    region_totals = _expected(area, DEMO_TODAY)
    _assert_kpis(duo, region_totals)

    # pick the whole country in the area selector: the URL and the figures follow
    choose(duo, "#scope-area", "Heel Nederland")
    national = _expected("nl", DEMO_TODAY)
    assert national["schools"] > region_totals["schools"]
    _assert_kpis(duo, national)
    assert "gebied=nl" in duo.driver.current_url

    # an earlier as-of date (two years back) gives other figures
    earlier = date(DEMO_TODAY.year - 2, DEMO_TODAY.month, DEMO_TODAY.day)
    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={earlier.isoformat()}")
    past = _expected(area, earlier)
    assert past != region_totals
    _assert_kpis(duo, past)
    duo.wait_for_contains_text("#scope-description", earlier.strftime("%d-%m-%Y"))

    # a sector filter narrows the denominator
    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&sector=vo&peildatum={DEMO_TODAY.isoformat()}")
    _assert_kpis(duo, _expected(area, DEMO_TODAY, "vo"))
    assert duo.get_logs() == []


def test_ov003_bad_query_values_are_refused_with_a_message(duo):
    duo.wait_for_page(f"{duo.server_url}/?gebied=r99999&peildatum=31-02-2026")
    duo.wait_for_contains_text("#_pages_content", "Onbekend gebied")
    duo.wait_for_contains_text("#_pages_content", "geen bestaande datum")
    _assert_kpis(duo, _expected("nl", clock.today()))
    assert duo.get_logs() == []


def _bars_per_status(duo, graph_id: str) -> dict:
    """The drawn stacked bars of a status-and-phase chart: status label -> {phase: count}."""
    traces = duo.driver.execute_script(
        f"return document.querySelector('#{graph_id} .js-plotly-plot').data"
        ".map(t => ({meta: t.meta, x: t.x, y: t.y}));")
    bars: dict = {}
    for t in traces:
        for label, n in zip(t["x"], t["y"], strict=True):
            bars.setdefault(label, {})[t["meta"]] = n
    return bars


def test_ov004_status_and_phase_chart_adds_up_to_the_cards(duo):
    """Issue 14: the chart below the cards counts the same schools as the cards (two dates, two areas)."""
    from domain.status_phase import NO_TRAJECTORY, STATUS_BAR_LABELS

    for area in (region_key("Maastricht-Heuvelland"), region_key("Limburg")):
        for as_of in (DEMO_TODAY, date(2025, 6, 30)):
            duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={as_of.isoformat()}")
            totals = _expected(area, as_of)
            _assert_kpis(duo, totals)
            duo.wait_for_element("#ov-phase-chart .js-plotly-plot")
            bars = _bars_per_status(duo, "ov-phase-chart")
            count = {s: sum(bars[label].values()) for s, label in STATUS_BAR_LABELS.items()}
            cards = {k: int(duo.find_element(f"#ov-kpi-{k}").text) for k in
                     ("schools", "valid", "expiring", "expired", "in-trajectory")}
            assert sum(count.values()) == cards["schools"], (area, as_of)
            assert count["valid"] + count["expiring"] == cards["valid"], (area, as_of)
            assert count["expiring"] == cards["expiring"] and count["expired"] == cards["expired"], (area, as_of)
            in_trajectory = sum(n for phases in bars.values() for p, n in phases.items() if p != NO_TRAJECTORY)
            assert in_trajectory == cards["in-trajectory"], (area, as_of)
            assert count["never"] == totals["never_certified"]
    assert duo.get_logs() == []


def test_ov005_printing_gives_the_content_without_navigation(duo):
    """Issue 14: assets/print.css: in print the navigation, selectors and buttons are gone, the content stays."""
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#ov-phase-chart .main-svg", timeout=20)
    assert duo.find_element("nav.navbar").is_displayed()
    duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not duo.find_element("nav.navbar").is_displayed()
        assert not duo.find_element("#scope-area").is_displayed()
        assert not duo.find_element('[id*="report-pdf"]').is_displayed()
        for shown in ("#ov-kpi-schools", "#ov-phase-chart", "#ov-municipality-grid", "#scope-description"):
            assert duo.find_element(shown).is_displayed(), shown
    finally:
        duo.driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert duo.get_logs() == []


def test_ov010_the_country_shows_coverage_per_province_and_a_province_opens_its_overview(duo, monkeypatch):
    """Many municipalities (the whole country; the limit lowered to the demo's size): the coverage chart has
    one bar per province, each the coverage of `vios report --province` (its valid certificates over its
    schools); its link opens the overview of that province, per municipality."""
    from components import municipality_charts
    from domain.changes import default_compare_date
    from services.municipality_comparison import comparison

    monkeypatch.setattr(municipality_charts, "PER_AREA_ABOVE", 5)
    with session_scope() as session:
        areas = comparison(session, Scope(as_of=DEMO_TODAY), default_compare_date(DEMO_TODAY), None, quarters=0,
                           with_points=False, with_changes=False).areas
    duo.wait_for_page(f"{duo.server_url}/?gebied=nl&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#ov-coverage-chart .main-svg", timeout=30)

    def bars() -> dict:
        trace = duo.driver.execute_script(
            "return document.querySelector('#ov-coverage-chart .js-plotly-plot').data[0];")
        return dict(zip(trace["ids"], trace["x"], strict=True))

    assert bars() == {a.cbs_code: a.figures["coverage"] for a in areas if a.schools}
    limburg = next(a for a in areas if a.name == "Limburg")
    assert limburg.figures == _report_totals_of_province("Limburg")
    link = duo.find_element(f'#ov-drill-links a[href*="gebied={limburg.area_key}"]')
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", link)
    wait_until(lambda: f"gebied={limburg.area_key}" in duo.driver.current_url)
    _assert_kpis(duo, _expected(limburg.area_key, DEMO_TODAY))
    wait_until(lambda: not any(str(code).startswith("gebied:") for code in bars()))
    assert duo.get_logs() == []


def _report_totals_of_province(name: str) -> dict:
    cli = subprocess.run([shutil.which("vios") or str(Path(sys.executable).parent / "vios"), "report", "--json",
                          "--province", name, "--as-of", DEMO_TODAY.isoformat()],
                         capture_output=True, text=True, env=dict(os.environ), timeout=120)
    assert cli.returncode == 0, cli.stderr
    return json.loads(cli.stdout)["totals"]

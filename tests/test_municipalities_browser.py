"""Browser tests of the Gemeenten page (pages/municipalities): the table equals `vios report`, peers are highlighted,
the compare date changes the changes shown (here and on the overview)."""
from __future__ import annotations

import json
import os
import subprocess
from dataclasses import replace
from datetime import date

from conftest import DEMO_TODAY, choose, region_key, wait_until
from vios_cli import VIOS

from components.municipality_charts import PEER_COLOUR, TARGET_COLOUR
from components.theme import pct, signed
from domain.certification import ACTIVE_PHASES
from domain.changes import default_compare_date
from domain.municipality_comparison import peers
from domain.scope import Scope, parse_area_key
from models.db import session_scope
from services.municipality_comparison import comparison, municipality_infos
from services.report import overview_changes, overview_report

CELL = '#cmp-grid .ag-row[row-id="{code}"] .ag-cell[col-id="{col}"]'


def _scope(area: str, as_of: date, sector: str | None = None) -> Scope:
    region_id, province_id = parse_area_key(area)
    return Scope(as_of=as_of, region_id=region_id, province_id=province_id, sector=sector)


def _cell(duo, code: str, col: str) -> str:
    return duo.find_element(CELL.format(code=code, col=col)).text


def _choose(duo, selector: str, label: str, attempts: int = 3) -> None:
    """Scroll the dropdown into view, then pick like a user (again when the layout was still moving)."""
    import time

    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.keys import Keys

    for attempt in range(attempts):
        try:
            duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});",
                                      duo.wait_for_element(selector))
            choose(duo, selector, label)
            return
        except WebDriverException:
            if attempt == attempts - 1:
                raise
            duo.driver.find_element("tag name", "body").send_keys(Keys.ESCAPE)
            time.sleep(1)


def _plot(duo, graph_id: str) -> list:
    return duo.driver.execute_script(
        f"return document.querySelector('#{graph_id} .js-plotly-plot').data;")


def test_cmp101_table_equals_vios_report(duo):
    area = region_key("Maastricht-Heuvelland")
    for sector in (None, "vo"):
        url = f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}"
        args = ["report", "--json", "--region", "Maastricht-Heuvelland", "--as-of", DEMO_TODAY.isoformat()]
        if sector:
            url += f"&sector={sector}"
            args += ["--sector", sector]
        duo.wait_for_page(url)
        cli = subprocess.run([VIOS, *args], capture_output=True, text=True, env=dict(os.environ), timeout=120)
        assert cli.returncode == 0, cli.stderr
        report = json.loads(cli.stdout)
        assert report["municipalities"]
        first = report["municipalities"][0]
        duo.wait_for_text_to_equal(CELL.format(code=first["cbs_code"], col="schools"), str(first["schools"]),
                                   timeout=20)
        for m in report["municipalities"]:
            assert _cell(duo, m["cbs_code"], "name") == m["name"]
            for field in ("schools", "valid_certificates", "in_trajectory", "expiring_soon", "expired"):
                assert _cell(duo, m["cbs_code"], field) == str(m[field]), (m["name"], field)
            shown = _cell(duo, m["cbs_code"], "coverage_pct")
            # with a decimal comma, as on the cards (issue 15)
            expected = (f"{m['coverage'] * 100:.1f}".rstrip("0").rstrip(".").replace(".", ",")
                        if m["coverage"] is not None else "")
            assert shown == expected, (m["name"], shown, m["coverage"])
            for phase in ACTIVE_PHASES:   # '3' or, with a change since the compare date, '3 (+1)'
                shown = _cell(duo, m["cbs_code"], f"phase_{phase}").split(" (")[0]
                assert shown == str(m["in_trajectory_by_phase"][phase]), (m["name"], phase)
        totals = report["totals"]
        duo.wait_for_text_to_equal("#cmp-kpi-schools", str(totals["schools"]))
        assert duo.find_element("#cmp-kpi-valid").text == str(totals["valid_certificates"])
        assert duo.find_element("#cmp-kpi-coverage").text == pct(totals["coverage"])
    for graph in ("cmp-coverage-chart", "cmp-phase-chart", "cmp-approach-chart", "cmp-series-chart", "cmp-map"):
        duo.wait_for_element(f"#{graph} .js-plotly-plot")
    duo.wait_for_contains_text("#cmp-map-note", "Geen gemeentegrenzen")
    assert duo.get_logs() == []


# Holds back the answer of GET /_rijen/gemeenten until window.viosReleaseRows() (a slow connection).
HOLD_ROWS = """
(function () {
  const fetched = window.fetch.bind(window);
  let release;
  const released = new Promise(function (resolve) { release = resolve; });
  window.viosReleaseRows = release;
  window.fetch = function (url, options) {
    const answer = fetched(url, options);
    return String(url).indexOf('/_rijen/gemeenten') === -1 ? answer : released.then(function () { return answer; });
  };
})();
"""


def test_cmp107_a_highlight_chosen_before_the_rows_arrive_marks_them_when_they_come(duo, monkeypatch):
    """More rows than the table shows at once come after the layout (web/row_data.py; here the limit lowered
    to the demo region's size); a municipality chosen while they are still on their way is marked in the
    table once they arrive, its peers too, and the rows are all there."""
    from components import grid

    monkeypatch.setattr(grid, "ROWS_IN_VIEW", 2)
    area = region_key("Maastricht-Heuvelland")
    script = duo.driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOLD_ROWS})
    try:
        duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
        duo.wait_for_element("#cmp-coverage-chart .js-plotly-plot", timeout=20)
        _choose(duo, "#cmp-target", "Maastricht")
        duo.wait_for_contains_text("#cmp-peer-text", "Maastricht (blauw)")
        assert not duo.driver.find_elements("css selector", "#cmp-grid .ag-center-cols-container .ag-row")
        duo.driver.execute_script("window.viosReleaseRows();")
    finally:
        duo.driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})
    with session_scope() as session:
        data = comparison(session, _scope(area, DEMO_TODAY), default_compare_date(DEMO_TODAY), None, quarters=0,
                          with_points=False)
    codes = {m.name: m.cbs_code for m in data.municipalities}
    target = codes["Maastricht"]
    row = f'#cmp-grid .ag-center-cols-container .ag-row[row-id="{target}"]'
    wait_until(lambda: "227, 242, 253" in duo.find_element(row).get_attribute("style"), timeout=10)
    rows = duo.driver.find_elements("css selector", "#cmp-grid .ag-center-cols-container .ag-row")
    assert len(rows) == len(codes)
    peer_styles = [r.get_attribute("style") for r in rows if r.get_attribute("row-id") != target]
    assert peer_styles and all("255, 243, 224" in style for style in peer_styles)   # the region's others


def test_cmp102_picking_a_peer_highlights_it_in_every_chart(duo):
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#cmp-coverage-chart .js-plotly-plot", timeout=20)
    with session_scope() as session:
        data = comparison(session, _scope(area, DEMO_TODAY), default_compare_date(DEMO_TODAY), None, quarters=0,
                          with_points=False)
        infos = municipality_infos(session, {m.cbs_code for m in data.municipalities},
                                   {m.cbs_code: m.schools for m in data.municipalities})
    names = {m.cbs_code: m.name for m in infos}
    target = next(code for code, name in names.items() if name == "Maastricht")
    _choose(duo, "#cmp-peer-kind", "Vergelijkbaar aantal scholen")
    _choose(duo, "#cmp-target", "Vaals")
    _choose(duo, "#cmp-peer-kind", "Zelfde regio")
    _choose(duo, "#cmp-target", "Maastricht")
    expected_peers = set(peers(target, infos, "region"))
    assert expected_peers  # the other municipalities of the region
    duo.wait_for_contains_text("#cmp-peer-text", "Maastricht (blauw)")
    for code in expected_peers:
        duo.wait_for_contains_text("#cmp-peer-text", names[code])

    def colours_by_code() -> dict:
        bars = _plot(duo, "cmp-coverage-chart")[0]
        return dict(zip(bars["ids"], bars["marker"]["color"], strict=True))

    colours = colours_by_code()
    assert colours[target] == TARGET_COLOUR
    assert all(colours[c] == PEER_COLOUR for c in expected_peers if c in colours)
    # the table marks the rows, the phase, approach and series charts print the names in bold
    row = duo.find_element(f'#cmp-grid .ag-center-cols-container .ag-row[row-id="{target}"]')
    assert "227, 242, 253" in row.get_attribute("style")
    for graph in ("cmp-phase-chart", "cmp-approach-chart"):
        assert "<b>Maastricht</b>" in _plot(duo, graph)[0]["y"]
    series = {t["name"]: t for t in _plot(duo, "cmp-series-chart")}
    assert series["Maastricht"]["line"]["color"] == TARGET_COLOUR
    # the map: Maastricht's bubble outlined in the target colour, its peers' in the peer colour
    outlines = {code[0]: colour for t in _plot(duo, "cmp-map") if t.get("meta") == "gemeente"
                for code, colour in zip(t["customdata"], t["marker"]["line"]["color"], strict=True)}
    assert outlines[target] == TARGET_COLOUR
    assert all(outlines[c] == PEER_COLOUR for c in expected_peers if c in outlines)

    # a smaller peer group: similar number of schools
    _choose(duo, "#cmp-peer-kind", "Vergelijkbaar aantal scholen")
    by_size = set(peers(target, infos, "size"))
    duo.wait_for_contains_text("#cmp-peer-text", "vergelijkbaar aantal scholen")
    colours = colours_by_code()
    assert {c for c, colour in colours.items() if colour == PEER_COLOUR} == by_size & set(colours)

    # percentages: the phase chart alone is drawn again, its bars shares of the schools, Maastricht still bold
    from selenium.webdriver.common.by import By

    percent = duo.driver.find_element(By.XPATH, "//*[@id='cmp-phase-mode']//label[normalize-space()='Procenten']")
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", percent)
    wait_until(lambda: "procenten" in duo.driver.execute_script(
        "return document.querySelector('#cmp-phase-chart .js-plotly-plot').layout.title.text;"), timeout=10)
    phases = _plot(duo, "cmp-phase-chart")
    assert "<b>Maastricht</b>" in phases[0]["y"]
    index = phases[0]["y"].index("<b>Maastricht</b>")
    for dimension in ("status", "phase"):
        shares = [t["x"][index] for t in phases if t["meta"].startswith(dimension + ":")]
        assert abs(sum(shares) - 1) < 1e-9, dimension
    assert colours_by_code() == colours   # the other charts keep their highlight
    assert duo.get_logs() == []


def _expected_changes(area: str, compare_with: date) -> dict:
    with session_scope() as session:
        scope = _scope(area, DEMO_TODAY)
        data = comparison(session, scope, compare_with, None, quarters=0, with_points=False)
        overview = overview_changes(overview_report(session, scope),
                                    overview_report(session, replace(scope, as_of=compare_with)))
    return {"data": data, "overview": overview}


def test_cmp103_changing_the_compare_date_changes_the_deltas(duo):
    from selenium.webdriver.common.keys import Keys

    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    default = default_compare_date(DEMO_TODAY)
    first = _expected_changes(area, default)["data"]
    duo.wait_for_text_to_equal("#cmp-kpi-valid-change",
                               f"{signed(first.total_changes['valid_certificates'])} sinds vergelijkdatum",
                               timeout=20)
    duo.wait_for_contains_text("#cmp-compare-text", default.strftime("%d-%m-%Y"))

    # a year earlier: other changes, a longer list of events
    earlier = date(DEMO_TODAY.year - 1, DEMO_TODAY.month, DEMO_TODAY.day)
    second = _expected_changes(area, earlier)["data"]
    assert second.total_changes != first.total_changes
    picker = duo.find_element('input[id*="compare-date"]')
    picker.send_keys(Keys.CONTROL, "a")
    picker.send_keys(earlier.strftime("%d-%m-%Y"), Keys.ENTER)
    duo.wait_for_contains_text("#cmp-compare-text", earlier.strftime("%d-%m-%Y"), timeout=20)
    assert f"vergelijk={earlier.isoformat()}" in duo.driver.current_url
    for card, field in (("valid", "valid_certificates"), ("expired", "expired"), ("schools", "schools")):
        duo.wait_for_text_to_equal(f"#cmp-kpi-{card}-change",
                                   f"{signed(second.total_changes[field])} sinds vergelijkdatum")
    duo.wait_for_text_to_equal("#cmp-kpi-coverage-change",
                               f"{signed(second.total_changes['coverage'], percent=True)} sinds vergelijkdatum")
    kinds = second.change_summary.kinds
    duo.wait_for_contains_text("#cmp-change-summary", f"{kinds['certified']} school(en) gecertificeerd")
    duo.wait_for_contains_text("#cmp-change-summary", f"{kinds['phase']} faseovergang(en)")
    for m in second.municipalities:
        assert _cell(duo, m.cbs_code, "valid_certificates_delta") == signed(m.changes["valid_certificates"])
        intake = m.figures["in_trajectory_by_phase"]["intake"]
        change = m.changes["in_trajectory_by_phase"]["intake"]
        assert _cell(duo, m.cbs_code, "phase_intake") == (f"{intake} ({signed(change)})" if change else str(intake))

    # the overview keeps the compare date (navigation keeps it) and shows the same changes
    duo.find_element('#_pages_content')  # page present
    duo.driver.find_element("css selector", 'a.nav-link[href^="/?"]').click()
    duo.wait_for_element("#ov-kpi-valid-change", timeout=20)
    overview = _expected_changes(area, earlier)["overview"].totals
    since = earlier.strftime("%d-%m-%Y")
    duo.wait_for_text_to_equal("#ov-kpi-valid-change", f"{signed(overview['valid_certificates'])} sinds {since}")
    duo.wait_for_text_to_equal("#ov-kpi-expired-change", f"{signed(overview['expired'])} sinds {since}")
    assert f"vergelijk={earlier.isoformat()}" in duo.driver.current_url
    # changing the scope keeps the compare date in the URL
    _choose(duo, "#scope-sector", "Voortgezet onderwijs (vo)")
    duo.wait_for_contains_text("#scope-description", "voortgezet onderwijs", timeout=20)
    assert "sector=vo" in duo.driver.current_url and f"vergelijk={earlier.isoformat()}" in duo.driver.current_url
    assert duo.get_logs() == []


def test_cmp104_uploaded_boundaries_shade_the_map(duo, tmp_path):
    from services import boundaries

    area = region_key("Maastricht-Heuvelland")
    with session_scope() as session:
        data = comparison(session, _scope(area, DEMO_TODAY), default_compare_date(DEMO_TODAY), None, quarters=0)
    maastricht = next(m for m in data.municipalities if m.name == "Maastricht")
    lons = [p.lon for p in data.points if p.municipality == "Maastricht"]
    lats = [p.lat for p in data.points if p.municipality == "Maastricht"]
    ring = [[min(lons) - 0.01, min(lats) - 0.01], [max(lons) + 0.01, min(lats) - 0.01],
            [max(lons) + 0.01, max(lats) + 0.01], [min(lons) - 0.01, max(lats) + 0.01],
            [min(lons) - 0.01, min(lats) - 0.01]]
    source = tmp_path / "maastricht.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"identificatie": maastricht.cbs_code, "naam": "Maastricht"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}}]}))
    boundaries.boundaries_path().unlink(missing_ok=True)
    try:
        duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
        duo.wait_for_contains_text("#cmp-map-note", "Geen gemeentegrenzen", timeout=20)
        assert not [t for t in _plot(duo, "cmp-map") if t.get("meta") == "gebied"]   # bubbles, no areas
        duo.find_element("#cmp-boundaries-upload input[type=file]").send_keys(str(source))
        duo.wait_for_element("#cmp-boundaries-ok", timeout=20)
        duo.wait_for_contains_text("#cmp-map-note", "1 gemeente in dit gebied", timeout=20)
        traces = _plot(duo, "cmp-map")
        shaded = [t for t in traces if t.get("meta") == "gebied"]
        assert len(shaded) == 1 and shaded[0]["fill"] == "toself"   # one area, filled with its coverage class
        names = [t for t in traces if t.get("meta") == "namen"]
        assert len(names) == 1 and names[0]["text"] == ["Maastricht"]   # its name on the area
        hover = [t for t in traces if t.get("meta") == "gemeente"]
        assert [d[:2] for d in hover[0]["customdata"]] == [[maastricht.cbs_code, maastricht.figures["coverage"]]]
        assert duo.get_logs() == []
    finally:
        boundaries.boundaries_path().unlink(missing_ok=True)


def test_cmp105_status_and_phase_charts_add_up_to_the_cards_and_the_table(duo):
    """Issue 14: on Gemeenten the totals chart adds up to the cards, and each municipality's two bars
    (certificate status, trajectory phase) to its row of the table (two dates, two areas)."""
    from domain.status_phase import NO_TRAJECTORY, STATUS_BAR_LABELS

    for area in (region_key("Maastricht-Heuvelland"), region_key("Limburg")):
        for as_of in (DEMO_TODAY, date(2025, 6, 30)):
            duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied={area}&peildatum={as_of.isoformat()}")
            with session_scope() as session:
                data = comparison(session, _scope(area, as_of), default_compare_date(as_of), None, quarters=0,
                                  with_points=False)
            totals = data.totals
            duo.wait_for_text_to_equal("#cmp-kpi-schools", str(totals["schools"]), timeout=20)
            duo.wait_for_element("#cmp-status-chart .js-plotly-plot")
            bars: dict = {}
            for t in _plot(duo, "cmp-status-chart"):
                for label, n in zip(t["x"], t["y"], strict=True):
                    bars.setdefault(label, {})[t["meta"]] = n
            count = {s: sum(bars[label].values()) for s, label in STATUS_BAR_LABELS.items()}
            card = {k: duo.find_element(f"#cmp-kpi-{k}").text for k in
                    ("schools", "valid", "expiring", "expired", "in-trajectory")}
            assert str(sum(count.values())) == card["schools"]
            assert str(count["valid"] + count["expiring"]) == card["valid"]
            assert str(count["expiring"]) == card["expiring"] and str(count["expired"]) == card["expired"]
            in_trajectory = sum(n for phases in bars.values() for p, n in phases.items() if p != NO_TRAJECTORY)
            assert str(in_trajectory) == card["in-trajectory"]

            # per municipality: each side of the two-sided chart adds up to the row of the table
            duo.wait_for_element("#cmp-phase-chart .js-plotly-plot")
            first = data.municipalities[0]
            duo.wait_for_text_to_equal(CELL.format(code=first.cbs_code, col="schools"), str(first.schools))
            sums: dict = {}
            for t in _plot(duo, "cmp-phase-chart"):
                dimension, key = t["meta"].split(":")
                for code_count in t["customdata"]:
                    n, code = code_count
                    entry = sums.setdefault(code, {"status": 0, "phase": 0, "valid": 0, "in_trajectory": 0})
                    entry[dimension] += n
                    if dimension == "status" and key in ("valid", "expiring"):
                        entry["valid"] += n
                    if dimension == "phase" and key != NO_TRAJECTORY:
                        entry["in_trajectory"] += n
            for m in data.municipalities:
                if not m.schools:
                    continue
                shown = {f: int(_cell(duo, m.cbs_code, f)) for f in ("schools", "valid_certificates", "in_trajectory")}
                assert sums[m.cbs_code]["status"] == shown["schools"] == sums[m.cbs_code]["phase"], m.name
                assert sums[m.cbs_code]["valid"] == shown["valid_certificates"], m.name
                assert sums[m.cbs_code]["in_trajectory"] == shown["in_trajectory"], m.name
    assert duo.get_logs() == []


def test_cmp106_the_country_per_province_and_a_click_opens_the_province(duo, monkeypatch):
    """Many municipalities (the whole country; here the limit lowered to the demo's size): the coverage,
    phase and approach charts show one bar or row per province with its own figures; choosing a
    municipality adds it and its peers among them; a province's link or bar opens the page for it, per
    municipality, with the rest of the selection kept."""
    from selenium.webdriver.common.by import By

    from components import municipality_charts

    monkeypatch.setattr(municipality_charts, "PER_AREA_ABOVE", 5)
    compare = default_compare_date(DEMO_TODAY)
    with session_scope() as session:
        data = comparison(session, _scope("nl", DEMO_TODAY), compare, None, quarters=0, with_points=False)
    assert len(data.municipalities) > 5 and len(data.areas) > 1
    by_id = {a.cbs_code: a for a in data.areas}
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied=nl&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#cmp-coverage-chart .js-plotly-plot", timeout=30)
    bars = _plot(duo, "cmp-coverage-chart")[0]
    shown = {a.cbs_code for a in data.areas if a.schools}
    assert set(bars["ids"]) == shown
    for bar_id, x, custom in zip(bars["ids"], bars["x"], bars["customdata"], strict=True):
        area = by_id[bar_id]
        assert (x, custom) == (area.figures["coverage"], [area.figures["valid_certificates"], area.schools])
    from components.grid import ROWS_IN_VIEW  # the table scrolls past this many rows
    assert ("640px" in duo.find_element("#cmp-grid").get_attribute("style")) == (
        len(data.municipalities) > ROWS_IN_VIEW)
    phase_rows = set(_plot(duo, "cmp-phase-chart")[0]["y"])
    assert phase_rows == {f"Provincie {a.name}" for a in data.areas}
    assert set(_plot(duo, "cmp-approach-chart")[0]["y"]) == phase_rows

    # choosing Maastricht: its bar and its peers' among the provinces, the provinces muted
    _choose(duo, "#cmp-peer-kind", "Zelfde regio")
    _choose(duo, "#cmp-target", "Maastricht")
    duo.wait_for_contains_text("#cmp-peer-text", "Maastricht (blauw)")
    with session_scope() as session:
        infos = municipality_infos(session, {m.cbs_code for m in data.municipalities},
                                   {m.cbs_code: m.schools for m in data.municipalities})
    target = next(m.cbs_code for m in infos if m.name == "Maastricht")
    region_peers = set(peers(target, infos, "region"))
    wait_until(lambda: target in _plot(duo, "cmp-coverage-chart")[0]["ids"])
    bars = _plot(duo, "cmp-coverage-chart")[0]
    colours = dict(zip(bars["ids"], bars["marker"]["color"], strict=True))
    assert set(colours) == shown | {target} | region_peers
    assert colours[target] == TARGET_COLOUR and {colours[c] for c in region_peers} == {PEER_COLOUR}
    assert "<b>Maastricht</b>" in _plot(duo, "cmp-approach-chart")[0]["y"]
    wait_until(lambda: "<b>Maastricht</b>" in _plot(duo, "cmp-phase-chart")[0]["y"])

    def bar_ids() -> set:
        """The coverage chart's bars; none while the page's graph still waits for its figure."""
        return set(duo.driver.execute_script(
            "const p = document.querySelector('#cmp-coverage-chart .js-plotly-plot');"
            "return p && p.data && p.data.length ? p.data[0].ids : [];"))

    # the link of Limburg opens Gemeenten for Limburg, per municipality
    limburg = next(a for a in data.areas if a.name == "Limburg")
    link = duo.find_element(f'#cmp-drill-links a[href*="gebied={limburg.area_key}"]')
    assert link.text == "Limburg" and f"peildatum={DEMO_TODAY.isoformat()}" in link.get_attribute("href")
    duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", link)
    wait_until(lambda: f"gebied={limburg.area_key}" in duo.driver.current_url)
    with session_scope() as session:
        province = comparison(session, _scope(limburg.area_key, DEMO_TODAY), compare, None, quarters=0,
                              with_points=False)
    wait_until(lambda: bar_ids() == {m.cbs_code for m in province.municipalities if m.schools})
    assert duo.find_element("#cmp-drill-links").text == ""
    assert sum(m.schools for m in province.municipalities) == limburg.schools

    # the back button shows the country again
    duo.driver.back()
    wait_until(lambda: "gebied=nl" in duo.driver.current_url)
    wait_until(lambda: shown <= bar_ids())
    # a click on a province's bar (the country opened afresh: nothing chosen) opens that province
    duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied=nl&peildatum={DEMO_TODAY.isoformat()}")
    wait_until(lambda: bar_ids() == shown)
    other = next(a for a in data.areas if a.schools and a.name != "Limburg")
    from selenium.webdriver.common.action_chains import ActionChains

    def opened() -> bool:
        return f"gebied={other.area_key}" in duo.driver.current_url

    def click_its_bar() -> bool:
        """Click the province's bar like a user; again when the chart was drawn anew or moved under the
        pointer (an earlier click that opened the province only after the wait, on a loaded machine, counts;
        one that opened another province goes back to the country first)."""
        ids = _plot(duo, "cmp-coverage-chart")[0]["ids"]
        if opened() or other.cbs_code not in ids:   # the province's page is (being) drawn already
            wait_until(opened, timeout=10)
            return True
        bar = duo.driver.find_elements(By.CSS_SELECTOR, "#cmp-coverage-chart .trace.bars .point")[
            ids.index(other.cbs_code)]
        duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", bar)
        ActionChains(duo.driver).move_to_element(bar).click().perform()
        try:
            wait_until(opened, timeout=5)
            return True
        except AssertionError:
            if "gebied=nl" not in duo.driver.current_url:   # the chart moved under the pointer: another one
                duo.wait_for_page(f"{duo.server_url}/gemeenten?gebied=nl&peildatum={DEMO_TODAY.isoformat()}")
                wait_until(lambda: bar_ids() == shown)
            return False

    assert any(click_its_bar() for _ in range(3))
    wait_until(lambda: other.name in duo.find_element("#scope-area").text)   # the scope bar follows
    assert duo.get_logs() == []

"""Issue 14, the meeting room: the Gemeenten map without boundaries draws each municipality as a labelled
bubble with its coverage (and tells only the beheerder how to load boundaries); a municipality has
one colour on Gemeenten and on Planning."""
from __future__ import annotations

import uuid

from conftest import DEMO_TODAY, USERS, choose, login, region_key, start, wait_until
from sqlalchemy import select

from components.theme import municipality_colour
from domain import clock
from domain.dates import add_months
from domain.scope import Scope, parse_area_key
from models import Region
from models.db import session_scope
from services import boundaries, planning
from services.auth import get_user
from services.municipality_comparison import map_data
from services.permissions import principal_for

COMMAND_WORDS = ("vios ", "boundaries download", "GeoJSON")


def _plot(duo, graph_id: str) -> list:
    return duo.driver.execute_script(
        f"const e = document.querySelector('#{graph_id} .js-plotly-plot'); return e ? e.data : null;") or []


def _map_bubbles(duo) -> dict[str, dict]:
    """cbs_code -> {name, coverage, schools} of the drawn bubbles (traces meta 'gemeente')."""
    out = {}
    for trace in _plot(duo, "cmp-map"):
        if trace.get("meta") == "gemeente":
            for code, coverage, shown, schools, name in trace["customdata"]:
                assert code not in out, f"two bubbles for {code}"
                out[code] = {"name": name, "coverage": coverage, "shown": shown, "schools": schools}
    return out


def test_mtg001_map_bubbles_per_municipality_and_no_command_for_a_steering_member(dash_duo, dash_app):
    boundaries.boundaries_path().unlink(missing_ok=True)
    start(dash_duo, dash_app)
    login(dash_duo, USERS["stuurgroeplid"][0])
    area = region_key("Parkstad Limburg")
    dash_duo.wait_for_page(f"{dash_duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    dash_duo.wait_for_contains_text("#cmp-map-note", "Geen gemeentegrenzen", timeout=30)
    wait_until(lambda: _map_bubbles(dash_duo), timeout=30)
    region_id, province_id = parse_area_key(area)
    with session_scope() as session:
        user = principal_for(session, get_user(session, USERS["stuurgroeplid"][0]))
        data = map_data(session, Scope(as_of=DEMO_TODAY, region_id=region_id, province_id=province_id), user)
    placed = {p.municipality_code for p in data.points}
    schools = {m.cbs_code: m.schools for m in data.infos}
    drawn = _map_bubbles(dash_duo)
    assert set(drawn) == placed and len(placed) >= 5
    for code, bubble in drawn.items():
        name, coverage = data.coverage[code]
        assert bubble["name"] == name and bubble["coverage"] == coverage and bubble["schools"] == schools[code]
    # the names are drawn as text on the figure, the largest municipality's among them, none covering another
    # (those that would are left to the hover)
    texts = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('#cmp-map .textpoint text')].map(t => {"
        "const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.top, r.right, r.bottom]; })")
    shown = [t[0] for t in texts]
    assert data.coverage[max(placed, key=lambda c: schools[c])][0] in shown
    assert len(shown) == len(set(shown)) and set(shown) <= {data.coverage[c][0] for c in placed}
    for i, (_, left, top, right, bottom) in enumerate(texts):
        assert not [t[0] for t in texts[i + 1:] if t[1] < right and left < t[3] and t[2] < bottom and top < t[4]]
    page = dash_duo.find_element("#_pages_content").text
    assert not [w for w in COMMAND_WORDS if w in page], page
    assert not dash_duo.driver.find_elements("css selector", "#cmp-boundaries-upload input[type=file]:enabled")
    assert dash_duo.get_logs() == []


def test_mtg002_the_beheerder_is_told_how_to_load_boundaries(dash_duo, dash_app):
    boundaries.boundaries_path().unlink(missing_ok=True)
    start(dash_duo, dash_app)
    login(dash_duo, USERS["beheerder"][0])
    area = region_key("Maastricht-Heuvelland")
    dash_duo.wait_for_page(f"{dash_duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    dash_duo.wait_for_contains_text("#cmp-map-note", "vios boundaries download", timeout=30)
    dash_duo.wait_for_element("#cmp-boundaries-upload input[type=file]")


def _new_tranche(region_name: str) -> str:
    with session_scope() as session:
        region_id = session.scalar(select(Region.id).where(Region.name == region_name))
        admin = principal_for(session, get_user(session, USERS["beheerder"][0]))
        name = f"Kleurtranche {uuid.uuid4().hex[:6]}"
        tranche = planning.create_tranche(session, admin, region_id, name, add_months(clock.today(), 9), 3)
        tranche_id = tranche.id
    from pages.planning._common import tranche_options

    with session_scope() as session:
        admin = principal_for(session, get_user(session, USERS["beheerder"][0]))
        options = tranche_options(planning.future_tranches(session, admin, region_id, DEMO_TODAY))
    return next(o["label"] for o in options if o["value"] == tranche_id)


def test_mtg003_a_municipality_has_one_colour_on_gemeenten_and_planning(dash_duo, dash_app):
    label = _new_tranche("Maastricht-Heuvelland")
    start(dash_duo, dash_app)
    login(dash_duo, USERS["coordinator"][0])
    area = region_key("Maastricht-Heuvelland")
    dash_duo.wait_for_page(f"{dash_duo.server_url}/gemeenten?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    wait_until(lambda: [t for t in _plot(dash_duo, "cmp-series-chart") if t.get("meta")], timeout=30)
    on_gemeenten = {t["meta"]: t["line"]["color"] for t in _plot(dash_duo, "cmp-series-chart") if t.get("meta")}
    assert len(on_gemeenten) >= 5 and all(on_gemeenten[c] == municipality_colour(c) for c in on_gemeenten)
    legend = dash_duo.driver.find_elements("css selector", "#cmp-series-chart .legend .traces")
    assert len(legend) >= len(on_gemeenten)   # every line has a legend entry

    dash_duo.wait_for_page(f"{dash_duo.server_url}/planning?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    dash_duo.wait_for_element("#plan-tranche")
    choose(dash_duo, "#plan-tranche", label)
    wait_until(lambda: [t for t in _plot(dash_duo, "plan-coverage-chart") if t.get("meta")], timeout=30)
    on_planning = {t["meta"]: t["line"]["color"] for t in _plot(dash_duo, "plan-coverage-chart") if t.get("meta")}
    shared = set(on_gemeenten) & set(on_planning)
    assert len(shared) >= 5
    assert {c: on_planning[c] for c in shared} == {c: on_gemeenten[c] for c in shared}
    assert dash_duo.get_logs() == []

"""Browser tests of the planning page: proposal, removal with a reason, drafts, comparison,
confirmation (trajectories visible on the certification page), and the read-only view."""
from __future__ import annotations

import uuid

from conftest import DEMO_TODAY, USERS, choose, click, login, region_key, start
from sqlalchemy import select

from domain import clock
from domain.dates import add_months
from domain.scope import parse_area_key
from models.db import session_scope
from services import planning
from services.permissions import Principal


def _admin() -> Principal:
    return Principal(0, "t-admin", "beheerder")


def _new_tranche(capacity: int = 4) -> dict:
    """A fresh future tranche in Maastricht-Heuvelland (the shared demo DB is changed by other tests)."""
    region_id, _ = parse_area_key(region_key("Maastricht-Heuvelland"))
    name = f"Testtranche {uuid.uuid4().hex[:6]}"
    with session_scope() as session:
        tranche = planning.create_tranche(session, _admin(), region_id, name, add_months(clock.today(), 9), capacity)
        tranche_id = tranche.id
    with session_scope() as session:
        option = next(o for o in planning_options(session, region_id) if o["value"] == tranche_id)
    return {"id": tranche_id, "name": name, "label": option["label"], "region_id": region_id}


def planning_options(session, region_id):
    from pages.planning._common import tranche_options

    return tranche_options(planning.future_tranches(session, _admin(), region_id, DEMO_TODAY))


def _grid_codes(duo, grid: str) -> list[str]:
    return duo.driver.execute_script(
        "const out = []; dash_ag_grid.getApi(arguments[0]).forEachNode(n => out.push(n.data.code)); return out;", grid)


def _select(duo, grid: str, code: str) -> None:
    duo.driver.execute_script(
        "dash_ag_grid.getApi(arguments[0]).getRowNode(arguments[1]).setSelected(true, true);", grid, code)


def _open(duo, tranche: dict) -> None:
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/planning?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#plan-tranche")
    choose(duo, "#plan-tranche", tranche["label"])
    duo.wait_for_contains_text("#plan-tranche-info", "kandidaten")


def _codes(school_ids: list[int]) -> set[str]:
    from models import School

    with session_scope() as session:
        return set(session.scalars(select(School.code).where(School.id.in_(school_ids))))


def test_pln101_propose_remove_save_compare_confirm(duo):
    tranche = _new_tranche(capacity=4)
    with session_scope() as session:
        expected, _ = planning.make_proposal(session, _admin(), tranche["id"], DEMO_TODAY, weights={}, quotas={},
                                             items=[])
    expected_codes = _codes(planning.included(expected))
    assert len(expected_codes) == 4
    _open(duo, tranche)

    click(duo, "#plan-propose")
    duo.wait_for_contains_text("#plan-message", "Voorstel gemaakt: 4 scholen")
    duo.wait_for_text_to_equal("#plan-count", "4 van 4 vrije plaatsen gevuld")
    assert set(_grid_codes(duo, "plan-grid")) == expected_codes
    duo.wait_for_element("#plan-coverage-chart .main-svg")
    duo.wait_for_element("#plan-audit-chart .main-svg")

    # remove the first school: without a reason it is refused, with one it goes
    removed = sorted(expected_codes)[0]
    _select(duo, "plan-grid", removed)
    click(duo, "#plan-remove")
    duo.wait_for_contains_text("#plan-error", "reden")
    duo.find_element("#plan-reason").send_keys("Bestuur vraagt uitstel (test)")
    click(duo, "#plan-remove")
    duo.wait_for_contains_text("#plan-removed-list", "Bestuur vraagt uitstel (test)")
    duo.wait_for_text_to_equal("#plan-count", "3 van 4 vrije plaatsen gevuld")
    assert removed not in _grid_codes(duo, "plan-grid")

    duo.find_element("#plan-save-name").send_keys("Scenario A")
    click(duo, "#plan-save")
    duo.wait_for_contains_text("#plan-message", "Concept 'Scenario A' opgeslagen")

    # a new proposal fills the free place, never with the removed school
    click(duo, "#plan-propose")
    duo.wait_for_text_to_equal("#plan-count", "4 van 4 vrije plaatsen gevuld")
    in_b = set(_grid_codes(duo, "plan-grid"))
    assert removed not in in_b and len(in_b - expected_codes) == 1
    name_input = duo.find_element("#plan-save-name")
    name_input.clear()
    name_input.send_keys("Scenario B")
    click(duo, "#plan-save")
    duo.wait_for_contains_text("#plan-message", "Concept 'Scenario B' opgeslagen")

    choose(duo, "#plan-compare-a", "Scenario A (concept, 3 scholen)")
    choose(duo, "#plan-compare-b", "Scenario B (concept, 4 scholen)")
    click(duo, "#plan-compare-run")
    duo.wait_for_text_to_equal("#plan-compare-both", "3 scholen staan in beide plannen.")
    (new_code,) = in_b - expected_codes
    assert new_code in duo.find_element("#plan-compare-only-b").text
    assert duo.find_element("#plan-compare-only-a").text == "geen"
    duo.wait_for_element("#plan-compare-coverage")
    duo.wait_for_element("#plan-compare-audits")

    # confirm the saved draft B: four trajectories, the plan becomes read-only
    click(duo, "#plan-confirm")
    click(duo, "#plan-confirm-yes")
    duo.wait_for_contains_text("#plan-message", "4 trajecten aangemaakt")
    duo.wait_for_element("#plan-readonly")
    for button in ("#plan-propose", "#plan-add", "#plan-remove", "#plan-save", "#plan-confirm"):
        assert duo.find_element(button).get_attribute("disabled") is not None, button

    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/certificering?gebied={area}&peildatum={clock.today().isoformat()}")
    duo.wait_for_element("#cert-grid .ag-row")
    shown = duo.driver.execute_script(
        "const api = dash_ag_grid.getApi('cert-grid'); const out = {};"
        "api.forEachNode(n => out[n.data.code] = [n.data.tranche, n.data.phase_label]); return out;")
    for code in in_b:
        assert shown[code] == [tranche["name"], "Aangemeld"], code
    assert duo.get_logs() == []


def test_pln102_stuurgroeplid_reads_but_cannot_change(dash_duo, dash_app):
    tranche = _new_tranche(capacity=2)
    start(dash_duo, dash_app)
    login(dash_duo, USERS["stuurgroeplid"][0])
    _open(dash_duo, tranche)
    assert dash_duo.find_element("#plan-propose").get_attribute("disabled") is not None
    assert dash_duo.find_element("#plan-save").get_attribute("disabled") is not None
    dash_duo.wait_for_element("#plan-cand-grid .ag-row")
    assert dash_duo.get_logs() == []


def test_pln103_bestuurder_gets_no_planning(dash_duo, dash_app):
    start(dash_duo, dash_app)
    login(dash_duo, USERS["bestuurder"][0])
    assert "Planning" not in dash_duo.find_element(".navbar").text
    dash_duo.wait_for_page(f"{dash_duo.server_url}/planning")
    dash_duo.wait_for_element("#access-denied")
    assert dash_duo.get_logs() == []

"""Browser tests of the Netwerk page: pick a school, read its graph, open a node, end a partnership."""
from __future__ import annotations

import os
import time
from datetime import timedelta

from conftest import DEMO_TODAY, USERS, choose, click, login, region_key, start, wait_until
from sqlalchemy import select

from components.theme import pct
from models import Municipality, Region, School
from models.db import session_scope
from services import network
from services.auth import get_user
from services.permissions import principal_for

SHOTS = os.environ.get("VIOS_SCREENSHOTS")


def _admin_network(code: str):
    with session_scope() as session:
        admin = principal_for(session, get_user(session, USERS["beheerder"][0]))
        return network.school_network(session, admin, code, DEMO_TODAY)


def _schools(region: str = "Maastricht-Heuvelland") -> list[School]:
    with session_scope() as session:
        rid = session.scalar(select(Region.id).where(Region.name == region))
        return list(session.scalars(select(School).join(Municipality).where(Municipality.region_id == rid,
                                                                             School.active.is_(True))
                                    .order_by(School.code)))


def _pick(predicate) -> tuple[School, object]:
    for school in _schools():
        net = _admin_network(school.code)
        if predicate(net):
            return school, net
    raise AssertionError("no matching school in the demo")


def _graph(duo, graph_id: str = "net-graph") -> dict:
    """Node and edge ids drawn by cytoscape (read from the cytoscape instance in the page)."""
    return duo.driver.execute_script(
        "const el = document.getElementById(arguments[0]); const cy = el && el._cyreg && el._cyreg.cy;"
        "if (!cy) { return null; }"
        "return {nodes: cy.nodes().map(n => [n.id(), n.data('label')]), edges: cy.edges().map(e => e.id())};",
        graph_id)


def _wait_graph(duo, predicate, graph_id: str = "net-graph") -> dict:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(duo.driver, 15).until(lambda d: (lambda g: g if g and predicate(g) else None)(
        _graph(duo, graph_id)))


def _tap(duo, node_id: str, graph_id: str = "net-graph") -> None:
    """Click the node on the canvas at its rendered position (viewport coordinates), as a user does."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    duo.driver.execute_script(
        "document.getElementById(arguments[0]).scrollIntoView({block: 'center', behavior: 'instant'});", graph_id)
    script = ("const el = document.getElementById(arguments[0]); const p = el._cyreg.cy.$id(arguments[1])"
              ".renderedPosition(); const r = el.getBoundingClientRect(); return [r.left + p.x, r.top + p.y];")
    # wait until the preset layout has been fitted to the container (the position stops moving)
    previous = None
    for _ in range(20):
        x, y = duo.driver.execute_script(script, graph_id, node_id)
        if previous == (x, y):
            break
        previous = (x, y)
        time.sleep(0.3)
    actions = ActionBuilder(duo.driver)
    actions.pointer_action.move_to_location(int(x), int(y))
    actions.pointer_action.click()
    actions.perform()


def _choose_below_fold(duo, selector: str, label: str) -> None:
    """conftest.choose for a dropdown further down the page: scroll it into view first."""
    from selenium.webdriver.common.keys import Keys

    click(duo, selector)
    duo.wait_for_element(".dash-dropdown-search").send_keys(label)
    for option in duo.find_elements(".dash-dropdown-option"):
        if option.text == label:
            duo.driver.execute_script("arguments[0].click();", option)
            if duo.driver.find_elements("css selector", ".dash-dropdown-content"):
                duo.driver.find_element("tag name", "body").send_keys(Keys.ESCAPE)
            return
    raise AssertionError(f"no option {label!r} in {selector}")


def _open(duo, school: School) -> None:
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/netwerk?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    duo.wait_for_element("#net-school")
    label = f"{school.name} ({school.code}, {school.city or '–'})"
    choose(duo, "#net-school", label)
    duo.wait_for_contains_text("#net-school-title", school.code)


def _open_partner(duo, school, partner) -> None:
    """Open the school's graph and click the partner's organisation: its details show."""
    _open(duo, school)
    _wait_graph(duo, lambda g: f"o{partner.organisation_id}" in {n for n, _ in g["nodes"]})
    _tap(duo, f"o{partner.organisation_id}")
    duo.wait_for_text_to_equal("#net-detail-org", partner.organisation)


def test_net001_pick_a_school_and_see_its_partners_and_gaps(duo):
    school, net = _pick(lambda n: n.partners and n.missing)
    _open(duo, school)
    graph = _wait_graph(duo, lambda g: len(g["nodes"]) > 1)
    nodes = dict(graph["nodes"])
    assert {f"o{p.organisation_id}" for p in net.partners} | {f"s{net.school_id}"} | {
        f"g-{t}" for t in net.missing} == set(nodes)
    assert set(graph["edges"]) == {f"p{p.partnership_id}" for p in net.partners} | {f"ge-{t}" for t in net.missing}
    assert all(nodes[f"g-{t}"].startswith("ontbreekt: ") for t in net.missing)
    duo.wait_for_text_to_equal("#net-completeness", f"Compleet: {pct(net.share)}")
    gaps = duo.find_element("#net-gaps").text.lower()
    assert all(f"ontbreekt: {nodes[f'g-{t}'][len('ontbreekt: '):]}" in gaps for t in net.missing)
    # one click to the network as it was at the end of the previous quarter
    href = duo.find_element("#net-previous").get_attribute("href")
    assert href.endswith(f"peildatum=2026-09-30&school={school.code}")
    # contact persons on demand
    click(duo, "#net-show-contacts input")
    named = {p.contact_id for p in net.partners if p.contact_id}
    _wait_graph(duo, lambda g: {f"c{c}" for c in named} <= {n for n, _ in g["nodes"]})
    if SHOTS:
        duo.driver.save_screenshot(f"{SHOTS}/net-school.png")
    # the previous quarter: the same school preselected, the network at that date
    from datetime import date
    with session_scope() as session:
        admin = principal_for(session, get_user(session, USERS["beheerder"][0]))
        then = network.school_network(session, admin, school.code, date(2026, 9, 30))
    duo.wait_for_page(href)
    duo.wait_for_contains_text("#net-school-title", "30-09-2026")
    duo.wait_for_text_to_equal("#net-completeness", f"Compleet: {pct(then.share)}")
    _wait_graph(duo, lambda g: set(g["edges"]) == {f"p{p.partnership_id}" for p in then.partners} | {
        f"ge-{t}" for t in then.missing})
    assert duo.get_logs() == []


def test_net002_click_a_node_and_see_the_contact(duo):
    school, net = _pick(lambda n: any(p.contact_id for p in n.partners))
    partner = next(p for p in net.partners if p.contact_id)
    _open_partner(duo, school, partner)
    detail = duo.find_element(f"#net-detail-p{partner.partnership_id}").text
    assert partner.contact in detail and partner.contact_role in detail and partner.phone in detail
    assert partner.email in detail and "Rol in het netwerk" in detail
    assert partner.start_on.strftime("%d-%m-%Y") in detail
    if SHOTS:
        duo.driver.save_screenshot(f"{SHOTS}/net-detail.png")
    assert duo.get_logs() == []


def test_net003_end_a_partnership_the_edge_disappears_and_completeness_drops(duo):
    def single(n):  # a required type given by exactly one partnership
        return [p for p in n.partners if p.type in n.required and sum(q.type == p.type for q in n.partners) == 1]

    school, net = _pick(lambda n: single(n))
    partner = single(net)[0]
    _open(duo, school)
    _wait_graph(duo, lambda g: f"p{partner.partnership_id}" in g["edges"])
    duo.wait_for_text_to_equal("#net-completeness", f"Compleet: {pct(net.share)}")
    _tap(duo, f"o{partner.organisation_id}")
    duo.wait_for_element("#net-end-save")
    click(duo, "#net-end-save")
    duo.wait_for_element("#net-saved")
    graph = _wait_graph(duo, lambda g: f"p{partner.partnership_id}" not in g["edges"])
    assert f"g-{partner.type}" in {n for n, _ in graph["nodes"]}
    after = _admin_network(school.code)
    assert after.share < net.share and partner.type in after.missing
    duo.wait_for_text_to_equal("#net-completeness", f"Compleet: {pct(after.share)}")
    assert duo.get_logs() == []


def test_net004_area_analysis_matches_the_service(duo):
    area = region_key("Maastricht-Heuvelland")
    with session_scope() as session:
        admin = principal_for(session, get_user(session, USERS["beheerder"][0]))
        from domain.scope import Scope, parse_area_key
        net = network.scope_network(session, admin, Scope(as_of=DEMO_TODAY, region_id=parse_area_key(area)[0]))
        analysis = network.analyse(net)
    duo.wait_for_page(f"{duo.server_url}/netwerk?gebied={area}&peildatum={DEMO_TODAY.isoformat()}")
    tabs = duo.driver.find_elements("css selector", "#net-tabs .nav-link")
    tabs[1].click()
    duo.wait_for_contains_text("#net-area-summary", f"{len(net.schools)} scholen")
    _wait_graph(duo, lambda g: len(g["nodes"]) == len(net.schools) + len(net.organisations), "net-area-graph")
    first = duo.driver.execute_script(
        "const api = dash_ag_grid.getApi('net-load'); return api.getDisplayedRowAtIndex(0).data;")
    assert first["schools"] == analysis.load[0].schools
    spof = duo.driver.execute_script("return dash_ag_grid.getApi('net-spof').getDisplayedRowCount();")
    assert spof == len(analysis.failures)
    duo.wait_for_element("#net-heatmap .main-svg")
    if SHOTS:
        duo.driver.save_screenshot(f"{SHOTS}/net-area.png")
    assert duo.get_logs() == []


def test_net005_steering_member_sees_no_personal_data_and_no_editor(dash_duo, dash_app):
    start(dash_duo, dash_app)
    login(dash_duo, USERS["stuurgroeplid"][0])
    school, net = _pick(lambda n: any(p.contact_id and p.contact for p in n.partners))
    partner = next(p for p in net.partners if p.contact_id)
    _open(dash_duo, school)
    _wait_graph(dash_duo, lambda g: f"o{partner.organisation_id}" in {n for n, _ in g["nodes"]})
    _tap(dash_duo, f"o{partner.organisation_id}")
    dash_duo.wait_for_text_to_equal("#net-detail-org", partner.organisation)
    detail = dash_duo.find_element("#net-detail-body").text
    assert partner.contact not in detail and partner.phone not in detail
    assert not dash_duo.driver.find_elements("css selector", "#net-editor, #net-end-save")
    assert dash_duo.get_logs() == []


def test_net006_school_page_shows_the_compact_graph(duo):
    school, net = _pick(lambda n: n.partners and n.missing)
    partner = net.partners[0]
    duo.wait_for_page(f"{duo.server_url}/school/{school.code}?peildatum={DEMO_TODAY.isoformat()}")
    graph = _wait_graph(duo, lambda g: len(g["nodes"]) > 1, "school-net-graph")
    assert {f"o{p.organisation_id}" for p in net.partners} | {f"g-{t}" for t in net.missing} | {
        f"s{net.school_id}"} == {n for n, _ in graph["nodes"]}
    duo.wait_for_text_to_equal("#school-completeness", f"compleet: {pct(net.share)}")
    _tap(duo, f"o{partner.organisation_id}", "school-net-graph")
    duo.wait_for_text_to_equal("#net-detail-org", partner.organisation)
    if SHOTS:
        duo.driver.save_screenshot(f"{SHOTS}/net-schoolpage.png")
    assert duo.get_logs() == []


def test_net007_add_a_partnership_with_validation_and_see_it_at_once(duo):
    from models import Organisation, Partnership

    school, net = _pick(lambda n: n.missing)
    with session_scope() as session:
        admin = principal_for(session, get_user(session, USERS["beheerder"][0]))
        from services import partnerships
        options = partnerships.organisation_choices(session, admin, net.school_id)
        org = next(session.get(Organisation, o["value"]) for o in options
                   if session.get(Organisation, o["value"]).type in net.missing)
        option = next(o["label"] for o in options if o["value"] == org.id)
    _open(duo, school)
    _wait_graph(duo, lambda g: f"g-{org.type}" in {n for n, _ in g["nodes"]})
    _choose_below_fold(duo, "#net-add-org", option)
    start_input = duo.find_element("#net-add-start")
    start_input.clear()
    start_input.send_keys("31-02-2026")
    click(duo, "#net-add-save")
    duo.wait_for_contains_text("#net-form-error", "startdatum")
    assert "geen bestaande datum" in duo.find_element("#net-form-error").text
    start_input = duo.find_element("#net-add-start")
    start_input.clear()
    start_input.send_keys("01-11-2026")
    click(duo, "#net-add-save")
    duo.wait_for_element("#net-saved")
    with session_scope() as session:
        new = session.scalar(select(Partnership).where(Partnership.school_id == net.school_id,
                                                       Partnership.organisation_id == org.id)
                             .order_by(Partnership.id.desc()))
    graph = _wait_graph(duo, lambda g: f"p{new.id}" in g["edges"])
    assert f"g-{org.type}" not in {n for n, _ in graph["nodes"]}
    after = _admin_network(school.code)
    duo.wait_for_text_to_equal("#net-completeness", f"Compleet: {pct(after.share)}")
    assert after.share > net.share
    assert duo.get_logs() == []


def test_net008_end_a_contact_person_who_left(duo):
    from models import Contact

    school, net = _pick(lambda n: any(p.contact for p in n.partners))
    partner = next(p for p in net.partners if p.contact)
    _open_partner(duo, school, partner)
    click(duo, "#net-edit-form details summary")
    click(duo, "#net-contact-end")
    duo.wait_for_contains_text("#net-saved", "Contactpersoon beëindigd")
    with session_scope() as session:
        assert session.get(Contact, partner.contact_id).ended_on == DEMO_TODAY - timedelta(days=1)
    # at the as-of date the partnership is still there, without the person who left
    _tap(duo, f"o{partner.organisation_id}")
    duo.wait_for_text_to_equal("#net-detail-org", partner.organisation)
    wait_until(lambda: partner.contact not in duo.find_element(f"#net-detail-p{partner.partnership_id}").text)
    assert duo.get_logs() == []


def test_net009_record_at_a_past_peildatum_then_one_click_to_today(duo):
    """At a past peildatum a new partnership starts today (the clock): the page says it is not
    visible at that date and one click shows the network at today, with the new partner."""
    from datetime import date

    from models import Organisation, Partnership
    from services import partnerships

    past = date(2026, 6, 30)
    with session_scope() as session:
        admin = principal_for(session, get_user(session, USERS["beheerder"][0]))
        chosen = None
        for school in reversed(_schools()):   # from the end: other tests pick from the start
            net = network.school_network(session, admin, school.code, DEMO_TODAY)
            then = network.school_network(session, admin, school.code, past)
            options = partnerships.organisation_choices(session, admin, net.school_id)
            orgs = [session.get(Organisation, o["value"]) for o in options]
            org = next((o for o in orgs if o.type in net.missing and o.type in then.missing), None)
            if org is not None:
                chosen = (school, net, org, next(o["label"] for o in options if o["value"] == org.id))
                break
    assert chosen, "no school in the demo with a missing partner type"
    school, net, org, option = chosen
    area = region_key("Maastricht-Heuvelland")
    duo.wait_for_page(f"{duo.server_url}/netwerk?gebied={area}&peildatum={past.isoformat()}")
    duo.wait_for_element("#net-school")
    choose(duo, "#net-school", f"{school.name} ({school.code}, {school.city or '–'})")
    duo.wait_for_contains_text("#net-school-title", "30-06-2026")
    _wait_graph(duo, lambda g: f"g-{org.type}" in {n for n, _ in g["nodes"]})
    # the start date defaults to today, not to the page's peildatum
    assert duo.find_element("#net-add-start").get_attribute("value") == DEMO_TODAY.strftime("%d-%m-%Y")
    _choose_below_fold(duo, "#net-add-org", option)
    click(duo, "#net-add-save")
    duo.wait_for_contains_text("#net-after-as-of", "Let op: de wijziging gaat in op 23-11-2026, na de peildatum "
                                                   "30-06-2026; bij deze peildatum ziet u haar nog niet.")
    with session_scope() as session:
        new = session.scalar(select(Partnership).where(Partnership.school_id == net.school_id,
                                                       Partnership.organisation_id == org.id)
                             .order_by(Partnership.id.desc()))
    assert new.start_on == DEMO_TODAY
    # not visible at the past peildatum ...
    graph = _wait_graph(duo, lambda g: f"g-{org.type}" in {n for n, _ in g["nodes"]})
    assert f"p{new.id}" not in graph["edges"]
    # ... one click: the same area and school at today, with the new partner
    assert duo.find_element("#net-show-today").text == "Bekijk het netwerk op vandaag (23-11-2026)"
    click(duo, "#net-show-today")
    duo.wait_for_contains_text("#net-school-title", "23-11-2026")
    duo.wait_for_contains_text("#net-school-title", school.code)
    graph = _wait_graph(duo, lambda g: f"p{new.id}" in g["edges"])
    assert f"o{org.id}" in {n for n, _ in graph["nodes"]}
    url = duo.driver.current_url
    assert f"peildatum={DEMO_TODAY.isoformat()}" in url and f"gebied={area}" in url
    assert duo.get_logs() == []

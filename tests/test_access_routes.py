"""Access control without a browser: every route and callback through Flask's test client.

Unauthenticated requests get no data; logged-in users get only what their role allows,
also when they craft callback requests by hand.
"""
from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import background_calls
import openpyxl
import pytest
from conftest import PASSWORD, USERS, client_login, region_key
from sqlalchemy import func, select

from domain import clock
from models import AuditEntry, School
from models.db import session_scope
from services import audit

XSS = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def school_names(demo_db) -> list[str]:
    with session_scope() as session:
        return list(session.scalars(select(School.name)))


def _routes(app) -> list[tuple[str, str]]:
    """(method, concrete path) for every registered Flask rule; variables get a dummy value."""
    app.server.test_client().get("/login")  # Dash registers the pages callback on the first request
    found = []
    for rule in app.server.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", "x", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


def _payload(app, key: str, values: dict | None = None) -> dict:
    """A minimal /_dash-update-component body for a callback of app.callback_map."""
    spec = app.callback_map[key]
    values = values or {}

    def item(d):
        return {"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}

    outputs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]
    out = [{"id": _plain_id(o.component_id), "property": o.component_property.split("@")[0]} for o in outputs]
    return {"output": key, "outputs": out if len(out) > 1 else out[0],
            "inputs": [item(i) for i in spec["inputs"]], "state": [item(s) for s in spec["state"]],
            "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"]}


def _plain_id(component_id):
    if isinstance(component_id, dict):  # pattern-matching ids: wildcards become a plain value
        return {k: v if isinstance(v, (str, int)) else "x" for k, v in component_id.items()}
    return component_id


def _key(app, contains: str) -> str:
    return next(k for k in app.callback_map if contains in k)


def _call(client, app, contains: str, values: dict, trigger: str | None = None):
    """POST a callback like Dash's renderer: with the CSRF cookie's value in the X-CSRFToken header.
    trigger names the input that changed (default: the callback's first input)."""
    key = _key(app, contains)
    payload = _payload(app, key, values)
    if trigger is not None:
        payload["changedPropIds"] = [trigger]
    return _post(client, payload)


def _post(client, payload: dict):
    """POST a callback payload with the CSRF header, as Dash's renderer does for a logged-in user."""
    cookie = client.get_cookie("_csrf_token")
    return background_calls.post(client, payload, {"X-CSRFToken": cookie.value if cookie else ""})


def test_every_route_refuses_anonymous_requests(dash_app, client, school_names):
    open_routes = {"/login", "/vendor/bootstrap/x", "/healthz", "/ical/x.ics", "/toegankelijkheid"}
    for method, path in _routes(dash_app):
        response = client.open(path, method=method)
        body = response.get_data(as_text=True)
        if path in open_routes:
            continue
        assert response.status_code in (401, 302), (method, path, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), (method, path)
        assert not any(name in body for name in school_names), (method, path)
    # the open routes: the login form and only the stylesheet it needs
    assert client.get("/login").status_code == 200
    assert client.get("/vendor/bootstrap/bootstrap.min.css").status_code == 200
    assert client.get("/vendor/bootstrap/bootstrap.bundle.min.js").status_code == 401
    # and the health check for load balancers, which says only whether the database is ready
    assert set(client.get("/healthz").get_json()) == {"status", "database", "schema"}
    # the calendar feed is authenticated by the token in its path: without a valid one, nothing
    feed = client.get("/ical/x.ics")
    assert feed.status_code == 404 and not any(name in feed.get_data(as_text=True) for name in school_names)
    # and the accessibility statement (public, as the Dutch rule expects): fixed text, no data
    statement = client.get("/toegankelijkheid")
    assert statement.status_code == 200
    assert not any(name in statement.get_data(as_text=True) for name in school_names)


def test_every_callback_refuses_anonymous_requests(dash_app, client, school_names):
    client.get("/login")
    assert dash_app.callback_map
    for key, spec in dash_app.callback_map.items():
        if spec.get("callback") is None:  # a clientside callback: it never reaches the server
            continue
        response = client.post("/_dash-update-component", json=_payload(dash_app, key))
        assert response.status_code == 401, key
        assert not any(name in response.get_data(as_text=True) for name in school_names)
    for path in ("/_dash-layout", "/_dash-dependencies", "/_reload-hash"):
        assert client.get(path).status_code == 401, path


def test_login_refuses_a_post_without_or_with_a_wrong_csrf_token(client):
    user = USERS["beheerder"][0]
    response = client.post("/login", data={"username": user, "password": PASSWORD})
    assert response.status_code == 400 and "beveiligingscode" in response.get_data(as_text=True)
    client.get("/login")
    response = client.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": "x" * 43})
    assert response.status_code == 400
    assert client.get("/").status_code == 302   # still not logged in


def test_callbacks_need_the_csrf_header(dash_app, client):
    client_login(client, USERS["beheerder"][0])
    key = _key(dash_app, "data-export-download.data")
    payload = _payload(dash_app, key, {"data-export.n_clicks": 1, "data-export-personal.value": []})
    for headers in ({}, {"X-CSRFToken": "x" * 43}):
        response = client.post("/_dash-update-component", json=payload, headers=headers)
        assert response.status_code == 403 and "Beveiligingscode" in response.get_data(as_text=True)
    cookie = client.get_cookie("_csrf_token")
    assert cookie is not None and not cookie.http_only and cookie.same_site == "Lax"
    response = client.post("/_dash-update-component", json=payload, headers={"X-CSRFToken": cookie.value})
    assert response.status_code == 200


def test_responses_forbid_framing_and_sniffing(client):
    headers = client.get("/login").headers
    assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"


def _session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))


def test_login_sets_a_hardened_cookie_and_redirects_only_locally(client):
    page = client.get("/login?next=//evil.example/x").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": USERS["beheerder"][0],
                                           "password": PASSWORD, "next": "//evil.example/x"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    cookie = _session_cookie(response)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie   # plain HTTP without VIOS_HTTPS=1
    assert client.get("/").status_code == 200
    # logging out needs the token too
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    layout = client.get("/_dash-layout").get_data(as_text=True)
    value = re.search(r'"value":\s*"([^"]+)",\s*"type":\s*"hidden",\s*"name":\s*"csrf_token"', layout).group(1)
    response = client.post("/logout", data={"csrf_token": value})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/").status_code == 302


def test_secure_cookie_over_https(dash_app):
    client = dash_app.server.test_client()
    page = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", base_url="https://localhost",
                           data={"csrf_token": token, "username": USERS["beheerder"][0], "password": PASSWORD})
    assert "Secure" in _session_cookie(response)
    assert all("Secure" in c for c in response.headers.getlist("Set-Cookie"))  # the CSRF cookie too


def test_five_wrong_passwords_lock_the_account(client, demo_db):
    from services import auth

    with session_scope() as session:
        auth.create_user(session, username="t-lockout", role="beheerder", password=PASSWORD, actor="tests")
    for _ in range(5):
        response = client_login(client, "t-lockout", "Verkeerd-wachtwoord-1")
        assert response.status_code == 200 and 'id="login-error"' in response.get_data(as_text=True)
    response = client_login(client, "t-lockout", PASSWORD)
    assert response.status_code == 200 and "geblokkeerd" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    with session_scope() as session:
        actions = set(session.scalars(select(AuditEntry.action).where(AuditEntry.username == "t-lockout")))
    assert {"login_failed", "lockout"} <= actions


def test_coordinator_cannot_read_another_region_through_the_pages_callback(dash_app, client):
    client_login(client, USERS["coordinator"][0])
    other = _another_region("Maastricht-Heuvelland")
    response = _call(client, dash_app, "_pages_content.children", {
        "_pages_location.pathname": "/", "_pages_location.search": f"?gebied={other}&peildatum=2026-11-23"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Geen toegang" in body and "ov-kpi-schools" not in body and "ov-municipality-grid" not in body
    # the own region works
    own = region_key("Maastricht-Heuvelland")
    body = _call(client, dash_app, "_pages_content.children", {
        "_pages_location.pathname": "/", "_pages_location.search": f"?gebied={own}&peildatum=2026-11-23"}
    ).get_data(as_text=True)
    assert "ov-kpi-schools" in body and "Geen toegang" not in body
    # the whole country and the admin page are refused as well
    body = _call(client, dash_app, "_pages_content.children", {
        "_pages_location.pathname": "/", "_pages_location.search": "?gebied=nl"}).get_data(as_text=True)
    assert "Geen toegang" in body and "ov-kpi-schools" not in body
    body = _call(client, dash_app, "_pages_content.children", {
        "_pages_location.pathname": "/beheer", "_pages_location.search": ""}).get_data(as_text=True)
    assert "Geen toegang" in body and "admin-users" not in body
    # the scope bar refuses a forbidden area too (no URL change)
    response = _call(client, dash_app, "scope-area.value", {"url.search": "", "scope-area.value": other})
    assert response.status_code == 204 or other not in response.get_data(as_text=True)


def _another_region(own: str) -> str:
    from models import Region

    with session_scope() as session:
        return f"r{session.scalar(select(Region.id).where(Region.name != own).order_by(Region.id))}"


def _workbook_upload(tmp_path: Path, rows: list[dict]) -> str:
    from conftest import schools_workbook

    content = schools_workbook(tmp_path / "import.xlsx", rows).read_bytes()
    return "data:application/octet-stream;base64," + base64.b64encode(content).decode()


def _school_row(code: str, name: str) -> dict:
    return {"brin_vestiging": code, "naam": name, "sector": "vo", "gemeente_cbs": "GM0935",
            "postcode": "6211 AB", "plaats": "Maastricht", "actief": "ja"}


def _school_count() -> int:
    with session_scope() as session:
        return session.scalar(select(func.count(School.id)))


def _import_values(contents: str, kind: str = "exchange") -> dict:
    return {"data-confirm.n_clicks": 1, "data-upload.contents": contents, "data-upload.filename": "i.xlsx",
            "data-kind.value": kind, "data-sector.value": "vo", "data-partial.value": []}


def test_stuurgroeplid_and_bestuurder_cannot_import(dash_app, tmp_path):
    contents = _workbook_upload(tmp_path, [_school_row("95ZZ00", "Mag niet erin")])
    before = _school_count()
    for role in ("stuurgroeplid", "bestuurder"):
        client = dash_app.server.test_client()
        client_login(client, USERS[role][0])
        response = _call(client, dash_app, "data-rejects-download.data", _import_values(contents))
        assert response.status_code == 200 and "voorbehouden aan de beheerder" in response.get_data(as_text=True)
        response = _call(client, dash_app, "data-preview.children", _import_values(contents))
        assert "voorbehouden aan de beheerder" in response.get_data(as_text=True)
    assert _school_count() == before


def _municipality_outside(region: str) -> str:
    from models import Municipality, Region

    with session_scope() as session:
        return session.scalar(select(Municipality.cbs_code).join(Region, Municipality.region_id == Region.id)
                              .where(Region.name != region).order_by(Municipality.id))


def test_coordinator_imports_only_rows_of_their_own_region(dash_app, client, tmp_path):
    client_login(client, USERS["coordinator"][0])
    outside = {**_school_row("93ZZ01", "Buiten de regio"), "gemeente_cbs": _municipality_outside(
        "Maastricht-Heuvelland")}
    contents = _workbook_upload(tmp_path, [_school_row("93ZZ00", "Eigen regio"), outside])
    before = _school_count()
    body = _call(client, dash_app, "data-rejects-download.data", _import_values(contents)).get_data(as_text=True)
    assert "uw eigen regio" in body and re.search(r'"children":\s*3,', body)  # refused with its line
    assert _school_count() == before  # all or nothing
    # the own region's row alone is imported and audited field by field
    contents = _workbook_upload(tmp_path, [_school_row("93ZZ00", "Eigen regio")])
    body = _call(client, dash_app, "data-rejects-download.data", _import_values(contents)).get_data(as_text=True)
    assert "data-import-done" in body and _school_count() == before + 1
    with session_scope() as session:
        school_id = session.scalar(select(School.id).where(School.code == "93ZZ00"))
        fields = {field: new for e in session.scalars(select(AuditEntry).where(
            AuditEntry.entity == "school", AuditEntry.entity_id == str(school_id),
            AuditEntry.username == USERS["coordinator"][0])) for field, _, new in audit.expand(e)}
    assert fields["name"] == "Eigen regio" and fields["code"] == "93ZZ00"
    # the national DUO register stays the beheerder's, even through a crafted request
    duo = "data:text/csv;base64," + base64.b64encode(b"x").decode()
    body = _call(client, dash_app, "data-rejects-download.data", _import_values(duo, "duo")).get_data(as_text=True)
    assert "alleen de beheerder" in body and "data-import-done" not in body


def test_admin_import_is_audited(dash_app, client, tmp_path):
    client_login(client, USERS["beheerder"][0])
    contents = _workbook_upload(tmp_path, [_school_row("94ZZ00", "Auditschool")])
    response = _call(client, dash_app, "data-rejects-download.data", {
        "data-confirm.n_clicks": 1, "data-upload.contents": contents, "data-upload.filename": "audit.xlsx",
        "data-kind.value": "exchange", "data-partial.value": []})
    assert "data-import-done" in response.get_data(as_text=True)
    with session_scope() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "import")
                                .order_by(AuditEntry.id.desc())).first()
        created = [(e.action, old) for e in session.scalars(select(AuditEntry).where(AuditEntry.entity == "school"))
                   for field, old, new in audit.expand(e) if (field, new) == ("name", "Auditschool")]
    assert entry.username == USERS["beheerder"][0] and entry.entity == "bestand" and "audit.xlsx" in entry.detail
    assert created == [("create", None)]


def test_bestuurder_export_is_refused_and_others_get_their_regions_without_personal_data(dash_app):
    client = dash_app.server.test_client()
    client_login(client, USERS["bestuurder"][0])
    response = _call(client, dash_app, "data-export-download.data",
                     {"data-export.n_clicks": 1, "data-export-personal.value": []})
    body = json.loads(response.get_data(as_text=True))["response"]
    assert body["data-export-download"]["data"] is None
    assert "Geen" in json.dumps(body["data-export-message"]) or "schoolbestuurder" in json.dumps(body)

    client = dash_app.server.test_client()
    client_login(client, USERS["stuurgroeplid"][0])
    response = _call(client, dash_app, "data-export-download.data",
                     {"data-export.n_clicks": 1, "data-export-personal.value": []})
    download = json.loads(response.get_data(as_text=True))["response"]["data-export-download"]["data"]
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download["content"])), read_only=True)
    names = [s.title for s in workbook.worksheets]
    assert "scholen" in names and "contactpersonen" not in names
    for sheet in workbook.worksheets:
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        assert "contactpersoon" not in header and "vastgelegd_door" not in header, sheet.title
    exported = sum(1 for row in workbook["scholen"].iter_rows(min_row=2, values_only=True) if row and row[0])
    assert 0 < exported < _school_count()   # only the schools of the readable regions

    client = dash_app.server.test_client()
    client_login(client, USERS["coordinator"][0])
    response = _call(client, dash_app, "data-export-download.data",
                     {"data-export.n_clicks": 1, "data-export-personal.value": []})
    download = json.loads(response.get_data(as_text=True))["response"]["data-export-download"]["data"]
    workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(download["content"])), read_only=True)
    assert "contactpersonen" in [s.title for s in workbook.worksheets]


def test_non_admins_cannot_use_the_admin_callbacks(dash_app):
    client = dash_app.server.test_client()
    client_login(client, USERS["coordinator"][0])
    response = _call(client, dash_app, "admin-add-result.children", {
        "admin-add.n_clicks": 1, "admin-new-username.value": "t-sneaky", "admin-new-role.value": "beheerder"})
    assert "Geen toegang" in response.get_data(as_text=True)
    response = _call(client, dash_app, "admin-audit.children", {"admin-changed.data": 0})
    assert "Geen toegang" in response.get_data(as_text=True) and "login" not in response.get_data(as_text=True)
    from services import auth

    with session_scope() as session:
        assert auth.get_user(session, "t-sneaky") is None


def test_user_text_is_rendered_as_text(dash_app, client):
    """A name with markup travels as a plain string child, never as HTML."""
    client_login(client, USERS["beheerder"][0])
    response = _call(client, dash_app, "admin-add-result.children", {
        "admin-add.n_clicks": 1, "admin-new-username.value": "t-xss", "admin-new-name.value": XSS,
        "admin-new-role.value": "coordinator", "admin-new-scope.value": region_key("Maastricht-Heuvelland")})
    assert "admin-new-password" in response.get_data(as_text=True)
    body = _call(client, dash_app, "admin-users.children", {"admin-changed.data": 1}).get_data(as_text=True)
    assert "dangerously_allow_html" not in body
    cells = [c for c in _strings(json.loads(body)["response"]["admin-users"]["children"]) if "script" in c]
    assert XSS in cells                         # a table cell whose text is the name, verbatim
    # no module of the app ever renders HTML from data
    root = Path(__file__).resolve().parents[1]
    for file in [root / "app.py", *(root / "pages").glob("*.py"), *(root / "components").glob("*.py")]:
        assert "dangerously_allow_html" not in file.read_text(encoding="utf-8"), file


def _strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [s for item in node for s in _strings(item)]
    if isinstance(node, dict):
        return _strings(node.get("props", {}).get("children")) if "props" in node else []
    return []


def test_only_local_paths_are_followed_after_login():
    from web.login import safe_next

    for bad in ("//evil.example", "/\\evil.example", "https://evil.example/", "evil", "", None, "/\x00x",
                "\\\\evil"):
        assert safe_next(bad) == "/", bad
    assert safe_next("/gegevens?gebied=r1") == "/gegevens?gebied=r1"


def test_audit_log_export_for_admins_only(dash_app):
    client = dash_app.server.test_client()
    client_login(client, USERS["beheerder"][0])
    response = _call(client, dash_app, "admin-audit-download.data", {"admin-audit-export.n_clicks": 1})
    download = json.loads(response.get_data(as_text=True))["response"]["admin-audit-download"]["data"]
    text = base64.b64decode(download["content"]).decode("utf-8-sig")
    assert text.startswith("tijdstip (UTC);gebruiker;actie") and "login" in text

    client = dash_app.server.test_client()
    client_login(client, USERS["stuurgroeplid"][0])
    response = _call(client, dash_app, "admin-audit-download.data", {"admin-audit-export.n_clicks": 1})
    body = json.loads(response.get_data(as_text=True))["response"]
    assert body["admin-audit-download"]["data"] is None and "Geen toegang" in json.dumps(body)


def test_planning_callbacks_refuse_other_regions_and_read_only_roles(dash_app):
    """A coordinator of Maastricht-Heuvelland cannot plan another region's tranche by crafting
    requests; a stuurgroeplid cannot save; a bestuurder sees nothing."""

    from domain.dates import add_months
    from domain.scope import parse_area_key
    from models import Municipality, Tranche
    from services import planning
    from services.permissions import Principal

    admin = Principal(0, "t-admin", "beheerder")
    own_key, other_key = region_key("Maastricht-Heuvelland"), _another_region("Maastricht-Heuvelland")
    with session_scope() as session:
        tranches = {}
        for key in (own_key, other_key):
            region_id = parse_area_key(key)[0]
            tranches[key] = planning.create_tranche(session, admin, region_id, f"Toegangstest {key}",
                                                    add_months(clock.today(), 10), 3).id
        other_school = session.scalar(select(School.id).join(Municipality).where(
            Municipality.region_id == parse_area_key(other_key)[0]))
    plans_before = _count_plans()
    search = f"?gebied={own_key}&peildatum=2026-11-23"   # the selection comes from the URL

    def action(button: str, values: dict):
        """The planning callback of one user action (one callback per button)."""
        key = next(k for k, spec in dash_app.callback_map.items()
                   if any(i["id"] == button for i in spec["inputs"]))
        return _post(client, _payload(dash_app, key, {**values, "url.search": search})).get_data(as_text=True)

    client = dash_app.server.test_client()
    client_login(client, USERS["coordinator"][0])
    for button in ("plan-propose", "plan-save"):
        body = action(button, {"plan-save-name.value": "sneaky",
                               "plan-work.data": {"tranche_id": tranches[other_key], "items": []}})
        assert "Geen toegang" in body, button
    # the own tranche with a forged school of another region is refused too
    body = action("plan-save", {
        "plan-save-name.value": "vervalst",
        "plan-work.data": {"tranche_id": tranches[own_key],
                           "items": [{"school_id": other_school, "source": "proposal", "reason": ""}]}})
    assert "geen kandidaat" in body
    # creating a tranche in another region through a forged selection in the URL
    search = f"?gebied={other_key}"
    body = action("plan-new-create", {
        "plan-new-name.value": "sneaky", "plan-new-start.date": add_months(clock.today(), 6).isoformat(),
        "plan-new-capacity.value": 3})
    assert "Geen toegang" in body
    search = f"?gebied={own_key}&peildatum=2026-11-23"
    # reading another region's tranche
    body = _call(client, dash_app, "plan-grid.rowData", {
        "plan-work.data": {"tranche_id": tranches[other_key], "items": []}, "url.search": search},
        "plan-work.data").get_data(as_text=True)
    assert "Geen toegang" in body

    client = dash_app.server.test_client()
    client_login(client, USERS["stuurgroeplid"][0])
    body = action("plan-save", {"plan-save-name.value": "stuur",
                                "plan-work.data": {"tranche_id": tranches[own_key], "items": []}})
    assert "Geen toegang" in body

    client = dash_app.server.test_client()
    client_login(client, USERS["bestuurder"][0])
    body = _call(client, dash_app, "plan-grid.rowData", {
        "plan-work.data": {"tranche_id": tranches[own_key], "items": []}, "url.search": search},
        "plan-work.data").get_data(as_text=True)
    assert "Geen toegang" in body and "plan-count" not in body
    body = _call(client, dash_app, "_pages_content.children", {
        "_pages_location.pathname": "/planning", "_pages_location.search": f"?gebied={own_key}"}).get_data(as_text=True)
    assert "Geen toegang" in body and "plan-propose" not in body
    assert _count_plans() == plans_before
    with session_scope() as session:
        assert session.scalar(select(func.count(Tranche.id)).where(Tranche.name == "sneaky")) == 0


def _count_plans() -> int:
    from models import TranchePlan

    with session_scope() as session:
        return session.scalar(select(func.count(TranchePlan.id)))

def _partnership_in(region: str, *, inside: bool) -> int:
    from models import Municipality, Partnership, Region

    with session_scope() as session:
        rid = session.scalar(select(Region.id).where(Region.name == region))
        cond = Municipality.region_id == rid if inside else Municipality.region_id != rid
        return session.scalar(select(Partnership.id).join(School).join(Municipality)
                              .where(cond, Partnership.end_on.is_(None)).order_by(Partnership.id))


def _call_by_input(client, app, output: str, input_id: str, values: dict, changed: str | None = None):
    """Call the callback with this output whose first input is input_id (several share an output);
    `changed` names the input that fired (default: the first)."""
    key = next(k for k in app.callback_map if output in k and app.callback_map[k]["inputs"][0]["id"] == input_id)
    payload = _payload(app, key, values)
    if changed:
        payload["changedPropIds"] = [changed]
    return _post(client, payload)


def test_network_callbacks_refuse_crafted_requests(dash_app):
    """A coordinator of one region cannot end, change or add partnerships elsewhere, nor read other schools."""
    from models import Partnership

    client = dash_app.server.test_client()
    client_login(client, USERS["coordinator"][0])
    other = _partnership_in("Maastricht-Heuvelland", inside=False)
    with session_scope() as session:
        before = session.get(Partnership, other)
        other_code = session.get(School, before.school_id).code
        org_id, end_before = before.organisation_id, before.end_on
    body = _call_by_input(client, dash_app, "net-detail.children@", "net-end-save", {
        "net-end-save.n_clicks": 1, "net-edit-partnership.value": other, "net-end-date.value": "01-01-2026",
        "net-selected.data": {"organisation_id": org_id}}, "net-end-save.n_clicks").get_data(as_text=True)
    assert "Geen toegang" in body
    body = _call_by_input(client, dash_app, "net-detail.children@", "net-org-end", {
        "net-org-end.n_clicks": 1, "net-end-date.value": "01-01-2026",
        "net-selected.data": {"organisation_id": org_id}}, "net-org-end.n_clicks").get_data(as_text=True)
    assert "Geen toegang" in body
    body = _call_by_input(client, dash_app, "net-detail.children@", "net-edit-save", {
        "net-edit-save.n_clicks": 1, "net-edit-partnership.value": other, "net-edit-role.value": "advies",
        "net-edit-agreements.value": "gehackt"}).get_data(as_text=True)
    assert "Geen toegang" in body
    body = _call_by_input(client, dash_app, "net-message.children", "net-add-save", {
        "net-add-save.n_clicks": 1, "net-school.value": other_code, "net-add-org.value": org_id,
        "net-add-role.value": "advies", "net-add-start.value": "01-01-2026"}).get_data(as_text=True)
    assert "Geen toegang" in body
    with session_scope() as session:
        after = session.get(Partnership, other)
        assert after.end_on == end_before and after.agreements != "gehackt" and after.role == before.role
    # reading: the graph, the node details and the school search of another region
    body = _call(client, dash_app, "net-graph.elements", {"net-school.value": other_code}).get_data(as_text=True)
    assert "Geen toegang" in body and f"o{org_id}" not in body
    body = _call(client, dash_app, "school-net-detail.children", {
        "school-net-graph.tapNodeData": {"id": f"o{org_id}"}, "school-code.data": other_code}).get_data(as_text=True)
    assert "Geen toegang" in body
    body = _call(client, dash_app, "school-net-detail.children", {   # an unknown school: not found
        "school-net-graph.tapNodeData": {"id": f"o{org_id}"}, "school-code.data": "99ZZ99"}).get_data(as_text=True)
    assert "School 99ZZ99 is niet gevonden." in body and "Geen toegang" not in body
    body = _call(client, dash_app, "net-school.options", {"net-school.search_value": other_code}).get_data(
        as_text=True)
    assert other_code not in body


def test_network_personal_data_only_for_coordinator_and_admin(dash_app):
    from models import Contact, Partnership

    pid = _partnership_in("Maastricht-Heuvelland", inside=True)
    with session_scope() as session:
        p = session.get(Partnership, pid)
        if p.contact_id is None:
            p = session.scalar(select(Partnership).where(Partnership.contact_id.is_not(None),
                                                         Partnership.end_on.is_(None)))
        code, org_id = session.get(School, p.school_id).code, p.organisation_id
        contact = session.get(Contact, p.contact_id)
    for role, visible in (("stuurgroeplid", False), ("coordinator", True)):
        client = dash_app.server.test_client()
        client_login(client, USERS[role][0])
        body = _call_by_input(client, dash_app, "net-detail.children@", "net-graph", {
            "net-graph.tapNodeData": {"id": f"o{org_id}"}, "net-school.value": code,
            "url.search": "?peildatum=2026-11-23"}).get_data(as_text=True)
        if role == "stuurgroeplid" and "Geen toegang" in body:
            continue   # a steering member of another province may not read the school at all
        assert (contact.name in body) == visible and (contact.phone in body) == visible, role

def _school_codes_in(region_name: str | None, *, outside: bool = False) -> set[str]:
    from models import Municipality, Region

    with session_scope() as session:
        query = select(School.code).join(Municipality).join(Region)
        condition = Region.name != region_name if outside else Region.name == region_name
        return set(session.scalars(query.where(condition)))


def test_gemeenten_page_and_map_refuse_another_region(dash_app, client):
    client_login(client, USERS["coordinator"][0])
    other = _another_region("Maastricht-Heuvelland")
    body = _call(client, dash_app, "_pages_content.children", {
        "_pages_location.pathname": "/gemeenten", "_pages_location.search": f"?gebied={other}"}
    ).get_data(as_text=True)
    assert "Geen toegang" in body and "cmp-grid" not in body
    # a crafted map request for the other region gets nothing
    response = _call(client, dash_app, "cmp-map.figure", {
        "url.search": f"?gebied={other}&peildatum=2026-11-23", "cmp-map-style.value": "white-bg"})
    assert response.status_code == 204
    # the own region: only its own schools on the school map ...
    own = region_key("Maastricht-Heuvelland")
    body = _call(client, dash_app, "cmp-map.figure", {
        "url.search": f"?gebied={own}&peildatum=2026-11-23", "cmp-map-style.value": "open-street-map"}
    ).get_data(as_text=True)
    assert any(code in body for code in _school_codes_in("Maastricht-Heuvelland"))
    assert not any(f'"{code}"' in body for code in _school_codes_in("Maastricht-Heuvelland", outside=True))
    # ... and only its own municipalities on the meeting-room map
    body = _call(client, dash_app, "cmp-map.figure", {
        "url.search": f"?gebied={own}&peildatum=2026-11-23", "cmp-map-style.value": "white-bg"}
    ).get_data(as_text=True)
    assert any(f'"{code}"' in body for code in _municipality_codes_in("Maastricht-Heuvelland"))
    assert not any(f'"{code}"' in body for code in _municipality_codes_in("Maastricht-Heuvelland", outside=True))


def _municipality_codes_in(region_name: str, *, outside: bool = False) -> set[str]:
    from models import Municipality, Region

    with session_scope() as session:
        condition = Region.name != region_name if outside else Region.name == region_name
        return set(session.scalars(select(Municipality.cbs_code).join(Region).where(condition)))


def test_only_a_beheerder_loads_boundaries_and_it_is_audited(dash_app):
    from services import boundaries

    square = [[[5.6, 50.8], [5.7, 50.8], [5.7, 50.9], [5.6, 50.8]]]
    geojson = json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": "0935", "naam": XSS},
         "geometry": {"type": "Polygon", "coordinates": square}}]})
    contents = "data:application/geo+json;base64," + base64.b64encode(geojson.encode()).decode()
    values = {"cmp-boundaries-upload.contents": contents, "cmp-boundaries-upload.filename": "g.geojson"}
    path = boundaries.boundaries_path()
    assert not path.exists()
    for role in ("coordinator", "stuurgroeplid", "bestuurder"):
        client = dash_app.server.test_client()
        client_login(client, USERS[role][0])
        body = _call(client, dash_app, "cmp-boundaries-result.children", values).get_data(as_text=True)
        assert "Alleen een beheerder" in body
    assert not path.exists()
    client = dash_app.server.test_client()
    client_login(client, USERS["beheerder"][0])
    try:
        body = _call(client, dash_app, "cmp-boundaries-result.children", values).get_data(as_text=True)
        assert "1 gemeente opgeslagen" in body and path.exists()
        with session_scope() as session:
            entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "gemeentegrenzen")
                                    .order_by(AuditEntry.id.desc())).first()
        assert entry.username == USERS["beheerder"][0] and entry.new_value == "1 gemeente"
        body = _call(client, dash_app, "cmp-boundaries-result.children",
                     {**values, "cmp-boundaries-upload.contents": "data:x;base64,bm90IGpzb24="}).get_data(as_text=True)
        assert "geen geldige JSON" in body
    finally:
        path.unlink(missing_ok=True)   # the browser tests start without boundaries


def test_a_gemeenten_highlight_reads_the_drawn_figures_and_refuses_changed_ones(dash_app):
    """A highlight uploads only the data version and compare date the page drew (not its figures): the
    server reads the user's own comparison, gives the chosen municipality's and its peers' rows their roles
    and names the peers; after a write (another user, an import) or for another compare date the page is
    told its figures changed, and nothing is patched."""
    from datetime import timedelta

    from domain.dates import format_nl
    from domain.scope import Scope
    from models import Province
    from pages.municipalities import _charts
    from services import auth, permissions
    from services.municipality_comparison import comparison

    since = clock.today() - timedelta(days=90)
    with session_scope() as session:
        shown = _charts.drawn(session, since)
        principal = permissions.principal_for(session, auth.get_user(session, USERS["stuurgroeplid"][0]))
        limburg = session.scalars(select(Province.id).where(Province.name == "Limburg")).one()
        rows = comparison(session, Scope(as_of=clock.today(), province_id=limburg), since, principal,
                          with_points=False, with_changes=False).municipalities
    client = dash_app.server.test_client()
    client_login(client, USERS["stuurgroeplid"][0])
    values = {"cmp-target.value": "GM0935", "cmp-peer-kind.value": "region", "cmp-phase-mode.value": "absolute",
              "cmp-drawn.data": shown, "url.search": f"?vergelijk={format_nl(since)}"}

    def highlight(changed: dict) -> dict:
        response = _call(client, dash_app, "cmp-peer-text.children", {**values, **changed})
        assert response.status_code == 200
        return response.get_json()["response"]

    answer = highlight({})
    assert answer["cmp-peer-text"]["children"].startswith("Maastricht (blauw) met zelfde regio (oranje): ")
    roles = answer["cmp-roles"]["data"]
    peers = sorted(code for code, role in roles["of"].items() if role == "peer")
    assert roles["rest"] == "other" and roles["of"]["GM0935"] == "target" and peers
    assert set(roles["of"]) <= {m.cbs_code for m in rows}
    names = {m.cbs_code: m.name for m in rows}
    assert answer["cmp-peer-text"]["children"].endswith(", ".join(sorted(names[c] for c in peers)) + ".")

    with session_scope() as session:
        other_date = _charts.drawn(session, since - timedelta(days=1))
    stale = highlight({"cmp-drawn.data": other_date})
    assert stale == {"cmp-peer-text": {"children": _charts.STALE}}
    with session_scope() as session:
        school = session.scalars(select(School).order_by(School.id)).first()
        school.name = school.name + " "   # any write raises the data version
    assert highlight({}) == {"cmp-peer-text": {"children": _charts.STALE}}


def test_gemeenten_callbacks_survive_every_role_and_junk_input(dash_app):
    """Every callback of the Gemeenten page and the compare date, as every role, with empty and junk
    values: an answer or 'nothing to do', never a server error."""
    keys = [k for k, spec in dash_app.callback_map.items()   # a clientside callback never reaches the server
            if spec.get("callback") is not None
            and ("cmp-" in k or any("compare-date" in str(i["id"]) for i in spec["inputs"]))]
    assert len(keys) >= 5
    junk = {"cmp-drawn.data": {"version": [1], "compare_with": "nope"},
            "cmp-target.value": {"a": 1}, "cmp-peer-kind.value": "colour", "cmp-map-style.value": "http://x",
            "cmp-boundaries-upload.contents": "garbage", "url.search": "?vergelijk=31-02-2026"}
    for role, (username, _scope) in USERS.items():
        client = dash_app.server.test_client()
        client_login(client, username)
        for key in keys:
            for values in ({}, junk):
                response = _post(client, _payload(dash_app, key, values))
                assert response.status_code in (200, 204), (role, key, response.status_code)

"""Sessions that end on the server, login throttling per address, audit rows that cannot flood,
and the hardening headers (issue 13: findings 5 and the Hardening bullet), through Flask's test client."""
from __future__ import annotations

import base64
import hashlib
import re

import flask
import pytest
from conftest import PASSWORD, USERS, client_login
from sqlalchemy import func, select

from models import AuditEntry
from models.db import session_scope
from services import auth, login_throttle
from web import login as web_login

OUTSIDE = "203.0.113.9"  # an address on the internet, not the user's


def _client(dash_app, address: str = "127.0.0.1"):
    client = dash_app.server.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _logged_in(dash_app, username: str):
    client = _client(dash_app)
    assert client_login(client, username).status_code == 302
    assert client.get("/").status_code == 200
    return client


def _replay(dash_app, cookie: str):
    """A new browser that only has the saved session cookie."""
    other = _client(dash_app)
    other.set_cookie("session", cookie)
    return other


def _logout(client) -> None:
    layout = client.get("/_dash-layout").get_data(as_text=True)
    token = re.search(r'"value":\s*"([^"]+)",\s*"type":\s*"hidden",\s*"name":\s*"csrf_token"', layout).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def _make_user(username: str) -> None:
    with session_scope() as session:
        if auth.get_user(session, username) is None:
            auth.create_user(session, username=username, role="coordinator", password=PASSWORD, actor="tests")


# ---------------------------------------------------------------- sessions end on the server

def test_a_copied_cookie_no_longer_works_after_logout(dash_app):
    _make_user("t-logout")
    client = _logged_in(dash_app, "t-logout")
    saved = client.get_cookie("session").value
    assert _replay(dash_app, saved).get("/").status_code == 200  # the copy works while logged in
    _logout(client)
    replay = _replay(dash_app, saved)
    assert replay.get("/").status_code == 302
    assert replay.get("/_dash-layout").status_code == 401
    with session_scope() as session:
        assert "logout" in set(session.scalars(select(AuditEntry.action).where(AuditEntry.username == "t-logout")))
    # logging in again works
    assert client_login(_client(dash_app), "t-logout").status_code == 302


def test_disable_and_enable_end_every_earlier_session(dash_app):
    _make_user("t-disable")
    client = _logged_in(dash_app, "t-disable")
    saved = client.get_cookie("session").value
    with session_scope() as session:
        auth.disable_user(session, "t-disable", actor="tests")
        auth.enable_user(session, "t-disable", actor="tests")
    assert _replay(dash_app, saved).get("/").status_code == 302
    assert client.get("/").status_code == 302


def test_a_new_password_ends_every_earlier_session(dash_app):
    _make_user("t-newpass")
    client = _logged_in(dash_app, "t-newpass")
    saved = client.get_cookie("session").value
    with session_scope() as session:
        auth.set_password(session, "t-newpass", "Een-nieuw-wachtwoord-9", actor="tests")
    assert _replay(dash_app, saved).get("/").status_code == 302


# ---------------------------------------------------------------- throttling

def test_an_outside_address_cannot_lock_the_owner_out(dash_app):
    _make_user("t-victim")
    attacker = _client(dash_app, OUTSIDE)
    for _ in range(auth.MAX_FAILED_ATTEMPTS + 2):
        assert client_login(attacker, "t-victim", "Verkeerd-wachtwoord-1").status_code == 200
    # the account is locked for the attacker's address, even with the right password ...
    assert client_login(attacker, "t-victim", PASSWORD).status_code == 200
    # ... but not for the owner at another address
    assert client_login(_client(dash_app, "192.0.2.20"), "t-victim").status_code == 302
    with session_scope() as session:
        details = list(session.scalars(select(AuditEntry.detail).where(
            AuditEntry.username == "t-victim", AuditEntry.action == "lockout")))
    assert len(details) == 1 and OUTSIDE in details[0]


def test_an_address_with_many_failures_is_refused_for_every_account(dash_app):
    _make_user("t-spray")
    sprayer = _client(dash_app, "198.51.100.7")
    for i in range(login_throttle.ADDRESS_LIMIT):
        client_login(sprayer, f"iemand-{i}", "Verkeerd-wachtwoord-1")
    response = client_login(sprayer, "t-spray", PASSWORD)
    assert response.status_code == 200 and 'id="login-error"' in response.get_data(as_text=True)
    assert client_login(_client(dash_app, "198.51.100.8"), "t-spray").status_code == 302  # elsewhere: fine


def test_failed_logins_cannot_flood_the_audit_log(dash_app):
    _make_user("t-flood")
    for n in range(12):  # 36 guesses from 12 addresses: none reaches a limit
        guesser = _client(dash_app, f"192.0.2.{100 + n}")
        for _ in range(3):
            client_login(guesser, "t-flood", "Verkeerd-wachtwoord-1")
    unknown = _client(dash_app, "192.0.2.99")
    for i in range(10):
        client_login(unknown, f"onbekend-{i}", "Verkeerd-wachtwoord-1")
    with session_scope() as session:
        def count(*where):
            return session.scalar(select(func.count()).select_from(AuditEntry).where(*where))
        assert count(AuditEntry.username == "t-flood", AuditEntry.action == "login_failed") == 1
        assert count(AuditEntry.username.like("onbekend-%"), AuditEntry.action == "login_failed") == 1


def test_throttle_window_and_block_in_the_service(engine):
    from datetime import UTC, datetime, timedelta

    from sqlmodel import Session

    t0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    with Session(engine) as session:
        auth.create_user(session, username="anna", role="coordinator", password=PASSWORD, actor="t")
        for i in range(auth.MAX_FAILED_ATTEMPTS):
            auth.authenticate(session, "anna", "Verkeerd-wachtwoord-1", now=t0 + timedelta(seconds=i), address="a")
        assert auth.authenticate(session, "anna", PASSWORD, now=t0 + timedelta(minutes=10), address="a") is None
        assert auth.authenticate(session, "anna", PASSWORD, now=t0 + timedelta(minutes=10), address="b") is not None
        assert not auth.is_locked(auth.get_user(session, "anna"), t0)  # the account itself is not locked
        assert auth.authenticate(session, "anna", PASSWORD, now=t0 + timedelta(minutes=16), address="a") is not None
        # failures further apart than the window do not add up
        for i in range(auth.MAX_FAILED_ATTEMPTS):
            auth.authenticate(session, "anna", "Verkeerd-wachtwoord-1", now=t0 + timedelta(minutes=20 * (i + 1)),
                              address="a")
        assert auth.authenticate(session, "anna", PASSWORD, now=t0 + timedelta(minutes=101), address="a") is not None


# ---------------------------------------------------------------- headers

def test_authenticated_responses_are_not_cached(dash_app):
    assert "no-store" in _client(dash_app).get("/login").headers.get("Cache-Control", "")
    client = _logged_in(dash_app, USERS["beheerder"][0])
    for path in ("/", "/_dash-layout", "/_dash-dependencies", "/netwerk"):
        assert client.get(path).headers.get("Cache-Control") == "no-store", path


def _inline_scripts(html: str) -> list[str]:
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)  # Dash's IE notice sits in a conditional comment
    return [m.group(2) for m in re.finditer(r"<script(\s[^>]*)?>(.*?)</script>", html, re.S)
            if "src=" not in (m.group(1) or "") and "application/json" not in (m.group(1) or "")]


def test_the_csp_allows_only_own_scripts_and_dash_inline_scripts(dash_app):
    client = _logged_in(dash_app, USERS["beheerder"][0])
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    sources = directives["script-src"].split()
    assert sources[0] == "'self'" and "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    inline = _inline_scripts(response.get_data(as_text=True))
    assert inline, "Dash's renderer starts from an inline script"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in sources
    assert "Content-Security-Policy" in client.get("/login").headers


@pytest.mark.parametrize("proxy", ["1", None])
def test_proxy_fix_only_when_configured(monkeypatch, proxy):
    if proxy is None:
        monkeypatch.delenv("VIOS_PROXY", raising=False)
    else:
        monkeypatch.setenv("VIOS_PROXY", proxy)
    server = flask.Flask("proxy-test")
    web_login.install(server)
    response = server.test_client().get("/login", headers={"X-Forwarded-Proto": "https",
                                                           "X-Forwarded-For": "203.0.113.5"})
    secure = all("Secure" in c for c in response.headers.getlist("Set-Cookie"))
    assert response.headers.getlist("Set-Cookie") and secure == (proxy == "1")


def test_the_debugger_only_in_development_on_loopback(tmp_path):
    from vios_cli import run

    from web.server import unsafe_configuration

    assert unsafe_configuration(host="127.0.0.1", dev=True, workers=1, threads=1) == []
    assert unsafe_configuration(host="localhost", dev=True, workers=1, threads=1) == []
    assert unsafe_configuration(host="0.0.0.0", dev=True, workers=1, threads=1)
    result = run(tmp_path / "x.db", "serve", "--dev", "--host", "0.0.0.0")
    assert result.returncode == 1 and "0.0.0.0" in result.stderr and "debugger" in result.stderr

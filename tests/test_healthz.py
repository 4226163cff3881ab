"""GET /healthz: public, small, and 503 when the database is unreachable or its schema is not the newest."""
from __future__ import annotations

from conftest import PASSWORD, USERS, client_login

from web import health


def test_healthz_answers_without_login_with_the_schema_revision(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "schema": health.newest_revision()}
    assert (health.newest_revision() or "") >= "0005"
    assert response.headers["Cache-Control"] == "no-store"
    client_login(client, USERS["beheerder"][0], PASSWORD)
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_healthz_is_503_when_the_schema_is_behind(client, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'not-migrated.db'}")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "ok", "schema": None,
                                   "schema_expected": health.newest_revision()}


def test_healthz_is_503_when_the_database_is_unreachable(client, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no-such-folder' / 'x.db'}")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unreachable", "schema": None}


def test_healthz_is_the_only_new_open_path(client):
    assert client.get("/healthz/x").status_code in (302, 401, 404)
    assert client.get("/_dash-layout").status_code == 401

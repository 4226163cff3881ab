"""The one request context: selection from the URL, one session, the same Dutch refusals everywhere."""
from __future__ import annotations

import flask
import pytest
from dash import html

from services.errors import NotFound
from services.permissions import PermissionDenied
from tests.conftest import DEMO_TODAY, USERS
from web.request_context import page_layout, parse_search, request_context


def _principal(dash_app, role: str):
    from models.db import session_scope
    from services import auth, permissions

    with session_scope() as session:
        return permissions.principal_for(session, auth.get_user(session, USERS[role][0]))


def test_parse_search_ignores_what_is_not_a_query():
    assert parse_search("?gebied=r1&peildatum=2026-01-02") == {"gebied": "r1", "peildatum": "2026-01-02"}
    assert parse_search(None) == {} and parse_search(["?x=1"]) == {}


def test_selection_is_read_once_from_the_url_and_checked(dash_app):
    coordinator = _principal(dash_app, "coordinator")
    with dash_app.server.test_request_context("/"):
        flask.g.principal = coordinator
        with request_context("?peildatum=2026-06-30&sector=vo") as request:
            assert request.scope.as_of.isoformat() == "2026-06-30" and request.scope.sector == "vo"
            assert request.scope.region_id is not None  # the coordinator's own region by default
            assert request.scope is request.scope  # parsed once
            assert request.compare_choice.on.isoformat() == "2026-03-30"  # no meetings: three months back
        with request_context("?peildatum=31-02-2026") as request:
            assert request.scope.as_of == DEMO_TODAY and request.warnings
        with request_context("?gebied=nl") as request, pytest.raises(PermissionDenied):
            request.scope  # noqa: B018 - a coordinator may not read the whole country


def test_nobody_logged_in_is_refused(dash_app):
    with dash_app.server.test_request_context("/"):
        flask.g.principal = None
        with pytest.raises(PermissionDenied, match="niet ingelogd"), request_context(None):
            pass


def test_page_layout_turns_refusals_into_the_same_dutch_page(dash_app):
    @page_layout("Proefpagina")
    def layout(request):
        if request.query.get("wat") == "weg":
            raise NotFound("School 99ZZ00")
        request.scope  # noqa: B018
        return html.P("ok")

    with dash_app.server.test_request_context("/"):
        flask.g.principal = _principal(dash_app, "stuurgroeplid")
        assert "niet gevonden" in str(layout(wat="weg"))
        assert "Geen toegang" in str(layout(gebied="nl"))
        assert "ok" in str(layout())


def test_a_busy_database_gets_a_dutch_message_and_nothing_is_saved(dash_app, tmp_path, monkeypatch):
    """Another writer holds SQLite's lock: the callback's answer says so in Dutch, no 500, nothing half-done."""
    import sqlite3

    from dash import Input, Output
    from sqlalchemy import select

    from models import Province
    from models.db import make_engine, session_scope
    from services.migrate import upgrade
    from web.request_context import BUSY, page_callback

    admin = _principal(dash_app, "beheerder")
    url = f"sqlite:///{tmp_path / 'busy.db'}"
    monkeypatch.setenv("VIOS_DB_BUSY_TIMEOUT", "0.2")
    upgrade(make_engine(url))
    monkeypatch.setenv("DATABASE_URL", url)

    @page_callback(Output("busy-out", "children"), Input("busy-in", "n_clicks"), on_refusal=lambda m: m)
    def write(request, _n):
        request.session.add(Province(name="Busyland"))
        request.session.flush()
        return "opgeslagen"

    holder = sqlite3.connect(tmp_path / "busy.db")
    holder.execute("BEGIN IMMEDIATE")  # the other writer (a long import)
    try:
        with dash_app.server.test_request_context("/"):
            flask.g.principal = admin
            assert write(1, "") == BUSY
    finally:
        holder.rollback()
        holder.close()
    with dash_app.server.test_request_context("/"):
        flask.g.principal = admin
        assert write(1, "") == "opgeslagen"  # once the other writer is done, the same save goes through
    with session_scope() as session:
        assert session.scalars(select(Province).where(Province.name == "Busyland")).all() != []

"""Beheer > Gemeentegrenzen downloaden: a real background job (diskcache manager, its own process) fetches
the boundaries from an OGC API (here a local server standing in for PDOK), shows which page it fetches,
then stores and audits them; a refusal for other roles, a Dutch message when the download fails."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import background_calls
import pytest
from conftest import USERS, client_login
from sqlmodel import select

from models import AuditEntry
from models.db import session_scope

FEATURES = {"type": "FeatureCollection", "links": [], "features": [
    {"type": "Feature", "properties": {"statcode": "GM0935", "statnaam": "Maastricht"},
     "geometry": {"type": "Polygon", "coordinates": [[[5.6, 50.8], [5.7, 50.8], [5.7, 50.9], [5.6, 50.8]]]}},
    {"type": "Feature", "properties": {"statcode": "GM0888", "statnaam": "Beek"},
     "geometry": {"type": "Polygon", "coordinates": [[[5.7, 50.9], [5.8, 50.9], [5.8, 51.0], [5.7, 50.9]]]}},
]}


class _Ogc(BaseHTTPRequestHandler):
    def do_GET(self):
        time.sleep(1.2)  # a slow server: the progress shows the page being fetched
        body = json.dumps(FEATURES).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/geo+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):
        pass


@pytest.fixture
def ogc_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ogc)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/items?f=json"
    server.shutdown()
    server.server_close()


def _stored_here(monkeypatch, tmp_path):
    """The boundaries file of this test (the job, forked from this process, sees the same function)."""
    from services import boundaries

    path = tmp_path / "gemeentegrenzen.geojson"
    monkeypatch.setattr(boundaries, "boundaries_path", lambda: path)
    return path


def _download(client, dash_app, progress=None):
    return background_calls.call(client, dash_app, "admin-boundaries-result.children",
                                 {"admin-boundaries-download.n_clicks": 1}, progress=progress).get_data(as_text=True)


def test_the_beheerder_downloads_the_boundaries_in_the_background(dash_app, ogc_server, monkeypatch, tmp_path):
    monkeypatch.setenv("VIOS_BOUNDARIES_URL", ogc_server)
    stored = _stored_here(monkeypatch, tmp_path)
    client = dash_app.server.test_client()
    client_login(client, USERS["beheerder"][0])
    progress: list = []
    answer = _download(client, dash_app, progress)
    assert "2 gemeenten opgeslagen (1 pagina('s) opgehaald)" in answer
    assert {"admin-boundaries-progress.value": 25, "admin-boundaries-progress.label": "Pagina 1 ophalen"} in progress
    assert stored.exists()
    with session_scope() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "boundaries")).all()[-1]
    assert entry.username == USERS["beheerder"][0] and ogc_server in entry.detail


def test_others_are_refused_and_a_failed_download_says_so_in_dutch(dash_app, monkeypatch, tmp_path):
    stored = _stored_here(monkeypatch, tmp_path)
    coordinator = dash_app.server.test_client()
    client_login(coordinator, USERS["coordinator"][0])
    assert "Alleen een beheerder mag gemeentegrenzen downloaden" in _download(coordinator, dash_app)
    monkeypatch.setenv("VIOS_BOUNDARIES_URL", "http://127.0.0.1:9/niets")  # nothing listens there
    admin = dash_app.server.test_client()
    client_login(admin, USERS["beheerder"][0])
    assert "Downloaden mislukt" in _download(admin, dash_app)
    assert not stored.exists()

"""The production shape of background work: `vios serve` (gunicorn) with REDIS_URL and a real Celery
worker (`celery -A web.celery_app:celery_app worker`), both started here against this module's demo
database. A logged-in user asks for the meeting PDF over HTTP: the web worker hands the job to Celery with
the user's identity as plain data, the Celery worker re-loads the user and makes the PDF, and the browser's
polls (signed handles) get the progress and the PDF. (A job of a session ended meanwhile is refused:
tests/test_background_context.py.)"""
from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PASSWORD, USERS

from bench.live import ROOT, Server, User

pytestmark = [pytest.mark.slow, pytest.mark.db]
REDIS_URL = os.environ.get("VIOS_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason=os.environ.get(
    "VIOS_TEST_REDIS_SKIP", "no Redis: set VIOS_TEST_REDIS_URL (scripts/test.sh starts a throwaway server)"))


@pytest.fixture(scope="module")
def db_url(demo_db) -> str:
    return str(demo_db.url)


def _end_id(user: User) -> str:
    page = user.get("/").text
    found = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.S)
    assert found, page[:300]
    return json.loads(found.group(1))["end_id"]


def _pdf_job(user: User, timeout: float = 120) -> tuple[dict, list]:
    """Press 'Verslag voor de vergadering (PDF)' on Overzicht as the renderer does; (response, progress)."""
    key = next(d["output"] for d in user.dependencies() if "ov-report-download.data" in d["output"])
    body = {"output": key, "outputs": [{"id": "ov-report-download", "property": "data"},
                                       {"id": "ov-report-status", "property": "children"}],
            "inputs": [{"id": "ov-report-pdf", "property": "n_clicks", "value": 1}],
            "state": [{"id": "url", "property": "search", "value": ""}], "changedPropIds": ["ov-report-pdf.n_clicks"]}
    headers = {"X-CSRFToken": user.http.cookies.get("_csrf_token") or ""}
    query = {"endId": _end_id(user)}
    first = user.http.post(user.base_url + "/_dash-update-component", json=body, headers=headers, params=query)
    assert first.status_code == 200, first.text[:300]
    handles = first.json()
    assert set(handles) >= {"cacheKey", "job"}
    progress = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        poll = user.http.post(user.base_url + "/_dash-update-component", json=body, headers=headers,
                              params={**query, "cacheKey": handles["cacheKey"], "job": handles["job"]})
        assert poll.status_code == 200, poll.text[:300]
        data = poll.json()
        progress += [data["progress"]] if "progress" in data else []
        if "response" in data:
            return data["response"], progress
        time.sleep(0.3)
    raise AssertionError("no answer from the Celery worker in time")


@needs_redis
def test_the_meeting_pdf_is_made_by_a_celery_worker(db_url, tmp_path):
    env = {"REDIS_URL": REDIS_URL, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT),
           "VIOS_INSTANCE": os.environ["VIOS_INSTANCE"]}
    celery = Path(sys.executable).parent / "celery"
    worker = subprocess.Popen([str(celery), "-A", "web.celery_app:celery_app", "worker", "--pool=solo",
                               "--loglevel=INFO", "--without-gossip", "--without-mingle", "-n",
                               f"vios-test{os.getpid()}@%h"], cwd=ROOT, env={**os.environ, **env},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        with Server(db_url, tmp_path / "server.log", workers=2, threads=2, env=env) as server:
            user = User(server.url)
            user.login(USERS["coordinator"][0], PASSWORD)
            response, progress = _pdf_job(user)
            assert "PDF gemaakt" in response["ov-report-status"]["children"]
            pdf = base64.b64decode(response["ov-report-download"]["data"]["content"])
            assert pdf.startswith(b"%PDF") and response["ov-report-download"]["data"]["filename"].endswith(".pdf")
            assert all(set(p) <= {"ov-report-progress.value", "ov-report-progress.label"} for p in progress)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=60)[0].decode(errors="replace")
    assert "succeeded" in output, output[-3000:]

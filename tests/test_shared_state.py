"""What all workers share: the cache (Flask-Caching: files in instance/cache, or Redis when REDIS_URL is
set) and the background-callback manager (diskcache locally, Celery with Redis). The Redis tests use the
server scripts/test.sh starts (VIOS_TEST_REDIS_URL) and a real Celery worker process."""
from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask import Flask

pytestmark = pytest.mark.db  # the Celery worker and the servers here are real processes

REDIS_URL = os.environ.get("VIOS_TEST_REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason=os.environ.get(
    "VIOS_TEST_REDIS_SKIP", "no Redis: set VIOS_TEST_REDIS_URL (scripts/test.sh starts a throwaway server)"))
TESTS = Path(__file__).resolve().parent


def _cache_app(monkeypatch, tmp_path, redis_url: str | None) -> Flask:
    from web import cache

    monkeypatch.setenv("VIOS_INSTANCE", str(tmp_path))
    if redis_url:
        monkeypatch.setenv("REDIS_URL", redis_url)
    else:
        monkeypatch.delenv("REDIS_URL", raising=False)
    server = Flask("cache-test")
    cache.cache.init_app(server, config=cache.cache_config())
    return server


def test_the_cache_is_files_in_the_instance_folder_without_redis(monkeypatch, tmp_path):
    from web import cache

    server = _cache_app(monkeypatch, tmp_path, None)
    calls = []
    with server.app_context():
        assert cache.get_or_compute("k1", lambda: calls.append(1) or {"a": 1}) == {"a": 1}
        assert cache.get_or_compute("k1", lambda: calls.append(1) or {"a": 2}) == {"a": 1}
    assert calls == [1]
    assert any((tmp_path / "cache").iterdir())  # on disk: every worker of this machine reads it
    assert cache.get_or_compute("k1", lambda: "no app: computed") == "no app: computed"


@needs_redis
def test_the_cache_is_in_redis_when_redis_url_is_set(monkeypatch, tmp_path):
    import redis

    from web import cache

    server = _cache_app(monkeypatch, tmp_path, REDIS_URL)
    key = f"test-{os.getpid()}-{time.time_ns()}"
    with server.app_context():
        cache.get_or_compute(key, lambda: [1, 2, 3])
    assert redis.from_url(REDIS_URL).exists(cache.KEY_PREFIX + key)  # another machine would see it too
    with server.app_context():
        assert cache.get_or_compute(key, lambda: "not again") == [1, 2, 3]
        cache.cache.delete(key)


def test_the_app_has_a_background_manager_and_the_cache(dash_app):
    from dash import DiskcacheManager

    assert isinstance(dash_app._background_manager, DiskcacheManager)
    assert "cache" in dash_app.server.extensions


@needs_redis
def test_with_redis_the_background_manager_is_celery(monkeypatch):
    from dash import CeleryManager

    from web import background

    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    manager = background.background_manager()
    assert isinstance(manager, CeleryManager) and manager.handle.conf.broker_url.startswith("redis://")


def _run_background_callback(flask_app, timeout: float = 60) -> tuple[str, list[str]]:
    """Click 'Start' as Dash's renderer does: post the callback with the page's signed endId, then poll
    with the signed job handles until the result comes; (result, progress values seen)."""
    client = flask_app.test_client()
    page = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page,
                                  re.S).group(1))
    body = {"output": "out.children", "outputs": {"id": "out", "property": "children"},
            "inputs": [{"id": "go", "property": "n_clicks", "value": 1}], "state": [],
            "changedPropIds": ["go.n_clicks"]}
    first = client.post("/_dash-update-component", query_string={"endId": config["end_id"]}, json=body)
    assert first.status_code == 200, first.get_data(as_text=True)
    handles = first.get_json()
    assert set(handles) >= {"cacheKey", "job"} and handles["cancel"]
    progress: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        poll = client.post("/_dash-update-component", json=body, query_string={
            "endId": config["end_id"], "cacheKey": handles["cacheKey"], "job": handles["job"]})
        assert poll.status_code == 200, poll.get_data(as_text=True)
        data = poll.get_json()
        if "progress" in data:
            progress.append(data["progress"]["bar.value"])
        if "response" in data:
            return data["response"]["out"]["children"], progress
        time.sleep(0.1)
    raise AssertionError("the background callback gave no result in time")


def test_a_background_callback_runs_through_the_diskcache_manager(monkeypatch, tmp_path):
    monkeypatch.setenv("VIOS_INSTANCE", str(tmp_path))
    monkeypatch.delenv("REDIS_URL", raising=False)
    sys.modules.pop("background_app", None)
    module = importlib.import_module("background_app")
    from dash import DiskcacheManager

    assert isinstance(module.manager, DiskcacheManager)
    result, progress = _run_background_callback(module.app.server)
    assert result.startswith("klaar na 1 klik") and f"in proces {os.getpid()}" not in result  # another process
    assert set(progress) <= {"1", "2", "3"}


def test_forged_job_handles_are_refused():
    """Dash 4.4 signs the handles: an invented cache key reads nothing (no result, no error page)."""
    module = importlib.import_module("background_app")
    client = module.app.server.test_client()
    body = {"output": "out.children", "outputs": {"id": "out", "property": "children"},
            "inputs": [{"id": "go", "property": "n_clicks", "value": None}], "state": [], "changedPropIds": []}
    poll = client.post("/_dash-update-component", json=body, query_string={"cacheKey": "abc", "job": "1"})
    assert "response" not in (poll.get_json(silent=True) or {})


@needs_redis
def test_a_background_callback_runs_in_a_real_celery_worker(monkeypatch, tmp_path):
    env = {**os.environ, "REDIS_URL": REDIS_URL, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent)])}
    celery = Path(sys.executable).parent / "celery"
    worker = subprocess.Popen([str(celery), "-A", "background_app:celery", "worker", "--pool=solo", "--loglevel=INFO",
                               "--without-gossip", "--without-mingle", "-n", f"test{os.getpid()}@%h"],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        monkeypatch.setenv("REDIS_URL", REDIS_URL)
        sys.modules.pop("background_app", None)
        module = importlib.import_module("background_app")
        assert module.celery is not None
        result, _progress = _run_background_callback(module.app.server, timeout=90)
        assert result.startswith("klaar na 1 klik") and f"in proces {worker.pid}" in result
    finally:
        worker.terminate()  # SIGTERM: Celery's warm shutdown
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
        sys.modules.pop("background_app", None)
    assert "long_work" in output or "succeeded" in output, output[-2000:]


def test_a_derived_result_is_written_to_the_shared_cache_behind_the_answer(monkeypatch, tmp_path):
    """services.school_facts' shared store: set hands the value to a writer thread (the request does not
    wait for the file); once written, every worker reads it."""
    from web import cache

    server = _cache_app(monkeypatch, tmp_path, None)
    store = cache._SharedStore()
    with server.app_context():
        store.set("derived:test", {"figures": [1, 2, 3]})
    cache.written()
    with server.app_context():
        assert store.get("derived:test") == {"figures": [1, 2, 3]}
        assert store.get("derived:other") is None
    store.set("outside the app", 1)  # no app: nothing to write, no error
    cache.written()

"""The production server for real: `vios serve` (gunicorn, several workers) in a subprocess on a free
loopback port, against this module's demo database; users log in through the form over HTTP."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import vios_cli
from conftest import PASSWORD, USERS

from bench.live import Server, User, component_props, open_page
from web import request_log
from web import server as web_server

ADMIN = USERS["beheerder"][0]


@pytest.fixture(scope="module")
def db_url(demo_db) -> str:
    return str(demo_db.url)


def _log_lines(server: Server) -> list[dict]:
    lines = []
    for line in server.log().splitlines():
        if line.startswith("{"):
            lines.append(json.loads(line))
    return lines


@pytest.mark.slow
def test_gunicorn_serves_pages_and_callbacks_logs_each_request_and_stops_gracefully(db_url, tmp_path):
    server = Server(db_url, tmp_path / "server.log", workers=2, threads=2).start()
    try:
        user = User(server.url)
        user.login(ADMIN, PASSWORD)
        page = user.get("/netwerk")
        assert page.status_code == 200 and "_dash-config" in page.text
        shell = component_props(user.get("/_dash-layout").json())
        answers = list(open_page(user, "/netwerk", shell))
        assert len(answers) > 2 and all(r.status_code in (200, 204) for _, r in answers), \
            [(o, r.status_code) for o, r in answers]
        router = answers[0][1].json()
        assert "_pages_content" in router["response"]
        time.sleep(0.5)
        logged = _log_lines(server)
        callbacks = [line for line in logged if line["path"] == "/_dash-update-component"]
        assert len(callbacks) == len(answers)
        line = callbacks[0]
        assert line["method"] == "POST" and line["status"] == 200 and line["user"] == ADMIN
        assert isinstance(line["ms"], float) and line["ms"] >= 0 and "_pages_content" in line["callback"]
        assert line["page"] == "/netwerk"  # which page's layout took that long
        assert any(entry["path"] == "/login" and entry["user"] == "-" for entry in logged)
        assert any(entry["path"] == "/netwerk" and entry["user"] == ADMIN for entry in logged)
        assert "Using worker: gthread" in server.log()
    finally:
        code = server.stop()
    assert code == 0  # SIGTERM: a graceful stop, not a kill
    assert "Handling signal: term" in server.log() and "Shutting down: Master" in server.log()


@pytest.mark.slow
def test_two_servers_on_one_database_share_sessions_and_answers(db_url, tmp_path):
    with Server(db_url, tmp_path / "a.log", workers=1, threads=2) as a, \
            Server(db_url, tmp_path / "b.log", workers=1, threads=2) as b:
        user = User(a.url)
        user.login(ADMIN, PASSWORD)
        shell = component_props(user.get("/_dash-layout").json())
        on_a = [r.json() for _, r in open_page(user, "/", shell) if r.status_code == 200]
        user.base_url = b.url  # the same browser (cookies, CSRF token) now reaches the other server
        page = user.http.get(b.url + "/", allow_redirects=False)
        assert page.status_code == 200, "the session cookie of server A is not valid on server B"
        on_b = [r.json() for _, r in open_page(user, "/", shell) if r.status_code == 200]
        assert on_a == on_b and len(on_a) > 1


def test_request_log_as_logfmt():
    line = request_log.format_line({"method": "GET", "path": "/a b", "status": 200, "ms": 1.5, "user": "-"}, "logfmt")
    assert line == 'method=GET path="/a b" status=200 ms=1.5 user=-'


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::", "vios.example.nl"])
def test_the_development_server_refuses_addresses_off_loopback(tmp_path, host):
    result = vios_cli.run(tmp_path / "x.db", "serve", "--dev", "--host", host)
    assert result.returncode == 1
    assert "niet veilig" in result.stderr and "alleen op 127.0.0.1" in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was opened


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_addresses_are_loopback(host):
    assert web_server.is_loopback(host)
    assert web_server.unsafe_configuration(host=host, dev=True, workers=1, threads=1) == []


def test_several_workers_without_a_usable_shared_secret_key_are_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("VIOS_INSTANCE", str(tmp_path))
    monkeypatch.delenv("VIOS_SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("")  # e.g. a failed copy: workers would each invent a key
    result = vios_cli.run(tmp_path / "x.db", "serve", "--workers", "3")
    assert result.returncode == 1
    assert "geheime sleutel" in result.stderr and "Met 3 workers" in result.stderr

    monkeypatch.setenv("VIOS_SECRET_KEY", "te-kort")
    result = vios_cli.run(tmp_path / "x.db", "serve", "--workers", "3")
    assert result.returncode == 1 and "VIOS_SECRET_KEY is te kort" in result.stderr


def test_without_a_key_the_file_is_made_before_the_workers_start(tmp_path, monkeypatch):
    monkeypatch.setenv("VIOS_INSTANCE", str(tmp_path))
    monkeypatch.delenv("VIOS_SECRET_KEY", raising=False)
    assert web_server.unsafe_configuration(host="127.0.0.1", dev=False, workers=4, threads=2) == []
    assert len((tmp_path / "secret_key").read_text().strip()) == 64  # every worker reads this one


def test_gunicorn_options_from_the_command_line():
    options = web_server.gunicorn_options(host="::1", port=8050, workers=3, threads=4)
    assert options["bind"] == ["[::1]:8050"] and options["workers"] == 3 and options["threads"] == 4
    assert options["worker_class"] == "gthread" and options["graceful_timeout"] > 0
    assert options["keepalive"] > 60  # longer than the proxy keeps idle connections: no resets
    assert options["post_worker_init"] is web_server.warm_worker   # every school's facts loaded as it starts


@pytest.mark.parametrize(("cores", "workers"), [(1, 2), (2, 3), (4, 5), (16, 8)])
def test_as_many_workers_as_cores_and_one(monkeypatch, cores, workers):
    """They compute in Python and each warms its own caches: more than one per core only takes turns."""
    import settings

    monkeypatch.delenv("VIOS_WORKERS", raising=False)
    monkeypatch.setattr(settings.os, "cpu_count", lambda: cores)
    assert settings.default_workers() == workers
    monkeypatch.setenv("VIOS_WORKERS", "6")
    assert settings.default_workers() == 6


# A fresh worker's process: Dash's first-request set-up made slow (0.5 s, where it copies the callbacks),
# one request starts it, a second comes in 0.1 s later; when is each answered, and with what?
_FIRST_REQUESTS = """
import json, os, sys, threading, time
sys.path.insert(0, os.getcwd())
import dash
import app
slow = dash.Dash._generate_scripts_html
marks = {}
def slowed(self):
    time.sleep(0.5)
    marks["set_up_done"] = time.monotonic()
    return slow(self)
dash.Dash._generate_scripts_html = slowed
def get(name, path):
    response = app.server.test_client().get(path)
    marks[name] = time.monotonic()
    marks[name + "_status"] = response.status_code
first = threading.Thread(target=get, args=("first", "/login"))
first.start()
time.sleep(0.1)
get("second", "/login")
first.join()
print(json.dumps(marks))
"""


@pytest.mark.slow
def test_no_request_is_answered_while_dash_sets_itself_up_in_a_fresh_worker(tmp_path):
    """A fresh gunicorn worker's first requests come in threads at once (a page's scripts): none may pass
    Dash's first-request set-up while another thread is still in it (one got a 500, another could see half
    the callbacks)."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "VIOS_INSTANCE": str(tmp_path),
           "VIOS_LOG_FORMAT": "off"}
    done = subprocess.run([sys.executable, "-c", _FIRST_REQUESTS], capture_output=True, text=True, timeout=120,
                          env=env, cwd=Path(__file__).resolve().parents[1])
    assert done.returncode == 0, done.stderr
    marks = json.loads(done.stdout.strip().splitlines()[-1])
    assert marks["first_status"] == 200 and marks["second_status"] == 200
    assert marks["second"] >= marks["set_up_done"]

"""A real server and real HTTP users, for tests/test_server.py and bench/load_timing.py (loopback only).

Server: `vios serve` (gunicorn) in a subprocess on a free 127.0.0.1 port; stderr (its request log) goes
to a file; stop() sends SIGTERM, as an init system does.
User: a requests.Session that logs in through the form (CSRF token from the page) and replays the
callback requests Dash's renderer sends when a page opens: the page router callback, then every callback
of the shell and the page whose inputs are in the layout (values taken from the layout, as the renderer
does), with the session's CSRF token in the X-CSRFToken header.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # never anything else: the load stays on this machine
WILDCARDS = ("ALL", "MATCH", "ALLSMALLER")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """`vios serve` in a subprocess; `with Server(...) as server:` starts it and stops it (SIGTERM)."""

    database_url: str
    log_path: Path
    workers: int = 2
    threads: int = 4
    env: dict[str, str] = field(default_factory=dict)
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, timeout: float = 90) -> Server:
        self.port = self.port or free_port()
        env = {**os.environ, "DATABASE_URL": self.database_url, "PYTHONPATH": str(ROOT), **self.env}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli.main", "serve", "--host", HOST, "--port", str(self.port),
                 "--workers", str(self.workers), "--threads", str(self.threads)],
                cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"vios serve stopped with {self.process.returncode}:\n{self.log()}")
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"vios serve did not answer /healthz within {timeout} s:\n{self.log()}")

    def stop(self, timeout: float = 40) -> int:
        """SIGTERM, then wait (gunicorn lets requests in progress finish); the exit code."""
        if self.process is None:
            return 0
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace") if self.log_path.exists() else ""

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()


# ---------------------------------------------------------------- a user

class User:
    """One browser: its own session cookie and CSRF token."""

    def __init__(self, base_url: str, timeout: float = 60) -> None:
        self.base_url = base_url
        self.http = requests.Session()
        self.timeout = timeout
        self._dependencies: list[dict[str, Any]] | None = None

    def login(self, username: str, password: str) -> requests.Response:
        answer = self.http.get(self.base_url + "/login", timeout=self.timeout)
        match = re.search(r'name="csrf_token" value="([^"]+)"', answer.text)
        if match is None:   # what came instead, so that a failure under load can be told apart
            raise RuntimeError(f"no CSRF token in the login form ({answer.status_code}: {answer.text[:120]!r})")
        response = self.http.post(self.base_url + "/login", timeout=self.timeout, allow_redirects=False,
                                  data={"csrf_token": match.group(1), "username": username, "password": password})
        if response.status_code != 302 or "/login" in response.headers.get("Location", ""):
            raise RuntimeError(f"login as {username} failed ({response.status_code})")
        return response

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base_url + path, timeout=self.timeout)

    def post_callback(self, payload: dict[str, Any]) -> requests.Response:
        return self.http.post(self.base_url + "/_dash-update-component", json=payload, timeout=self.timeout,
                              headers={"X-CSRFToken": self.http.cookies.get("_csrf_token") or ""})

    def dependencies(self) -> list[dict[str, Any]]:
        if self._dependencies is None:
            self._dependencies = self.get("/_dash-dependencies").json()
        return self._dependencies


# ---------------------------------------------------------------- what the renderer would send

def component_props(layout: object) -> dict[str, dict[str, Any]]:
    """{id key: props} of every component with an id in a layout JSON (dict ids as sorted JSON)."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: object) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            props = node.get("props") if "namespace" in node else None
            if isinstance(props, dict):
                if "id" in props:
                    found[id_key(props["id"])] = props
                for value in props.values():
                    walk(value)
            else:
                for value in node.values():
                    walk(value)

    walk(layout)
    return found


def id_key(component_id: object) -> str:
    return json.dumps(component_id, sort_keys=True) if isinstance(component_id, dict) else str(component_id)


def output_specs(dependency: dict[str, Any]) -> list[dict[str, Any]]:
    """The callback's outputs as {id, property} (ids parsed back to dicts where they are)."""
    text = dependency["output"]
    parts = text[2:-2].split("...") if text.startswith("..") else [text]
    specs = []
    for part in parts:
        raw_id, prop = part.rsplit(".", 1)
        specs.append({"id": json.loads(raw_id) if raw_id.startswith("{") else raw_id, "property": prop.split("@")[0]})
    return specs


def _matches(pattern: object, props: dict[str, dict[str, Any]]) -> list[object] | None:
    """A plain id: [id] when present, else None. An ALL pattern: the matching ids (maybe none).
    MATCH/ALLSMALLER: None (those callbacks fire per component on user actions, not replayed here)."""
    if not isinstance(pattern, dict):
        return [pattern] if id_key(pattern) in props else None
    wild = {k for k, v in pattern.items() if isinstance(v, list) and v and v[0] in WILDCARDS}
    if not wild:
        return [pattern] if id_key(pattern) in props else None
    if any(pattern[k][0] != "ALL" for k in wild):
        return None
    ids = [json.loads(key) for key in props if key.startswith("{")]
    return [i for i in ids if set(i) == set(pattern) and all(i[k] == v for k, v in pattern.items() if k not in wild)]


def initial_payload(dependency: dict[str, Any], props: dict[str, dict[str, Any]],
                    overrides: dict[str, Any] | None = None, changed: str | None = None) -> dict[str, Any] | None:
    """The body the renderer posts for this callback when its components appear (changed=None) or when the
    input `changed` ("id.property") changed; None when a component is missing, or the callback is
    clientside or waits for a user action."""
    if dependency.get("clientside_function") or (dependency.get("prevent_initial_call") and changed is None):
        return None
    overrides = overrides or {}

    def value(component_id: object, prop: str) -> Any:
        key = f"{id_key(component_id)}.{prop}"
        if key in overrides:
            return overrides[key]
        return props.get(id_key(component_id), {}).get(prop)

    def items(specs: list[dict[str, Any]], with_values: bool) -> list[Any] | None:
        result: list[Any] = []
        for spec in specs:
            ids = _matches(spec["id"], props)
            if ids is None:
                return None
            made = [{"id": i, "property": spec["property"], **({"value": value(i, spec["property"])}
                                                                 if with_values else {})} for i in ids]
            pattern = isinstance(spec["id"], dict) and ids != [spec["id"]]
            result.append(made if pattern else made[0])  # an ALL pattern: a list of the matching components
        return result

    outputs = items(output_specs(dependency), with_values=False)
    inputs = items(dependency["inputs"], with_values=True)
    state = items(dependency["state"], with_values=True)
    if outputs is None or inputs is None or state is None:
        return None
    return {"output": dependency["output"], "outputs": outputs if dependency["output"].startswith("..") else outputs[0],
            "inputs": inputs, "state": state, "changedPropIds": [changed] if changed else []}


def location_values(path: str, base_url: str, search: str = "") -> dict[str, Any]:
    """What the renderer knows of the browser's location, for the dcc.Location components."""
    values: dict[str, Any] = {}
    for location in ("url", "_pages_location"):
        values.update({f"{location}.pathname": path, f"{location}.search": search, f"{location}.hash": "",
                       f"{location}.href": base_url + path + search})
    return values


def open_page(user: User, path: str, shell_props: dict[str, dict[str, Any]],
              search: str = "") -> Iterator[tuple[str, requests.Response]]:
    """The callback requests of opening a page in the app (client-side navigation): yields
    (callback output, response) for the router callback and each callback that fires after it."""
    overrides = location_values(path, user.base_url, search)
    dependencies = user.dependencies()
    router = next(d for d in dependencies if d["output"].startswith("..") and "_pages_content.children" in d["output"])
    payload = initial_payload(router, shell_props, overrides, changed="_pages_location.pathname")
    assert payload is not None
    response = user.post_callback(payload)
    yield router["output"], response
    if response.status_code != 200:
        return
    page_props = component_props(response.json().get("response", {}).get("_pages_content", {}))
    props = {**shell_props, **page_props}
    for dependency in dependencies:
        if dependency is router:
            continue
        touches_page = any(id_key(spec["id"]) in page_props for spec in dependency["inputs"])
        url_input = next((f"url.{spec['property']}" for spec in dependency["inputs"] if spec["id"] == "url"), None)
        if not (touches_page or url_input):
            continue
        # the URL changed (navigation): its callbacks fire; the new page's fire as their components appear
        payload = initial_payload(dependency, props, overrides, changed=None if touches_page else url_input)
        if payload is not None:
            yield dependency["output"], user.post_callback(payload)


def page_paths(shell_props: dict[str, dict[str, Any]]) -> list[str]:
    """The pages in the navigation (ids {"type": "nav-link", "path": ...})."""
    paths = []
    for key in shell_props:
        if key.startswith("{"):
            component_id = json.loads(key)
            if component_id.get("type") == "nav-link" and isinstance(component_id.get("path"), str):
                paths.append(component_id["path"])
    return paths

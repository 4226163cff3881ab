"""Serving the app: the production server (gunicorn), the checks before it starts, and the request log.

`vios serve` runs gunicorn with several worker processes, each with a few threads (worker class
gthread); `vios serve --dev` runs Werkzeug's development server with its debugger, only on loopback.
Every worker builds its own app (no preloading: nothing opened in the master is shared by a fork).

The request log: one line per request on stderr, as JSON (default) or logfmt (VIOS_LOG_FORMAT), with
the method, path, status, milliseconds, the user (or "-") and, for Dash callbacks, which outputs the
callback sets. gunicorn's own access log is off; its error log (start, stop, worker restarts) stays on
stderr.
"""
from __future__ import annotations

import ipaddress
import json
import logging
import sys
import time
from collections.abc import Mapping
from typing import Any

import flask
from flask import Flask, g, request

import settings

LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost"})
GRACEFUL_SECONDS = 30  # SIGTERM: requests in progress get this long to finish
WORKER_TIMEOUT = 120   # a request (an import, a report) may take this long before the worker is restarted


# ---------------------------------------------------------------- the request log

_log = logging.getLogger("vios.requests")


def install_request_log(server: Flask) -> None:
    """One log line per request. Install BEFORE the login guard: its before_request must run first."""
    fmt = settings.log_format()
    if fmt == "off":
        return
    if not _log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        _log.addHandler(handler)
        _log.setLevel(logging.INFO)
        _log.propagate = False

    def started() -> None:
        g.vios_started = time.perf_counter()

    def finished(response: flask.Response) -> flask.Response:
        began = g.get("vios_started")
        ms = round((time.perf_counter() - began) * 1000, 1) if began is not None else None
        principal = g.get("principal")
        fields: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "method": request.method, "path": request.path, "status": response.status_code, "ms": ms,
            "user": principal.username if principal is not None else "-",
        }
        if request.path == "/_dash-update-component" and request.is_json:
            body = request.get_json(silent=True)
            if isinstance(body, dict) and isinstance(body.get("output"), str):
                fields["callback"] = body["output"][:160]
        _log.info(format_line(fields, fmt))
        return response

    server.before_request(started)
    server.after_request(finished)


def format_line(fields: Mapping[str, Any], fmt: str) -> str:
    """A log line: JSON, or logfmt (key=value, values with spaces or quotes quoted)."""
    if fmt == "logfmt":
        return " ".join(f"{key}={_logfmt_value(value)}" for key, value in fields.items())
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def _logfmt_value(value: object) -> str:
    text = "" if value is None else str(value)
    if text == "" or any(c in text for c in ' "=\\') or any(ord(c) < 32 for c in text):
        return json.dumps(text, ensure_ascii=False)
    return text


# ---------------------------------------------------------------- the checks before starting

def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def unsafe_configuration(*, host: str, dev: bool, workers: int, threads: int) -> list[str]:
    """Why this configuration must not start (Dutch, for the operator); empty when it may."""
    problems: list[str] = []
    if dev and not is_loopback(host):
        problems.append(f"--dev start de ontwikkelserver met debugger; die luistert alleen op 127.0.0.1, ::1 of "
                        f"localhost, niet op '{host}' (de debugger voert code uit voor wie hem bereikt). "
                        "Gebruik `vios serve` zonder --dev voor andere adressen.")
    if workers < 1 or threads < 1:
        problems.append("--workers en --threads moeten minstens 1 zijn.")
    problems.extend(_secret_key_problems(workers))
    return problems


def _secret_key_problems(workers: int) -> list[str]:
    """The key must be one for every worker: VIOS_SECRET_KEY, or the file instance/secret_key created now,
    before the workers start (they all read it)."""
    from services import secret_key

    try:
        secret_key.load_secret_key()
    except (RuntimeError, OSError, UnicodeError) as exc:
        several = f" Met {workers} workers moet elke worker dezelfde sleutel hebben." if workers > 1 else ""
        return [f"Geen bruikbare geheime sleutel voor de inlogsessies: {exc}.{several} Zet {secret_key.ENV_VAR} "
                f"(minstens {secret_key.MIN_LENGTH} tekens, dezelfde op elke server) of herstel het bestand "
                f"{settings.instance_dir() / secret_key.FILE_NAME}."]
    return []


# ---------------------------------------------------------------- gunicorn

def bind_address(host: str, port: int) -> str:
    return f"[{host.strip('[]')}]:{port}" if ":" in host else f"{host}:{port}"


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    return {
        "bind": [bind_address(host, port)],
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": WORKER_TIMEOUT,
        "graceful_timeout": GRACEFUL_SECONDS,
        # Idle keep-alive connections stay open longer than a proxy or browser keeps them (nginx: 60 s):
        # otherwise a request sent as the server closes the connection is reset (seen with 5 s under load).
        "keepalive": 75,
        "accesslog": None,       # our own request log (install_request_log) has the user
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "vios",
        "preload_app": False,    # every worker opens its own database connections
        "control_socket_disable": True,  # one per user by default: two servers of one user would clash
    }


def run_gunicorn(options: Mapping[str, Any]) -> int:
    """Run gunicorn in this process until SIGTERM/SIGINT (graceful: requests in progress finish)."""
    from gunicorn.app.base import BaseApplication

    class VIOSApplication(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            from app import server

            return server

    VIOSApplication().run()
    return 0

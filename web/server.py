"""Serving the app: the production server (gunicorn), the checks before it starts, and the request log.

`vios serve` runs gunicorn with several worker processes, each with a few threads (worker class
gthread); `vios serve --dev` runs Werkzeug's development server with its debugger, only on loopback.
Every worker builds its own app (no preloading: nothing opened in the master is shared by a fork).
gunicorn's own access log is off (web/request_log.py writes one line per request); its error log
(start, stop, worker restarts) stays on stderr.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from flask import Flask

import settings

LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost"})
GRACEFUL_SECONDS = 30  # SIGTERM: requests in progress get this long to finish
WORKER_TIMEOUT = 120   # a request (an import, a report) may take this long before the worker is restarted


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
        "post_worker_init": warm_worker,
    }


def warm_worker(_worker: object) -> None:
    """gunicorn's post_worker_init: the worker loads every school's facts and draws the heaviest pages once
    in the background (web.warm_up), so its first pages do not wait for them."""
    from app import server
    from web import warm_up

    warm_up.start(server)


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

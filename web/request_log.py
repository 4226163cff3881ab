"""The request log: one line per request on stderr, as JSON (default) or logfmt (VIOS_LOG_FORMAT), with
the time, method, path, status, milliseconds, the user (or "-") and, for Dash callbacks, which outputs the
callback sets (for the page router also the page it draws): a format a log collector reads.
"""
from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Mapping
from typing import Any

import flask
from flask import Flask, g, request
from werkzeug.exceptions import HTTPException

import settings
from domain import clock

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
            "ts": clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
            "method": request.method, "path": _logged_path(request.path), "status": response.status_code, "ms": ms,
            "user": principal.username if principal is not None else "-",
        }
        if request.path == "/_dash-update-component" and request.is_json and response.status_code != 413:
            try:  # the body was read by the callback already; a too large one is never read
                body = request.get_json(silent=True)
            except HTTPException:
                body = None
            if isinstance(body, dict) and isinstance(body.get("output"), str):
                fields["callback"] = body["output"][:160]
                page = _page_of(body)
                if page:
                    fields["page"] = page
        _log.info(format_line(fields, fmt))
        return response

    server.before_request(started)
    server.after_request(finished)


def _page_of(body: dict[str, Any]) -> str | None:
    """The page a callback draws (Dash pages' router: its pathname input), for which layout took how long."""
    inputs = body.get("inputs")
    for item in inputs if isinstance(inputs, list) else []:
        if isinstance(item, dict) and item.get("id") == "_pages_location" and item.get("property") == "pathname":
            value = item.get("value")
            return value[:80] if isinstance(value, str) else None
    return None


def _logged_path(path: str) -> str:
    """The path, without the secret of a calendar feed URL (/ical/<token>.ics: the token is its credential)."""
    return "/ical/<token>.ics" if path.startswith("/ical/") else path


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

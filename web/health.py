"""GET /healthz for load balancers and monitoring, without login: is the database reachable and is its
schema at the newest Alembic revision? A small JSON answer, 200 when both hold, else 503; nothing else
(no version numbers, no error texts, no data) is shown."""
from __future__ import annotations

import functools

import flask
from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

PATH = "/healthz"


def install(server: Flask) -> None:
    server.add_url_rule(PATH, "vios_healthz", healthz, methods=["GET"])


@functools.lru_cache(maxsize=1)
def newest_revision() -> str | None:
    """The head of the migrations this code ships (read once per process)."""
    from alembic.script import ScriptDirectory

    from services.migrate import alembic_config

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def check() -> tuple[int, dict[str, str | None]]:
    """(HTTP status, body)."""
    from alembic.runtime.migration import MigrationContext

    from models.db import get_engine

    try:
        with get_engine().connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except (SQLAlchemyError, OSError):
        return 503, {"status": "error", "database": "unreachable", "schema": None}
    newest = newest_revision()
    if current != newest:
        return 503, {"status": "error", "database": "ok", "schema": current, "schema_expected": newest}
    return 200, {"status": "ok", "database": "ok", "schema": current}


def healthz() -> flask.Response:
    status, body = check()
    response = flask.jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response

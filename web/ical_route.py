"""GET /ical/<token>.ics: the calendar feed (services.ical_feed), open without a login session.

The token in the path is the credential (web/login.py lets /ical/ through its guard); an unknown,
malformed or revoked token, or a user who may no longer subscribe, gets the same 404.
"""
from __future__ import annotations

import flask

from models.db import session_scope
from services import ical_feed

PREFIX = "/ical/"


def install(server: flask.Flask) -> None:
    server.add_url_rule(PREFIX + "<token>.ics", "vios_ical", calendar, methods=["GET"])


def calendar(token: str) -> flask.Response:
    with session_scope() as session:
        principal = ical_feed.principal_for_token(session, token)
        if principal is None:
            return flask.Response("Niet gevonden.", status=404, mimetype="text/plain")
        body = ical_feed.feed(session, principal)
    response = flask.Response(body.encode(), status=200, mimetype="text/calendar")
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="vios-certificaten.ics"'
    response.headers["Cache-Control"] = "no-store"
    return response

"""web/errors.py: an exception nobody handled gets a Dutch answer and a log line, never Flask's English page."""
from __future__ import annotations

import logging

from flask import Flask, abort

from web import errors


def _app() -> Flask:
    app = Flask(__name__)
    errors.install(app)

    @app.route("/kapot")
    def broken():
        raise RuntimeError("boom")

    @app.route(errors.CALLBACK_PATH, methods=["POST"])
    def callback():
        raise TypeError("'int' object is not iterable")

    @app.route("/weg")
    def gone():
        abort(404)

    return app


def test_an_unhandled_error_on_a_page_gives_a_dutch_page_and_is_logged(caplog):
    with caplog.at_level(logging.ERROR, logger="vios.errors"):
        response = _app().test_client().get("/kapot")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "Er ging iets mis" in text and "Internal Server Error" not in text and "boom" not in text
    assert any(r.exc_info and "boom" in str(r.exc_info[1]) for r in caplog.records)


def test_a_callback_whose_values_do_not_fit_is_refused_in_dutch():
    response = _app().test_client().post(errors.CALLBACK_PATH, json={})
    assert response.status_code == 400
    assert response.get_json() == {"error": errors.CALLBACK_REFUSED}


def test_http_errors_keep_their_own_status():
    assert _app().test_client().get("/weg").status_code == 404

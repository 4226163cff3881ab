"""The Dash application: app shell (navigation, global scope bar) and the pages in pages/.

Run with `vios serve` (gunicorn; migrates the database first), or `vios serve --dev`.
Shared by every worker: the secret key (sessions), the cache (web/cache.py: Redis when REDIS_URL is set,
else instance/cache) and the background-callback manager (web/background.py: Celery with Redis, else
diskcache). Open without login: /login, its stylesheet, /healthz (web/health.py) and the calendar feed
/ical/<token>.ics (web/ical_route.py, authenticated by its token).
"""
from __future__ import annotations

import json
from pathlib import Path

import flask_bootstrap
import numpy  # noqa: F401 - before any request thread: plotly reads a half-imported numpy from another thread
from dash import Dash
from flask import Response, send_from_directory

from pages import accessibility_statement
from services import uploads
from services.gc_pause import collect_less_often
from web import background, cache, errors, first_request, health, ical_route, login, request_log, row_data, shell

_BOOTSTRAP_DIR = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
BOOTSTRAP_URL = "/vendor/bootstrap/bootstrap.min.css"


def create_app() -> Dash:
    collect_less_often()   # the figures' caches are large: a full collection walks them all
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder=str(Path(__file__).parent / "pages"),
        # Served by this app: intranets are offline and no CDN may see the users.
        external_stylesheets=[BOOTSTRAP_URL],
        title="Veilig in en om School",
        update_title="",  # empty: the tab title stays while callbacks run (Dash treats "" like None)
        suppress_callback_exceptions=True,
        serve_locally=True,
        background_callback_manager=background.background_manager(),
    )

    @app.server.route("/vendor/bootstrap/<path:filename>")
    def _bootstrap(filename: str):
        return send_from_directory(_BOOTSTRAP_DIR, filename, max_age=86400)

    first_request.serialise_dash_set_up(app.server)  # Dash's own first-request set-up, one thread at a time
    request_log.install_request_log(app.server)  # first: it times the whole request, the guard included
    login.install(app.server, app.csp_hashes)  # the CSP allows Dash's inline scripts by their hashes
    health.install(app.server)
    errors.install(app.server)
    ical_route.install(app.server)  # /ical/<token>.ics: the calendar feed, its token the credential
    row_data.install(app.server)  # /_rijen/<name>: a large grid's rows, fetched after its page
    accessibility_statement.install(app.server)  # public: /toegankelijkheid
    cache.install(app.server)
    app.server.config["MAX_CONTENT_LENGTH"] = uploads.MAX_REQUEST_BYTES  # every request; a Dutch 413 below
    app.server.register_error_handler(413, lambda _exc: Response(json.dumps({"error": uploads.REQUEST_TOO_LARGE}),
                                                                 413, mimetype="application/json"))
    app.index_string = app.index_string.replace("<html>", '<html lang="nl">')
    app.layout = shell.layout  # per request: the navigation and areas depend on the user
    return app


app = create_app()
server = app.server  # the Flask app, for WSGI servers (app:server)

if __name__ == "__main__":
    app.run(debug=False)  # the development server; production: `vios serve`

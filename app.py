"""The Dash application: app shell (navigation, global scope bar) and the pages in pages/.

Run with `vios serve` (migrates the database first) or `python app.py`.
"""
from __future__ import annotations

from pathlib import Path

import dash
import dash_bootstrap_components as dbc
import flask_bootstrap
from dash import Dash, dcc, html
from flask import send_from_directory

from components import shell
from services import web_auth

_BOOTSTRAP_DIR = Path(flask_bootstrap.__file__).parent / "static" / "bootstrap5" / "css"
BOOTSTRAP_URL = "/vendor/bootstrap/bootstrap.min.css"


def create_app() -> Dash:
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
    )

    @app.server.route("/vendor/bootstrap/<path:filename>")
    def _bootstrap(filename: str):
        return send_from_directory(_BOOTSTRAP_DIR, filename, max_age=86400)

    web_auth.install(app.server)
    app.index_string = app.index_string.replace("<html>", '<html lang="nl">')
    app.layout = _layout
    return app


def _layout() -> html.Div:
    # Built per request: the navigation and the area options depend on who is logged in.
    principal = web_auth.current_principal()
    return html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            shell.navbar(dash.page_registry.values(), principal),
            shell.scope_bar(principal),
            dbc.Container(dash.page_container, fluid=True, className="py-3"),
        ]
    )


app = create_app()
server = app.server

if __name__ == "__main__":
    app.run(debug=False)

"""The last line of defence: an exception that no code handled gets a Dutch answer, never Flask's English
error page or a traceback, and is logged with its traceback for the operator.

A callback request whose values do not fit the form (a crafted request, or a page left open across an
upgrade) is answered 400; anything else 500 with a Dutch page. HTTP errors (404, 405, 413, ...) keep their
own handlers.
"""
from __future__ import annotations

import json
import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger("vios.errors")

CALLBACK_PATH = "/_dash-update-component"
CALLBACK_REFUSED = ("Dit verzoek kon niet worden verwerkt: de gegevens passen niet bij het formulier. "
                    "Laad de pagina opnieuw.")
PAGE = """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Er ging iets mis</title></head>
<body><main><h1>Er ging iets mis</h1><p>De pagina kon niet worden gemaakt. Probeer het opnieuw; blijft het
misgaan, meld dan het tijdstip aan de beheerder.</p><p><a href="/">Naar het overzicht</a></p></main></body></html>"""


def _unhandled(exc: Exception) -> Response | HTTPException:
    if isinstance(exc, HTTPException):
        return exc
    log.error("Onverwerkte fout bij %s %s", request.method, request.path, exc_info=exc)
    if request.path == CALLBACK_PATH:
        return Response(json.dumps({"error": CALLBACK_REFUSED}), 400, mimetype="application/json")
    return Response(PAGE, 500, mimetype="text/html")


def install(server: Flask) -> None:
    server.register_error_handler(Exception, _unhandled)

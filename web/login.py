"""Logging in to the web app: the request guard, /login, /logout and CSRF tokens (Flask only, no Dash).

Every request needs a logged-in user except the login page and the stylesheet it uses.
Unauthenticated callback and asset requests (/_dash-*, /_reload-hash, /assets/...) get
401; pages are redirected to /login. The guard puts the user's Principal in flask.g.

CSRF: the login and logout forms carry the session's token in a hidden field. Dash callbacks
(POST /_dash-*) use the double-submit pattern Dash's renderer supports: the token is also in a
readable cookie `_csrf_token`, the renderer copies it into the X-CSRFToken header, and the guard
compares that header with the session's token (another site can send the cookie, not read it).
Every response also gets headers that forbid framing and MIME sniffing, and a Content-Security-Policy
whose script-src allows only this app's files and the hashes of Dash's inline scripts (Dash.csp_hashes,
computed at the first request, after every page registered its callbacks). Responses for a logged-in
user are never cached (Cache-Control: no-store), except the static files (no data in them).

Sessions end on the server: the session's fingerprint includes the user's session version, which
logout, disable, enable and a new password raise (services.auth.end_sessions), so a copied cookie
stops working. Logins are throttled per client address and per account-and-address
(services.login_throttle). Behind a TLS proxy set VIOS_PROXY=1: ProxyFix then takes the client
address and the scheme from the proxy's X-Forwarded-* headers (so Secure cookies work).
"""
from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Callable, Sequence
from datetime import timedelta
from html import escape
from urllib.parse import urlencode, urlsplit

import flask
from flask import Flask, g, redirect, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from models.db import session_scope
from services import auth, permissions
from services.permissions import Principal

CSRF_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_COOKIE, CSRF_HEADER = "_csrf_token", "X-CSRFToken"  # Dash's renderer defaults
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
}
# script-src gets the inline scripts' hashes added; map workers (MapLibre) start from blob: URLs.
CSP = ("default-src 'self'; script-src 'self'{hashes}; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: blob: https:; connect-src 'self' https:; font-src 'self' data:; object-src 'none'; "
       "base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
SCRIPT_HASHES = "VIOS_SCRIPT_HASHES"  # app.config: a function giving the inline scripts' CSP hashes
STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/", "/vendor/", "/_favicon.ico")
STATEMENT_PATH = "/toegankelijkheid"  # the accessibility statement (pages/accessibility_statement.py): public
OPEN_PATHS = frozenset({"/login", "/vendor/bootstrap/bootstrap.min.css", "/healthz", STATEMENT_PATH})
OPEN_PREFIXES = ("/ical/",)  # the calendar feed: its token is the credential (web/ical_route.py)
SESSION_LIFETIME = timedelta(hours=8)  # a login lasts a working day, also with the browser left open
LOGIN_FAILED = "Onbekende gebruikersnaam of onjuist wachtwoord, of het account is (tijdelijk) geblokkeerd."
CSRF_FAILED = ("Het formulier is verlopen of ongeldig (beveiligingscode ontbreekt of klopt niet). "
               "Laad de pagina opnieuw en probeer het nog eens.")


class _SessionInterface(SecureCookieSessionInterface):
    """Secure cookies when configured (VIOS_HTTPS=1) or when this request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or (
            flask.has_request_context() and request.is_secure)


def install(server: Flask, script_hashes: Callable[[], Sequence[str]] | None = None) -> None:
    """script_hashes: the Dash app's csp_hashes (the inline scripts allowed by the CSP)."""
    from services.secret_key import load_secret_key

    if os.environ.get("VIOS_PROXY") == "1":  # one trusted proxy in front (TLS terminated there)
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=1, x_proto=1, x_host=1, x_port=1)  # type: ignore[method-assign]
    server.config[SCRIPT_HASHES] = script_hashes

    server.secret_key = load_secret_key()
    server.config.update(SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
                         SESSION_COOKIE_SECURE=os.environ.get("VIOS_HTTPS") == "1",
                         PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
                         # No cookie rewrite on every request: a slow callback answering after a newer
                         # response would otherwise put an older session back in the browser.
                         SESSION_REFRESH_EACH_REQUEST=False)
    server.session_interface = _SessionInterface()
    server.before_request(_guard)
    server.after_request(_after)
    server.add_url_rule("/login", "vios_login", _login, methods=["GET", "POST"])
    server.add_url_rule("/logout", "vios_logout", _logout, methods=["POST"])


# ---------------------------------------------------------------- the guard

def _load_principal() -> Principal | None:
    uid, fp = flask.session.get("uid"), flask.session.get("fp")
    if uid is None:
        return None
    with session_scope() as session:
        user = auth.user_for_session(session, uid, fp, flask.current_app.secret_key)
        if user is None:
            return None
        try:
            return permissions.principal_for(session, user)
        except permissions.PermissionDenied:
            return None


def _guard():
    g.principal = None
    if request.path in OPEN_PATHS or request.path.startswith(OPEN_PREFIXES):
        return None
    principal = _load_principal()
    if principal is not None:
        if request.method == "POST" and request.path.startswith("/_dash-") \
                and not csrf_valid(request.headers.get(CSRF_HEADER)):
            return flask.Response('{"error": "Beveiligingscode ontbreekt of klopt niet; laad de pagina opnieuw."}',
                                  status=403, mimetype="application/json")
        g.principal = principal
        return None
    if "uid" in flask.session:  # a stale login (account disabled or password changed)
        flask.session.pop("uid", None)
        flask.session.pop("fp", None)
    if request.method == "GET" and not request.path.startswith(("/_", "/assets/", "/vendor/")):
        query = _next_query(request.full_path)
        return redirect("/login" + (f"?{query}" if query else ""))
    return flask.Response('{"error": "Niet ingelogd."}', status=401, mimetype="application/json")


def _after(response: flask.Response) -> flask.Response:
    response.headers.update(SECURITY_HEADERS)
    response.headers["Content-Security-Policy"] = _csp(flask.current_app)
    if g.get("principal") is not None and not request.path.startswith(STATIC_PREFIXES):
        response.headers["Cache-Control"] = "no-store"
    token = flask.session.get(CSRF_KEY)
    if "uid" in flask.session and isinstance(token, str) and request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=False, samesite="Lax",  # the renderer must read it
                            secure=flask.current_app.session_interface.get_cookie_secure(flask.current_app))
    return response


def _csp(app: Flask) -> str:
    policy = app.config.get("VIOS_CSP")
    if policy is None:  # once per process: the inline scripts are fixed once the pages are registered
        hashes = app.config.get(SCRIPT_HASHES)
        policy = CSP.format(hashes="".join(f" {h}" for h in hashes()) if hashes else "")
        app.config["VIOS_CSP"] = policy
    return str(policy)


def _next_query(path: str) -> str:
    path = path.rstrip("?")
    return urlencode({"next": path}) if safe_next(path) != "/" else ""


def current_principal() -> Principal | None:
    """The logged-in user of this request (None outside a request or when not logged in)."""
    if not flask.has_app_context():
        return None
    return g.get("principal")


# ---------------------------------------------------------------- CSRF

def csrf_token() -> str:
    token = flask.session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        flask.session[CSRF_KEY] = token
    return token


def csrf_valid(sent: object) -> bool:
    expected = flask.session.get(CSRF_KEY)
    return (isinstance(sent, str) and isinstance(expected, str) and bool(expected)
            and hmac.compare_digest(sent.encode(), expected.encode()))


def safe_next(target: object) -> str:
    """A local path starting with a single '/', else '/'."""
    if not isinstance(target, str) or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target or any(ord(c) < 32 for c in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


# ---------------------------------------------------------------- routes

def _login():
    if request.method == "GET":
        return _login_page(next_path=safe_next(request.args.get("next", "/")))
    form = request.form
    next_path = safe_next(form.get("next", "/"))
    if not csrf_valid(form.get(CSRF_FIELD)):
        return _login_page(error=CSRF_FAILED, next_path=next_path, status=400)
    username, password = form.get("username", ""), form.get("password", "")
    with session_scope() as session:
        # No exception on failure: the failure counter and the audit rows must be committed.
        user = auth.authenticate(session, username, password, address=request.remote_addr or "")
        fingerprint = auth.session_fingerprint(user, flask.current_app.secret_key) if user else None
        uid = user.id if user else None
    if uid is None:
        # 200, not 401: a browser would log a 401 page as a console error.
        return _login_page(error=LOGIN_FAILED, next_path=next_path, username=username)
    flask.session.clear()  # a new session (and CSRF token) after login: no session fixation
    flask.session["uid"], flask.session["fp"] = uid, fingerprint
    flask.session.permanent = True  # the signed cookie expires after SESSION_LIFETIME
    csrf_token()  # the session's token from the start: later requests never need to change the cookie
    return redirect(next_path)


def _logout():
    if not csrf_valid(request.form.get(CSRF_FIELD)):
        return flask.Response(f"<p>{escape(CSRF_FAILED)}</p>", status=400, mimetype="text/html")
    with session_scope() as session:  # every session of this user ends, also a copied cookie
        auth.logout(session, flask.session.get("uid"))
    flask.session.clear()
    return redirect("/login")


def _login_page(*, error: str = "", next_path: str = "/", username: str = "", status: int = 200):
    alert = f'<div class="alert alert-danger" id="login-error" role="alert">{escape(error)}</div>' if error else ""
    html = f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Inloggen – Veilig in en om School</title><link rel="icon" href="data:,">
<link rel="stylesheet" href="/vendor/bootstrap/bootstrap.min.css"></head>
<body class="bg-light"><main class="container" style="max-width: 26rem">
<h1 class="h4 mt-5 mb-3">Veilig in en om School</h1>
<form method="post" action="/login" class="card card-body shadow-sm" id="login-form">
<h2 class="h5">Inloggen</h2>{alert}
<input type="hidden" name="{CSRF_FIELD}" value="{escape(csrf_token())}">
<input type="hidden" name="next" value="{escape(next_path)}">
<label class="form-label" for="login-username">Gebruikersnaam</label>
<input class="form-control mb-2" id="login-username" name="username" autocomplete="username" required
 value="{escape(username[:100])}">
<label class="form-label" for="login-password">Wachtwoord</label>
<input class="form-control mb-3" id="login-password" name="password" type="password"
 autocomplete="current-password" required>
<button class="btn btn-primary" type="submit" id="login-submit">Inloggen</button>
</form></main>
<footer class="container small py-3" style="max-width: 26rem">
<a href="{STATEMENT_PATH}" id="footer-a11y" style="color: #0b4ea2">Toegankelijkheid</a></footer>
</body></html>"""
    response = flask.Response(html, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response

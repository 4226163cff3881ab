"""The request context of a background job (web/request_context.background_request): the job gets a plain
identity (user id and login-session fingerprint, as data), re-opens its own database session, re-loads the
user and refuses when the login session has ended since the job was started (logout, disable, password)."""
from __future__ import annotations

import json

import flask
import pytest

from models.db import session_scope
from services import auth
from services.permissions import PermissionDenied
from services.secret_key import load_secret_key
from tests.conftest import PASSWORD, USERS, region_key
from web.request_context import (
    SESSION_ENDED,
    BackgroundIdentity,
    background_request,
    identity_of_request,
)


def _identity(role: str, search: str = "") -> BackgroundIdentity:
    with session_scope() as session:
        user = auth.get_user(session, USERS[role][0])
        data = {"user_id": user.id, "fingerprint": auth.session_fingerprint(user, load_secret_key())}
    identity = BackgroundIdentity.from_data(json.loads(json.dumps(data)), search)  # as Celery carries it
    assert identity is not None
    return identity


def test_the_job_reloads_the_user_and_reads_the_selection_from_the_identity(demo_db):
    identity = _identity("coordinator", f"?gebied={region_key('Maastricht-Heuvelland')}&sector=vo")
    with background_request(identity) as request:
        assert request.principal.username == USERS["coordinator"][0] and request.principal.role == "coordinator"
        assert request.scope.sector == "vo" and request.scope.region_id is not None
    with background_request(_identity("coordinator", "?gebied=nl")) as request, pytest.raises(PermissionDenied):
        request.scope  # noqa: B018 - the same permission check as in a request


def test_a_job_of_an_ended_session_is_refused(demo_db):
    identity = _identity("stuurgroeplid")
    with background_request(identity):
        pass  # the session is valid
    with session_scope() as session:
        auth.logout(session, identity.user_id)  # ends every session of the user
    with pytest.raises(PermissionDenied, match="sessie is beëindigd"), background_request(identity):
        pytest.fail("the job ran for an ended session")
    assert "er is niets gedaan" in SESSION_ENDED
    # logging in again gives a new fingerprint, which works
    with session_scope() as session:
        assert auth.authenticate(session, USERS["stuurgroeplid"][0], PASSWORD) is not None
    with background_request(_identity("stuurgroeplid")) as request:
        assert request.principal.role == "stuurgroeplid"


def test_a_new_password_or_a_disabled_account_ends_the_jobs_too(demo_db):
    identity = _identity("bestuurder")
    with session_scope() as session:
        auth.set_password(session, USERS["bestuurder"][0], PASSWORD + "-nieuw", actor="t")
    with pytest.raises(PermissionDenied, match="sessie is beëindigd"), background_request(identity):
        pass


@pytest.mark.parametrize("data", [None, {}, {"user_id": "1", "fingerprint": "x"}, {"user_id": True, "fingerprint": "x"},
                                  {"user_id": 1}, {"user_id": 1, "fingerprint": 5}, ["user_id", 1]])
def test_no_or_a_malformed_identity_is_refused_as_not_logged_in(data):
    identity = BackgroundIdentity.from_data(data, "")
    assert identity is None
    with pytest.raises(PermissionDenied, match="niet ingelogd"), background_request(identity):
        pass


def test_the_identity_comes_from_the_checked_login_only(dash_app):
    with dash_app.server.test_request_context("/"):
        flask.session.update({"uid": 5, "fp": "abc"})
        assert identity_of_request() is None  # the login guard did not accept this session
        flask.g.principal = object()
        assert identity_of_request() == {"user_id": 5, "fingerprint": "abc"}
    assert identity_of_request() is None  # no request: nothing

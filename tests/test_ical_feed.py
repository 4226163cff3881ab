"""The calendar feed: valid RFC 5545 (parsed strictly by icalendar, CRLF, folded at 75 octets), the expiry
dates the Certificering page computes, nothing personal, and a token that stops working when revoked."""
from __future__ import annotations

import re
from datetime import timedelta

import icalendar
import pytest
from conftest import DEMO_TODAY
from worklist_data import principal, region_id

from domain import clock
from domain.scope import Scope
from models import Contact, User
from models.db import session_scope
from services import certification_reads, ical_feed
from services.permissions import PermissionDenied


def _token(role: str = "coordinator") -> str:
    with session_scope() as session:
        return ical_feed.create_token(session, principal(session, role))


def test_feed_is_valid_icalendar_with_the_regions_expiry_dates(client):
    token = _token()
    response = client.get(f"/ical/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/calendar")
    raw = response.get_data()
    text = raw.decode("utf-8")
    # CRLF everywhere, every line at most 75 octets
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in raw.decode().split("\r\n"))
    cal = icalendar.Calendar.from_ical(raw)
    assert cal["VERSION"] == "2.0" and cal["PRODID"] == ical_feed.PRODID
    events = list(cal.walk("VEVENT"))
    with session_scope() as session:
        rows = certification_reads.certification_rows(session, Scope(DEMO_TODAY, region_id=region_id(session)),
                                               principal(session, "coordinator"))
        contacts = [c.name for c in session.query(Contact).all()]
    expected = sorted((r.code, r.expires_on) for r in rows if r.status in ("valid", "expiring"))
    assert expected, "the demo region has valid certificates"
    shown = sorted((re.search(r"\((\w{6})\)$", str(e["SUMMARY"])).group(1), e["DTSTART"].dt) for e in events)
    assert shown == expected
    stamp = clock.now().replace(microsecond=0)
    for e in events:
        assert e["DTSTART"].params.get("VALUE") == "DATE"
        assert e["DTEND"].dt == e["DTSTART"].dt + timedelta(days=1)
        assert abs((e["DTSTAMP"].dt.replace(tzinfo=None) - stamp.replace(tzinfo=None)).total_seconds()) < 120
        assert str(e["CATEGORIES"].cats[0]) == "Maastricht-Heuvelland"
    assert len({str(e["UID"]) for e in events}) == len(events)
    # no personal data: no contact person's name
    assert not any(name and name in text for name in contacts)


def test_a_revoked_or_unknown_token_gets_404(client):
    token = _token()
    assert client.get(f"/ical/{token}.ics").status_code == 200
    newer = _token()   # a new address revokes the old one
    assert client.get(f"/ical/{token}.ics").status_code == 404
    assert client.get(f"/ical/{newer}.ics").status_code == 200
    with session_scope() as session:
        assert ical_feed.revoke_tokens(session, principal(session, "coordinator")) == 1
    assert client.get(f"/ical/{newer}.ics").status_code == 404
    assert client.get("/ical/" + "A" * 43 + ".ics").status_code == 404
    assert client.get("/ical/x.ics").status_code == 404


def test_a_disabled_user_s_feed_is_gone_and_only_the_hash_is_stored(client):
    from models import CalendarToken

    token = _token()
    with session_scope() as session:
        stored = [t.token_hash for t in session.query(CalendarToken).all()]
        assert token not in stored and ical_feed._hash(token) in stored
        user = session.query(User).filter(User.username == principal(session, "coordinator").username).one()
        user.active = False
    try:
        assert client.get(f"/ical/{token}.ics").status_code == 404
    finally:
        with session_scope() as session:
            user = session.get(User, user.id)
            user.active = True


def test_only_worklist_roles_may_subscribe(demo_db):
    for role in ("stuurgroeplid", "bestuurder"):
        with session_scope() as session, pytest.raises(PermissionDenied):
            ical_feed.create_token(session, principal(session, role))


def test_folding_never_splits_a_character():
    line = "SUMMARY:" + "é" * 100
    folded = ical_feed.fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode()) <= (75 if i == 0 else 74) for i, p in enumerate(parts))
    assert "".join(parts) == line
    assert ical_feed.escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_the_request_log_never_holds_the_token(client):
    import io
    import logging

    token = _token()
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("vios.requests")
    logger.addHandler(handler)
    try:
        assert client.get(f"/ical/{token}.ics").status_code == 200
    finally:
        logger.removeHandler(handler)
    logged = stream.getvalue()
    assert "/ical/<token>.ics" in logged and token not in logged

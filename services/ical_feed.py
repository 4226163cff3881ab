"""The iCalendar feed of certificate expiry dates (RFC 5545), and its revocable per-user tokens.

A calendar program fetches /ical/<token>.ics without a login (web/ical_route.py): the token is the
credential. It is shown once, when created; only its SHA-256 is stored (models.CalendarToken), so a
database copy does not reveal working feed URLs. A user has at most one active token: creating a new
one revokes the old. Every fetch rebuilds the user's rights (permissions.principal_for): a disabled
user's or a revoked token's feed is not found, and the feed holds only schools the user may read now.

The feed holds no personal data: per school with a certificate valid today one all-day event on its
expiry date (school name and code, municipality, region: public register data), one calendar per
user with every region they may act on, CATEGORIES naming the region.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session, col

from domain import clock
from domain.dates import format_nl
from domain.scope import Scope
from models import CalendarToken, Region, User
from services.certification_reads import CertificationReads
from services.permissions import (
    PermissionDenied,
    Principal,
    can_subscribe_calendar,
    can_view_worklist,
    principal_for,
)

TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
PRODID = "-//Veilig in en om School//Certificaten//NL"
NOT_ALLOWED = "Geen toegang: een agenda-abonnement is voor de coördinatoren en de beheerder."


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# ---------------------------------------------------------------- tokens

def create_token(session: Session, principal: Principal) -> str:
    """A new feed token for this user (the old one revoked); the plain token, to show once."""
    if not can_subscribe_calendar(principal):
        raise PermissionDenied(NOT_ALLOWED)
    revoke_tokens(session, principal)
    token = secrets.token_urlsafe(32)
    session.add(CalendarToken(user_id=principal.user_id, token_hash=_hash(token)))
    session.flush()
    return token


def revoke_tokens(session: Session, principal: Principal) -> int:
    """Revoke the user's active tokens; how many there were."""
    active = list(session.scalars(select(CalendarToken).where(col(CalendarToken.user_id) == principal.user_id,
                                                              col(CalendarToken.revoked_at).is_(None))))
    for token in active:
        token.revoked_at = clock.now()
        session.add(token)
    session.flush()
    return len(active)


def active_since(session: Session, principal: Principal) -> datetime | None:
    """When the user's active token was created; None without one."""
    return session.scalar(select(col(CalendarToken.created_at)).where(
        col(CalendarToken.user_id) == principal.user_id, col(CalendarToken.revoked_at).is_(None))
        .order_by(col(CalendarToken.id).desc()).limit(1))


def principal_for_token(session: Session, token: str) -> Principal | None:
    """The rights of the token's user, now; None for a malformed, unknown or revoked token, or a user
    who is disabled or may no longer subscribe."""
    if not TOKEN_PATTERN.match(token or ""):
        return None
    row = session.scalar(select(CalendarToken).where(col(CalendarToken.token_hash) == _hash(token),
                                                     col(CalendarToken.revoked_at).is_(None)))
    user = session.get(User, row.user_id) if row is not None else None
    if user is None:
        return None
    try:
        principal = principal_for(session, user)
    except PermissionDenied:
        return None
    return principal if can_subscribe_calendar(principal) else None


# ---------------------------------------------------------------- the feed

@dataclass(frozen=True)
class ExpiryEvent:
    code: str
    name: str
    municipality: str
    region: str
    issued_on: date | None
    expires_on: date


def expiry_events(session: Session, principal: Principal, today: date) -> list[ExpiryEvent]:
    """Per region the user may act on, the schools with a certificate valid today, by expiry date
    (certificate status and dates from CertificationReads, as on the Certificering page)."""
    regions = session.execute(select(col(Region.id), col(Region.name)).order_by(col(Region.name))).all()
    events = []
    for region_id, region in regions:
        if not can_view_worklist(principal, region_id):
            continue
        for row in CertificationReads(session, Scope(today, region_id=region_id), principal).rows:
            if row.status in ("valid", "expiring") and row.expires_on is not None:
                events.append(ExpiryEvent(row.code, row.name, row.municipality, region, row.issued_on,
                                          row.expires_on))
    return sorted(events, key=lambda e: (e.expires_on, e.code))


def escape_text(value: str) -> str:
    """An RFC 5545 TEXT value (3.3.11): backslash, semicolon, comma and newlines escaped."""
    return (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1): CRLF and a space, never inside a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        limit = 75 if not out else 74   # a continuation line starts with the space
        if size + width > limit:
            out.append(current)
            current, size = "", 0
        current += char
        size += width
    out.append(current)
    return "\r\n ".join(out)


def feed(session: Session, principal: Principal, *, now: datetime | None = None) -> str:
    """The user's calendar as RFC 5545 text (CRLF line endings, folded lines)."""
    stamp = (now or clock.now()).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             "X-WR-CALNAME:VIOS: verlopende certificaten", "X-WR-TIMEZONE:Europe/Amsterdam"]
    for e in expiry_events(session, principal, clock.today()):
        issued = f" Afgegeven op {format_nl(e.issued_on)}." if e.issued_on else ""
        summary = escape_text(f"Certificaat verloopt: {e.name} ({e.code})")
        description = escape_text(f"Het certificaat Veilige School van {e.name} ({e.code}), {e.municipality}, "
                                  f"regio {e.region}, verloopt op {format_nl(e.expires_on)}.{issued}")
        lines += [
            "BEGIN:VEVENT",
            f"UID:vios-certificaat-{e.code}-{e.expires_on:%Y%m%d}@veilig-in-en-om-school",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{e.expires_on:%Y%m%d}",
            f"DTEND;VALUE=DATE:{e.expires_on + timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{summary}",
            f"DESCRIPTION:{description}",
            f"CATEGORIES:{escape_text(e.region)}",
            "TRANSP:TRANSPARENT",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)

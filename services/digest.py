"""The weekly e-mail digest of the Actielijst, per coordinator who subscribed (models.DigestSubscription).

`vios digest` (cli/digest_commands.py) sends it; an operator schedules that weekly (cron, a systemd
timer). The SMTP server comes from VIOS_SMTP_URL:

    smtp://[user[:password]@]host[:port][?starttls=1][&from=afzender@example.org]
    smtps://...   (TLS from the start, port 465 by default)

The items are services.worklist's, with the user's own rights at the moment of sending; a disabled
user or one who is no longer a coordinator gets nothing. Dutch text, plain text plus simple HTML.
"""
from __future__ import annotations

import html
import os
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select
from sqlmodel import Session, col

from domain.dates import format_nl
from models import DigestSubscription, Region, User
from services.permissions import PermissionDenied, Principal, can_view_worklist, principal_for
from services.worklist import Worklist, worklist

SMTP_ENV = "VIOS_SMTP_URL"
FROM_ENV = "VIOS_SMTP_FROM"
APP_URL_ENV = "VIOS_APP_URL"   # optional: the app's address, for links in the mail
DIGEST_ROLES = ("coordinator",)
MAX_ITEMS = 25                 # per section; the rest is counted ("en nog 12")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool
    tls: bool
    sender: str


def smtp_settings(url: str, sender: str | None = None) -> SmtpSettings:
    """Settings from an smtp:// or smtps:// URL; ValueError with a Dutch message otherwise."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise ValueError(f"{SMTP_ENV} moet beginnen met smtp:// of smtps:// en een server noemen")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "ja", "yes")
    host = parts.hostname
    return SmtpSettings(host=host, port=parts.port or (465 if parts.scheme == "smtps" else 25),
                        user=unquote(parts.username) if parts.username else None,
                        password=unquote(parts.password) if parts.password else None,
                        starttls=starttls, tls=parts.scheme == "smtps",
                        sender=sender or query.get("from", [""])[0] or f"vios@{host}")


@dataclass(frozen=True)
class Digest:
    username: str
    email: str
    subject: str
    text: str
    html: str
    items: int


def subscribe(session: Session, principal: Principal, email: str) -> DigestSubscription:
    """Opt in to (or change the address of) the weekly digest; ValueError for an unusable address."""
    if principal.role not in DIGEST_ROLES:
        raise PermissionDenied("Geen toegang: de wekelijkse e-mail is voor de coördinatoren.")
    address = (email or "").strip()
    if len(address) > 200 or address.count("@") != 1 or " " in address or "." not in address.split("@")[1]:
        raise ValueError("Vul een geldig e-mailadres in.")
    row = session.scalar(select(DigestSubscription).where(col(DigestSubscription.user_id) == principal.user_id))
    row = row or DigestSubscription(user_id=principal.user_id, email=address)
    row.email = address
    session.add(row)
    session.flush()
    return row


def unsubscribe(session: Session, principal: Principal) -> bool:
    row = session.scalar(select(DigestSubscription).where(col(DigestSubscription.user_id) == principal.user_id))
    if row is not None:
        session.delete(row)
        session.flush()
    return row is not None


def subscription(session: Session, principal: Principal) -> str | None:
    return session.scalar(select(col(DigestSubscription.email)).where(
        col(DigestSubscription.user_id) == principal.user_id))


def _lines(w: Worklist) -> list[tuple[str, list[str]]]:
    """(section title, item lines) of one region's worklist: the same sections as the page."""
    return [
        (f"Certificaten die binnen {w.window_months} maanden verlopen, zonder nieuw traject",
         [f"{r.name} ({r.code}), {r.municipality}: verloopt {format_nl(r.expires_on)}" for r in w.expiring]),
        (f"Vastgelopen trajecten (fasegrens {w.phase_limit_months} maanden)",
         [f"{r.name} ({r.code}): {r.phase_label}; {'; '.join(r.stall_reasons)}" for r in w.stalled]),
        ("Scholen zonder alle verplichte kernpartners",
         [f"{m.name} ({m.code}): ontbreekt {', '.join(m.missing)}" for m in w.missing]),
        ("Samenwerkingen zonder contact",
         [f"{o.name} ({o.code}) – {o.organisation}: {o.reason}" for o in w.orphaned]),
        ("Tranches boven capaciteit",
         [f"{t.name}: {t.taken} lopende trajecten, capaciteit {t.capacity}" for t in w.over_capacity]),
    ]


def compose(username: str, email: str, display_name: str, lists: list[Worklist], as_of: date,
            app_url: str = "") -> Digest:
    total = sum(w.total for w in lists)
    subject = f"Actielijst Veilig in en om School, week van {format_nl(as_of)}: {total} punten"
    text = [f"Beste {display_name or username},", "",
            f"Dit is uw wekelijkse actielijst van {format_nl(as_of)}."]
    body = [f"<p>Beste {html.escape(display_name or username)},</p>",
            f"<p>Dit is uw wekelijkse actielijst van {format_nl(as_of)}.</p>"]
    for w in lists:
        text += ["", f"== Regio {w.region}: {w.total} punten =="]
        body.append(f"<h2>Regio {html.escape(w.region)}: {w.total} punten</h2>")
        for title, items in _lines(w):
            text += ["", f"{title} ({len(items)})"]
            body.append(f"<h3>{html.escape(title)} ({len(items)})</h3>")
            shown = items[:MAX_ITEMS] or ["geen"]
            more = [f"en nog {len(items) - MAX_ITEMS}"] if len(items) > MAX_ITEMS else []
            text += [f"- {line}" for line in shown + more]
            body.append("<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in shown + more) + "</ul>")
    if app_url:
        text += ["", f"Open de actielijst: {app_url.rstrip('/')}/actielijst"]
        body.append(f'<p><a href="{html.escape(app_url.rstrip("/"))}/actielijst">Open de actielijst</a></p>')
    footer = "U krijgt deze e-mail omdat u zich op de Actielijst hebt aangemeld; afmelden kan daar ook."
    text += ["", footer]
    body.append(f"<p><small>{footer}</small></p>")
    html_doc = ('<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"></head><body>'
                + "".join(body) + "</body></html>")
    return Digest(username, email, subject, "\n".join(text) + "\n", html_doc, total)


def digests(session: Session, as_of: date, app_url: str = "") -> list[Digest]:
    """One digest per subscribed, active coordinator: the worklists of the regions they may act on."""
    rows = session.execute(select(User, col(DigestSubscription.email))
                           .join(DigestSubscription, col(DigestSubscription.user_id) == col(User.id))
                           .order_by(col(User.username))).all()
    regions = [rid for rid in session.scalars(select(col(Region.id)).order_by(col(Region.name))) if rid is not None]
    result = []
    for user, email in rows:
        try:
            principal = principal_for(session, user)
        except PermissionDenied:   # disabled
            continue
        if principal.role not in DIGEST_ROLES:
            continue
        lists = [worklist(session, principal, rid, as_of) for rid in regions if can_view_worklist(principal, rid)]
        if lists:
            result.append(compose(user.username, email, user.display_name, lists, as_of, app_url))
    return result


def message(d: Digest, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = d.subject, sender, d.email
    msg.set_content(d.text)
    msg.add_alternative(d.html, subtype="html")
    return msg


def send(settings: SmtpSettings, messages: list[EmailMessage], timeout: float = 30) -> None:
    """Send over one SMTP connection (STARTTLS or TLS as configured; login when a user is given)."""
    if not messages:
        return
    context = ssl.create_default_context()
    connect: Callable[..., smtplib.SMTP] = smtplib.SMTP_SSL if settings.tls else smtplib.SMTP
    kwargs = {"context": context} if settings.tls else {}
    with connect(settings.host, settings.port, timeout=timeout, **kwargs) as smtp:
        if settings.starttls:
            smtp.starttls(context=context)
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        for msg in messages:
            smtp.send_message(msg)


def configured_settings() -> SmtpSettings | None:
    url = os.environ.get(SMTP_ENV, "").strip()
    return smtp_settings(url, os.environ.get(FROM_ENV) or None) if url else None

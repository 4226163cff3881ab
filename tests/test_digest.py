"""The weekly e-mail digest: `vios digest` sends each subscribed coordinator their Actielijst through a
real SMTP server (aiosmtpd on 127.0.0.1, a free port), Dutch plain text and HTML with the items."""
from __future__ import annotations

import email
import email.policy
import socket

import pytest
from aiosmtpd.controller import Controller
from conftest import DEMO_TODAY
from vios_cli import run
from worklist_data import make_items, principal, region_id

from models.db import session_scope
from services import digest, worklist
from services.permissions import PermissionDenied


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def made(demo_db):
    with session_scope() as session:
        items = make_items(session)
        digest.subscribe(session, principal(session, "coordinator"), "coordinator@example.org")
    return items


def test_vios_digest_sends_the_worklist_to_the_subscribed_coordinator(made, module_database, smtp, monkeypatch):
    inbox, port = smtp
    monkeypatch.setenv(digest.SMTP_ENV, f"smtp://127.0.0.1:{port}?from=vios@example.org")
    result = run(module_database, "digest")
    assert result.returncode == 0, result.stderr
    assert "1 e-mail(s) verstuurd" in result.stdout
    assert len(inbox.messages) == 1
    sender, recipients, content = inbox.messages[0]
    assert sender == "vios@example.org" and recipients == ["coordinator@example.org"]
    msg = email.message_from_bytes(content, policy=email.policy.default)
    assert msg["Subject"].startswith("Actielijst Veilig in en om School, week van 23-11-2026")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    with session_scope() as session:
        w = worklist.worklist(session, principal(session, "coordinator"), region_id(session), DEMO_TODAY)
    assert f"Regio {w.region}: {w.total} punten" in text and f"{w.total} punten" in msg["Subject"]
    for r in w.expiring:
        assert f"{r.name} ({r.code}), {r.municipality}: verloopt {r.expires_on:%d-%m-%Y}" in text
    for r in w.stalled:
        assert f"{r.name} ({r.code})" in text
    for m in w.missing:
        assert f"{m.name} ({m.code}): ontbreekt {', '.join(m.missing)}" in text
    assert made["organisation"] in text and made["tranche"] in text
    assert "Tranches boven capaciteit (1)" in text and "<h3>Tranches boven capaciteit (1)</h3>" in html
    assert "Beste Test coordinator," in text


def test_dry_run_sends_nothing_and_without_smtp_nothing_is_sent(made, module_database, smtp, monkeypatch):
    inbox, _ = smtp
    monkeypatch.delenv(digest.SMTP_ENV, raising=False)
    refused = run(module_database, "digest")
    assert refused.returncode == 1 and "VIOS_SMTP_URL is niet ingesteld" in refused.stderr
    dry = run(module_database, "digest", "--dry-run")
    assert dry.returncode == 0 and "Aan: coordinator@example.org" in dry.stdout
    assert "1 e-mail(s) zou(den) verstuurd worden" in dry.stdout
    assert inbox.messages == []


def test_smtp_url_and_subscription_rules(demo_db):
    s = digest.smtp_settings("smtp://user%40x:p%3Ass@mail.example.org:587?starttls=1")
    assert (s.host, s.port, s.user, s.password, s.starttls, s.tls) == ("mail.example.org", 587, "user@x", "p:ss",
                                                                       True, False)
    assert digest.smtp_settings("smtps://mail.example.org").port == 465
    with pytest.raises(ValueError):
        digest.smtp_settings("http://mail.example.org")
    with session_scope() as session:
        with pytest.raises(ValueError):
            digest.subscribe(session, principal(session, "coordinator"), "geen adres")
        with pytest.raises(PermissionDenied):
            digest.subscribe(session, principal(session, "stuurgroeplid"), "s@example.org")

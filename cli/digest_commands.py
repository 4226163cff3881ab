"""`vios digest [--dry-run]`: the weekly Actielijst e-mail to every subscribed coordinator (services.digest).

Scheduled by the operator (cron or a systemd timer, see README "Deployment"). Without VIOS_SMTP_URL
only --dry-run works: it prints what would be sent.
"""
from __future__ import annotations

import argparse
import os
import sys

from cli.common import EXIT_OK, EXIT_REFUSED, Subcommands


def add_parsers(sub: Subcommands) -> None:
    p = sub.add_parser("digest", help="de wekelijkse actielijst mailen aan de aangemelde coördinatoren")
    p.add_argument("--dry-run", "--proef", dest="dry_run", action="store_true",
                   help="alleen tonen wat verstuurd zou worden, niets versturen")
    p.set_defaults(handler=run_digest)


def run_digest(args: argparse.Namespace) -> int:
    from domain import clock
    from models.db import session_scope
    from services import digest
    from services.migrate import upgrade

    try:
        settings = digest.configured_settings()
    except ValueError as exc:
        print(f"vios digest: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    if settings is None and not args.dry_run:
        print(f"vios digest: {digest.SMTP_ENV} is niet ingesteld; niets verstuurd (gebruik --dry-run om te kijken).",
              file=sys.stderr)
        return EXIT_REFUSED
    upgrade()
    with session_scope() as session:
        mails = digest.digests(session, clock.today(), os.environ.get(digest.APP_URL_ENV, ""))
    if args.dry_run:
        for d in mails:
            print(f"Aan: {d.email} ({d.username})\nOnderwerp: {d.subject}\n\n{d.text}")
        print(f"{len(mails)} e-mail(s) zou(den) verstuurd worden (proef: niets verstuurd).")
        return EXIT_OK
    assert settings is not None
    try:
        digest.send(settings, [digest.message(d, settings.sender) for d in mails])
    except OSError as exc:   # smtplib's errors are OSErrors too
        print(f"vios digest: versturen mislukt via {settings.host}:{settings.port}: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    print(f"{len(mails)} e-mail(s) verstuurd via {settings.host}:{settings.port}.")
    return EXIT_OK

"""`vios check`: names that the exchange import would treat as one (services.names), and merging them.

Exit code 0 when there are no duplicates (or after --merge), 1 when duplicates remain.
"""
from __future__ import annotations

import argparse

from cli.common import EXIT_OK, EXIT_REFUSED, Subcommands, cli_user


def add_parsers(sub: Subcommands) -> None:
    check = sub.add_parser("check", help="dubbele namen zoeken (hoofdletters en spaties tellen niet mee)")
    check.add_argument("--merge", action="store_true",
                       help="dubbele namen samenvoegen in de oudste (plannen krijgen een nummer), met audit")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services import names
    from services.migrate import upgrade

    upgrade()
    with session_scope() as session:
        groups = names.find_duplicates(session)
        if not groups:
            print("Geen dubbele namen gevonden.")
            names.ensure_unique_indexes(session.connection())
            return EXIT_OK
        print(f"{len(groups)} groep(en) dubbele namen (hoofdletters en extra spaties tellen niet mee):")
        for group in groups:
            print(f"  {group.describe()}")
        if not args.merge:
            print("Samenvoegen: vios check --merge")
            return EXIT_REFUSED
        for line in names.merge_duplicates(session, username=cli_user()):
            print(f"  {line}")
        skipped = names.ensure_unique_indexes(session.connection())
    if skipped:
        print(f"Nog niet uniek: {', '.join(skipped)}; voer 'vios check' opnieuw uit.")
        return EXIT_REFUSED
    print("Samengevoegd; de unieke indexen op de namen zijn aangemaakt.")
    return EXIT_OK

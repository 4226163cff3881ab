"""What the `vios` command modules share: exit codes, the usage error, argument types, the audit name.

cli/main.py builds the parser and lets each command module register its subcommands; command
modules import only this module from cli/, never cli/main.py or each other.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeAlias

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2

Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""What `ArgumentParser.add_subparsers()` returns; a command module's `add_parsers(sub)` adds to it."""

Handler: TypeAlias = Callable[[argparse.Namespace], int]
"""A subcommand's function: parsed arguments in, exit code out. Registered with `set_defaults(handler=...)`."""

SECTORS = ["po", "vo", "mbo", "so", "vso", "pro"]


class UsageError(Exception):
    """Wrong use of the command (exit code 2)."""


def date_arg(text: str) -> date:
    """argparse type for a date: jjjj-mm-dd or dd-mm-jjjj."""
    from domain.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def import_options(parser: argparse.ArgumentParser) -> None:
    """The options every import command has: partial import, rejects file, dry run."""
    parser.add_argument("--deels", dest="partial", action="store_true",
                        help="geldige rijen importeren, afgekeurde rijen naar --afgekeurd schrijven")
    parser.add_argument("--afgekeurd", dest="rejects", type=Path, help="bestand voor afgekeurde rijen")
    parser.add_argument("--proef", dest="dry_run", action="store_true", help="alleen controleren, niets opslaan")


def cli_user() -> str:
    """Who ran a command, for the audit log: 'cli:<operating-system user>'."""
    import getpass

    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or passwd (some containers)
        name = "onbekend"
    return f"cli:{name}"[:100]

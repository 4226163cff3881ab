"""`vios` command line. Exit codes: 0 success, 1 input refused, 2 usage error.

Each command module registers its own subcommands (`add_parsers(sub)`), with the function that runs
them as the `handler` default; this module only builds the parser and calls the chosen handler.
"""
from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import OperationalError

from cli import backup_commands, check_commands, commands, digest_commands, geo_commands, serve_commands, user_commands
from cli.common import EXIT_REFUSED, EXIT_USAGE, Handler, UsageError


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vios", description="Veilig in en om School: beheer en rapportage")
    sub = p.add_subparsers(dest="command", required=True)
    serve_commands.add_parsers(sub)
    commands.add_parsers(sub)
    user_commands.add_parsers(sub)
    geo_commands.add_parsers(sub)
    check_commands.add_parsers(sub)
    backup_commands.add_parsers(sub)
    digest_commands.add_parsers(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        return handler(args)
    except UsageError as exc:
        print(f"vios: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OperationalError as exc:
        from services.transactions import busy_message, is_busy

        if not is_busy(exc):
            raise
        print(f"vios: {busy_message()}", file=sys.stderr)  # another writer held the database too long
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())

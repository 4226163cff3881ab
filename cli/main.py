"""`vios` command line. Exit codes: 0 success, 1 input refused, 2 usage error."""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

EXIT_OK, EXIT_REFUSED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """Wrong use of the command (exit code 2)."""


def _date_arg(text: str) -> date:
    from domain.dates import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="vios", description="Veilig in en om School: beheer en rapportage")
    sub = p.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="start de webapplicatie")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true")

    db = sub.add_parser("db", help="database")
    db.add_argument("action", choices=["upgrade"])

    seed = sub.add_parser("seed", help="voorbeeldgegevens laden")
    seed_sub = seed.add_subparsers(dest="dataset", required=True)
    demo = seed_sub.add_parser("demo", help="fictieve demo: regio Maastricht-Heuvelland en 12 VIOS-gemeenten")
    demo.add_argument("--today", type=_date_arg, default=None, help="referentiedatum (standaard vandaag)")
    demo.add_argument("--if-empty", action="store_true", help="niets doen als er al scholen zijn")
    scale = seed_sub.add_parser("scale", help="landelijke testset voor metingen")
    scale.add_argument("--schools", type=int, default=8000)
    scale.add_argument("--seed", type=int, default=1)
    scale.add_argument("--today", type=_date_arg, default=None)

    duo = sub.add_parser("import-duo", help="DUO-register (CSV) importeren")
    duo.add_argument("file", type=Path)
    duo.add_argument("--sector", required=True, choices=["po", "vo", "mbo", "so", "vso", "pro"])
    _import_options(duo)

    imp = sub.add_parser("import", help="uitwisselbestand (.xlsx of map met CSV) importeren")
    imp.add_argument("file", type=Path)
    _import_options(imp)

    exp = sub.add_parser("export", help="alle gegevens exporteren (.xlsx of map met CSV)")
    exp.add_argument("file", type=Path)
    exp.add_argument("--zonder-persoonsgegevens", dest="no_personal", action="store_true",
                     help="contactpersonen weglaten")

    tpl = sub.add_parser("template", help="leeg uitwisselbestand met toelichting schrijven")
    tpl.add_argument("file", type=Path)

    rep = sub.add_parser("report", help="kerncijfers per gemeente en totaal")
    rep.add_argument("--as-of", type=_date_arg, default=None, help="peildatum (jjjj-mm-dd of dd-mm-jjjj)")
    area = rep.add_mutually_exclusive_group()
    area.add_argument("--region", help="naam van de regio")
    area.add_argument("--province", help="naam van de provincie")
    rep.add_argument("--sector", choices=["po", "vo", "mbo", "so", "vso", "pro"])
    rep.add_argument("--json", action="store_true", help="als JSON (standaard een tabel)")

    from cli.user_commands import add_parser as add_user_parser

    add_user_parser(sub)
    from cli.geo_commands import add_parser as add_geo_parser

    add_geo_parser(sub)
    return p


def _import_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--deels", dest="partial", action="store_true",
                        help="geldige rijen importeren, afgekeurde rijen naar --afgekeurd schrijven")
    parser.add_argument("--afgekeurd", dest="rejects", type=Path, help="bestand voor afgekeurde rijen")
    parser.add_argument("--proef", dest="dry_run", action="store_true", help="alleen controleren, niets opslaan")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _dispatch(args)
    except UsageError as exc:
        print(f"vios: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _dispatch(args: argparse.Namespace) -> int:
    from cli import commands, geo_commands, user_commands

    handler = {
        "serve": commands.serve, "db": commands.db, "seed": commands.seed, "import-duo": commands.import_duo,
        "import": commands.import_exchange, "export": commands.export, "template": commands.template,
        "report": commands.report, "user": user_commands.user, "boundaries": geo_commands.boundaries,
    }[args.command]
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())

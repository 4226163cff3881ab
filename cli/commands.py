"""The data subcommands of `vios` (db, seed, import-duo, import, export, template, report).

Handlers parse nothing, validate little and call services. The database modules are imported by the
handlers, so that building the parser (`vios --help`) stays fast.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.common import (
    EXIT_OK,
    EXIT_REFUSED,
    SECTORS,
    Subcommands,
    UsageError,
    cli_user,
    date_arg,
    import_options,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from dataio.errors import ImportResult


def add_parsers(sub: Subcommands) -> None:
    db_p = sub.add_parser("db", help="database")
    db_p.add_argument("action", choices=["upgrade"])
    db_p.set_defaults(handler=db)

    seed_p = sub.add_parser("seed", help="voorbeeldgegevens laden")
    seed_p.set_defaults(handler=seed)
    seed_sub = seed_p.add_subparsers(dest="dataset", required=True)
    demo = seed_sub.add_parser("demo", help="fictieve demo: regio Maastricht-Heuvelland en 12 VIOS-gemeenten")
    demo.add_argument("--today", type=date_arg, default=None, help="referentiedatum (standaard vandaag)")
    demo.add_argument("--if-empty", action="store_true", help="niets doen als er al scholen zijn")
    scale = seed_sub.add_parser("scale", help="landelijke testset voor metingen")
    scale.add_argument("--schools", type=int, default=8000)
    scale.add_argument("--seed", type=int, default=1)
    scale.add_argument("--today", type=date_arg, default=None)

    duo = sub.add_parser("import-duo", help="DUO-register (CSV) importeren")
    duo.add_argument("file", type=Path)
    duo.add_argument("--sector", required=True, choices=SECTORS)
    import_options(duo)
    duo.add_argument("--sluit-ontbrekende", dest="close_missing", action="store_true",
                     help="bevestigen dat scholen die niet in het bestand staan inactief worden (nodig bij meer "
                          "dan 10%% van de sector of een bestand met minder dan 5 rijen)")
    duo.set_defaults(handler=import_duo)

    imp = sub.add_parser("import", help="uitwisselbestand (.xlsx of map met CSV) importeren")
    imp.add_argument("file", type=Path)
    import_options(imp)
    imp.set_defaults(handler=import_exchange)

    exp = sub.add_parser("export", help="alle gegevens exporteren (.xlsx of map met CSV)")
    exp.add_argument("file", type=Path)
    exp.add_argument("--zonder-persoonsgegevens", dest="no_personal", action="store_true",
                     help="contactpersonen weglaten")
    exp.set_defaults(handler=export)

    tpl = sub.add_parser("template", help="leeg uitwisselbestand met toelichting schrijven")
    tpl.add_argument("file", type=Path)
    tpl.set_defaults(handler=template)

    rep = sub.add_parser("report", help="kerncijfers per gemeente en totaal")
    rep.add_argument("--as-of", type=date_arg, default=None, help="peildatum (jjjj-mm-dd of dd-mm-jjjj)")
    area = rep.add_mutually_exclusive_group()
    area.add_argument("--region", help="naam van de regio")
    area.add_argument("--province", help="naam van de provincie")
    rep.add_argument("--sector", choices=SECTORS)
    rep.add_argument("--json", action="store_true", help="als JSON (standaard een tabel)")
    rep.add_argument("--since", type=date_arg, default=None,
                     help="vergelijk met deze datum (vorige vergadering): voegt 'changes' toe aan de JSON")
    rep.add_argument("--pdf", type=Path, default=None, metavar="BESTAND",
                     help="schrijf het verslag voor de stuurgroepvergadering als PDF (standaard vergeleken met "
                          "de laatste vergadering vóór de peildatum, anders drie maanden eerder)")
    rep.set_defaults(handler=report)


def db(args: argparse.Namespace) -> int:
    from services.migrate import upgrade

    upgrade()
    print("Database bijgewerkt tot de nieuwste versie.")
    return EXIT_OK


def seed(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from seed.demo import seed_demo
    from seed.scale import seed_scale
    from services.areas import has_schools
    from services.migrate import upgrade

    upgrade()
    with session_scope() as session:
        if has_schools(session):
            if args.dataset == "demo" and args.if_empty:
                print("Er zijn al gegevens; demo niet opnieuw geladen.")
                if not auth_users_exist(session):
                    print("Er zijn nog geen gebruikers: maak een beheerder met "
                          "`vios user add NAAM --role beheerder` (het wachtwoord wordt één keer getoond).")
                return EXIT_OK
            print("De database bevat al scholen; voorbeeldgegevens worden alleen in een lege database geladen.",
                  file=sys.stderr)
            return EXIT_REFUSED
        users: list[tuple[str, str, str]] = []
        if args.dataset == "demo":
            from seed.demo_users import seed_demo_users

            counts = seed_demo(session, today=args.today)
            users = seed_demo_users(session)
        else:
            counts = seed_scale(session, schools=args.schools, seed=args.seed, today=args.today)
    for table, n in counts.items():
        print(f"{table:<20} {n:>8}")
    if users:
        print()
        print("Demo-gebruikers (wachtwoorden worden maar één keer getoond):")
        for username, role, password in users:
            print(f"  {username:<16} {role:<14} {password}")
    return EXIT_OK


def auth_users_exist(session: Session) -> bool:
    from sqlmodel import col, select

    from models import User

    return session.exec(select(col(User.id)).limit(1)).first() is not None


def _report_import(result: ImportResult) -> int:
    for error in result.errors:
        print(str(error), file=sys.stderr)
    print(result.summary_nl())
    if result.errors and not result.committed:
        return EXIT_REFUSED
    return EXIT_OK


def import_duo(args: argparse.Namespace) -> int:
    from dataio.duo import import_duo as run

    return _run_import(lambda session: run(session, args.file, args.sector, allow_partial=args.partial,
                                           rejects_path=args.rejects, dry_run=args.dry_run,
                                           confirm_deactivation=args.close_missing), args, kind="duo")


def import_exchange(args: argparse.Namespace) -> int:
    from dataio.exchange import import_workbook

    return _run_import(lambda session: import_workbook(session, args.file, allow_partial=args.partial,
                                                       rejects_path=args.rejects, dry_run=args.dry_run,
                                                       author=cli_user()), args)


def _run_import(run: Callable[[Session], ImportResult], args: argparse.Namespace, kind: str = "exchange") -> int:
    from dataio.errors import ImportRefused
    from models.db import session_scope
    from services.migrate import upgrade
    from services.uploads import audited_import

    if not args.file.exists():
        raise UsageError(f"bestand '{args.file}' bestaat niet")
    if args.partial and not args.rejects:
        raise UsageError("--deels vraagt ook --afgekeurd BESTAND voor de afgekeurde rijen")
    upgrade()
    try:
        with session_scope() as session:
            if args.dry_run:
                result = run(session)
                session.rollback()
            else:
                result = audited_import(session, run, username=cli_user(), filename=args.file.name, kind=kind)
    except ImportRefused as refused:
        for error in refused.errors:
            print(str(error), file=sys.stderr)
        print(f"Niets geïmporteerd: {len(refused.errors)} fout(en) gevonden.", file=sys.stderr)
        return EXIT_REFUSED
    return _report_import(result)


def export(args: argparse.Namespace) -> int:
    from dataio.exchange import export_workbook
    from models.db import session_scope
    from services.migrate import upgrade

    upgrade()
    with session_scope() as session:
        export_workbook(session, args.file, include_personal=not args.no_personal)
    print(f"Geëxporteerd naar {args.file}")
    return EXIT_OK


def template(args: argparse.Namespace) -> int:
    from dataio.exchange import write_template

    write_template(args.file)
    print(f"Leeg uitwisselbestand geschreven naar {args.file}")
    return EXIT_OK


def report(args: argparse.Namespace) -> int:
    from domain import clock
    from domain.scope import Scope, parse_area_key
    from models.db import session_scope
    from services.areas import find_area_key
    from services.migrate import upgrade
    from services.report import overview_report, report_since

    as_of = args.as_of or clock.today()
    if args.since is not None and args.since >= as_of:
        raise UsageError(f"--since ({args.since.isoformat()}) moet vóór de peildatum ({as_of.isoformat()}) liggen")
    upgrade()
    with session_scope() as session:
        region_id = province_id = None
        name = args.region or args.province
        if name:
            key = find_area_key(session, name, "r" if args.region else "p")
            if key is None:
                kind = "regio" if args.region else "provincie"
                raise UsageError(f"onbekende {kind} '{name}'")
            region_id, province_id = parse_area_key(key)
        scope = Scope(as_of=as_of, region_id=region_id, province_id=province_id, sector=args.sector)
        if args.pdf is not None:
            _write_pdf(session, scope, args.since, args.pdf)
            if not args.json:
                return EXIT_OK
        data = report_since(session, scope, args.since)[0] if args.since else overview_report(session, scope)
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        _print_table(data)
    return EXIT_OK


def _write_pdf(session: Session, scope: Any, since: Any, path: Path) -> None:
    import time

    from domain.compare_choice import choose_compare_date
    from services.meeting_report import meeting_report
    from services.meeting_report_pdf import build_pdf
    from services.meetings import compare_choice

    started = time.perf_counter()
    choice = (choose_compare_date(since.isoformat(), scope.as_of, [m for m in _meeting_dates(session, scope)])
              if since is not None else compare_choice(session, scope, {}))
    content, pages = build_pdf(meeting_report(session, scope, choice))
    path.write_bytes(content)
    print(f"PDF geschreven naar {path}: {pages} pagina's, vergeleken met {choice.label} "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)


def _meeting_dates(session: Session, scope: Any) -> list[Any]:
    from services.meetings import meetings_of

    return [m.held_on for m in meetings_of(session, scope)]


def _print_table(data: dict[str, Any]) -> None:
    header = f"{'gemeente':<28}{'scholen':>8}{'geldig':>8}{'dekking':>9}{'binnenk.':>9}{'verlopen':>9}{'traject':>8}"
    print(f"{data['scope']['area']} — peildatum {data['as_of']}")
    print(header)
    for row in data["municipalities"] + [{"name": "TOTAAL", **data["totals"]}]:
        cov = f"{row['coverage'] * 100:.1f}%" if row["coverage"] is not None else "-"
        print(f"{row['name'][:27]:<28}{row['schools']:>8}{row['valid_certificates']:>8}{cov:>9}"
              f"{row['expiring_soon']:>9}{row['expired']:>9}{row['in_trajectory']:>8}")

"""`vios user add/list/disable/set-password`: user management from the command line.

A generated password is printed once and stored only as a hash. Changes are audited
under the name "cli:<operating-system user>".
"""
from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from cli.common import EXIT_OK, EXIT_REFUSED, Subcommands, UsageError, cli_user

if TYPE_CHECKING:
    from sqlalchemy.orm import Mapped
    from sqlmodel import Session

# The database modules are imported by the handlers: building the parser (`vios --help`) stays fast.


def add_parsers(sub: Subcommands) -> None:
    user = sub.add_parser("user", help="gebruikers beheren")
    user.set_defaults(handler=user_command)
    user_sub = user.add_subparsers(dest="user_action", required=True)
    add = user_sub.add_parser("add", help="gebruiker toevoegen (zonder --password-stdin: wachtwoord genereren)")
    add.add_argument("username")
    add.add_argument("--role", required=True, help="beheerder, coordinator, stuurgroeplid of bestuurder")
    add.add_argument("--name", default="", help="volledige naam")
    add.add_argument("--region", action="append", default=[], help="naam van een regio (herhaalbaar)")
    add.add_argument("--province", action="append", default=[], help="naam van een provincie (herhaalbaar)")
    add.add_argument("--board", action="append", default=[], help="nummer van een schoolbestuur (herhaalbaar)")
    add.add_argument("--password-stdin", action="store_true", help="wachtwoord van standaardinvoer lezen")
    user_sub.add_parser("list", help="gebruikers tonen")
    disable = user_sub.add_parser("disable", help="gebruiker uitschakelen")
    disable.add_argument("username")
    setpw = user_sub.add_parser("set-password", help="nieuw wachtwoord instellen (heft een blokkade op)")
    setpw.add_argument("username")
    setpw.add_argument("--password-stdin", action="store_true", help="wachtwoord van standaardinvoer lezen")


def user_command(args: argparse.Namespace) -> int:
    from services.migrate import upgrade

    handler = {"add": _add, "list": _list, "disable": _disable, "set-password": _set_password}[args.user_action]
    upgrade()
    try:
        return handler(args)
    except ValueError as exc:  # the services' Dutch refusals
        print(f"vios: {exc}", file=sys.stderr)
        return EXIT_REFUSED


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """(password, generated)."""
    from services.passwords import generate_password

    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n"), False
    return generate_password(), True


def _find(session: Session, id_column: Mapped[int | None], name_column: Mapped[str], value: str, label: str) -> int:
    """The id of the row whose name_column equals value (case-insensitive); UsageError if there is none."""
    from sqlmodel import func, select

    found = session.exec(select(id_column).where(func.lower(name_column) == value.strip().lower())).first()
    if found is None:
        raise UsageError(f"onbekende {label} '{value}'")
    return found


def _add(args: argparse.Namespace) -> int:
    from sqlmodel import col

    from models import Board, Province, Region
    from models.db import session_scope
    from services import auth

    try:
        role = auth.normalize_role(args.role)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    password, generated = _password(args)
    actor = cli_user()
    with session_scope() as session:
        scopes = ([{"region_id": _find(session, col(Region.id), col(Region.name), n, "regio")}
                   for n in args.region]
                  + [{"province_id": _find(session, col(Province.id), col(Province.name), n, "provincie")}
                     for n in args.province]
                  + [{"board_id": _find(session, col(Board.id), col(Board.number), n, "schoolbestuur")}
                     for n in args.board])
        user = auth.create_user(session, username=args.username, role=role, password=password,
                                display_name=args.name, actor=actor)
        for scope in scopes:  # one transaction: a refused scope leaves no half-made user
            auth.assign_scope(session, user.username, actor=actor, **scope)
    print(f"Gebruiker '{user.username}' ({auth.ROLE_LABELS[role]}) aangemaakt.")
    if generated:
        print(f"Wachtwoord (wordt niet opnieuw getoond): {password}")
    return EXIT_OK


def _list(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services import auth

    with session_scope() as session:
        users = auth.list_users(session)
    header = f"{'gebruiker':<20}{'naam':<32}{'rol':<15}{'actief':<8}{'geblokkeerd':<13}gebieden"
    print(header)
    for u in users:
        print(f"{u.username[:19]:<20}{u.display_name[:31]:<32}{auth.ROLE_LABELS.get(u.role, u.role):<15}"
              f"{'ja' if u.active else 'nee':<8}{'ja' if u.locked else 'nee':<13}"
              f"{'; '.join(u.scopes) or ('alles' if u.role == 'beheerder' else '-')}")
    return EXIT_OK


def _existing(session: Session, username: str) -> str:
    from services import auth

    user = auth.get_user(session, username)
    if user is None:
        raise UsageError(f"onbekende gebruiker '{username}'")
    return user.username


def _disable(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services import auth

    with session_scope() as session:
        name = _existing(session, args.username)
        auth.disable_user(session, name, actor=cli_user())
    print(f"Gebruiker '{name}' uitgeschakeld.")
    return EXIT_OK


def _set_password(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services import auth

    with session_scope() as session:
        name = _existing(session, args.username)
        password, generated = _password(args)
        auth.set_password(session, name, password, actor=cli_user())
    print(f"Wachtwoord van '{name}' ingesteld.")
    if generated:
        print(f"Wachtwoord (wordt niet opnieuw getoond): {password}")
    return EXIT_OK

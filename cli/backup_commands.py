"""`vios backup FILE` and `vios restore FILE`: everything in one portable file (see services/backup.py).

A backup can be made while the app serves; a restore goes into an empty database only (a new
SQLite file, or an empty PostgreSQL database named by DATABASE_URL) and is all or nothing.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cli.common import EXIT_OK, EXIT_REFUSED, Subcommands, UsageError, cli_user


def add_parsers(sub: Subcommands) -> None:
    bak = sub.add_parser("backup", help="alles naar één back-upbestand schrijven (ook terwijl de app draait)")
    bak.add_argument("file", type=Path, help="het back-upbestand (.zip)")
    bak.add_argument("--overschrijven", dest="overwrite", action="store_true",
                     help="een bestaand bestand vervangen")
    bak.set_defaults(handler=backup)
    res = sub.add_parser("restore", help="een back-up terugzetten in een lege database")
    res.add_argument("file", type=Path, help="het back-upbestand (.zip)")
    res.set_defaults(handler=restore)


def backup(args: argparse.Namespace) -> int:
    from services import backup as service

    if args.file.exists() and not args.overwrite:
        raise UsageError(f"bestand '{args.file}' bestaat al (gebruik --overschrijven om het te vervangen)")
    if not args.file.parent.exists():
        raise UsageError(f"map '{args.file.parent}' bestaat niet")
    started = time.perf_counter()
    try:
        summary = service.backup(args.file)
    except service.BackupError as exc:
        print(f"vios: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    size = args.file.stat().st_size
    extra = f" en {', '.join(summary.files)}" if summary.files else ""
    print(f"Back-up geschreven naar {args.file}: {summary.rows} rijen in {len(summary.tables)} tabellen{extra}, "
          f"schema {summary.revision}, {_size(size)} in {_decimal(time.perf_counter() - started)} s.")
    return EXIT_OK


def restore(args: argparse.Namespace) -> int:
    from services import backup as service

    if not args.file.exists():
        raise UsageError(f"bestand '{args.file}' bestaat niet")
    started = time.perf_counter()
    try:
        summary = service.restore(args.file, username=cli_user())
    except service.BackupError as exc:
        print(f"vios: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    extra = f" en {', '.join(summary.files)}" if summary.files else ""
    print(f"Back-up {args.file} teruggezet: {summary.rows} rijen in {len(summary.tables)} tabellen{extra}, "
          f"schema {summary.revision} bijgewerkt naar de nieuwste versie, in "
          f"{_decimal(time.perf_counter() - started)} s.")
    return EXIT_OK


def _decimal(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def _size(octets: int) -> str:
    return f"{_decimal(octets / 1_000_000)} MB" if octets >= 100_000 else f"{round(octets / 1000)} kB"

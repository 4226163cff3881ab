"""`vios boundaries download/import/status`: municipality boundaries for the map.

`download` needs internet (PDOK); `import FILE` reads a GeoJSON file from disk. Both store the
normalised file in the instance folder and write one audit-log entry under "cli:<user>".
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from cli.common import EXIT_OK, EXIT_REFUSED, Subcommands, UsageError, cli_user


def add_parsers(sub: Subcommands) -> None:
    geo = sub.add_parser("boundaries", help="gemeentegrenzen voor de kaart (PDOK Bestuurlijke gebieden)")
    geo.set_defaults(handler=boundaries)
    geo_sub = geo.add_subparsers(dest="boundaries_action", required=True)
    download = geo_sub.add_parser("download", help="gemeentegrenzen van PDOK downloaden (internet nodig)")
    download.add_argument("--url", default=None, help="andere bron-URL (OGC API Features, GeoJSON)")
    imp = geo_sub.add_parser("import", help="gemeentegrenzen uit een GeoJSON-bestand laden")
    imp.add_argument("file", type=Path)
    geo_sub.add_parser("status", help="tonen welke gemeentegrenzen geladen zijn")


def boundaries(args: argparse.Namespace) -> int:
    from services import boundaries as service

    if args.boundaries_action == "status":
        current = service.load()
        print(f"Gemeentegrenzen: {service.summary(current)} ({service.boundaries_path()})")
        return EXIT_OK
    try:
        if args.boundaries_action == "download":
            collection = service.download(args.url or service.PDOK_URL)
            source = args.url or service.PDOK_URL
        else:
            if not args.file.exists():
                raise UsageError(f"bestand '{args.file}' bestaat niet")
            collection = service.parse(args.file.read_bytes())
            source = str(args.file)
    except service.BoundaryError as exc:
        print(f"vios: {exc}", file=sys.stderr)
        return EXIT_REFUSED
    except OSError as exc:  # no network, DNS failure, HTTP error
        print(f"vios: downloaden mislukt ({exc}). Zonder internet: download het GeoJSON-bestand elders en "
              f"gebruik `vios boundaries import BESTAND` of upload het op de pagina Gemeenten.", file=sys.stderr)
        return EXIT_REFUSED
    from services.migrate import upgrade

    upgrade()
    path = service.store(collection, username=cli_user(), source=source)
    print(f"{service.summary(collection)} opgeslagen in {path}. {service.ATTRIBUTION}")
    return EXIT_OK

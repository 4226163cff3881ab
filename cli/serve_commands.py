"""`vios serve`: the production server (gunicorn), or with --dev Werkzeug's development server.

Before either starts: the database is migrated to the newest schema and the configuration is checked
(web/server.py); an unsafe one is refused with exit code 1 and the reasons on stderr.
"""
from __future__ import annotations

import argparse
import sys

from cli.common import EXIT_OK, EXIT_REFUSED, Subcommands


def add_parsers(sub: Subcommands) -> None:
    import settings

    p = sub.add_parser("serve", help="start de webapplicatie (gunicorn; --dev: ontwikkelserver)",
                       description="Start de webapplicatie met gunicorn: meerdere workers met elk een paar "
                                   "threads. SIGTERM stopt netjes (lopende verzoeken worden afgemaakt).")
    p.add_argument("--host", default="127.0.0.1", help="adres om op te luisteren (standaard 127.0.0.1)")
    p.add_argument("--port", type=int, default=8050)
    p.add_argument("--workers", type=int, default=None,
                   help=f"aantal workerprocessen (standaard VIOS_WORKERS of processorkernen + 1, "
                        f"nu {settings.default_workers()})")
    p.add_argument("--threads", type=int, default=None, help="threads per worker (standaard VIOS_THREADS of 4)")
    p.add_argument("--dev", action="store_true",
                   help="ontwikkelserver van Werkzeug met debugger (alleen op loopback)")
    p.add_argument("--debug", dest="dev", action="store_true", help=argparse.SUPPRESS)  # the old name
    p.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    import settings
    from web import server

    workers = args.workers if args.workers is not None else (1 if args.dev else settings.default_workers())
    threads = args.threads if args.threads is not None else settings.default_threads()
    problems = server.unsafe_configuration(host=args.host, dev=args.dev, workers=workers, threads=threads)
    if problems:
        print("vios serve: deze instellingen zijn niet veilig; de server start niet:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return EXIT_REFUSED

    from models.db import get_engine
    from services.migrate import upgrade

    upgrade()
    get_engine().dispose()  # no connection of this process is inherited by the workers
    if args.dev:
        from app import app

        app.run(host=args.host, port=args.port, debug=True)
        return EXIT_OK
    return server.run_gunicorn(server.gunicorn_options(host=args.host, port=args.port, workers=workers,
                                                       threads=threads))

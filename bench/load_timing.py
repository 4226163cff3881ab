"""Load benchmark: N concurrent logged-in users clicking through every page of the production server.

    python bench/load_timing.py [--users 50] [--seconds 120] [--workers W] [--threads T] [--writers N]
                                [--pause S] [--postgres-url URL] [--redis-url URL] [--fail-on-errors]

For each database (SQLite always; PostgreSQL when --postgres-url or VIOS_TEST_POSTGRES_URL is set, then
with Redis for the cache and background jobs when --redis-url or VIOS_TEST_REDIS_URL is set) it seeds the
demo into a new database, starts `vios serve` (gunicorn) on a free 127.0.0.1 port, and runs N threads,
each a user with its own session and CSRF token: log in, load the app, then open every page in the
navigation in turn (the callback requests the browser sends, bench/live.py), until the time is up.
Bounded: at most 200 users and 600 s, loopback only. Prints p50/p95/max per page and in total; with
--fail-on-errors the exit code is 1 when any request failed (CI).

--writers N: N of the users are coordinators of one region who record phases and edit partnerships on a
few shared schools and partnerships while the others read (bench/write_mix.py); their table shows what was
saved and what was refused as stale, and the database is checked afterwards for lost updates and
duplicate events (any is a failure, like an error).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import write_mix
from bench.live import Server, User, component_props, open_page, page_paths

TODAY = date(2026, 11, 23)
USERNAME, PASSWORD = "load-admin", "Lq8v-Xc2n-Pz5k-Mw7d"
MAX_USERS, MAX_SECONDS = 200, 600


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # page -> seconds
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    samples: list[str] = field(default_factory=list)  # the first few errors, for the operator
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, ok: bool, what: str = "") -> None:
        with self.lock:
            self.times[page].append(seconds)
            if not ok:
                self.errors[page] += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{page}: {what}")


def seed(url: str) -> None:
    """Migrate, seed the demo and add the benchmark's beheerder."""
    from models.db import make_engine, session_scope
    from seed.demo import seed_demo
    from services import auth
    from services.migrate import upgrade

    engine = make_engine(url)
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            seed_demo(session, today=TODAY)
            auth.create_user(session, username=USERNAME, role="beheerder", password=PASSWORD,
                             display_name="Belasting", actor="bench")
    finally:
        engine.dispose()


@contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """A new database on the given PostgreSQL server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    import settings

    name = f"vios_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(settings.sqlalchemy_url(server_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(settings.sqlalchemy_url(server_url)).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def user_loop(base_url: str, deadline: float, results: Results, pause: float = 0.0) -> None:
    user = User(base_url)
    started = time.perf_counter()
    try:
        user.login(USERNAME, PASSWORD)
        for path in ("/", "/_dash-layout", "/_dash-dependencies"):
            t0 = time.perf_counter()
            response = user.get(path)
            results.add("(inloggen, app laden)", time.perf_counter() - t0, response.status_code == 200,
                        f"{path} {response.status_code}")
        shell = component_props(user.get("/_dash-layout").json())
    except Exception as exc:
        results.add("(inloggen, app laden)", time.perf_counter() - started, False, repr(exc))
        return
    paths = page_paths(shell)
    while time.monotonic() < deadline:
        for path in paths:
            if time.monotonic() + pause >= deadline:
                return
            time.sleep(pause)  # a person reads the page before the next click
            requests_of_page = open_page(user, path, shell)
            while True:
                t0 = time.perf_counter()
                try:
                    output, response = next(requests_of_page)
                except StopIteration:
                    break
                except Exception as exc:
                    results.add(path, time.perf_counter() - t0, False, repr(exc))
                    return  # this user gives up: the error is in the table
                ok = response.status_code in (200, 204)
                results.add(path, time.perf_counter() - t0, ok, f"{output[:60]} {response.status_code}")


def run_load(base_url: str, users: int, seconds: float, pause: float = 0.0,
             writers: tuple[write_mix.Targets, write_mix.WriteResults, int] | None = None) -> tuple[Results, float]:
    """`users` readers; with `writers` (targets, their results, how many) that many writers besides."""
    results = Results()
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=user_loop, args=(base_url, deadline, results, pause), daemon=True)
               for _ in range(users)]
    if writers is not None:
        targets, written, count = writers
        threads += [threading.Thread(target=write_mix.writer_loop, daemon=True,
                                     args=(base_url, name, deadline, targets, written, max(pause, 0.1)))
                    for name in write_mix.writer_names(count)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
        time.sleep(0.02)  # users arrive over a second, not in one instant
    for thread in threads:
        thread.join(seconds + 120)
    return results, time.monotonic() - started


def percentile(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] if values else 0.0


def print_table(title: str, results: Results, elapsed: float) -> None:
    print(f"\n{title}")
    print(f"{'pagina':<26}{'verzoeken':>10}{'fouten':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    everything: list[float] = []
    for page in sorted(results.times):
        values = results.times[page]
        everything.extend(values)
        print(f"{page[:25]:<26}{len(values):>10}{results.errors[page]:>8}{percentile(values, 50) * 1000:>9.0f}"
              f"{percentile(values, 95) * 1000:>9.0f}{max(values) * 1000:>9.0f}")
    errors = sum(results.errors.values())
    print(f"{'totaal':<26}{len(everything):>10}{errors:>8}{percentile(everything, 50) * 1000:>9.0f}"
          f"{percentile(everything, 95) * 1000:>9.0f}{max(everything or [0]) * 1000:>9.0f}"
          f"   ({len(everything) / elapsed:.0f} verzoeken/s)")
    for sample in results.samples:
        print(f"  fout: {sample}")


def main(argv: list[str] | None = None) -> int:
    import settings

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=50)
    p.add_argument("--seconds", type=float, default=120)
    p.add_argument("--pause", type=float, default=0.0,
                   help="seconds each user waits before opening the next page (0: clicking without pause)")
    p.add_argument("--workers", type=int, default=settings.default_workers())
    p.add_argument("--threads", type=int, default=settings.default_threads())
    p.add_argument("--postgres-url", default=os.environ.get("VIOS_TEST_POSTGRES_URL"))
    p.add_argument("--redis-url", default=os.environ.get("VIOS_TEST_REDIS_URL"))
    p.add_argument("--writers", type=int, default=0,
                   help="how many of the users are coordinators writing (phases, partnerships); 0: only readers")
    p.add_argument("--no-sqlite", action="store_true")
    p.add_argument("--fail-on-errors", action="store_true")
    args = p.parse_args(argv)
    if not (1 <= args.users <= MAX_USERS and 1 <= args.seconds <= MAX_SECONDS):
        p.error(f"--users 1..{MAX_USERS}, --seconds 1..{MAX_SECONDS}")
    if not 0 <= args.writers <= min(args.users, 20):
        p.error("--writers 0..20, at most --users")

    tmp = Path(tempfile.mkdtemp(prefix="vios-load-"))
    base_env = {"VIOS_TODAY": TODAY.isoformat(), "VIOS_LOG_FORMAT": "json"}
    runs: list[tuple[str, str | None, dict[str, str]]] = []
    if not args.no_sqlite:
        runs.append(("gunicorn + SQLite", None, {}))
    if args.postgres_url:
        extra = {"REDIS_URL": args.redis_url} if args.redis_url else {}
        runs.append(("gunicorn + PostgreSQL" + (" + Redis" if args.redis_url else ""), args.postgres_url, extra))
    print(f"{args.users} gebruikers ({args.writers} schrijvend), {args.seconds:.0f} s, pauze {args.pause:g} s, "
          f"{args.workers} workers x {args.threads} threads, "
          f"{os.cpu_count()} kernen; server en gebruikers op deze machine (127.0.0.1)")
    failed = False
    for title, pg_url, extra in runs:
        name = title.split(" + ")[1].lower()
        with (postgres_database(pg_url) if pg_url else _sqlite(tmp)) as url:
            seed(url)
            writing = None
            if args.writers:
                writing = (write_mix.seed_writers(url, args.writers), write_mix.WriteResults(), args.writers)
            env = {**base_env, **extra, "VIOS_INSTANCE": str(tmp / f"instance-{name}")}
            server = Server(url, tmp / f"server-{name}.log", workers=args.workers, threads=args.threads, env=env)
            with server:
                results, elapsed = run_load(server.url, args.users - args.writers, args.seconds, args.pause, writing)
            heading = f"{title} ({args.workers} workers x {args.threads} threads)"
            print_table(heading, results, elapsed)
            failed = failed or sum(results.errors.values()) > 0 or not results.times
            if writing is not None:
                targets, written, _count = writing
                problems = write_mix.check_database(url, targets, written, write_mix.writer_names(args.writers))
                write_mix.print_write_table(heading, written, problems, len(written.recorded))
                write_errors = sum(v for k, v in written.outcomes.items() if k.endswith(" error"))
                failed = failed or bool(problems) or write_errors > 0
    return 1 if failed and args.fail_on_errors else 0


@contextmanager
def _sqlite(tmp: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp / 'load.db'}"


if __name__ == "__main__":
    sys.exit(main())

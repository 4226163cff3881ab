"""Time a national-size exchange import: seed N schools, export, import into an empty database.

    python bench/import_timing.py [--schools 8000] [--format csv|xlsx] [--measure-blocking] [--profile FILE]

The source database (SQLite) is seeded with `seed.scale` and exported with `dataio.exchange`; the
export is imported into an empty database as `vios import` does (services.uploads.audited_import,
so with the audit: one row per created row, one per changed field). The import runs in a process of
its own, so its peak RSS is the import's only. Targets: SQLite, and PostgreSQL when
VIOS_TEST_POSTGRES_URL or a postgresql DATABASE_URL is given (a fresh database is created next to it
and dropped afterwards).

--measure-blocking: while the import runs, another process records a phase (services.trajectories.
record_transition, as the Certificering page does) every 100 ms on a school that is not in the file,
each attempt in its own transaction, retried until it succeeds; the longest time a write waited
(from its first attempt to its success) is printed. Nothing is asserted: rerun and compare.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TODAY = date(2026, 11, 23)
PROBE_CODE = "99ZZ00"
PROBE_USER = "bench-probe"


def _engine(url: str):
    import settings
    from models.db import make_engine

    return make_engine(settings.sqlalchemy_url(url) if url.startswith("postgres") else url)


def _prepare_source(folder: Path, schools: int, fmt: str) -> tuple[Path, float, float]:
    from models.db import session_scope
    from seed.scale import seed_scale
    from services.migrate import upgrade

    engine = _engine(f"sqlite:///{folder / 'source.db'}")
    upgrade(engine)
    started = time.perf_counter()
    seed_scale(engine, schools=schools, seed=1, today=TODAY)
    seeded = time.perf_counter() - started
    from dataio.exchange import export_workbook

    target = folder / ("export.xlsx" if fmt == "xlsx" else "export")
    started = time.perf_counter()
    with session_scope(engine) as session:
        export_workbook(session, target)
    engine.dispose()
    return target, seeded, time.perf_counter() - started


def _prepare_target(url: str) -> int:
    """Migrate the empty database and add the probe's school (not in the file); its trajectory id."""
    from models import Municipality, PhaseEvent, Province, Region, School, Trajectory, Tranche
    from models.db import session_scope
    from services.migrate import upgrade

    engine = _engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        def add(obj: Any) -> int:
            session.add(obj)
            session.flush()
            assert obj.id is not None
            return int(obj.id)

        province = add(Province(name="Proefprovincie"))
        region = add(Region(name="Proefregio", province_id=province))
        municipality = add(Municipality(cbs_code="GM9999", name="Proefgemeente", province_id=province,
                                        region_id=region))
        school = add(School(code=PROBE_CODE, name="Proefschool", sector="po", municipality_id=municipality))
        tranche = add(Tranche(region_id=region, name="Proeftranche", start_on=TODAY, capacity=5))
        trajectory_id = add(Trajectory(school_id=school, tranche_id=tranche, cycle=1))
        add(PhaseEvent(trajectory_id=trajectory_id, phase="registered", on=TODAY - timedelta(days=30),
                       recorded_by=PROBE_USER))
    engine.dispose()
    return trajectory_id


def _import(url: str, source: str, profile: str | None, out: Any) -> None:
    """Child process: the import, as `vios import` runs it; sends (seconds, peak RSS MB, counts)."""
    os.environ["DATABASE_URL"] = url
    from sqlalchemy import func, select

    from dataio.exchange import import_workbook
    from models import AuditEntry
    from models.db import session_scope
    from services.uploads import audited_import

    engine = _engine(url)
    started = time.perf_counter()
    profiler = None
    if profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    with session_scope(engine) as session:
        result = audited_import(session, lambda s: import_workbook(s, Path(source), author="bench"),
                                username="bench", filename=Path(source).name)
        committing = time.perf_counter()
    result.timings["commit"] = time.perf_counter() - committing
    seconds = time.perf_counter() - started
    if profiler is not None and profile:
        profiler.disable()
        profiler.dump_stats(profile)
    with session_scope(engine) as session:
        audit_rows = session.scalar(select(func.count()).select_from(AuditEntry)) or 0
    rows = result.total("created") + result.total("updated") + result.total("unchanged")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.send({"seconds": seconds, "peak_mb": peak, "audit_rows": audit_rows, "rows": rows,
              "summary": result.summary_nl(), "timings": result.timings})
    engine.dispose()


def _probe(url: str, trajectory_id: int, stop: Any, out: Any) -> None:
    """Child process: record a phase every 100 ms (postponed <-> registered), retried until it succeeds."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("VIOS_DB_BUSY_TIMEOUT", "1")
    from sqlalchemy.exc import OperationalError

    from models.db import session_scope
    from services import trajectories
    from services.permissions import Principal
    from services.transactions import is_busy

    engine = _engine(url)
    admin = Principal(user_id=0, username=PROBE_USER, role="beheerder")
    phases = ["postponed", "registered"]
    waits: list[float] = []
    failures = 0
    n = 0
    while not stop.is_set():
        first = time.perf_counter()
        while True:
            try:
                with session_scope(engine) as session:
                    trajectories.record_transition(session, admin, trajectory_id, phases[n % 2], TODAY)
                break
            except OperationalError as exc:
                if not is_busy(exc):
                    raise
                failures += 1
                if stop.is_set():
                    break
                time.sleep(0.1)
        waits.append(time.perf_counter() - first)
        n += 1
        time.sleep(0.1)
    out.send({"writes": n, "failures": failures, "max_wait": max(waits, default=0.0),
              "median_wait": sorted(waits)[len(waits) // 2] if waits else 0.0})
    engine.dispose()


def run_one(label: str, url: str, source: Path, *, blocking: bool, profile: str | None) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    trajectory_id = _prepare_target(url)
    probe = stop = probe_in = None
    if blocking:
        stop = ctx.Event()
        probe_in, probe_out = ctx.Pipe(duplex=False)
        probe = ctx.Process(target=_probe, args=(url, trajectory_id, stop, probe_out))
        probe.start()
        time.sleep(1.0)  # the probe's imports and first writes
    result_in, result_out = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_import, args=(url, str(source), profile, result_out))
    child.start()
    outcome = result_in.recv()
    child.join()
    outcome["target"] = label
    if probe is not None and stop is not None and probe_in is not None:
        time.sleep(0.5)
        stop.set()
        outcome.update(probe_in.recv())
        probe.join()
    return outcome


def _pg_url() -> str | None:
    url = os.environ.get("VIOS_TEST_POSTGRES_URL") or os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def _fresh_pg(base_url: str, name: str) -> tuple[str, Any]:
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    import settings

    url = make_url(base_url)
    admin = create_engine(settings.sqlalchemy_url(url.set(database="postgres").render_as_string(False)),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("VIOS_TODAY", TODAY.isoformat())  # the seed's today, in the child processes too
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=8000, help="schools in the national set (e.g. 400)")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="export as CSV folder or .xlsx")
    parser.add_argument("--measure-blocking", action="store_true",
                        help="record a phase every 100 ms in another process and report the longest wait")
    parser.add_argument("--profile", metavar="FILE", help="cProfile stats of the import to FILE (PostgreSQL: FILE.pg)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="vios-import-bench-") as tmp:
        folder = Path(tmp)
        os.environ.setdefault("VIOS_INSTANCE", str(folder))
        source, seeded, exported = _prepare_source(folder, args.schools, args.format)
        print(f"seeded {args.schools} schools in {seeded:.1f} s, exported ({args.format}) in {exported:.1f} s")
        outcomes = []
        if not args.no_sqlite:
            outcomes.append(run_one("sqlite", f"sqlite:///{folder / 'target.db'}", source,
                                    blocking=args.measure_blocking, profile=args.profile))
        pg = _pg_url()
        if pg:
            url, drop = _fresh_pg(pg, "vios_import_bench")
            try:
                outcomes.append(run_one("postgresql", url, source, blocking=args.measure_blocking,
                                        profile=f"{args.profile}.pg" if args.profile else None))
            finally:
                drop()
    header = f"{'target':<12}{'schools':>8}{'rows':>10}{'seconds':>9}{'peak MB':>9}{'audit rows':>12}"
    if args.measure_blocking:
        header += f"{'writes':>8}{'busy':>6}{'max wait s':>11}{'median s':>9}"
    print(header)
    for o in outcomes:
        line = (f"{o['target']:<12}{args.schools:>8}{o['rows']:>10,}{o['seconds']:>9.1f}{o['peak_mb']:>9.0f}"
                f"{o['audit_rows']:>12,}")
        if args.measure_blocking:
            line += f"{o['writes']:>8}{o['failures']:>6}{o['max_wait']:>11.2f}{o['median_wait']:>9.2f}"
        print(line)
    for o in outcomes:
        phases = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in o["timings"].items())
        print(f"{o['target']}: {phases}")
        print(f"{o['target']}: {o['summary']}")
    print(json.dumps(outcomes, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

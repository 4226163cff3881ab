"""Time the demo and the national test set, each into a fresh temporary SQLite file.

    python bench/seed_timing.py [--schools 8000] [--seed 1] [--today 2026-11-23]

Prints the rows inserted per table and the seconds per dataset (schema migration
not included; it is timed separately).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from domain import clock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlmodel import Session

from models.db import make_engine
from seed.demo import seed_demo
from seed.scale import seed_scale
from services.migrate import upgrade


def _fresh_engine(folder: Path, name: str):
    engine = make_engine(f"sqlite:///{folder / name}")
    started = time.perf_counter()
    upgrade(engine)
    return engine, time.perf_counter() - started


def run(schools: int, seed: int, today: date) -> list[tuple[str, dict, float, float]]:
    results = []
    with tempfile.TemporaryDirectory(prefix="vios-bench-") as tmp:
        folder = Path(tmp)
        engine, migrate_s = _fresh_engine(folder, "demo.db")
        started = time.perf_counter()
        with Session(engine) as session:
            counts = seed_demo(session, today=today)
            session.commit()
        results.append(("demo", counts, time.perf_counter() - started, migrate_s))
        engine.dispose()

        engine, migrate_s = _fresh_engine(folder, "scale.db")
        started = time.perf_counter()
        counts = seed_scale(engine, schools=schools, seed=seed, today=today)
        results.append((f"scale ({schools} scholen)", counts, time.perf_counter() - started, migrate_s))
        engine.dispose()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--schools", type=int, default=8000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=clock.today())
    args = parser.parse_args(argv)
    results = run(args.schools, args.seed, args.today)
    tables = list(results[0][1])
    width = max(len(name) for name, *_ in results) + 2
    print(f"{'table':<14}" + "".join(f"{name:>{width}}" for name, *_ in results))
    for table in tables:
        print(f"{table:<14}" + "".join(f"{counts.get(table, 0):>{width},}" for _, counts, *_ in results))
    print(f"{'rows total':<14}" + "".join(f"{sum(c.values()):>{width},}" for _, c, *_ in results))
    print(f"{'seed seconds':<14}" + "".join(f"{s:>{width}.2f}" for *_, s, _ in results))
    print(f"{'migrate sec.':<14}" + "".join(f"{m:>{width}.2f}" for *_, m in results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

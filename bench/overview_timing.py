"""Benchmark: the overview report and page at demo and national scale.

    python bench/overview_timing.py [--schools 8000] [--repeat 5]

Seeds both datasets into temporary SQLite files and prints a table of median
and worst times per scope. Rerun after changes; nothing here is asserted.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.common import TODAY, as_beheerder, seeded_datasets, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vios-bench-"))
    os.environ["VIOS_INSTANCE"] = str(tmp)
    from models.db import session_scope
    from services.report import overview_report
    import app  # noqa: F401  (pages register against the app)
    from pages import overview as overview_page

    rows = []
    for dataset, engine, seed_seconds, scopes in seeded_datasets(tmp, args.schools):
        rows.append((dataset, "seed", "-", seed_seconds, None))
        with session_scope(engine) as session:
            for label, scope in scopes.items():
                n = overview_report(session, scope)["totals"]["schools"]
                median, worst = timed(lambda: overview_report(session, scope), args.repeat)
                rows.append((dataset, f"overview report, {label}", n, median, worst))
                query = {"gebied": scope.area_key, "peildatum": TODAY.isoformat(), "sector": scope.sector}
                median, worst = timed(lambda: overview_page.layout(**query), args.repeat)
                rows.append((dataset, f"overview page render, {label}", n, median, worst))

    print(f"{'dataset':<10}{'operation':<40}{'schools':>9}{'median s':>10}{'max s':>8}")
    for dataset, op, n, median, worst in rows:
        w = f"{worst:.3f}" if worst is not None else ""
        print(f"{dataset:<10}{op:<40}{n!s:>9}{median:>10.3f}{w:>8}")


if __name__ == "__main__":
    with as_beheerder():   # without it the page render timed only the refusal (nobody logged in)
        main()

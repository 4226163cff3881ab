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

from bench_common import TODAY, _time, largest_region, print_table, seeded_engine  # noqa: E402  (bench/ is the script's folder)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=8000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vios-bench-"))
    os.environ["VIOS_INSTANCE"] = str(tmp)
    from domain.scope import Scope
    from models.db import session_scope
    from services.report import overview_report
    import app  # noqa: F401  (pages register against the app)
    from pages import overview as overview_page

    rows = []
    for dataset in ("demo", "national"):
        engine, seconds = seeded_engine(tmp, dataset, args.schools)
        rows.append((dataset, "seed", "-", seconds, None))
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / (dataset + '.db')}"
        with session_scope(engine) as session:
            # the largest region and its province: the usual scopes of a steering group
            region_id, province_id = largest_region(session)
            scopes = {"heel Nederland": Scope(as_of=TODAY), "provincie": Scope(as_of=TODAY, province_id=province_id),
                      "regio": Scope(as_of=TODAY, region_id=region_id),
                      "regio, vo": Scope(as_of=TODAY, region_id=region_id, sector="vo")}
            for label, scope in scopes.items():
                n = overview_report(session, scope)["totals"]["schools"]
                median, worst = _time(lambda: overview_report(session, scope), args.repeat)
                rows.append((dataset, f"overview report, {label}", n, median, worst))
                query = {"gebied": scope.area_key, "peildatum": TODAY.isoformat(), "sector": scope.sector}
                median, worst = _time(lambda: overview_page.layout(**query), args.repeat)
                rows.append((dataset, f"overview page render, {label}", n, median, worst))
        engine.dispose()

    print_table(rows)

if __name__ == "__main__":
    main()

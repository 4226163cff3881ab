"""Benchmark: the comparison page's computations at demo and national scale.

    python bench/comparison_timing.py [--schools 8000] [--repeat 3]

Seeds both datasets into temporary SQLite files and prints a table of median and worst
times: the comparison service (as-of and compare date, change list), the quarterly coverage
series over five years (20 quarter ends, each from the event history as of that day), the
page render, the highlight callback (all charts redrawn from the page's aggregates) and the
map's data.
Nothing here is asserted; rerun after changes.
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
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="vios-bench-"))
    os.environ["VIOS_INSTANCE"] = str(tmp)
    from domain.comparison import default_compare_date
    from models.db import session_scope
    from services.comparison import comparison, map_data, quarterly_coverage
    import app  # noqa: F401  (pages register against the app)
    from pages import comparison as page

    rows = []
    compare_with = default_compare_date(TODAY)
    for dataset, engine, _seconds, scopes in seeded_datasets(tmp, args.schools):
        with session_scope(engine) as session:
            for label, scope in scopes.items():
                if scope.sector:
                    continue
                data = comparison(session, scope, compare_with, None, quarters=0)
                size = f"{data['totals']['schools']}/{len(data['municipalities'])}"
                med, worst = timed(lambda: comparison(session, scope, compare_with, None, quarters=0), args.repeat)
                rows.append((dataset, f"changes since compare date, {label}", size, med, worst))
                med, worst = timed(lambda: quarterly_coverage(session, scope, None, 20), args.repeat)
                rows.append((dataset, f"coverage series 20 quarters, {label}", size, med, worst))
                query = {"gebied": scope.area_key, "peildatum": TODAY.isoformat()}
                med, worst = timed(lambda: page.layout(**query), args.repeat)
                rows.append((dataset, f"page render (8 quarters), {label}", size, med, worst))
                full = comparison(session, scope, compare_with, None, quarters=8, with_points=False)
                store = page._store_data(full, page._group_names(session, full, scope))
                target = full["municipalities"][0]["cbs_code"]
                med, worst = timed(lambda: page.highlight(target, "province", "percent", store), args.repeat)
                rows.append((dataset, f"highlight callback, {label}", size, med, worst))
                med, worst = timed(lambda: map_data(session, scope, None), args.repeat)
                rows.append((dataset, f"map data (points, coverage), {label}", size, med, worst))

    print(f"{'dataset':<10}{'operation':<48}{'schools/gem.':>13}{'median s':>10}{'max s':>8}")
    for dataset, op, n, median, worst in rows:
        print(f"{dataset:<10}{op:<48}{n:>13}{median:>10.3f}{worst:>8.3f}")


if __name__ == "__main__":
    with as_beheerder():
        main()

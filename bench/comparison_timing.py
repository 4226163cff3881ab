"""Benchmark: the comparison page's computations at demo and national scale.

    python bench/comparison_timing.py [--schools 8000] [--repeat 3]

Times the comparison service (as-of and compare date, change list), the quarterly coverage
series over five years (20 quarter ends, each from the event history as of that day), the
page render, the highlight callback (all charts redrawn from the page's aggregates) and the
map's data. Prints a table (bench/common.py); nothing is asserted.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from common import TODAY, Add, largest_region, run

if TYPE_CHECKING:
    from sqlmodel import Session


def measure(session: Session, add: Add) -> None:
    from domain.comparison import default_compare_date
    from domain.scope import Scope
    from pages import comparison as page
    from services.comparison import comparison, map_data, quarterly_coverage

    compare_with = default_compare_date(TODAY)
    region_id, province_id = largest_region(session)
    scopes = {"heel Nederland": Scope(as_of=TODAY), "provincie": Scope(as_of=TODAY, province_id=province_id),
              "regio": Scope(as_of=TODAY, region_id=region_id)}
    for label, scope in scopes.items():
        data = comparison(session, scope, compare_with, None, quarters=0)
        size = f"{data['totals']['schools']}/{len(data['municipalities'])}"
        add(f"changes since compare date, {label}", size,
            lambda: comparison(session, scope, compare_with, None, quarters=0))  # noqa: B023
        add(f"coverage series 20 quarters, {label}", size,
            lambda: quarterly_coverage(session, scope, None, 20))  # noqa: B023
        query = {"gebied": scope.area_key, "peildatum": TODAY.isoformat()}
        add(f"page render (8 quarters), {label}", size, lambda: page.layout(**query))  # noqa: B023
        full = comparison(session, scope, compare_with, None, quarters=8, with_points=False)
        store = page._store_data(full, page._group_names(session, full, scope))
        target = full["municipalities"][0]["cbs_code"]
        add(f"highlight callback, {label}", size,
            lambda: page.highlight(target, "province", "percent", store))  # noqa: B023
        add(f"map data (points, coverage), {label}", size, lambda: map_data(session, scope, None))  # noqa: B023


if __name__ == "__main__":
    run(measure)

"""Benchmark: the Gemeenten page's computations (municipalities compared) at demo and national scale.

    python bench/comparison_timing.py [--schools 8000] [--repeat 3]

Times the comparison service (as-of and compare date, change list), the quarterly coverage
series over five years (20 quarter ends, each from the event history as of that day), the
page render (its layout: key figures, table and charts), the change-list callback, the highlight
callback (Patches of the table and charts from the comparison kept per data version), the map's data and the map
callback. Prints a table (bench/common.py); nothing is asserted.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from common import TODAY, Add, largest_region, run

if TYPE_CHECKING:
    from sqlmodel import Session


def measure(session: Session, add: Add) -> None:
    import dash

    from domain.changes import default_compare_date
    from domain.scope import Scope
    from pages.municipalities import _changes, _charts, _map
    from services.municipality_comparison import comparison, map_data, quarterly_coverage
    from web.request_context import request_context

    # the page's layout as Dash calls it (page.py itself is never imported: Dash executes it)
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/gemeenten")

    compare_with = default_compare_date(TODAY)
    region_id, province_id = largest_region(session)
    scopes = {"heel Nederland": Scope(as_of=TODAY), "provincie": Scope(as_of=TODAY, province_id=province_id),
              "regio": Scope(as_of=TODAY, region_id=region_id)}
    for label, scope in scopes.items():
        data = comparison(session, scope, compare_with, None, quarters=0)
        size = f"{data.totals['schools']}/{len(data.municipalities)}"
        add(f"changes since compare date, {label}", size,
            lambda: comparison(session, scope, compare_with, None, quarters=0))  # noqa: B023
        add(f"coverage series 20 quarters, {label}", size,
            lambda: quarterly_coverage(session, scope, None, 20))  # noqa: B023
        query = {"gebied": scope.area_key, "peildatum": TODAY.isoformat()}
        add(f"page render (8 quarters), {label}", size, lambda: layout(**query))  # noqa: B023
        search = f"?gebied={scope.area_key}&peildatum={TODAY.isoformat()}"
        add(f"change-list callback, {label}", size, lambda: _changes.list_changes("cmp-changes", search))  # noqa: B023
        target = comparison(session, scope, compare_with, None, quarters=0).municipalities[0].cbs_code
        with request_context(search) as request:
            shown = _charts.drawn(request.session, request.compare_choice.on)

        def highlight() -> object:
            with request_context(search) as request:  # noqa: B023
                answer = _charts.served_highlight(request, target, "province", "absolute", shown)  # noqa: B023
            assert answer is not None, "the figures changed while measuring"
            return answer
        add(f"highlight callback, {label}", size, highlight)
        add(f"map data (points, coverage), {label}", size, lambda: map_data(session, scope, None))  # noqa: B023
        add(f"map callback (boundaries cached), {label}", size,
            lambda: _map.draw_map(target, "province", "white-bg", None, search))  # noqa: B023


if __name__ == "__main__":
    run(measure)

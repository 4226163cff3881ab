"""Benchmark: the overview report and page at demo and national scale.

    python bench/overview_timing.py [--schools 8000] [--repeat 5]

Prints median and worst times per scope (see bench/common.py). Nothing is asserted.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from common import TODAY, Add, largest_region, run

if TYPE_CHECKING:
    from sqlmodel import Session


def measure(session: Session, add: Add) -> None:
    import dash

    from domain.scope import Scope
    from services.report import overview_report

    # the page's layout as Dash calls it
    layout = next(p["layout"] for p in dash.page_registry.values() if p["path"] == "/")

    region_id, province_id = largest_region(session)
    scopes = {"heel Nederland": Scope(as_of=TODAY), "provincie": Scope(as_of=TODAY, province_id=province_id),
              "regio": Scope(as_of=TODAY, region_id=region_id),
              "regio, vo": Scope(as_of=TODAY, region_id=region_id, sector="vo")}
    for label, scope in scopes.items():
        n = overview_report(session, scope)["totals"]["schools"]
        add(f"overview report, {label}", n, lambda: overview_report(session, scope))  # noqa: B023
        query = {"gebied": scope.area_key, "peildatum": TODAY.isoformat(), "sector": scope.sector}
        add(f"overview page render, {label}", n, lambda: layout(**query))  # noqa: B023


if __name__ == "__main__":
    run(measure, repeat=5)

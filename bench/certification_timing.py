"""Benchmark: the certification page (layout and callbacks) at demo and national scale.

    python bench/certification_timing.py [--schools 8000] [--repeat 3]

Times, as a logged-in beheerder: the page for the largest region and its province, the
table rows up to the whole country, tranches and forecast of the region, and the callbacks
of the form (select a school, choose an action, record a transition). Nothing is asserted.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from common import TODAY, Add, largest_region, run

if TYPE_CHECKING:
    from sqlmodel import Session


def measure(session: Session, add: Add) -> None:
    from domain.certification import allowed_next
    from domain.scope import Scope
    from pages.certification import _callbacks_record, _callbacks_select, _layout
    from services import certification_reads

    region_id, province_id = largest_region(session)
    region = Scope(as_of=TODAY, region_id=region_id)
    for label, scope in (("regio", region), ("provincie", Scope(as_of=TODAY, province_id=province_id)),
                         ("heel Nederland", Scope(as_of=TODAY))):
        n = len(certification_reads.certification_rows(session, scope))
        add(f"table rows, {label}", n, lambda: certification_reads.certification_rows(session, scope))  # noqa: B023
        if label != "heel Nederland":
            query = {"gebied": scope.area_key, "peildatum": TODAY.isoformat()}
            add(f"page render, {label}", n, lambda: _layout.layout(**query))  # noqa: B023
    table = certification_reads.certification_rows(session, region)
    n = len(table)
    add("tranches (funnel, Gantt), regio", n, lambda: certification_reads.tranche_overview(session, region_id, TODAY))
    add("audit forecast, regio", n, lambda: certification_reads.forecast(session, region_id, TODAY))
    add("expiry lists 6 + 12 months, regio", n,
        lambda: [certification_reads.expiry_list(session, region, m) for m in (6, 12)])
    # the form's callbacks, for a school with a running trajectory; the URL's search comes last
    running = next(r for r in table if r.phase in ("registered", "intake", "improvement", "audit"))
    selected = [{"code": running.code}]
    search = f"?gebied={region.area_key}&peildatum={TODAY.isoformat()}"
    add("callback: select a school", 1, lambda: _callbacks_select.select_school(selected, search))
    add("callback: choose an action", 1, lambda: _callbacks_select.choose_action("next", selected, search))
    phase = allowed_next(running.phase)[0]
    add("callback: record a transition (+ refresh)", n,
        lambda: _callbacks_record.record(1, selected, "next", phase, None, TODAY.isoformat(), "bench", search),
        repeat=1)

if __name__ == "__main__":
    run(measure)

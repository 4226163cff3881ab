"""domain.overview.remember: a result of a school's facts alone is computed once per key for facts that have a
memo (the cached facts of services.school_facts), bounded, and every time for facts without one; the
certification rows built from remembered parts equal the ones computed afresh."""
from __future__ import annotations

from datetime import date

import pytest

from domain.certification import Event
from domain.overview import MEMO_DATES, SchoolFacts, remember

pytestmark = pytest.mark.unit


def _facts(memo: bool) -> SchoolFacts:
    return SchoolFacts(1, "01AB00", "School", "po", "GM0001", "Aa",
                       trajectories={7: [Event("registered", date(2026, 1, 5), 1)]},
                       remembered={} if memo else None)


def test_rf001_computed_once_per_key_with_a_memo_every_time_without():
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    kept = _facts(memo=True)
    assert remember(kept, ("x", 1), compute) == 1 and remember(kept, ("x", 1), compute) == 1
    assert remember(kept, ("x", 2), compute) == 2
    plain = _facts(memo=False)
    assert remember(plain, ("x", 1), compute) == 3 and remember(plain, ("x", 1), compute) == 4


def test_rf002_the_memo_stays_bounded():
    kept = _facts(memo=True)
    for day in range(3 * MEMO_DATES):
        remember(kept, day, lambda day=day: day)
    assert kept.remembered is not None and len(kept.remembered) <= MEMO_DATES


def test_rf003_certification_rows_from_remembered_parts_equal_fresh_ones(demo_db):
    from domain.scope import Scope
    from models.db import session_scope
    from services import school_facts
    from services.certification_reads import CertificationReads

    scope = Scope(as_of=date(2026, 11, 23))
    with session_scope() as session:
        first = CertificationReads(session, scope)._rows()
        again = CertificationReads(session, scope)._rows()   # the parts remembered on the cached facts now
        school_facts.clear_cache()
        fresh = CertificationReads(session, scope)._rows()
    assert first == again == fresh and any(r.stall_reasons for r in fresh) and any(r.days_in_phase for r in fresh)

"""Tranche planning rules (domain.planning) with hand-computed answers."""
from __future__ import annotations

import random
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.certification import Certificate
from domain.dates import add_months, next_quarters, quarter_end
from domain.planning import (
    Candidate,
    PlanRefused,
    ProjectedSchool,
    Weights,
    candidate_kind,
    clean_quotas,
    coverage_projection,
    expected_certificate_date,
    plan_difference,
    projected_certificates,
    propose,
    remove_dates,
    score_against,
    tranche_finish,
)

AS_OF = date(2026, 11, 23)
DAYS = (date(2020, 1, 1), date(2032, 12, 31))


def _cand(sid: int, *, kind: str = "never", sector: str = "vo", muni: str = "GM1", completeness: float | None = 0.5,
          approach: str = "plan", waiting: date | None = None, partners: tuple[int, ...] = ()) -> Candidate:
    return Candidate(sid, f"{sid:04d}00", f"School {sid}", sector, muni, f"Gemeente {muni}", kind, None,
                     completeness, approach, waiting, frozenset(partners))


def test_pln001_candidate_kind_follows_validity_at_the_finish_date():
    finish = tranche_finish(date(2027, 2, 1), 8)
    assert finish == date(2027, 10, 1)
    assert candidate_kind("never", None, False, finish) == "never"
    assert candidate_kind("expired", date(2026, 1, 1), False, finish) == "expired"
    # valid at as_of, but no longer valid on the finish day (expires_on == finish): due
    assert candidate_kind("valid", date(2027, 10, 1), False, finish) == "due"
    assert candidate_kind("expiring", date(2027, 3, 1), False, finish) == "due"
    # still valid on the finish day: no candidate
    assert candidate_kind("valid", date(2027, 10, 2), False, finish) is None
    # a running trajectory: never a candidate
    assert candidate_kind("never", None, True, finish) is None


def test_pln002_expired_certificate_ranks_above_an_identical_school_without():
    expired, never = _cand(2, kind="expired"), _cand(1, kind="never")   # 'never' has the lower code
    coverage = {"GM1": 0.5}
    proposal = propose([never, expired], Weights(), capacity=1, quotas={}, coverage=coverage, as_of=AS_OF)
    assert [s.candidate.school_id for s in proposal.chosen] == [2]
    ranked = score_against([never, expired], Weights(), coverage=coverage, as_of=AS_OF, planned_ids=[])
    assert [s.candidate.school_id for s in ranked] == [2, 1]
    # hand computed: components expired: recert 1, coverage 0.5, readiness (0.5 + 2/3) / 2, waiting 0, learning 0
    weights = Weights()
    expected = 100 * (3 * 1 + 2 * 0.5 + 2 * (0.5 + 2 / 3) / 2) / 9
    assert ranked[0].score == pytest.approx(expected)
    assert sum(ranked[0].points.values()) == pytest.approx(ranked[0].score)
    assert ranked[1].score == pytest.approx(expected - 100 * weights.recert / 9)


def test_pln003_proposal_is_deterministic_and_respects_capacity_and_quotas():
    rng = random.Random(7)
    cands = [_cand(i, kind=rng.choice(["never", "expired", "due"]), sector=rng.choice(["po", "vo", "mbo"]),
                   muni=rng.choice(["GM1", "GM2", "GM3"]), completeness=rng.choice([None, 0.0, 0.5, 1.0]),
                   approach=rng.choice(["geen", "plan", "uitvoering"]), partners=tuple(rng.sample(range(20), 3)))
             for i in range(1, 61)]
    coverage = {"GM1": 0.2, "GM2": 0.6, "GM3": None}
    quotas = {"vo": 2, "po": 4}
    runs = []
    for _ in range(3):
        shuffled = cands[:]
        rng.shuffle(shuffled)
        p = propose(shuffled, Weights(), capacity=8, quotas=quotas, coverage=coverage, as_of=AS_OF)
        runs.append([s.candidate.school_id for s in p.chosen])
    assert runs[0] == runs[1] == runs[2]
    chosen = [c for c in cands if c.school_id in runs[0]]
    assert len(chosen) == 8
    assert sum(c.sector == "vo" for c in chosen) <= 2 and sum(c.sector == "po" for c in chosen) <= 4
    # a quota of 0 and a capacity larger than the pool: never exceeded, with a warning
    p = propose(cands[:5], Weights(), capacity=10, quotas={"vo": 0}, coverage=coverage, as_of=AS_OF)
    assert len(p.chosen) <= 5 and all(s.candidate.sector != "vo" for s in p.chosen) and p.warnings


def test_pln004_hand_picked_and_removed_schools_and_capacity_is_never_exceeded_silently():
    cands = [_cand(i) for i in range(1, 6)]
    p = propose(cands, Weights(), capacity=3, quotas={}, coverage={}, as_of=AS_OF, fixed=[5], excluded=[1])
    ids = [s.candidate.school_id for s in p.chosen]
    assert ids == [5, 2, 3]                 # the hand-picked one first, the removed one never
    with pytest.raises(PlanRefused):
        propose(cands, Weights(), capacity=1, quotas={}, coverage={}, as_of=AS_OF, fixed=[1, 2])
    with pytest.raises(PlanRefused):
        propose(cands, Weights(), capacity=3, quotas={"vo": 1}, coverage={}, as_of=AS_OF, fixed=[1, 2])


def test_pln005_learning_effect_prefers_schools_sharing_partners_with_the_tranche():
    first = _cand(1, kind="expired", partners=(10, 11))
    loner = _cand(2, partners=(20,))
    sharer = _cand(3, partners=(10, 30))     # shares organisation 10 with school 1
    p = propose([first, loner, sharer], Weights(), capacity=2, quotas={}, coverage={}, as_of=AS_OF)
    assert [s.candidate.school_id for s in p.chosen] == [1, 3]
    assert p.chosen[1].components["learning"] == pytest.approx(0.5)
    # without weight on learning the lower code wins the tie
    p = propose([first, loner, sharer], Weights(learning=0), capacity=2, quotas={}, coverage={}, as_of=AS_OF)
    assert [s.candidate.school_id for s in p.chosen] == [1, 2]


def test_pln006_waiting_time_counts_whole_months_since_first_registration():
    waited = _cand(2, waiting=date(2025, 5, 23))     # 18 whole months before AS_OF
    scored = score_against([waited], Weights(), coverage={}, as_of=AS_OF, planned_ids=[])
    assert scored[0].components["waiting"] == pytest.approx(18 / 36)


def test_pln007_weights_and_quotas_from_untrusted_input():
    assert Weights.from_dict({"recert": "5", "learning": ""}).recert == 5.0
    with pytest.raises(PlanRefused):
        Weights.from_dict({"recert": 11})
    with pytest.raises(PlanRefused):
        Weights.from_dict({"coverage": "veel"})
    assert clean_quotas({"vo": "2", "po": None}, ["po", "vo"]) == {"vo": 2}
    with pytest.raises(PlanRefused):
        clean_quotas({"xx": 1}, ["po", "vo"])
    with pytest.raises(PlanRefused):
        clean_quotas({"vo": -1}, ["po", "vo"])


def test_pln008_projection_matches_a_hand_computed_case():
    # validity 24 months, expected duration 6-8 months -> certificate 7 months after the tranche start
    assert expected_certificate_date(date(2027, 2, 1), 6, 8) == date(2027, 9, 1)
    schools = [
        # municipality A: a certificate expiring 15-01-2027, and a school in the plan
        ProjectedSchool(1, "GMA", "A", Certificate(date(2025, 1, 15), date(2027, 1, 15)), None),
        ProjectedSchool(2, "GMA", "A", None, date(2027, 9, 1)),
        # municipality B: never certified, and a running trajectory that is overdue (counts at 31-12-2026)
        ProjectedSchool(3, "GMB", "B", None, None),
        ProjectedSchool(4, "GMB", "B", None, date(2026, 8, 1)),
    ]
    labels, rows, total = coverage_projection(schools, as_of=AS_OF, validity_months=24)
    assert labels[0] == "2026 K4" and labels[-1] == "2029 K3" and len(labels) == 12
    a, b = rows
    # quarter ends 31-12-2026, 31-03-2027, ... ; school 2 valid 01-09-2027 .. 01-09-2029 (exclusive)
    assert a.covered == [1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0]
    assert a.coverage[0] == 0.5 and a.coverage[3] == 0.5 and a.coverage[-1] == 0.0
    # school 4 valid 31-12-2026 .. 31-12-2028 (exclusive): covered up to 2028 K3
    assert b.covered == [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]
    assert total.schools == 4 and total.covered == [x + y for x, y in zip(a.covered, b.covered, strict=True)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["GMA", "GMB", "GMC"]), st.one_of(st.none(), st.dates(*DAYS)),
                          st.integers(1, 60), st.one_of(st.none(), st.dates(*DAYS))), max_size=25),
       st.dates(*DAYS), st.integers(6, 48))
def test_pln008b_projection_counts_each_quarter_end_by_the_certificates_validity(drawn, as_of, validity):
    """Every covered count equals the direct definition: a school counts at a quarter's last day when
    one of its (expected) certificates is valid that day (Certificate.is_valid)."""
    schools = [ProjectedSchool(i, code, f"Gemeente {code}",
                               Certificate(issued, add_months(issued, months)) if issued else None, expected)
               for i, (code, issued, months, expected) in enumerate(drawn)]
    _, rows, total = coverage_projection(schools, as_of=as_of, validity_months=validity)
    ends = [quarter_end(y, q) for y, q in next_quarters(as_of, 12)]

    def covered(members: list[ProjectedSchool]) -> list[int]:
        certs = [projected_certificates(s, as_of=as_of, validity_months=validity) for s in members]
        return [sum(any(c.is_valid(end) for c in cs) for cs in certs) for end in ends]

    assert {r.code: (r.schools, r.covered) for r in rows} == {
        code: (len(members), covered(members))
        for code in {s.municipality_code for s in schools}
        if (members := [s for s in schools if s.municipality_code == code])}
    assert (total.schools, total.covered) == (len(schools), covered(schools))


def test_pln009_helpers():
    d1, d2 = date(2027, 1, 1), date(2027, 6, 1)
    assert remove_dates([d1, d1, d2], [d1]) == [d1, d2]
    assert plan_difference([1, 2, 3], [3, 4]) == ([1, 2], [4], [3])


def test_pln010_proposal_equals_the_naive_greedy_definition():
    """Each step picks the highest score given the schools planned so far (ties: lowest code),
    skipping full sectors: recomputed from scratch with score_against at every step."""
    rng = random.Random(11)
    cands = [_cand(i, kind=rng.choice(["never", "expired", "due"]), sector=rng.choice(["po", "vo"]),
                   muni=rng.choice(["GM1", "GM2"]), completeness=rng.choice([0.0, 0.5, 1.0]),
                   approach=rng.choice(["geen", "uitvoering"]), partners=tuple(rng.sample(range(12), 2)))
             for i in range(1, 41)]
    coverage = {"GM1": 0.3, "GM2": 0.7}
    quotas = {"vo": 3}
    chosen: list[int] = []
    while len(chosen) < 10:
        full = {"vo"} if sum(c.sector == "vo" for c in cands if c.school_id in chosen) >= 3 else set()
        ranked = [s for s in score_against(cands, Weights(), coverage=coverage, as_of=AS_OF, planned_ids=chosen)
                  if s.candidate.school_id not in chosen and s.candidate.sector not in full]
        best = max(round(s.score, 6) for s in ranked)
        chosen.append(min((s.candidate.code, s.candidate.school_id) for s in ranked
                          if round(s.score, 6) == best)[1])
    proposal = propose(cands, Weights(), capacity=10, quotas=quotas, coverage=coverage, as_of=AS_OF)
    assert [s.candidate.school_id for s in proposal.chosen] == chosen

"""services.planning on a freshly seeded demo database: candidates, permissions, drafts,
confirmation (one transaction, through start_trajectory), projection and comparison."""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

import pytest
from conftest import DEMO_TODAY
from sqlalchemy import func, select

from domain.certification import ACTIVE_PHASES
from domain.dates import quarter_label, quarter_of
from domain.lifecycle import TransitionRefused, current_phase
from domain.planning import PlanRefused, expected_certificate_date
from models import AuditEntry, PhaseEvent, Province, Region, Trajectory, Tranche, TranchePlan
from models.db import session_scope
from seed.demo import seed_demo
from services import certification_reads, planning, trajectories
from services.permissions import PermissionDenied, Principal

pytestmark = pytest.mark.db  # opens databases of its own (real files, fresh schemas)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request, tmp_path_factory):
    """A freshly seeded demo database: SQLite, and PostgreSQL when VIOS_TEST_POSTGRES_URL is set."""
    from models.db import make_engine
    from services.migrate import upgrade

    if request.param == "postgresql":
        if not os.environ.get("VIOS_TEST_POSTGRES_URL"):
            pytest.skip("VIOS_TEST_POSTGRES_URL is not set")
        from test_postgres import fresh_pg_database

        with fresh_pg_database("planning") as (_url, engine):
            upgrade(engine)
            with session_scope(engine) as session:
                seed_demo(session, today=DEMO_TODAY)
            yield engine
        return
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('plan') / 'p.db'}")
    upgrade(engine)
    with session_scope(engine) as session:
        seed_demo(session, today=DEMO_TODAY)
    yield engine
    engine.dispose()


def _region(session, name="Maastricht-Heuvelland") -> Region:
    return session.scalar(select(Region).where(Region.name == name))


def _people(session):
    mh = _region(session)
    other = session.scalar(select(Region).where(Region.id != mh.id).order_by(Region.id))
    limburg = session.scalar(select(Province.id).where(Province.name == "Limburg"))
    return mh, {
        "admin": Principal(1, "t-admin", "beheerder"),
        "coord": Principal(2, "t-coord", "coordinator", region_ids=frozenset({mh.id})),
        "other": Principal(3, "t-other", "coordinator", region_ids=frozenset({other.id})),
        "stuur": Principal(4, "t-stuur", "stuurgroeplid", province_ids=frozenset({limburg})),
        "board": Principal(5, "t-board", "bestuurder", region_ids=frozenset({mh.id}), board_ids=frozenset({1})),
    }


def _new_tranche(engine, name: str, capacity: int = 4) -> int:
    with session_scope(engine) as session:
        mh, people = _people(session)
        return planning.create_tranche(session, people["coord"], mh.id, name, date(2027, 9, 1), capacity,
                                       today=DEMO_TODAY).id


def _proposed(session, tranche_id: int):
    coord = _people(session)[1]["coord"]
    return coord, planning.make_proposal(session, coord, tranche_id, DEMO_TODAY, weights={}, quotas={}, items=[])[0]


def test_pls001_candidates_follow_the_definitions(db):
    tranche_id = _new_tranche(db, "Planning test 1")
    with session_scope(db) as session:
        mh, people = _people(session)
        ctx = planning.tranche_context(session, people["coord"], tranche_id, DEMO_TODAY)
        finish = date(2028, 5, 1)  # 01-09-2027 + 8 months
        ids = {c.school_id: c for c in ctx.candidates}
        assert ids
        for sid, s in ctx.data.statuses.items():
            running = sid in ctx.data.running
            if sid in ids:
                assert not running
                assert (not s.has_valid_certificate) or s.expires_on <= finish
                assert ids[sid].kind == ("due" if s.has_valid_certificate else s.certificate_status)
            else:
                assert running or (s.has_valid_certificate and s.expires_on > finish)
        # every running trajectory really has an active latest phase
        rows = session.execute(select(Trajectory.id, Trajectory.school_id)
                               .where(Trajectory.school_id.in_(list(ctx.data.running)))).all()
        events = certification_reads.events_of(session, [r[0] for r in rows])
        assert all(any(current_phase(events[t]) in ACTIVE_PHASES for t, s in rows if s == sid)
                   for sid in ctx.data.running)


def test_pls002_permissions(db):
    tranche_id = _new_tranche(db, "Planning test 2")
    with session_scope(db) as session:
        mh, people = _people(session)
        planning.tranche_context(session, people["stuur"], tranche_id, DEMO_TODAY)       # reads
        for who in ("board", "other"):
            with pytest.raises(PermissionDenied):
                planning.tranche_context(session, people[who], tranche_id, DEMO_TODAY)
        for who in ("stuur", "board", "other"):
            with pytest.raises(PermissionDenied):
                planning.make_proposal(session, people[who], tranche_id, DEMO_TODAY, weights={}, quotas={}, items=[])
            with pytest.raises(PermissionDenied):
                planning.save_plan(session, people[who], tranche_id, "x", DEMO_TODAY, weights={}, quotas={},
                                   audit_capacity=None, items=[], today=DEMO_TODAY)
            with pytest.raises(PermissionDenied):
                planning.create_tranche(session, people[who], mh.id, "x", date(2027, 9, 1), 3, today=DEMO_TODAY)
        with pytest.raises(PermissionDenied):
            planning.tranche_context(session, people["coord"], 999_999, DEMO_TODAY)


def test_pls003_proposal_save_overrides_need_reasons_and_are_audited(db):
    tranche_id = _new_tranche(db, "Planning test 3", capacity=3)
    with session_scope(db) as session:
        coord, items = _proposed(session, tranche_id)
        again, _ = planning.make_proposal(session, coord, tranche_id, DEMO_TODAY, weights={}, quotas={}, items=[])
        assert items == again and len(planning.included(items)) == 3
        first = items[0]["school_id"]
        with pytest.raises(PlanRefused):
            planning.remove_school(session, coord, tranche_id, DEMO_TODAY, items=items, school_id=first, reason=" ")
        items = planning.remove_school(session, coord, tranche_id, DEMO_TODAY, items=items, school_id=first,
                                       reason="Bestuur wil volgend jaar")
        ctx = planning.tranche_context(session, coord, tranche_id, DEMO_TODAY)
        outside = next(c.school_id for c in ctx.candidates if c.school_id not in planning.included(items)
                       and c.school_id != first)
        items = planning.add_school(session, coord, tranche_id, DEMO_TODAY, quotas={}, items=items,
                                    school_id=outside, reason="Nieuwe directeur, klaar om te starten")
        # the tranche is full now: another hand-picked school is refused, not silently added
        spare = next(c.school_id for c in ctx.candidates if c.school_id not in planning.included(items)
                     and c.school_id != first)
        with pytest.raises(PlanRefused, match="vrije plaatsen"):
            planning.add_school(session, coord, tranche_id, DEMO_TODAY, quotas={}, items=items, school_id=spare,
                                reason="past niet")
        # a forged plan from the browser: an override without a reason, or too many schools
        with pytest.raises(PlanRefused):
            planning.save_plan(session, coord, tranche_id, "A", DEMO_TODAY, weights={}, quotas={},
                               audit_capacity=2, items=[{"school_id": outside, "source": "added", "reason": ""}],
                               today=DEMO_TODAY)
        forged = [{"school_id": c.school_id, "source": "proposal", "reason": ""} for c in ctx.candidates[:4]]
        with pytest.raises(PlanRefused):
            planning.save_plan(session, coord, tranche_id, "A", DEMO_TODAY, weights={}, quotas={},
                               audit_capacity=2, items=forged, today=DEMO_TODAY)
        plan = planning.save_plan(session, coord, tranche_id, "A", DEMO_TODAY, weights={"recert": 5}, quotas={},
                                  audit_capacity=2, items=items, today=DEMO_TODAY)
        loaded = planning.load_plan(session, coord, plan.id)
        assert loaded.weights["recert"] == 5 and loaded.audit_capacity == 2
        assert sorted(map(str, loaded.items)) == sorted(map(str, items))
        entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "trancheplan",
                                                         AuditEntry.entity_id == str(plan.id))).first()
        assert entry.username == "t-coord" and "Bestuur wil volgend jaar" in entry.detail
        # saving under the same name overwrites the draft (audited as an update)
        planning.save_plan(session, coord, tranche_id, "A", DEMO_TODAY, weights={"recert": 4}, quotas={},
                           audit_capacity=2, items=items, today=DEMO_TODAY)
        assert session.scalar(select(func.count(TranchePlan.id)).where(TranchePlan.tranche_id == tranche_id)) == 1
        assert session.scalar(select(AuditEntry.new_value).where(
            AuditEntry.entity == "trancheplan", AuditEntry.action == "update", AuditEntry.field == "weights",
            AuditEntry.entity_id == str(plan.id))) is not None


def test_pls004_confirm_starts_trajectories_in_one_transaction_and_freezes_the_plan(db):
    tranche_id = _new_tranche(db, "Planning test 4", capacity=3)
    with session_scope(db) as session:
        coord, items = _proposed(session, tranche_id)
        plan_id = planning.save_plan(session, coord, tranche_id, "Definitief", DEMO_TODAY, weights={}, quotas={},
                                     audit_capacity=None, items=items, today=DEMO_TODAY).id
        other_id = planning.save_plan(session, coord, tranche_id, "Ander", DEMO_TODAY, weights={}, quotas={},
                                      audit_capacity=None, items=items[:1], today=DEMO_TODAY).id
    # a school of the plan starts a trajectory elsewhere in the meantime: confirming fails, nothing lands
    blocker = items[0]["school_id"]
    with session_scope(db) as session:
        mh, people = _people(session)
        elsewhere = session.scalar(select(Tranche.id).where(Tranche.region_id == mh.id, Tranche.id != tranche_id)
                                   .order_by(Tranche.start_on.desc()))
        blocking = trajectories.start_trajectory(session, people["coord"], blocker, elsewhere, DEMO_TODAY,
                                                 today=DEMO_TODAY).id
    before = _count(db, Trajectory.id)
    with pytest.raises((PlanRefused, TransitionRefused)):
        with session_scope(db) as session:
            planning.confirm_plan(session, _people(session)[1]["coord"], plan_id, today=DEMO_TODAY)
    assert _count(db, Trajectory.id) == before
    with session_scope(db) as session:
        assert session.get(TranchePlan, plan_id).status == "draft"
        # undo the blocker the way users do: withdraw it
        trajectories.record_transition(session, _people(session)[1]["coord"], blocking, "withdrawn", DEMO_TODAY,
                                       today=DEMO_TODAY)
    with session_scope(db) as session:
        created = planning.confirm_plan(session, _people(session)[1]["coord"], plan_id, today=DEMO_TODAY)
    assert len(created) == 3
    with session_scope(db) as session:
        for tid in created:
            t = session.get(Trajectory, tid)
            assert t.tranche_id == tranche_id
            assert session.scalar(select(PhaseEvent.phase).where(PhaseEvent.trajectory_id == tid)) == "registered"
        assert session.get(TranchePlan, plan_id).status == "confirmed"
        coord = _people(session)[1]["coord"]
        with pytest.raises(PlanRefused):
            planning.confirm_plan(session, coord, plan_id, today=DEMO_TODAY)
        with pytest.raises(PlanRefused):
            planning.confirm_plan(session, coord, other_id, today=DEMO_TODAY)
        with pytest.raises(PlanRefused):
            planning.save_plan(session, coord, tranche_id, "Ander", DEMO_TODAY, weights={}, quotas={},
                               audit_capacity=None, items=[], today=DEMO_TODAY)
        assert session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == "confirm",
                                                                      AuditEntry.entity_id == str(plan_id))) == 1


def _count(engine, column) -> int:
    with session_scope(engine) as session:
        return session.scalar(select(func.count(column)))


def test_pls005_projection_and_comparison(db):
    tranche_id = _new_tranche(db, "Planning test 5", capacity=3)
    with session_scope(db) as session:
        mh, people = _people(session)
        coord, items = _proposed(session, tranche_id)
        ctx, with_plan = planning.plan_projection(session, coord, tranche_id, DEMO_TODAY, items=items,
                                                  audit_capacity=1)
        _, without = planning.plan_projection(session, coord, tranche_id, DEMO_TODAY, items=[], audit_capacity=1)
        certified = expected_certificate_date(date(2027, 9, 1), mh.expected_months_min, mh.expected_months_max)
        col = with_plan.quarters.index(quarter_label(*quarter_of(certified)))
        plan_ids = planning.included(items)
        # at the end of the certification quarter the plan's schools count, unless they were covered anyway
        gained = with_plan.total.covered[col] - without.total.covered[col]
        assert 0 < gained <= len(plan_ids)
        audits = {q.label: q for q in with_plan.audits}
        base = {q.label: q for q in without.audits}
        assert audits[with_plan.quarters[col]].from_tranches - base[with_plan.quarters[col]].from_tranches == 3
        assert with_plan.over_capacity == [q.label for q in with_plan.audits if q.total > 1]
        a = planning.save_plan(session, coord, tranche_id, "A", DEMO_TODAY, weights={}, quotas={}, audit_capacity=1,
                               items=items, today=DEMO_TODAY).id
        b = planning.save_plan(session, coord, tranche_id, "B", DEMO_TODAY, weights={}, quotas={}, audit_capacity=1,
                               items=items[:2], today=DEMO_TODAY).id
        result = planning.compare_plans(session, people["stuur"], a, b, DEMO_TODAY)
        assert len(result.only_a) == 1 and result.only_b == [] and result.both == 2
        total = result.coverage[-1]
        assert total.a >= total.b
        with pytest.raises(PermissionDenied):
            planning.compare_plans(session, people["board"], a, b, DEMO_TODAY)


def test_pls006_tranche_choices_and_saved_plans_are_typed_read_models(db):
    tranche_id = _new_tranche(db, "Planning test 6", capacity=3)
    with session_scope(db) as session:
        mh, people = _people(session)
        coord, items = _proposed(session, tranche_id)
        choice = next(t for t in planning.future_tranches(session, people["stuur"], mh.id, DEMO_TODAY)
                      if t.id == tranche_id)
        assert (choice.name, choice.capacity, choice.taken, choice.confirmed) == ("Planning test 6", 3, 0, None)
        planning.save_plan(session, coord, tranche_id, "Z", DEMO_TODAY, weights={}, quotas={}, audit_capacity=None,
                           items=items, today=DEMO_TODAY)
        planning.save_plan(session, coord, tranche_id, "Y", DEMO_TODAY, weights={}, quotas={}, audit_capacity=None,
                           items=items[:1], today=DEMO_TODAY)
        plans = planning.list_plans(session, people["stuur"], tranche_id)
        assert [(p.name, p.status, p.schools) for p in plans] == [("Y", "draft", 1), ("Z", "draft", 3)]
        with pytest.raises(PermissionDenied):
            planning.list_plans(session, people["board"], tranche_id)


def test_pls007_events_are_read_with_what_this_transaction_added_and_their_recording_time_in_utc(db):
    """certification_reads.events_of, through which the certification and planning reads get their events: also
    an event this transaction added and did not flush yet, its recording time as naive UTC on either database
    (it orders the events of one date)."""
    with session_scope(db) as session:
        tid = session.execute(select(Trajectory.id).order_by(Trajectory.id)).scalars().first()
        before = certification_reads.events_of(session, [tid])[tid]
        at = datetime(2026, 3, 1, 13, 30, tzinfo=timezone(timedelta(hours=2)))
        session.add(PhaseEvent(trajectory_id=tid, phase="intake", on=date(2026, 3, 1), recorded_at=at))
        after = certification_reads.events_of(session, [tid])[tid]
        added = [e for e in after if e not in before]
        assert [(e.phase, e.on, e.recorded_seq[0]) for e in added] == [
            ("intake", date(2026, 3, 1), datetime(2026, 3, 1, 11, 30))]
        session.rollback()

"""The demo and scale seeds: deterministic, legal histories, every status and network gap present."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from domain.certification import (
    ACTIVE_PHASES,
    TRANSITIONS,
    Event,
    certificate_status,
    certificates_from_events,
    phase_at,
)
from models import (
    Board,
    Contact,
    Municipality,
    Organisation,
    Partnership,
    PhaseEvent,
    Province,
    Region,
    School,
    Trajectory,
    Tranche,
)
from models.db import make_engine
from seed.demo import seed_demo
from seed.scale import seed_scale
from services.migrate import upgrade

pytestmark = pytest.mark.db  # opens databases of its own (real files, fresh schemas)

TODAY = date(2026, 11, 23)
ALL_TABLES = (Province, Region, Municipality, Board, School, Organisation, Contact, Partnership, Tranche, Trajectory,
              PhaseEvent)


def _engine(path):
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def _demo(path, today=TODAY):
    engine = _engine(path)
    with Session(engine) as session:
        seed_demo(session, today=today)
        session.commit()
    return engine


def _dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as conn:
        return {m.__tablename__: [tuple(r) for r in conn.execute(select(m.__table__).order_by(m.__table__.c.id))]
                for m in ALL_TABLES}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return _demo(tmp_path_factory.mktemp("demo") / "t.db")


def _events_by_trajectory(engine) -> dict[int, list]:
    with engine.connect() as conn:
        rows = conn.execute(select(PhaseEvent.trajectory_id, PhaseEvent.phase, PhaseEvent.on, PhaseEvent.recorded_at,
                                   PhaseEvent.id).order_by(PhaseEvent.on, PhaseEvent.recorded_at, PhaseEvent.id)).all()
    grouped = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return grouped


def _assert_legal_histories(engine, today):
    events = _events_by_trajectory(engine)
    with engine.connect() as conn:
        trajectories = conn.execute(select(Trajectory.id)).scalars().all()
    assert set(events) == set(trajectories), "every trajectory has at least one event"
    for trajectory_id, rows in events.items():
        previous = None
        for _, phase, on, recorded_at, _ in rows:
            assert phase in TRANSITIONS[previous], (trajectory_id, previous, phase)
            assert on <= today and recorded_at.date() == on
            previous = phase


def test_demo_is_deterministic(tmp_path):
    first, second = _dump(_demo(tmp_path / "a.db")), _dump(_demo(tmp_path / "b.db"))
    assert first == second
    other = _dump(_demo(tmp_path / "c.db", today=date(2027, 3, 1)))
    assert [r[:3] for r in other["school"]] == [r[:3] for r in first["school"]]
    assert other["phaseevent"] != first["phaseevent"]  # dates move with today


def test_demo_refuses_a_database_with_schools(demo):
    with Session(demo) as session, pytest.raises(ValueError, match="bevat al scholen"):
        seed_demo(session, today=TODAY)


def test_demo_histories_follow_the_transitions(demo):
    _assert_legal_histories(demo, TODAY)


def _statuses_and_phases(engine, today):
    """Certificate status per active school and current phase per trajectory at today."""
    with engine.connect() as conn:
        schools = conn.execute(
            select(School.id, School.active, Region.validity_months, Region.expiring_window_months)
            .join(Municipality, School.municipality_id == Municipality.id)
            .join(Region, Municipality.region_id == Region.id)).all()
        trajectory_school = dict(conn.execute(select(Trajectory.id, Trajectory.school_id)).all())
    per_school = defaultdict(lambda: defaultdict(list))
    for trajectory_id, rows in _events_by_trajectory(engine).items():
        for _, phase, on, recorded_at, event_id in rows:
            per_school[trajectory_school[trajectory_id]][trajectory_id].append(Event(phase, on, (recorded_at,
                                                                                                  event_id)))
    statuses, phases = defaultdict(int), defaultdict(int)
    for school_id, active, validity, window in schools:
        if not active:
            continue
        trajectories = per_school[school_id]
        certified = [e.on for events in trajectories.values() for e in events if e.phase == "certified"]
        statuses[certificate_status(certificates_from_events(certified, validity), today, window)] += 1
        for events in trajectories.values():
            phases[phase_at(events, today)] += 1
    return statuses, phases, per_school


def _assert_every_status_and_phase(engine, today):
    statuses, phases, per_school = _statuses_and_phases(engine, today)
    assert all(statuses[s] >= 1 for s in ("valid", "expiring", "expired", "never")), dict(statuses)
    for phase in (*ACTIVE_PHASES, "certified", "postponed", "withdrawn"):
        assert phases[phase] >= 1, (phase, dict(phases))
    # re-certifications: some completed (two certificates), some under way
    cycles = defaultdict(int)
    for trajectories in per_school.values():
        cycles[sum(1 for ev in trajectories.values() if any(e.phase == "certified" for e in ev))] += 1
    assert cycles[2] >= 1


def test_demo_has_every_status_and_phase_today(demo):
    _assert_every_status_and_phase(demo, TODAY)


@pytest.mark.parametrize("today", [date(2025, 2, 28), date(2027, 8, 31)])
def test_demo_is_relative_to_today(tmp_path, today):
    engine = _demo(tmp_path / "t.db", today=today)
    _assert_legal_histories(engine, today)
    _assert_every_status_and_phase(engine, today)


def test_demo_network_gaps_and_shared_partners(demo):
    with demo.connect() as conn:
        schools = conn.execute(select(School.id, Region.required_partner_types)
                               .join(Municipality, School.municipality_id == Municipality.id)
                               .join(Region, Municipality.region_id == Region.id)
                               .where(School.active.is_(True))).all()
        edges = conn.execute(select(Partnership.school_id, Partnership.organisation_id, Organisation.type,
                                    Partnership.start_on, Partnership.end_on)
                             .join(Organisation, Partnership.organisation_id == Organisation.id)).all()
    active = defaultdict(set)
    served = defaultdict(set)
    for school_id, org_id, org_type, start, end in edges:
        if start <= TODAY and (end is None or end > TODAY):
            active[school_id].add(org_type)
            served[org_id].add(school_id)
    required_types = {t for _, required in schools for t in required}
    for org_type in required_types:
        assert any(org_type in required and org_type not in active[school_id] for school_id, required in schools), \
            org_type
    assert any(not active[school_id] for school_id, _ in schools), "a school without any partner"
    assert max(len(s) for s in served.values()) >= 5
    assert any(end is not None and end <= TODAY for *_, end in edges), "ended partnerships"


def test_demo_content_is_fictional_and_well_formed(demo):
    with demo.connect() as conn:
        schools = conn.execute(select(School.code, School.name, School.postcode, School.sector)).all()
        emails = conn.execute(select(Contact.email)).scalars().all()
        boards = conn.execute(select(Board.name)).scalars().all()
        region = conn.execute(select(Region).where(Region.name == "Maastricht-Heuvelland")).one()
        codes = set(conn.execute(select(Municipality.cbs_code).where(Municipality.region_id == region.id)).scalars())
        tranches = conn.execute(select(Tranche.start_on).where(Tranche.region_id == region.id)).scalars().all()
        rotterdam = conn.execute(select(Region.validity_months).where(Region.name == "Rotterdam")).scalar()
    assert 90 <= len(schools) <= 150
    assert all(re.fullmatch(r"[0-9A-Z]{4}\d{2}", c) and "(fictief)" in n and re.fullmatch(r"\d{4} [A-Z]{2}", p)
               for c, n, p, _ in schools)
    assert sum(1 for *_, sector in schools if sector == "vo") > len(schools) / 2
    assert all(e.endswith("@voorbeeld.nl") for e in emails)
    assert "Stichting Voorbeeldscholen Zuid (fictief)" in boards
    assert codes == {"GM0935", "GM1903", "GM1729", "GM0938", "GM0981", "GM0994"}
    assert (region.validity_months, region.expiring_window_months, region.audit_capacity_per_quarter) == (24, 6, 4)
    assert len(tranches) >= 5 and any(t > TODAY for t in tranches) and rotterdam == 36


def _scale(path, seed):
    engine = _engine(path)
    counts = seed_scale(engine, schools=400, seed=seed, today=TODAY)
    return engine, counts


def test_scale_counts_determinism_and_seed(tmp_path):
    engine, counts = _scale(tmp_path / "a.db", 1)
    with engine.connect() as conn:
        count = lambda model: conn.execute(select(func.count()).select_from(model)).scalar()  # noqa: E731
        assert (count(School), count(Municipality), count(Province)) == (400, 342, 12)
        assert counts["school"] == 400 and count(Region) >= 35
        assert count(Partnership) > 5 * 400 and count(Trajectory) > 0
    _assert_legal_histories(engine, TODAY)
    same, _ = _scale(tmp_path / "b.db", 1)
    other, _ = _scale(tmp_path / "c.db", 2)
    assert _dump(engine) == _dump(same)
    assert _dump(engine)["school"] != _dump(other)["school"]


def test_scale_refuses_a_database_with_schools(demo):
    with pytest.raises(ValueError, match="bevat al scholen"):
        seed_scale(demo, schools=10, today=TODAY)

"""services.trajectories (the writes) and services.certification_reads on a real, freshly migrated SQLite database
(the `engine` fixture)."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from domain.lifecycle import TransitionRefused, audit_forecast
from domain.overview import school_status
from domain.scope import Scope
from models import AuditEntry, Municipality, PhaseEvent, Province, Region, School, Trajectory, Tranche
from services import certification_reads as reads
from services import trajectories as svc
from services.permissions import PermissionDenied, Principal
from services.school_facts import school_facts

TODAY = date(2026, 11, 23)
ADMIN = Principal(user_id=1, username="t-admin", role="beheerder")
PATH = ["intake", "improvement", "audit", "committee", "certified"]


@pytest.fixture
def world(engine):
    """Region A (4 schools, 3 tranches, capacity 2) and region B (1 school, 1 tranche)."""
    with Session(engine, expire_on_commit=False) as s:
        prov = Province(name="Limburg")
        s.add(prov)
        s.flush()
        ra = Region(name="Regio A", province_id=prov.id, validity_months=24, audit_capacity_per_quarter=2)
        rb = Region(name="Regio B", province_id=prov.id)
        s.add_all([ra, rb])
        s.flush()
        ma = Municipality(cbs_code="GM0001", name="Aadorp", province_id=prov.id, region_id=ra.id)
        mb = Municipality(cbs_code="GM0002", name="Bedorp", province_id=prov.id, region_id=rb.id)
        s.add_all([ma, mb])
        s.flush()
        schools = [School(code=f"00A{i}00", name=f"School {i}", sector="po", municipality_id=ma.id)
                   for i in range(1, 5)]
        schools.append(School(code="00B100", name="School B", sector="vo", municipality_id=mb.id))
        s.add_all(schools)
        s.flush()
        t1 = Tranche(region_id=ra.id, name="Tranche 1", start_on=date(2024, 9, 1))
        t2 = Tranche(region_id=ra.id, name="Tranche 2", start_on=date(2026, 3, 1))
        t3 = Tranche(region_id=ra.id, name="Tranche 3", start_on=date(2027, 3, 1))
        tb = Tranche(region_id=rb.id, name="Tranche B", start_on=date(2026, 3, 1))
        s.add_all([t1, t2, t3, tb])
        s.commit()
        return {"engine": engine, "ra": ra.id, "rb": rb.id, "schools": [x.id for x in schools],
                "t1": t1.id, "t2": t2.id, "t3": t3.id, "tb": tb.id,
                "coord_b": Principal(user_id=2, username="t-coord-b", role="coordinator",
                                     region_ids=frozenset({rb.id})),
                "coord_a": Principal(user_id=3, username="t-coord-a", role="coordinator",
                                     region_ids=frozenset({ra.id}))}


def counts(session) -> tuple[int, int, int]:
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Trajectory, PhaseEvent, AuditEntry))


def run_path(session, principal, trajectory_id, dates, phases=PATH):
    for phase, on in zip(phases, dates, strict=False):
        svc.record_transition(session, principal, trajectory_id, phase, on, f"naar {phase}", today=TODAY)


def certify(session, school_id, tranche_id, registered_on, certified_on):
    """A trajectory from registered (registered_on) to certified (certified_on) in monthly steps."""
    t = svc.start_trajectory(session, ADMIN, school_id, tranche_id, registered_on, "aangemeld", today=TODAY)
    run_path(session, ADMIN, t.id, [registered_on] * 4 + [certified_on])
    return t


def test_full_path_appends_events_and_audit_rows(world):
    with Session(world["engine"]) as s:
        school = world["schools"][0]
        t = svc.start_trajectory(s, world["coord_a"], school, world["t2"], date(2026, 3, 1), "Aangemeld", today=TODAY)
        assert t.cycle == 1
        run_path(s, world["coord_a"], t.id, [date(2026, 3, 10), date(2026, 4, 1), date(2026, 9, 1),
                                             date(2026, 10, 1), date(2026, 10, 1)])
        s.commit()
        phases = s.scalars(select(PhaseEvent.phase).where(PhaseEvent.trajectory_id == t.id)
                           .order_by(PhaseEvent.id)).all()
        assert phases == ["registered", *PATH]
        events = s.scalars(select(PhaseEvent).where(PhaseEvent.trajectory_id == t.id)).all()
        assert {e.recorded_by for e in events} == {"t-coord-a"}
        logged = s.scalars(select(AuditEntry).where(AuditEntry.entity == "phaseevent",
                                                    AuditEntry.field == "phase")).all()
        assert sorted(a.new_value for a in logged) == sorted(["registered", *PATH])
        assert all(a.action == "create" and a.username == "t-coord-a" for a in logged)
        assert s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "trajectory")) == 3
        # a certified school may start its re-certification: cycle 2
        t2 = svc.start_trajectory(s, world["coord_a"], school, world["t3"], date(2026, 11, 23), "", today=TODAY)
        assert t2.cycle == 2


def test_other_regions_coordinator_refused_nothing_written(world):
    coord_b = world["coord_b"]
    with Session(world["engine"]) as s:
        t = svc.start_trajectory(s, ADMIN, world["schools"][0], world["t2"], date(2026, 3, 1), "", today=TODAY)
        s.commit()
        before = counts(s)
        with pytest.raises(PermissionDenied):
            svc.record_transition(s, coord_b, t.id, "intake", date(2026, 3, 2), "", today=TODAY)
        with pytest.raises(PermissionDenied):
            svc.start_trajectory(s, coord_b, world["schools"][1], world["t2"], date(2026, 3, 2), "", today=TODAY)
        with pytest.raises(PermissionDenied):
            svc.move_to_tranche(s, coord_b, t.id, world["t3"], date(2026, 3, 2), "", today=TODAY)
        with pytest.raises(PermissionDenied):
            svc.correct_to(s, coord_b, t.id, "registered", date(2026, 3, 2), "", today=TODAY)
        with pytest.raises(PermissionDenied):  # an unknown id: the same answer
            svc.record_transition(s, ADMIN, 99999, "intake", date(2026, 3, 2), "", today=TODAY)
        s.commit()
        assert counts(s) == before
        # a read-only role may not change anything either
        viewer = Principal(user_id=9, username="t-stuur", role="stuurgroeplid", region_ids=frozenset({world["ra"]}))
        with pytest.raises(PermissionDenied):
            svc.record_transition(s, viewer, t.id, "intake", date(2026, 3, 2), "", today=TODAY)
        assert counts(s) == before


def test_illegal_transition_and_dates_write_nothing(world):
    with Session(world["engine"]) as s:
        t = svc.start_trajectory(s, ADMIN, world["schools"][0], world["t2"], date(2026, 3, 1), "", today=TODAY)
        svc.record_transition(s, ADMIN, t.id, "intake", date(2026, 3, 15), "", today=TODAY)
        s.commit()
        before = counts(s)
        with pytest.raises(TransitionRefused) as exc:
            svc.record_transition(s, ADMIN, t.id, "audit", date(2026, 4, 1), "", today=TODAY)
        assert str(exc.value) == ("Van 'Intake' kan alleen naar 'Maatwerktraject', 'Uitgesteld' of "
                                  "'Teruggetrokken'.")
        with pytest.raises(TransitionRefused) as exc:
            svc.record_transition(s, ADMIN, t.id, "improvement", date(2026, 3, 1), "", today=TODAY)
        assert str(exc.value) == "De datum 01-03-2026 ligt vóór de vorige fase (15-03-2026)."
        with pytest.raises(TransitionRefused, match="toekomst"):
            svc.record_transition(s, ADMIN, t.id, "improvement", date(2027, 1, 1), "", today=TODAY)
        s.commit()
        assert counts(s) == before
        svc.record_transition(s, ADMIN, t.id, "improvement", date(2026, 3, 15), "zelfde dag", today=TODAY)
        assert counts(s)[1] == before[1] + 1


def test_start_trajectory_rules(world):
    with Session(world["engine"]) as s:
        school = world["schools"][0]
        with pytest.raises(TransitionRefused, match="regio van de school"):
            svc.start_trajectory(s, ADMIN, school, world["tb"], date(2026, 3, 1), "", today=TODAY)
        svc.start_trajectory(s, ADMIN, school, world["t2"], date(2026, 3, 1), "", today=TODAY)
        s.commit()
        before = counts(s)
        with pytest.raises(TransitionRefused, match="al een lopend traject \\(fase 'Aangemeld'\\)"):
            svc.start_trajectory(s, ADMIN, school, world["t3"], date(2026, 3, 2), "", today=TODAY)
        assert counts(s) == before


def test_move_to_tranche_keeps_history(world):
    with Session(world["engine"]) as s:
        school = world["schools"][1]
        old = svc.start_trajectory(s, ADMIN, school, world["t2"], date(2026, 3, 1), "", today=TODAY)
        svc.record_transition(s, ADMIN, old.id, "intake", date(2026, 4, 1), "", today=TODAY)
        new = svc.move_to_tranche(s, world["coord_a"], old.id, world["t3"], date(2026, 5, 1), "Fusie", today=TODAY)
        s.commit()
        assert s.scalars(select(PhaseEvent.phase).where(PhaseEvent.trajectory_id == old.id)
                         .order_by(PhaseEvent.id)).all() == ["registered", "intake", "postponed"]
        assert s.get(Trajectory, old.id).tranche_id == world["t2"]
        assert (new.tranche_id, new.cycle, new.school_id) == (world["t3"], old.cycle + 1, school)
        new_events = s.scalars(select(PhaseEvent).where(PhaseEvent.trajectory_id == new.id)).all()
        assert [(e.phase, e.on, e.note) for e in new_events] == [("registered", date(2026, 5, 1), "Fusie")]
        # the postponed trajectory cannot be revived while the new one runs
        with pytest.raises(TransitionRefused, match="lopend traject"):
            svc.record_transition(s, ADMIN, old.id, "registered", date(2026, 5, 2), "", today=TODAY)
        with pytest.raises(TransitionRefused, match="al in deze tranche"):
            svc.move_to_tranche(s, ADMIN, new.id, world["t3"], date(2026, 5, 2), "", today=TODAY)
        with pytest.raises(TransitionRefused, match="regio van de school"):
            svc.move_to_tranche(s, ADMIN, new.id, world["tb"], date(2026, 5, 2), "", today=TODAY)


def test_correction_is_a_new_event(world):
    with Session(world["engine"]) as s:
        t = svc.start_trajectory(s, ADMIN, world["schools"][0], world["t2"], date(2026, 3, 1), "", today=TODAY)
        run_path(s, ADMIN, t.id, [date(2026, 3, 10), date(2026, 4, 1)])
        event = svc.correct_to(s, ADMIN, t.id, "intake", date(2026, 4, 2), "te vroeg ingevoerd", today=TODAY)
        assert event.note == "Correctie: te vroeg ingevoerd" and event.phase == "intake"
        with pytest.raises(TransitionRefused, match="vorige fase 'Maatwerktraject'"):
            svc.correct_to(s, ADMIN, t.id, "registered", date(2026, 4, 2), "", today=TODAY)
        with pytest.raises(TransitionRefused, match="reden"):
            svc.correct_to(s, ADMIN, t.id, "improvement", date(2026, 4, 3), "Correctie: ", today=TODAY)
        # a correction can itself be corrected (again a new event)
        svc.correct_to(s, ADMIN, t.id, "improvement", date(2026, 4, 3), "Correctie: toch wel", today=TODAY)
        assert s.scalars(select(PhaseEvent.phase).where(PhaseEvent.trajectory_id == t.id)
                         .order_by(PhaseEvent.id)).all() == ["registered", "intake", "improvement", "intake",
                                                             "improvement"]


def test_expiry_list_windows_and_planned_reaudits(world):
    s1, s2, s3, s4, _ = world["schools"]
    with Session(world["engine"]) as s:
        # validity 24 months; as_of 2026-11-23: 6-month horizon 2027-05-23, 12-month horizon 2027-11-23
        certify(s, s1, world["t1"], date(2025, 1, 1), date(2025, 3, 1))    # expires 2027-03-01
        certify(s, s2, world["t1"], date(2025, 1, 1), date(2025, 5, 23))   # expires 2027-05-23: on the horizon
        certify(s, s3, world["t1"], date(2025, 6, 1), date(2025, 9, 1))    # expires 2027-09-01
        certify(s, s4, world["t1"], date(2026, 1, 1), date(2026, 3, 1))    # expires 2028-03-01
        # s2 is registered (on 2026-11-20) in tranche 3, which starts 2027-03-01
        svc.start_trajectory(s, ADMIN, s2, world["t3"], date(2026, 11, 20), "hercertificering", today=TODAY)
        s.commit()
        scope = Scope(as_of=TODAY, region_id=world["ra"])
        six = reads.expiry_list(s, scope, 6)
        assert [(r.school_id, r.expires_on) for r in six] == [(s1, date(2027, 3, 1)), (s2, date(2027, 5, 23))]
        assert [r.reaudit_planned for r in six] == [False, True]
        assert six[1].planned_in == "lopend traject (Aangemeld)"
        assert six[0].days_left == 98
        twelve = reads.expiry_list(s, scope, 12)
        assert [r.school_id for r in twelve] == [s1, s2, s3]
        # before the registration: planned through the future tranche
        earlier = reads.expiry_list(s, Scope(as_of=date(2026, 11, 1), region_id=world["ra"]), 12)
        planned = {r.school_id: (r.reaudit_planned, r.planned_in) for r in earlier}
        assert planned[s2] == (True, "Tranche 3") and planned[s1] == (False, "")
        # a coordinator of region B sees none of region A's schools
        assert reads.expiry_list(s, scope, 12, world["coord_b"]) == []


def test_certification_rows_tranche_overview_and_forecast(world):
    s1, s2, s3, s4, _ = world["schools"]
    with Session(world["engine"]) as s:
        certify(s, s1, world["t1"], date(2025, 1, 1), date(2025, 3, 1))     # expires 2027-03-01 (2027 K1)
        t = svc.start_trajectory(s, ADMIN, s2, world["t2"], date(2026, 3, 1), "", today=TODAY)
        run_path(s, ADMIN, t.id, [date(2026, 3, 2), date(2026, 4, 1)])        # improvement since 2026-04-01
        svc.start_trajectory(s, ADMIN, s3, world["t3"], date(2026, 11, 23), "", today=TODAY)
        s.commit()
        scope = Scope(as_of=TODAY, region_id=world["ra"])
        rows = {r.school_id: r for r in reads.certification_rows(s, scope)}
        assert set(rows) == {s1, s2, s3, s4}
        assert (rows[s1].status, rows[s1].issued_on, rows[s1].expires_on) == (
            "expiring", date(2025, 3, 1), date(2027, 3, 1))
        assert rows[s2].phase == "improvement" and rows[s2].tranche == "Tranche 2"
        assert rows[s2].days_in_phase == (TODAY - date(2026, 4, 1)).days
        # intake 2026-03-02: past add_months(intake, 8) = 2026-11-02 (Region.expected_months_max)
        assert rows[s2].stall_reasons == ("al 7 maanden in 'Maatwerktraject'",
                                          "al 8 maanden sinds intake zonder certificaat")
        assert rows[s3].phase == "registered" and rows[s3].days_in_phase == 0 and not rows[s3].stalled
        assert (rows[s4].status, rows[s4].phase, rows[s4].tranche) == ("never", None, "")

        overview = reads.tranche_overview(s, world["ra"], TODAY)
        assert [o.name for o in overview] == ["Tranche 1", "Tranche 2", "Tranche 3"]
        t2 = overview[1]
        assert dict((p, n) for p, _, n in t2.funnel)["improvement"] == 1 and t2.stalled_count == 1
        segs = t2.schools[0].segments
        assert [(x.phase, x.start, x.end) for x in segs] == [
            ("registered", date(2026, 3, 1), date(2026, 3, 2)), ("intake", date(2026, 3, 2), date(2026, 4, 1)),
            ("improvement", date(2026, 4, 1), TODAY)]
        assert dict((p, n) for p, _, n in overview[0].funnel)["certified"] == 1
        with pytest.raises(PermissionDenied):
            reads.tranche_overview(s, world["ra"], TODAY, world["coord_b"])

        inputs = reads.forecast_inputs(s, world["ra"], TODAY)
        assert inputs.expiries == [date(2027, 3, 1)]
        assert inputs.planned_tranches == [(date(2026, 3, 1), 1), (date(2027, 3, 1), 1)]
        result = reads.forecast(s, world["ra"], TODAY)
        assert len(result) == 12 and result[0].label == "2026 K4"
        # tranche 2 + 7 months = 2026-10-01 (2026 K4); tranche 3 + 7 = 2027-10-01 (2027 K4);
        # s1 expires 2027-03-01 (2027 K1); each again 24 months later
        by = {r.label: (r.from_expiries, r.from_tranches) for r in result if r.total}
        assert by == {"2026 K4": (0, 1), "2027 K1": (1, 0), "2027 K4": (0, 1), "2028 K4": (0, 1),
                      "2029 K1": (1, 0)}
        assert result == audit_forecast(inputs.expiries, inputs.planned_tranches, as_of=TODAY, quarters=12,
                                        expected_months_min=6, expected_months_max=8, capacity_per_quarter=2,
                                        validity_months=24)
        assert not any(r.over_capacity for r in result)
        s.get(Region, world["ra"]).audit_capacity_per_quarter = 0
        s.flush()
        assert [r.label for r in reads.forecast(s, world["ra"], TODAY) if r.over_capacity] == list(by)

        # the stall limits are the region's settings
        region = s.get(Region, world["ra"])
        region.phase_limit_months, region.expected_months_max = 8, 12
        s.flush()
        assert {r.school_id: r.stall_reasons for r in reads.certification_rows(s, scope)}[s2] == ()
        region.phase_limit_months = 7
        s.flush()
        assert reads.tranche_overview(s, world["ra"], TODAY)[1].schools[0].stall_reasons == (
            "al 7 maanden in 'Maatwerktraject'",)


def test_demo_rows_agree_with_overview(engine):
    from seed.demo import seed_demo

    with Session(engine) as s:
        seed_demo(s, today=TODAY)
        s.commit()
        region_id = s.scalar(select(Region.id).where(Region.name == "Maastricht-Heuvelland"))
        for as_of in (TODAY, date(2026, 3, 31)):
            scope = Scope(as_of=as_of, region_id=region_id)
            facts = school_facts(s, scope)
            expected = {f.school_id: school_status(f, as_of) for f in facts}
            rows = reads.certification_rows(s, scope)
            assert len(rows) == len(expected) > 0
            for r in rows:
                st = expected[r.school_id]
                assert (r.status, r.phase, r.issued_on, r.expires_on) == (
                    st.certificate_status, st.phase, st.issued_on, st.expires_on)
            assert {r.status for r in rows} >= {"valid", "expiring", "expired", "never"} or as_of != TODAY
        # the expiry lists: 6 months is a subset of 12, all valid and within the window
        scope = Scope(as_of=TODAY, region_id=region_id)
        six, twelve = reads.expiry_list(s, scope, 6), reads.expiry_list(s, scope, 12)
        assert six and {r.school_id for r in six} <= {r.school_id for r in twelve}
        assert all(TODAY < r.expires_on <= date(2027, 5, 23) for r in six)
        assert all(TODAY < r.expires_on <= date(2027, 11, 23) for r in twelve)
        overview = reads.tranche_overview(s, region_id, TODAY)
        assert overview and sum(o.schools_count for o in overview) > 0
        assert len(reads.forecast(s, region_id, TODAY)) == 12

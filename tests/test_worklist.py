"""services.worklist: the Actielijst's items equal what the other pages' services compute, with the
region's settings; re-certification of several schools at once records once, all or none."""
from __future__ import annotations

import re

import pytest
from conftest import DEMO_TODAY
from sqlmodel import func, select
from worklist_data import make_items, principal, region_id

from domain.lifecycle import TransitionRefused
from domain.scope import Scope
from models import PhaseEvent, Region, Trajectory
from models.db import session_scope
from services import certification_reads, network, worklist
from services.permissions import PermissionDenied


@pytest.fixture(scope="module")
def made(demo_db):
    with session_scope() as session:
        return make_items(session)


def test_items_equal_the_services_with_the_regions_settings(made):
    with session_scope() as session:
        coord = principal(session, "coordinator")
        rid = region_id(session)
        region = session.get(Region, rid)
        w = worklist.worklist(session, coord, rid, DEMO_TODAY)
        scope = Scope(DEMO_TODAY, region_id=rid)
        expiring = certification_reads.expiry_list(session, scope, region.expiring_window_months, coord)
        assert [r.code for r in w.expiring] == [r.code for r in expiring if not r.planned_in]
        assert w.expiring, "the demo has an expiring certificate without a new trajectory"
        rows = certification_reads.certification_rows(session, scope, coord)
        assert [r.code for r in w.stalled] == [r.code for r in rows if r.stall_reasons]
        assert w.stalled
        net = network.scope_network(session, coord, scope)
        expected = {net.schools[s].code: n.missing for s, n in net.networks.items() if n.missing}
        assert {m.code for m in w.missing} == set(expected)
        for m in w.missing:  # the same gaps as the school's own network
            assert len(m.missing) == len(network.school_network(session, coord, m.code, DEMO_TODAY).missing)
        orphaned = {(o.code, o.organisation.split()[0]) for o in w.orphaned}
        assert made["contact_school"] in {code for code, _ in orphaned}
        assert any(o.code == made["org_school"] and o.organisation == made["organisation"] for o in w.orphaned)
        assert [t.name for t in w.over_capacity] == [made["tranche"]]
        assert w.window_months == region.expiring_window_months
        assert w.phase_limit_months == region.phase_limit_months


def test_only_who_may_act_on_the_region(made):
    with session_scope() as session:
        rid = region_id(session)
        for role in ("stuurgroeplid", "bestuurder"):
            with pytest.raises(PermissionDenied):
                worklist.worklist(session, principal(session, role), rid, DEMO_TODAY)
        with pytest.raises(PermissionDenied):
            worklist.worklist(session, principal(session, "coordinator"), region_id(session, "Parkstad Limburg"),
                              DEMO_TODAY)


def _counts(session) -> tuple[int, int]:
    return (session.exec(select(func.count(Trajectory.id))).one(),
            session.exec(select(func.count(PhaseEvent.id))).one())


def test_recertification_of_several_schools_records_once_all_or_none(made):
    with session_scope() as session:
        coord = principal(session, "coordinator")
        rid = region_id(session)
        w = worklist.worklist(session, coord, rid, DEMO_TODAY)
        ids = [r.school_id for r in w.expiring]
        future = next(t for t in w.tranches if t.start_on >= DEMO_TODAY)
        # a school that cannot start (already in a trajectory) refuses the whole request
        busy = next(r for r in w.stalled)
        before = _counts(session)
        with pytest.raises(TransitionRefused, match=re.escape(f"{busy.name}: er loopt al een traject")):
            worklist.start_recertifications(session, coord, rid, ids + [busy.school_id], future.tranche_id,
                                            DEMO_TODAY, {**w.seen, busy.school_id: (busy.trajectory_id, busy.phase)})
        session.rollback()
        assert _counts(session) == before
    with session_scope() as session:
        names = worklist.start_recertifications(session, coord, rid, ids, future.tranche_id, DEMO_TODAY, w.seen)
        assert len(names) == len(ids)
    with session_scope() as session:
        after = _counts(session)
        assert after == (before[0] + len(ids), before[1] + len(ids))
        # the same request again (a double click, a replay) records nothing
        with pytest.raises(TransitionRefused):
            worklist.start_recertifications(session, coord, rid, ids, future.tranche_id, DEMO_TODAY, w.seen)
        session.rollback()
        assert _counts(session) == after
        # and the schools have left the list: their re-audit is planned now
        again = worklist.worklist(session, coord, rid, DEMO_TODAY)
        assert not {r.school_id for r in again.expiring} & set(ids)

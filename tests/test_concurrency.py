"""Several users at once: stale forms do not overwrite, double submits record one event, a busy
database gets a Dutch answer. Service level (two sessions, threads) on the demo's SQLite copy, and
on PostgreSQL when VIOS_TEST_POSTGRES_URL is set."""
from __future__ import annotations

import os
import threading
from datetime import date

import pytest
from conftest import DEMO_TODAY, USERS
from sqlalchemy import create_engine, func, select
from sqlalchemy.exc import OperationalError

from domain.lifecycle import TransitionRefused
from domain.scope import Scope
from models import Contact, Municipality, Organisation, Partnership, PhaseEvent, Region, School, Trajectory
from models.db import get_engine, session_scope
from services import auth, certification_reads, partnerships, trajectories, transactions
from services.permissions import principal_for
from services.transactions import StaleVersion

REGION = "Maastricht-Heuvelland"


def _principal(role: str = "coordinator"):
    with session_scope() as session:
        return principal_for(session, auth.get_user(session, USERS[role][0]))


def _school_in_phase(phase: str, engine=None, *, skip: set[int] | None = None) -> tuple[int, int]:
    """(school id, latest trajectory id) of a school of the region whose latest phase is `phase`."""
    with session_scope(engine) as session:
        rid = session.scalar(select(Region.id).where(Region.name == REGION))
        for row in certification_reads.certification_rows(session, Scope(as_of=DEMO_TODAY, region_id=rid)):
            if row.school_id in (skip or set()):
                continue
            (tid, now), _event = trajectories.latest_state(session, row.school_id)
            if now == phase:
                return row.school_id, tid
    raise AssertionError(f"no school in phase {phase}")


def _events(trajectory_id: int, engine=None) -> list[str]:
    with session_scope(engine) as session:
        return list(session.scalars(select(PhaseEvent.phase).where(PhaseEvent.trajectory_id == trajectory_id)
                                    .order_by(PhaseEvent.id)))


def _at_once(n: int, work, engine=None) -> list[object]:
    """Run work(session) in n threads that start together, each in its own transaction; the results
    (or the exceptions)."""
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            with session_scope(engine) as session:
                results[i] = work(session)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


# ---------------------------------------------------------------- idempotent history

def _three_concurrent_recordings(engine=None, coord=None) -> None:
    coord = coord or _principal()
    school_id, tid = _school_in_phase("intake", engine)
    before = _events(tid, engine)
    results = _at_once(3, lambda s: trajectories.record_transition(
        s, coord, tid, "improvement", DEMO_TODAY, "dubbel geklikt", seen=(tid, "intake")).id, engine)
    after = _events(tid, engine)
    assert after == before + ["improvement"], results
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 2 and all(isinstance(r, trajectories.HistoryChanged) for r in refused), results
    assert "staat inmiddels in fase 'Maatwerktraject' (vastgelegd door" in str(refused[0])


def test_three_concurrent_recordings_append_one_event(demo_db):
    _three_concurrent_recordings()


def test_a_correction_sent_twice_corrects_once(demo_db):
    coord = _principal()
    school_id, tid = _school_in_phase("audit")
    before = _events(tid)
    results = _at_once(2, lambda s: trajectories.correct_to(
        s, coord, tid, "improvement", DEMO_TODAY, "audit te vroeg", seen=(tid, "audit")).id)
    assert _events(tid) == before + ["improvement"], results
    assert sum(isinstance(r, trajectories.HistoryChanged) for r in results) == 1


def test_a_stale_page_cannot_record_after_someone_else(demo_db):
    """B's page still shows 'committee' after A recorded 'certified': B's 'not_passed' is refused."""
    coord, admin = _principal(), _principal("beheerder")
    school_id, tid = _school_in_phase("committee")
    with session_scope() as session:
        trajectories.record_transition(session, admin, tid, "certified", DEMO_TODAY, "", seen=(tid, "committee"))
    with pytest.raises(trajectories.HistoryChanged) as refused, session_scope() as session:
        trajectories.record_transition(session, coord, tid, "not_passed", DEMO_TODAY, "", seen=(tid, "committee"))
    assert f"fase 'Gecertificeerd' (vastgelegd door {USERS['beheerder'][0]} op {DEMO_TODAY:%d-%m-%Y}" \
        in str(refused.value)
    assert _events(tid)[-1] == "certified"


def test_a_double_start_makes_one_trajectory(demo_db):
    coord = _principal()
    school_id, tid = _school_in_phase("certified")
    with session_scope() as session:
        school = session.get(School, school_id)
        rid = session.get(Municipality, school.municipality_id).region_id
        from models import Tranche
        tranche = session.scalar(select(Tranche.id).where(Tranche.region_id == rid, Tranche.start_on > DEMO_TODAY))
        count = session.scalar(select(func.count(Trajectory.id)).where(Trajectory.school_id == school_id))
    results = _at_once(3, lambda s: trajectories.start_trajectory(
        s, coord, school_id, tranche, DEMO_TODAY, "", seen=(tid, "certified")).id)
    with session_scope() as session:
        assert session.scalar(select(func.count(Trajectory.id)).where(Trajectory.school_id == school_id)) \
            == count + 1, results
    assert sum(isinstance(r, TransitionRefused) for r in results) == 2, results


# ---------------------------------------------------------------- optimistic concurrency

def _running_partnership() -> tuple[int, int]:
    with session_scope() as session:
        rid = session.scalar(select(Region.id).where(Region.name == REGION))
        p = session.scalars(select(Partnership).join(School).join(Municipality)
                            .where(Municipality.region_id == rid, Partnership.end_on.is_(None),
                                   Partnership.contact_id.is_not(None)).order_by(Partnership.id)).first()
        return p.id, p.version


def test_a_stale_partnership_form_does_not_revert_newer_agreements(demo_db):
    """A saves new agreements; B, whose form still has the old version, changes only the role: refused."""
    coord, admin = _principal(), _principal("beheerder")
    pid, version = _running_partnership()
    with session_scope() as session:
        role_before = session.get(Partnership, pid).role
        partnerships.change_partnership(session, admin, pid, agreements="Nieuwe afspraken van A", version=version)
    with pytest.raises(StaleVersion) as refused, session_scope() as session:
        partnerships.change_partnership(session, coord, pid, role="advies" if role_before != "advies" else "kernteam",
                                        agreements="oude afspraken", version=version)
    message = str(refused.value)
    assert message.startswith("Niet opgeslagen: deze samenwerking is intussen gewijzigd door "
                              f"{USERS['beheerder'][0]} op {DEMO_TODAY:%d-%m-%Y} ")
    assert "(afspraken)" in message and "herlaad de gegevens" in message
    with session_scope() as session:
        after = session.get(Partnership, pid)
        assert after.agreements == "Nieuwe afspraken van A" and after.role == role_before
        assert after.version == version + 1


def test_a_save_that_slips_in_between_read_and_write_is_refused(demo_db):
    """Two sessions read the same version; the one that writes second is refused at its UPDATE."""
    coord = _principal()
    pid, version = _running_partnership()
    with session_scope() as b:
        b.get(Partnership, pid)                     # B's form read: version v in B's session
        with session_scope() as a:
            partnerships.change_partnership(a, coord, pid, agreements="A eerst", version=version)
        with pytest.raises(StaleVersion):
            partnerships.change_partnership(b, coord, pid, agreements="B daarna", version=version)
    with session_scope() as session:
        assert session.get(Partnership, pid).agreements == "A eerst"


def test_stale_contact_and_organisation_forms_are_refused(demo_db):
    coord = _principal()
    pid, _version = _running_partnership()
    with session_scope() as session:
        p = session.get(Partnership, pid)
        contact, org = session.get(Contact, p.contact_id), session.get(Organisation, p.organisation_id)
        c_version, o_version = contact.version, org.version
        c_fields = {"name": contact.name, "role": contact.role, "email": contact.email}
    with session_scope() as session:
        partnerships.change_contact(session, coord, contact.id, **c_fields, phone="0612345678", version=c_version)
    with pytest.raises(StaleVersion, match="deze contactpersoon is intussen gewijzigd .* \\(telefoon\\)"), \
            session_scope() as session:
        partnerships.change_contact(session, coord, contact.id, **c_fields, phone="043 000 0000", version=c_version)
    with session_scope() as session:
        assert session.get(Contact, contact.id).phone == "0612345678"
        partnerships.change_organisation(session, _principal("beheerder"), org.id, name=org.name + " B",
                                         type=org.type, version=o_version)
    with pytest.raises(StaleVersion, match="deze organisatie is intussen gewijzigd"), session_scope() as session:
        partnerships.change_organisation(session, _principal("beheerder"), org.id, name=org.name, type=org.type,
                                         version=o_version)
    with pytest.raises(StaleVersion), session_scope() as session:
        partnerships.end_organisation(session, _principal("beheerder"), org.id, date(2026, 11, 22),
                                      version=o_version)
    with session_scope() as session:
        assert session.get(Organisation, org.id).name == org.name + " B"
        assert session.get(Organisation, org.id).ended_on is None


# ---------------------------------------------------------------- a busy database

def test_a_locked_database_is_recognised_and_answered_in_dutch(demo_db, tmp_path):
    url = str(get_engine().url)
    holder = create_engine(url)
    waiter = create_engine(url, connect_args={"timeout": 0.2})
    with holder.connect() as held:
        held.exec_driver_sql("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError) as caught, waiter.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        held.exec_driver_sql("ROLLBACK")
    holder.dispose()
    waiter.dispose()
    assert transactions.is_busy(caught.value)
    assert "probeer het" in transactions.busy_message() and "Er is niets opgeslagen" in transactions.busy_message()
    assert not transactions.is_busy(ValueError("database is locked"))


# ---------------------------------------------------------------- PostgreSQL

PG_URL = os.environ.get("VIOS_TEST_POSTGRES_URL")


@pytest.mark.db
@pytest.mark.skipif(not PG_URL, reason="VIOS_TEST_POSTGRES_URL is not set")
def test_three_concurrent_recordings_append_one_event_on_postgres():
    from sqlalchemy.engine import make_url

    import settings
    from models.db import make_engine
    from seed.demo import seed_demo
    from services.migrate import upgrade

    base = make_url(PG_URL)
    name = f"{base.database}_concurrency"
    admin = create_engine(settings.sqlalchemy_url(base.set(database="postgres").render_as_string(False)),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(settings.sqlalchemy_url(base.set(database=name).render_as_string(False)))
    try:
        upgrade(engine)
        with session_scope(engine) as session:
            seed_demo(session, today=DEMO_TODAY)
        with session_scope(engine) as session:
            from conftest import _create_test_users
            _create_test_users(session)
        with session_scope(engine) as session:
            coord = principal_for(session, auth.get_user(session, USERS["coordinator"][0]))
        _three_concurrent_recordings(engine, coord)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        admin.dispose()


# ---------------------------------------------------------------- issue 13, finding 2: one rule for choices and save

def _callback(client, app, output: str, input_id: str, values: dict, changed: str | None = None):
    from test_access_routes import _call_by_input

    return _call_by_input(client, app, output, input_id, values, changed).get_data(as_text=True)


def test_contact_choices_and_the_add_save_follow_one_rule(dash_app, demo_db):
    """A coordinator is offered no contact persons of an organisation without a municipality that only
    other regions work with, and the save refuses that organisation and contact although the ids are real."""
    from conftest import client_login

    with session_scope() as session:
        rid = session.scalar(select(Region.id).where(Region.name == REGION))
        own = session.scalars(select(School).join(Municipality).where(Municipality.region_id == rid)
                              .order_by(School.code)).first()
        other = session.scalars(select(School).join(Municipality).where(Municipality.region_id != rid)
                                .order_by(School.code)).first()
        foreign = Organisation(name="Landelijk bureau elders (test)", type="politie", municipality_id=None)
        session.add(foreign)
        session.flush()
        secret = Contact(organisation_id=foreign.id, name="Geheime Persoon", role="adviseur", phone="0699999999")
        session.add(secret)
        session.flush()
        session.add(Partnership(school_id=other.id, organisation_id=foreign.id, role="advies",
                                start_on=date(2025, 1, 1)))
        local = session.scalars(select(Organisation).join(Municipality, Organisation.municipality_id == Municipality.id)
                                .where(Municipality.region_id == rid, Organisation.ended_on.is_(None))).first()
        local_contact = Contact(organisation_id=local.id, name="Bekende Buur", role="wijkagent")
        session.add(local_contact)
        session.flush()
        ids = {"own": own.code, "foreign": foreign.id, "secret": secret.id, "local": local.id,
               "local_contact": local_contact.id, "own_id": own.id}
    client = dash_app.server.test_client()
    client_login(client, USERS["coordinator"][0])
    # the organisation choices leave it out; the contact choices of it are empty
    body = _callback(client, dash_app, "net-add-org.options", "net-school", {"net-school.value": ids["own"]})
    assert "Landelijk bureau elders" not in body
    body = _callback(client, dash_app, "net-add-contact.options", "net-add-org", {
        "net-add-org.value": ids["foreign"], "net-school.value": ids["own"]})
    assert "Geheime Persoon" not in body and "adviseur" not in body and f'"value":{ids["secret"]}' not in body
    # an organisation of the own region: its contacts are offered
    body = _callback(client, dash_app, "net-add-contact.options", "net-add-org", {
        "net-add-org.value": ids["local"], "net-school.value": ids["own"]})
    assert "Bekende Buur" in body
    # the save refuses what the form does not offer: the organisation, and a contact of it
    with session_scope() as session:
        count = session.scalar(select(func.count(Partnership.id)).where(Partnership.school_id == ids["own_id"]))
    body = _callback(client, dash_app, "net-message.children", "net-add-save", {
        "net-add-save.n_clicks": 1, "net-school.value": ids["own"], "net-add-org.value": ids["foreign"],
        "net-add-contact.value": ids["secret"], "net-add-role.value": "advies", "net-add-start.value": "01-11-2026"})
    assert "kies een organisatie uit de lijst" in body and "Geheime Persoon" not in body
    body = _callback(client, dash_app, "net-message.children", "net-add-save", {
        "net-add-save.n_clicks": 1, "net-school.value": ids["own"], "net-add-org.value": ids["local"],
        "net-add-contact.value": ids["secret"], "net-add-role.value": "advies", "net-add-start.value": "01-11-2026"})
    assert "contactpersoon: " in body and "Geheime Persoon" not in body
    with session_scope() as session:
        assert session.scalar(select(func.count(Partnership.id)).where(Partnership.school_id == ids["own_id"])) \
            == count
    # and what the form offers is accepted
    body = _callback(client, dash_app, "net-message.children", "net-add-save", {
        "net-add-save.n_clicks": 1, "net-school.value": ids["own"], "net-add-org.value": ids["local"],
        "net-add-contact.value": ids["local_contact"], "net-add-role.value": "advies",
        "net-add-start.value": "01-11-2026"})
    assert "Samenwerking toegevoegd" in body, body


# ---------------------------------------------------------------- tranche plans

def test_a_stale_working_plan_cannot_overwrite_or_confirm_a_newer_draft(demo_db):
    from services import planning
    from services.planning.commands import plan_version

    coord, admin = _principal(), _principal("beheerder")
    with session_scope() as session:
        rid = session.scalar(select(Region.id).where(Region.name == REGION))
        tranche_id = planning.create_tranche(session, coord, rid, "Gelijktijdig", date(2027, 9, 1), 4).id
        items = planning.make_proposal(session, coord, tranche_id, DEMO_TODAY, weights={}, quotas={}, items=[])[0]
        plan = planning.save_plan(session, coord, tranche_id, "Scenario A", DEMO_TODAY, weights={}, quotas={},
                                  audit_capacity=None, items=items)
        opened = (plan.id, plan_version(session, coord, plan.id))    # both users open this draft
    with session_scope() as session:   # A saves other weights over it
        planning.save_plan(session, admin, tranche_id, "Scenario A", DEMO_TODAY, weights={"recert": 5}, quotas={},
                           audit_capacity=3, items=items, seen=opened)
    with pytest.raises(StaleVersion, match="dit concept is intussen gewijzigd door t-admin .*auditcapaciteit"), \
            session_scope() as session:   # B, still on the old version, saves: refused
        planning.save_plan(session, coord, tranche_id, "Scenario A", DEMO_TODAY, weights={}, quotas={},
                           audit_capacity=None, items=items, seen=opened)
    with pytest.raises(StaleVersion), session_scope() as session:   # nor may B confirm what B did not see
        planning.confirm_plan(session, coord, plan.id, version=opened[1])
    with session_scope() as session:
        saved = planning.load_plan(session, coord, plan.id)
        assert saved.audit_capacity == 3 and saved.status == "draft"

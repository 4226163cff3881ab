"""GET /_rijen/certificering (web/row_data.py): the certification table's rows, fetched by the page after its
layout, are the rows of the user's selection, follow every write, and refuse what the page refuses."""
from __future__ import annotations

import gzip
import json

from conftest import DEMO_TODAY, USERS, client_login, region_key
from sqlalchemy import func, select

from domain.scope import Scope
from models import Municipality, Region, School, Tranche, User
from models.db import session_scope
from services import certification_reads, permissions

PEILDATUM = DEMO_TODAY.isoformat()


def _rows(client, query: str, **headers: str):
    return client.get(f"/_rijen/certificering?{query}", headers=headers)


def _own_schools(region: str) -> list[str]:
    with session_scope() as session:
        return sorted(session.scalars(
            select(School.code).join(Municipality, School.municipality_id == Municipality.id)
            .join(Region, Municipality.region_id == Region.id).where(Region.name == region, School.active)))


def test_the_rows_are_the_selections_schools_each_as_computed_for_that_school_alone(dash_app, client):
    client_login(client, USERS["coordinator"][0])
    own = region_key("Maastricht-Heuvelland")
    response = _rows(client, f"gebied={own}&peildatum={PEILDATUM}")
    assert response.status_code == 200 and response.mimetype == "application/json"
    rows = response.get_json()
    assert [r["code"] for r in rows] == _own_schools("Maastricht-Heuvelland")
    with session_scope() as session:
        user = session.scalars(select(User).where(User.username == "t-coord")).one()
        principal = permissions.principal_for(session, user)
        for shown in rows:  # each row as the one-school read (the record form's) computes it
            one = certification_reads.school_row(session, shown["code"], DEMO_TODAY, principal)
            assert (shown["status"], shown["phase"], shown["tranche"], shown["days_in_phase"]) == \
                (one.status, one.phase, one.tranche, one.days_in_phase), shown["code"]
            assert shown["expires"] == (one.expires_on.isoformat() if one.expires_on else None)


def test_gzip_when_the_browser_accepts_it_plain_json_otherwise(dash_app, client):
    client_login(client, USERS["coordinator"][0])
    query = f"gebied={region_key('Maastricht-Heuvelland')}&peildatum={PEILDATUM}"
    zipped = _rows(client, query, **{"Accept-Encoding": "gzip, deflate"})
    plain = _rows(client, query, **{"Accept-Encoding": "identity"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Content-Encoding" not in plain.headers
    assert json.loads(gzip.decompress(zipped.get_data())) == plain.get_json() != []
    assert zipped.headers["Cache-Control"] == "no-store"  # data of a logged-in user: never in a shared cache


def test_a_renamed_tranche_is_in_the_next_fetch(dash_app, client):
    """The encoded rows are kept per data version: a write raises it, the next fetch has the new name."""
    client_login(client, USERS["beheerder"][0])
    query = f"gebied={region_key('Maastricht-Heuvelland')}&peildatum={PEILDATUM}"
    before = _rows(client, query).get_json()
    named = next(r for r in before if r["tranche"])
    with session_scope() as session:
        tranche = session.scalars(select(Tranche).where(Tranche.name == named["tranche"])).first()
        old, tranche.name = tranche.name, "Hernoemde tranche (fictief)"
    try:
        after = {r["code"]: r for r in _rows(client, query).get_json()}
        assert after[named["code"]]["tranche"] == "Hernoemde tranche (fictief)"
    finally:
        with session_scope() as session:
            session.scalars(select(Tranche).where(Tranche.name == "Hernoemde tranche (fictief)")).first().name = old


def test_another_region_the_country_and_strangers_get_no_rows(dash_app, client):
    with session_scope() as session:
        names = set(session.scalars(select(School.name)))
        other = f"r{session.scalar(select(func.min(Region.id)).where(Region.name != 'Maastricht-Heuvelland'))}"
    anonymous = _rows(client, f"gebied={other}")
    assert anonymous.status_code == 401
    client_login(client, USERS["coordinator"][0])
    for query in (f"gebied={other}", "gebied=nl"):
        refused = _rows(client, query)
        body = refused.get_data(as_text=True)
        assert refused.status_code == 403, query
        assert "Geen toegang" in refused.get_json()["error"], body
        assert not any(name in body for name in names)
    unknown = client.get("/_rijen/bestaat-niet")
    assert unknown.status_code == 404 and unknown.get_json() == {"error": "Deze tabel bestaat niet."}


def test_the_overview_rows_are_the_reports_municipalities_with_their_changes_since_the_compare_date(
        dash_app, client):
    """GET /_rijen/overzicht (Overzicht's table): each municipality's figures and changes as `vios report
    --since` computes them, for the compare date in the address; another region or the country is refused."""
    from datetime import date

    from domain.scope import Scope
    from services.report import report_since

    client_login(client, USERS["coordinator"][0])
    own = region_key("Maastricht-Heuvelland")
    with session_scope() as session:
        user = session.scalars(select(User).where(User.username == "t-coord")).one()
        principal = permissions.principal_for(session, user)
        expected = {}
        for since in (date(2025, 6, 30), date(2026, 3, 31)):
            now, _then, _events = report_since(session, Scope(as_of=DEMO_TODAY, region_id=int(own[1:])), since,
                                               principal)
            expected[since] = now
    shown = {}
    for since, now in expected.items():
        response = client.get(f"/_rijen/overzicht?gebied={own}&peildatum={PEILDATUM}&vergelijk={since.isoformat()}")
        assert response.status_code == 200, response.get_data(as_text=True)
        rows = response.get_json()
        assert [r["cbs_code"] for r in rows] == [m["cbs_code"] for m in now["municipalities"]] != []
        deltas = {d["cbs_code"]: d for d in now["changes"]["municipalities"]}
        for row, m in zip(rows, now["municipalities"], strict=True):
            for field in ("schools", "valid_certificates", "in_trajectory", "expiring_soon", "expired",
                          "never_certified"):
                assert row[field] == m[field], (m["name"], field)
                assert row[f"{field}_change"] == deltas[m["cbs_code"]][field], (m["name"], field, since)
            assert row["coverage_pct"] == (None if m["coverage"] is None else round(m["coverage"] * 100, 1))
        shown[since] = rows
    assert shown[date(2025, 6, 30)] != shown[date(2026, 3, 31)]   # the compare date is the address's
    with session_scope() as session:
        other = f"r{session.scalar(select(func.min(Region.id)).where(Region.name != 'Maastricht-Heuvelland'))}"
    for query in (f"gebied={other}", "gebied=nl"):
        refused = client.get(f"/_rijen/overzicht?{query}")
        assert refused.status_code == 403 and "Geen toegang" in refused.get_json()["error"], query


def test_the_gemeenten_rows_are_the_reports_municipalities_with_their_changes_and_phases(dash_app, client):
    """GET /_rijen/gemeenten (Gemeenten's table): each municipality's figures, phases and changes as `vios
    report --since` computes them, for the compare date in the address, nothing highlighted; another
    region or the country is refused."""
    from datetime import date

    from domain.certification import ACTIVE_PHASES
    from domain.scope import Scope
    from services.report import report_since

    client_login(client, USERS["coordinator"][0])
    own = region_key("Maastricht-Heuvelland")
    since = date(2025, 6, 30)
    with session_scope() as session:
        user = session.scalars(select(User).where(User.username == "t-coord")).one()
        now, _then, _events = report_since(session, Scope(as_of=DEMO_TODAY, region_id=int(own[1:])), since,
                                           permissions.principal_for(session, user))
    response = client.get(f"/_rijen/gemeenten?gebied={own}&peildatum={PEILDATUM}&vergelijk={since.isoformat()}")
    assert response.status_code == 200, response.get_data(as_text=True)
    rows = response.get_json()
    assert sorted(r["cbs_code"] for r in rows) == sorted(m["cbs_code"] for m in now["municipalities"]) != []
    report = {m["cbs_code"]: m for m in now["municipalities"]}
    deltas = {d["cbs_code"]: d for d in now["changes"]["municipalities"]}
    for row in rows:
        m, delta = report[row["cbs_code"]], deltas[row["cbs_code"]]
        for field in ("schools", "valid_certificates", "in_trajectory", "expiring_soon", "expired"):
            assert (row[field], row[f"{field}_delta"]) == (m[field], delta[field]), (m["name"], field)
        for phase in ACTIVE_PHASES:
            assert row[f"phase_{phase}"] == m["in_trajectory_by_phase"][phase], (m["name"], phase)
        assert row["coverage_pct"] == (None if m["coverage"] is None else round(m["coverage"] * 100, 1))
        assert row["role"] == "all"
    with session_scope() as session:
        other = f"r{session.scalar(select(func.min(Region.id)).where(Region.name != 'Maastricht-Heuvelland'))}"
    for query in (f"gebied={other}", "gebied=nl"):
        refused = client.get(f"/_rijen/gemeenten?{query}")
        assert refused.status_code == 403 and "Geen toegang" in refused.get_json()["error"], query


def test_the_expiry_lists_rows_are_the_computed_lists_for_the_users_own_selection(dash_app, client):
    """/_rijen/verloopt-6 and -12 (the Certificering expiry lists, fetched when more than a page): the
    schools of certification_reads.expiry_list, soonest first; the country is refused to a coordinator."""
    client_login(client, USERS["beheerder"][0])
    for months in (6, 12):
        rows = client.get(f"/_rijen/verloopt-{months}?gebied=nl&peildatum={PEILDATUM}").get_json()
        with session_scope() as session:
            due = certification_reads.expiry_list(session, Scope(as_of=DEMO_TODAY), months)
        assert due and [(r["code"], r["expires"], r["days_left"], r["planned"]) for r in rows] == [
            (d.code, d.expires_on.isoformat(), d.days_left, d.reaudit_planned) for d in due]
    coordinator = dash_app.server.test_client()
    client_login(coordinator, USERS["coordinator"][0])
    refused = coordinator.get(f"/_rijen/verloopt-6?gebied=nl&peildatum={PEILDATUM}")
    assert refused.status_code == 403 and "Geen toegang" in refused.get_json()["error"]

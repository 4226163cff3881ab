"""Roles and areas: who may read and change which school, region and personal data.

A small map on a real SQLite database: province Limburg with regions A and B, province
Holland with region C; a Limburg municipality outside any region; boards 1 and 2.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models import Board, Municipality, Province, Region, School
from models.db import make_engine
from services import auth
from services import permissions as perm
from services.migrate import upgrade
from services.permissions import Principal

pytestmark = pytest.mark.db  # opens databases of its own (real files, fresh schemas)

PASSWORD = "een-goed-wachtwoord"
# school name -> (municipality, board)
SCHOOLS = {"A1": ("mA", "b1"), "A2": ("mA", "b2"), "B1": ("mB", "b1"), "C1": ("mC", "b2"), "X1": ("mX", None)}
# user -> (role, scopes as (kind, name)), and exactly the schools each may read / change
USERS = {
    "admin": ("beheerder", []),
    "coord-a": ("coordinator", [("region", "A")]),
    "stuur-b": ("stuurgroeplid", [("region", "B")]),
    "stuur-limburg": ("stuurgroeplid", [("province", "Limburg")]),
    "bestuur-1": ("bestuurder", [("board", "b1")]),
    "zonder-gebied": ("coordinator", []),
}
READS = {"admin": {"A1", "A2", "B1", "C1", "X1"}, "coord-a": {"A1", "A2"}, "stuur-b": {"B1"},
         "stuur-limburg": {"A1", "A2", "B1", "X1"}, "bestuur-1": {"A1", "B1"}, "zonder-gebied": set()}
EDITS = {"admin": READS["admin"], "coord-a": {"A1", "A2"}, "stuur-b": set(), "stuur-limburg": set(),
         "bestuur-1": set(), "zonder-gebied": set()}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('perm') / 't.db'}")
    upgrade(engine)
    with Session(engine, expire_on_commit=False) as s:
        provinces = {n: Province(name=n) for n in ("Limburg", "Holland")}
        s.add_all(provinces.values())
        s.flush()
        regions = {n: Region(name=n, province_id=provinces[p].id) for n, p in (("A", "Limburg"), ("B", "Limburg"),
                                                                                ("C", "Holland"))}
        boards = {n: Board(number=n[1:] * 5, name=n) for n in ("b1", "b2")}
        s.add_all([*regions.values(), *boards.values()])
        s.flush()
        munis = {n: Municipality(cbs_code=f"GM000{i}", name=n, province_id=provinces[p].id,
                                 region_id=regions[r].id if r else None)
                 for i, (n, p, r) in enumerate((("mA", "Limburg", "A"), ("mB", "Limburg", "B"),
                                                ("mC", "Holland", "C"), ("mX", "Limburg", None)))}
        s.add_all(munis.values())
        s.flush()
        schools = {n: School(code=f"0{i}AA00", name=n, sector="vo", municipality_id=munis[m].id,
                             board_id=boards[b].id if b else None) for i, (n, (m, b)) in enumerate(SCHOOLS.items())}
        s.add_all(schools.values())
        s.flush()
        targets = {"region": regions, "province": provinces, "board": boards}
        principals = {}
        for name, (role, scopes) in USERS.items():
            user = auth.create_user(s, username=name, role=role, password=PASSWORD, actor="test")
            for kind, target in scopes:
                auth.assign_scope(s, name, actor="test", **{f"{kind}_id": targets[kind][target].id})
            principals[name] = user
        s.commit()
        principals = {n: perm.principal_for(s, u) for n, u in principals.items()}
    yield {"engine": engine, "principals": principals, "regions": {n: r.id for n, r in regions.items()},
           "provinces": {n: p.id for n, p in provinces.items()}, "boards": {n: b.id for n, b in boards.items()},
           "schools": {n: sc.id for n, sc in schools.items()}}
    engine.dispose()


@pytest.fixture
def session(world):
    with Session(world["engine"], expire_on_commit=False) as s:
        yield s
        s.rollback()


def names_of(session: Session, ids) -> set[str]:
    return set(session.scalars(select(School.name).where(School.id.in_(list(ids)))))


@pytest.mark.parametrize("user", USERS)
def test_read_and_edit_rules_per_school(world, session, user):
    p = world["principals"][user]
    readable, editable = set(), set()
    for name, school_id in world["schools"].items():
        region_id, province_id, board_id = perm.school_location(session, school_id)
        if perm.can_read_school(p, region_id, province_id, board_id):
            readable.add(name)
        if perm.can_edit_school(p, region_id):
            editable.add(name)
    assert readable == READS[user]
    assert editable == EDITS[user]
    assert editable <= readable


@pytest.mark.parametrize("user", USERS)
def test_school_filter_for_returns_exactly_the_permitted_schools(world, session, user):
    p = world["principals"][user]
    read = session.scalars(select(School.name).where(*perm.school_filter_for(p))).all()
    edit = session.scalars(select(School.name).where(*perm.school_filter_for(p, for_edit=True))).all()
    assert set(read) == READS[user] and len(read) == len(set(read))
    assert set(edit) == EDITS[user]


def test_school_filter_for_combines_with_other_conditions(world, session):
    p = world["principals"]["stuur-limburg"]
    stmt = (select(School.name).join(Municipality, School.municipality_id == Municipality.id)
            .where(Municipality.name == "mA", *perm.school_filter_for(p)))
    assert set(session.scalars(stmt)) == {"A1", "A2"}


def test_coordinator_of_region_a_cannot_edit_in_region_b(world, session):
    p = world["principals"]["coord-a"]
    assert perm.can_edit_school(p, world["regions"]["A"])
    assert not perm.can_edit_school(p, world["regions"]["B"])
    assert perm.can_edit_region(p, world["regions"]["A"]) and not perm.can_edit_region(p, world["regions"]["B"])
    perm.ensure_can_edit_school(session, p, world["schools"]["A1"])
    with pytest.raises(perm.PermissionDenied, match="niet wijzigen"):
        perm.ensure_can_edit_school(session, p, world["schools"]["B1"])
    with pytest.raises(perm.PermissionDenied, match="niet bekijken"):
        perm.ensure_can_read_school(session, p, world["schools"]["C1"])
    with pytest.raises(perm.PermissionDenied, match="niet bekijken"):  # unknown id: the same answer
        perm.ensure_can_read_school(session, p, 999_999)
    with pytest.raises(perm.PermissionDenied):
        perm.ensure_can_edit_region(p, world["regions"]["B"])


@pytest.mark.parametrize("user, personal, manage", [
    ("admin", True, True), ("coord-a", True, False), ("stuur-b", False, False), ("stuur-limburg", False, False),
    ("bestuur-1", False, False)])
def test_personal_data_and_user_management_per_role(world, user, personal, manage):
    p = world["principals"][user]
    assert perm.can_see_personal_data(p) is personal
    assert perm.can_manage_users(p) is manage and perm.can_view_audit_log(p) is manage
    assert perm.can_edit_region_settings(p) is manage


def test_bestuurder_sees_the_figures_of_the_regions_of_their_schools(world, session):
    p = world["principals"]["bestuur-1"]
    r = world["regions"]
    assert p.board_ids == {world["boards"]["b1"]}
    assert p.region_ids == {r["A"], r["B"]}  # board 1 has schools in A and B
    assert perm.can_read_region(p, r["A"], world["provinces"]["Limburg"])
    assert not perm.can_read_region(p, r["C"], world["provinces"]["Holland"])
    # The figures of region A, but not school A2 of the other board.
    with pytest.raises(perm.PermissionDenied):
        perm.ensure_can_read_school(session, p, world["schools"]["A2"])


@pytest.mark.parametrize("user, expected", [
    ("admin", ["nl", "pL", "pH", "rA", "rB", "rC"]),
    ("coord-a", ["rA"]),
    ("stuur-b", ["rB"]),
    ("stuur-limburg", ["pL", "rA", "rB"]),
    ("bestuur-1", ["rA", "rB"]),
    ("zonder-gebied", []),
])
def test_readable_areas_per_role(world, session, user, expected):
    p = world["principals"][user]
    ids = {"pL": f"p{world['provinces']['Limburg']}", "pH": f"p{world['provinces']['Holland']}",
           **{f"r{n}": f"r{i}" for n, i in world["regions"].items()}, "nl": "nl"}
    want = {ids[k] for k in expected}
    assert set(perm.readable_area_keys(p, perm.region_provinces(session))) == want
    assert {o["value"] for o in perm.readable_area_options(session, p)} == want
    assert perm.default_area_key(session, p) == (perm.readable_area_options(session, p) or [{"value": None}])[0][
        "value"]


def test_area_from_the_url_is_checked(world, session):
    coord, stuur = world["principals"]["coord-a"], world["principals"]["stuur-limburg"]
    perm.ensure_can_read_area(session, coord, world["regions"]["A"], None)
    for region_id, province_id in ((None, None), (world["regions"]["B"], None),
                                   (None, world["provinces"]["Limburg"]), (424242, None)):
        with pytest.raises(perm.PermissionDenied):
            perm.ensure_can_read_area(session, coord, region_id, province_id)
    perm.ensure_can_read_area(session, stuur, None, world["provinces"]["Limburg"])
    perm.ensure_can_read_area(session, stuur, world["regions"]["A"], None)
    with pytest.raises(perm.PermissionDenied):
        perm.ensure_can_read_area(session, stuur, world["regions"]["C"], None)


def test_readable_region_ids(world, session):
    rp = perm.region_provinces(session)
    assert perm.readable_region_ids(world["principals"]["admin"], rp) is None
    assert perm.readable_region_ids(world["principals"]["stuur-limburg"], rp) == {
        world["regions"]["A"], world["regions"]["B"]}


def test_unknown_role_may_do_nothing():
    p = Principal(user_id=1, username="x", role="gast", region_ids=frozenset({1}), province_ids=frozenset({1}),
                  board_ids=frozenset({1}))
    assert not perm.can_read_school(p, 1, 1, 1) and not perm.can_edit_school(p, 1)
    assert not perm.can_read_region(p, 1, 1) and not perm.can_see_personal_data(p)
    assert perm.readable_area_keys(p, {1: 1}) == []
    assert [str(c) for c in perm.school_filter_for(p)] == ["false"]


def test_disabled_users_get_no_principal(world, session):
    user = auth.get_user(session, "stuur-b")
    user.active = False
    with pytest.raises(perm.PermissionDenied, match="uitgeschakeld"):
        perm.principal_for(session, user)


def test_scopes_must_fit_the_role(world, session):
    with pytest.raises(ValueError, match="alleen een regio"):
        auth.assign_scope(session, "coord-a", province_id=world["provinces"]["Limburg"], actor="test")
    with pytest.raises(ValueError, match="beheerder ziet alles"):
        auth.assign_scope(session, "admin", region_id=world["regions"]["A"], actor="test")
    with pytest.raises(ValueError, match="Onbekende regio"):
        auth.assign_scope(session, "coord-a", region_id=424242, actor="test")
    with pytest.raises(ValueError, match="precies één"):
        auth.assign_scope(session, "stuur-b", region_id=world["regions"]["A"],
                          province_id=world["provinces"]["Limburg"], actor="test")
    first = auth.assign_scope(session, "coord-a", region_id=world["regions"]["A"], actor="test")
    assert auth.assign_scope(session, "coord-a", region_id=world["regions"]["A"], actor="test").id == first.id


def test_removing_a_scope_takes_the_rights_away(world, session):
    user = auth.get_user(session, "coord-a")
    scope = auth.assign_scope(session, "coord-a", region_id=world["regions"]["B"], actor="admin")
    assert world["regions"]["B"] in perm.principal_for(session, user).region_ids
    auth.remove_scope(session, scope.id, actor="admin")
    session.flush()
    assert perm.principal_for(session, user).region_ids == {world["regions"]["A"]}

"""One demo user per role, with generated passwords (there is no default password).

Run after `seed_demo`: the scopes refer to the demo's region, province and first board.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from models import Board, Province, Region
from seed import demo_data as data
from services import auth
from services.passwords import generate_password

ACTOR = "demo"
DEMO_REGION, DEMO_PROVINCE = "Maastricht-Heuvelland", "Limburg"
# (username, role, display name, scope kind)
DEMO_USERS = (
    ("beheerder", "beheerder", "Demo Beheerder (fictief)", None),
    ("coordinator", "coordinator", "Demo Coördinator Maastricht-Heuvelland (fictief)", "region"),
    ("stuurgroeplid", "stuurgroeplid", "Demo Stuurgroeplid Limburg (fictief)", "province"),
    ("bestuurder", "bestuurder", "Demo Bestuurder (fictief)", "board"),
)


def seed_demo_users(session: Session) -> list[tuple[str, str, str]]:
    """Create the demo users that do not exist yet; returns (username, role, password) of those created."""
    targets = {
        "region": {"region_id": _id(session, Region, Region.name, DEMO_REGION)},
        "province": {"province_id": _id(session, Province, Province.name, DEMO_PROVINCE)},
        "board": {"board_id": _id(session, Board, Board.number, data.BOARDS[0][0])},
    }
    created = []
    for username, role, name, kind in DEMO_USERS:
        if auth.get_user(session, username) is not None:
            continue
        password = generate_password()
        auth.create_user(session, username=username, role=role, password=password, display_name=name, actor=ACTOR)
        if kind:
            auth.assign_scope(session, username, actor=ACTOR, **targets[kind])
        created.append((username, role, password))
    return created


def _id(session: Session, model, column, value: str) -> int:
    found = session.scalar(select(model.id).where(column == value))
    if found is None:
        raise LookupError(f"{value} ontbreekt: laad eerst de demo (vios seed demo)")
    return found

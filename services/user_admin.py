"""What the Beheer page does with users: thin wrappers around services.auth (which audits every change)."""
from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from models import Board, Province, Region
from services import auth
from services.passwords import generate_password

MAX_BOARD_OPTIONS = 2000


def scope_options(session: Session) -> list[dict[str, str]]:
    """Areas a user can be given: 'r<id>' regions, 'p<id>' provinces, 'b<id>' school boards."""
    regions = select(col(Region.id), col(Region.name)).order_by(col(Region.name))
    provinces = select(col(Province.id), col(Province.name)).order_by(col(Province.name))
    boards = (select(col(Board.id), col(Board.number), col(Board.name))
              .order_by(col(Board.number)).limit(MAX_BOARD_OPTIONS))
    options = [{"label": f"Regio {name}", "value": f"r{rid}"} for rid, name in session.execute(regions)]
    options += [{"label": f"Provincie {name}", "value": f"p{pid}"} for pid, name in session.execute(provinces)]
    options += [{"label": f"Bestuur {number} {name}".strip(), "value": f"b{bid}"}
                for bid, number, name in session.execute(boards)]
    return options


def parse_scope_key(key: str | None) -> dict[str, int]:
    """{'region_id': 3} from 'r3' and so on; ValueError (Dutch) for anything else."""
    kinds = {"r": "region_id", "p": "province_id", "b": "board_id"}
    if not isinstance(key, str) or len(key) < 2 or key[0] not in kinds or not key[1:].isdigit():
        raise ValueError("Kies een geldig gebied.")
    return {kinds[key[0]]: int(key[1:])}


def add_user(session: Session, *, actor: str, username: str, display_name: str, role: str,
             scope_key: str | None) -> str:
    """Create a user (with one area unless beheerder) in the caller's transaction; returns the generated password."""
    role = auth.normalize_role(role)
    scope = parse_scope_key(scope_key) if role != "beheerder" else None
    if role != "beheerder" and scope is None:
        raise ValueError("Kies een gebied voor deze gebruiker.")
    password = generate_password()
    user = auth.create_user(session, username=username or "", role=role, password=password,
                            display_name=display_name or "", actor=actor)
    if scope is not None:
        auth.assign_scope(session, user.username, actor=actor, **scope)
    return password


def reset_password(session: Session, *, actor: str, username: str) -> str:
    password = generate_password()
    auth.set_password(session, username, password, actor=actor)
    return password

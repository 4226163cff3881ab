"""What the Beheer page does with users: thin wrappers around services.auth (which audits every change)."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, col

from models import Board, Province, Region, User, UserScope
from services import auth
from services.passwords import generate_password

MAX_BOARD_OPTIONS = 2000


def scope_options(session: Session, keep: tuple[str, ...] = ()) -> list[dict[str, str]]:
    """Areas a user can be given: 'r<id>' regions, 'p<id>' provinces, 'b<id>' school boards (the first
    MAX_BOARD_OPTIONS by number, and the boards among `keep`, a user's current areas)."""
    regions = select(col(Region.id), col(Region.name)).order_by(col(Region.name))
    provinces = select(col(Province.id), col(Province.name)).order_by(col(Province.name))
    columns = (col(Board.id), col(Board.number), col(Board.name))
    first = select(*columns).order_by(col(Board.number)).limit(MAX_BOARD_OPTIONS)
    kept = [int(k[1:]) for k in keep if k[:1] == "b" and k[1:].isdigit()]
    options = [{"label": f"Regio {name}", "value": f"r{rid}"} for rid, name in session.execute(regions)]
    options += [{"label": f"Provincie {name}", "value": f"p{pid}"} for pid, name in session.execute(provinces)]
    boards = dict.fromkeys([*session.execute(first), *session.execute(select(*columns).where(
        col(Board.id).in_(kept)).order_by(col(Board.number)))])
    options += [{"label": f"Bestuur {number} {name}".strip(), "value": f"b{bid}"} for bid, number, name in boards]
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


# ---------------------------------------------------------------- the edit form

_KEY_PREFIX = {"region_id": "r", "province_id": "p", "board_id": "b"}


@dataclass(frozen=True)
class UserForm:
    """What the edit form shows of a user, and the profile version it was built from."""
    username: str
    display_name: str
    role: str
    scope_keys: tuple[str, ...]  # 'r3', 'p1', 'b12' (as scope_options)
    version: int


def _scopes(session: Session, user_id: int) -> dict[str, UserScope]:
    found = session.scalars(select(UserScope).where(col(UserScope.user_id) == user_id).order_by(col(UserScope.id)))
    return {next(f"{p}{getattr(s, k)}" for k, p in _KEY_PREFIX.items() if getattr(s, k) is not None): s
            for s in found}


def _known(session: Session, username: str) -> tuple[User, int]:
    user = auth.get_user(session, username)
    if user is None or user.id is None:
        raise ValueError(f"Onbekende gebruiker '{username}'.")
    return user, user.id


def user_form(session: Session, username: str) -> UserForm:
    user, user_id = _known(session, username)
    return UserForm(username=user.username, display_name=user.display_name, role=user.role,
                    scope_keys=tuple(_scopes(session, user_id)), version=user.profile_version)


def save_user(session: Session, *, actor: str, username: str, display_name: str, role: str,
              scope_keys: list[str], version: int | None) -> bool:
    """Save the edit form in the caller's transaction: name, role and the full list of areas.

    Refused (ValueError, Dutch) before anything changes when the areas do not fit the role, and
    (StaleVersion) when the user was changed since the form was built. Returns whether anything changed.
    """
    user, user_id = _known(session, username)
    role = auth.normalize_role(role)
    wanted = {} if role == "beheerder" else {key: parse_scope_key(key) for key in dict.fromkeys(scope_keys)}
    if role != "beheerder" and not wanted:
        raise ValueError("Kies minstens één gebied voor deze gebruiker.")
    for area in wanted.values():  # assign_scope's rule, checked before anything changes
        auth.check_scope_kind(role, next(iter(area)).removesuffix("_id"))
    auth.claim_profile(session, user, version)  # first: a stale form changes nothing
    before = user.profile_version
    auth.update_user(session, user.username, actor=actor, display_name=display_name, role=role)
    current = _scopes(session, user_id)
    for key, held in current.items():
        if key not in wanted and held.id is not None:
            auth.remove_scope(session, held.id, actor=actor)
    for key, scope_ids in wanted.items():
        if key not in current:
            auth.assign_scope(session, user.username, actor=actor, **scope_ids)
    session.flush()
    return user.profile_version != before

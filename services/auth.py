"""Logging in (with lock-out) and managing users. Every change and every login attempt is audited.

The caller commits (session_scope): also when `authenticate` returns None, because the
failure counter and the audit rows must be saved then too.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlmodel import Session, SQLModel, col

from domain import clock
from models import ROLES, AuditEntry, Board, Province, Region, User, UserScope, table_of
from services import audit
from services import login_throttle as throttle
from services.passwords import check_password_policy, dummy_hash, hash_password, needs_rehash, verify_password
from services.transactions import StaleVersion, stale_message

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
USER_ENTITY, SCOPE_ENTITY = table_of(User).name, table_of(UserScope).name
ROLE_LABELS = {"beheerder": "beheerder", "coordinator": "coördinator", "stuurgroeplid": "stuurgroeplid",
               "bestuurder": "bestuurder"}
# Which kinds of area each role can be given (a beheerder sees everything and needs none).
SCOPE_KINDS = {"beheerder": (), "coordinator": ("region",), "stuurgroeplid": ("region", "province"),
               "bestuurder": ("board", "region")}
_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{1,63}")


def _now(now: datetime | None) -> datetime:
    return now or clock.now()


def normalize_username(username: str) -> str:
    return (username or "").strip().lower()


def normalize_role(role: str) -> str:
    """'Coördinator' -> 'coordinator'; ValueError for an unknown role."""
    value = (role or "").strip().lower().replace("ö", "o")
    if value not in ROLES:
        raise ValueError(f"Onbekende rol '{role}'; kies uit: {', '.join(ROLE_LABELS.values())}.")
    return value


def get_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(col(User.username) == normalize_username(username))).first()


def _stored_id(user: User) -> int:
    """The id of a user read from the database (never None there)."""
    if user.id is None:
        raise ValueError(f"Gebruiker '{user.username}' is nog niet opgeslagen.")
    return user.id


def _require_user(session: Session, username: str) -> User:
    user = get_user(session, username)
    if user is None:
        raise ValueError(f"Onbekende gebruiker '{username}'.")
    return user


# ---------------------------------------------------------------- login

def authenticate(session: Session, username: str, password: str, *, now: datetime | None = None,
                 address: str | None = None) -> User | None:
    """The user when the password is right and the account active and not locked; else None.

    Every path verifies one scrypt hash, so an unknown user, a disabled or locked account
    and a wrong password take the same time and give the same answer.

    address (the client's, from the web login): wrong passwords lock the account for that address
    only, and an address with many failures is refused for every account (services.login_throttle).
    Without an address (scripts, tests) the failures lock the account itself.
    Failed logins reach the audit log at most once a minute per account (per address for unknown
    names); lock-outs always.
    """
    now = _now(now)
    name = normalize_username(username)[:100]
    if address is not None and throttle.is_blocked(session, throttle.address_key(address), now):
        verify_password(password, dummy_hash())
        _log_failure(session, name, None, "te veel mislukte pogingen vanaf dit adres", now, address)
        return None
    user = get_user(session, name) if name else None
    if user is None:
        verify_password(password, dummy_hash())
        _address_failure(session, name, address, now)
        _log_failure(session, name, None, "onbekende gebruiker", now, address)
        return None
    password_ok = verify_password(password, user.password_hash)
    if not password_ok:
        _address_failure(session, name, address, now)
    if not user.active:
        _log_failure(session, name, user.id, "account uitgeschakeld", now, address)
        return None
    if _locked(session, user, address, now):
        # Attempts during a lock-out neither count nor extend it: the owner can log in afterwards.
        _log_failure(session, name, user.id, "account tijdelijk geblokkeerd", now, address)
        return None
    if not password_ok:
        _register_failure(session, user, address, now)
        return None
    user.failed_attempts, user.locked_until, user.last_login_at = 0, None, now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.add(user)
    if address is not None:
        throttle.clear(session, throttle.account_key(user.id, address))
    _log(session, name, "login", user.id, "", now)
    return user


def _locked(session: Session, user: User, address: str | None, now: datetime) -> bool:
    return is_locked(user, now) or (
        address is not None and throttle.is_blocked(session, throttle.account_key(user.id, address), now))


def _register_failure(session: Session, user: User, address: str | None, now: datetime) -> None:
    if address is not None:
        count, until = throttle.register_failure(session, throttle.account_key(user.id, address), now,
                                                 MAX_FAILED_ATTEMPTS)
    else:
        # Incremented in SQL, so parallel guesses cannot each see the old count.
        user.failed_attempts = User.failed_attempts + 1
        session.add(user)
        session.flush()
        session.refresh(user, ["failed_attempts"])
        count, until = user.failed_attempts, None
        if count >= MAX_FAILED_ATTEMPTS:
            user.failed_attempts, user.locked_until = 0, now + LOCKOUT
            session.add(user)
            until = user.locked_until
    _log_failure(session, user.username, user.id, f"onjuist wachtwoord ({count}e poging)", now, address)
    if until is not None:
        where = f" vanaf adres {address}" if address is not None else ""
        _log(session, user.username, "lockout", user.id,
             f"{MAX_FAILED_ATTEMPTS} mislukte pogingen{where}: geblokkeerd tot {until.isoformat()}", now)


def _address_failure(session: Session, name: str, address: str | None, now: datetime) -> None:
    if address is None:
        return
    _, until = throttle.register_failure(session, throttle.address_key(address), now, throttle.ADDRESS_LIMIT)
    if until is not None:
        _log(session, name, "lockout", None, f"{throttle.ADDRESS_LIMIT} mislukte pogingen vanaf adres {address}: "
             f"dit adres is geblokkeerd tot {until.isoformat()}", now)


def _log_failure(session: Session, name: str, user_id: int | None, detail: str, now: datetime,
                 address: str | None) -> None:
    key = throttle.log_key(user_id) if user_id is not None else throttle.address_key(address or "")
    if throttle.may_log(session, key, now):
        _log(session, name, "login_failed", user_id, detail, now)


def _log(session: Session, username: str, action: str, user_id: int | None, detail: str, now: datetime) -> None:
    audit.record(session, username=username or "(leeg)", action=action, entity=USER_ENTITY, entity_id=user_id,
                 detail=detail, at=now)


def is_locked(user: User, now: datetime | None = None) -> bool:
    return user.locked_until is not None and user.locked_until > _now(now)


def session_fingerprint(user: User, key: str | bytes | None = None) -> str:
    """Store this in the login session next to the user id. It changes with the password and with
    the user's session version (raised by logout, disable, enable and a new password), so those end
    every earlier session on the server; keyed with the secret key because Flask session cookies
    are signed, not encrypted."""
    if key is None:
        from services.secret_key import load_secret_key

        key = load_secret_key()
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, f"vios-session:{user.session_version}:{user.password_hash}".encode(),
                    hashlib.sha256).hexdigest()


def user_for_session(session: Session, user_id: object, fingerprint: object,
                     key: str | bytes | None = None) -> User | None:
    """The logged-in user for a request, or None when the account was disabled, the password changed
    or the session ended (logout)."""
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(fingerprint, str):
        return None
    user = session.get(User, user_id)
    if user is None or not user.active or not hmac.compare_digest(session_fingerprint(user, key), fingerprint):
        return None
    return user


# ---------------------------------------------------------------- user management

def create_user(session: Session, *, username: str, role: str, password: str, display_name: str = "",
                actor: str, now: datetime | None = None) -> User:
    name = normalize_username(username)
    if not _USERNAME.fullmatch(name):
        raise ValueError("Een gebruikersnaam heeft 2 tot 64 tekens: letters, cijfers en . _ @ -, "
                         "en begint met een letter of cijfer.")
    role = normalize_role(role)
    if get_user(session, name) is not None:
        raise ValueError(f"Gebruikersnaam '{name}' bestaat al.")
    check_password_policy(password, username=name)
    user = User(username=name, display_name=display_name.strip()[:150], role=role,
                password_hash=hash_password(password), created_at=_now(now))
    session.add(user)
    session.flush()
    audit.record(session, username=actor, action="create", entity=USER_ENTITY, entity_id=user.id,
                 changes={"username": (None, name), "display_name": (None, user.display_name),
                          "role": (None, role), "active": (None, True)})
    return user


def set_password(session: Session, username: str, password: str, *, actor: str) -> User:
    """A new password; also lifts a lock-out (an administrator reset it on purpose)."""
    user = _require_user(session, username)
    check_password_policy(password, username=user.username)
    user.password_hash = hash_password(password)
    user.failed_attempts, user.locked_until = 0, None
    session.add(user)
    end_sessions(session, user)
    audit.record(session, username=actor, action="set_password", entity=USER_ENTITY, entity_id=user.id,
                 detail="wachtwoord opnieuw ingesteld")
    return user


USER_NOUN = "deze gebruiker"


def claim_profile(session: Session, user: User, seen: int | None = None) -> None:
    """Without seen: raise the user's profile version (a change of name, role or areas). With seen, the
    version the edit form was built from: check it and hold the row until the commit, without raising
    it (a save that changes nothing leaves other open forms valid); the conditional UPDATE refuses
    (StaleVersion) when another save came first, also one of a transaction running at the same time."""
    user_id = _stored_id(user)
    stmt = update(User).where(col(User.id) == user_id)
    if seen is not None:
        if not isinstance(seen, int) or isinstance(seen, bool):
            seen = -1
        stmt = stmt.where(col(User.profile_version) == seen)
    raised = col(User.profile_version) + (1 if seen is None else 0)
    result = session.execute(stmt.values(profile_version=raised).execution_options(synchronize_session=False))
    session.expire(user, ["profile_version"])
    if getattr(result, "rowcount", 1) == 0:
        raise StaleVersion(stale_message(session, USER_ENTITY, user_id, USER_NOUN, also=and_(
            col(AuditEntry.entity) == SCOPE_ENTITY, col(AuditEntry.field) == "user",
            or_(col(AuditEntry.new_value) == user.username, col(AuditEntry.old_value) == user.username))))


def update_user(session: Session, username: str, *, actor: str, display_name: str | None = None,
                role: str | None = None, active: bool | None = None) -> User:
    """Change name, role or active flag; at least one active beheerder always remains."""
    user = _require_user(session, username)
    before = audit.snapshot(user, ["display_name", "role", "active"])
    after = dict(before)
    if display_name is not None:
        after["display_name"] = display_name.strip()[:150]
    if role is not None:
        after["role"] = normalize_role(role)
    if active is not None:
        after["active"] = bool(active)
    # Checked before anything changes: a refused update leaves the object clean.
    if before["role"] == "beheerder" and before["active"] and not (after["role"] == "beheerder" and after["active"]):
        others = session.scalar(select(func.count()).select_from(User).where(
            col(User.role) == "beheerder", col(User.active).is_(True), col(User.id) != user.id))
        if not others:
            raise ValueError("Er moet minstens één actieve beheerder blijven.")
    changes = audit.diff(before, after)
    if changes:
        for field, (_, new) in changes.items():
            setattr(user, field, new)
        session.add(user)
        if "active" in changes:  # disabled or re-enabled: no earlier session comes back to life
            end_sessions(session, user)
        if changes.keys() - {"active"}:
            claim_profile(session, user)
        audit.record(session, username=actor, action="update", entity=USER_ENTITY, entity_id=user.id,
                     changes=changes)
    return user


def end_sessions(session: Session, user: User) -> None:
    """End every session of this user on the server (the next request of each is logged out)."""
    user.session_version = User.session_version + 1  # in SQL: two parallel logouts both count
    session.add(user)
    session.flush()
    session.refresh(user, ["session_version"])


def logout(session: Session, user_id: object, *, now: datetime | None = None) -> None:
    """Logging out ends every session of the user (also a copied cookie); audited."""
    user = session.get(User, user_id) if isinstance(user_id, int) and not isinstance(user_id, bool) else None
    if user is None:
        return
    end_sessions(session, user)
    _log(session, user.username, "logout", user.id, "", _now(now))


def disable_user(session: Session, username: str, *, actor: str) -> User:
    return update_user(session, username, actor=actor, active=False)


def enable_user(session: Session, username: str, *, actor: str) -> User:
    return update_user(session, username, actor=actor, active=True)


def assign_scope(session: Session, username: str, *, actor: str, region_id: int | None = None,
                 province_id: int | None = None, board_id: int | None = None) -> UserScope:
    """Give a user one area (exactly one of region, province, board). Assigning it twice is harmless."""
    user = _require_user(session, username)
    user_id = _stored_id(user)
    given = {k: v for k, v in (("region", region_id), ("province", province_id), ("board", board_id))
             if v is not None}
    if len(given) != 1:
        raise ValueError("Kies precies één gebied: een regio, een provincie of een schoolbestuur.")
    (kind, target_id), = given.items()
    check_scope_kind(user.role, kind)
    if session.get(_AREA_MODELS[kind], target_id) is None:
        raise ValueError(f"Onbekend{'e' if kind != 'board' else ''} {_KIND_NL[kind]} (id {target_id}).")
    column = {"region": UserScope.region_id, "province": UserScope.province_id, "board": UserScope.board_id}[kind]
    existing = session.scalars(select(UserScope).where(col(UserScope.user_id) == user_id,
                                                       col(column) == target_id)).first()
    if existing is not None:
        return existing
    scope = UserScope(user_id=user_id, **{f"{kind}_id": target_id})
    session.add(scope)
    session.flush()
    claim_profile(session, user)
    audit.record(session, username=actor, action="create", entity=SCOPE_ENTITY, entity_id=scope.id,
                 changes={"user": (None, user.username), f"{kind}_id": (None, target_id)})
    return scope


def remove_scope(session: Session, scope_id: int, *, actor: str) -> None:
    scope = session.get(UserScope, scope_id)
    if scope is None:
        raise ValueError("Dit gebied is niet (meer) toegewezen.")
    user = session.get(User, scope.user_id)
    if user is None:  # the foreign key makes this impossible
        raise ValueError(f"Gebied {scope_id} hoort bij een onbekende gebruiker.")
    kind = next(k for k in ("region", "province", "board") if getattr(scope, f"{k}_id") is not None)
    audit.record(session, username=actor, action="delete", entity=SCOPE_ENTITY, entity_id=scope.id,
                 changes={"user": (user.username, None), f"{kind}_id": (getattr(scope, f"{kind}_id"), None)})
    session.delete(scope)
    claim_profile(session, user)


_KIND_NL = {"region": "regio", "province": "provincie", "board": "schoolbestuur"}
_AREA_MODELS: dict[str, type[SQLModel]] = {"region": Region, "province": Province, "board": Board}


def check_scope_kind(role: str, kind: str) -> None:
    """ValueError (Dutch) when a user of this role cannot be given an area of this kind."""
    if kind not in SCOPE_KINDS[role]:
        raise ValueError(_scope_refusal(role))


def _scope_refusal(role: str) -> str:
    kinds = SCOPE_KINDS[role]
    if not kinds:
        return "Een beheerder ziet alles; een gebied toewijzen is niet nodig."
    return f"Een {ROLE_LABELS[role]} krijgt alleen {' of '.join('een ' + _KIND_NL[k] for k in kinds)} toegewezen."


# ---------------------------------------------------------------- listing

@dataclass(frozen=True)
class UserSummary:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    locked: bool
    scopes: tuple[str, ...]  # "regio Maastricht-Heuvelland", "provincie Limburg", "bestuur 90001 ..."
    created_at: datetime
    last_login_at: datetime | None


def scope_labels(session: Session) -> dict[int, list[str]]:
    """Readable labels of every user's areas, by user id."""
    stmt = (select(col(UserScope.user_id), col(Region.name), col(Province.name), col(Board.number), col(Board.name))
            .outerjoin(Region, col(UserScope.region_id) == col(Region.id))
            .outerjoin(Province, col(UserScope.province_id) == col(Province.id))
            .outerjoin(Board, col(UserScope.board_id) == col(Board.id))
            .order_by(col(UserScope.user_id), col(UserScope.id)))
    labels: dict[int, list[str]] = {}
    for user_id, region, province, number, board in session.execute(stmt):
        text = (f"regio {region}" if region else f"provincie {province}" if province
                else f"bestuur {number} {board}".strip())
        labels.setdefault(user_id, []).append(text)
    return labels


def list_users(session: Session, *, now: datetime | None = None) -> list[UserSummary]:
    labels = scope_labels(session)
    users = [(_stored_id(u), u) for u in session.scalars(select(User).order_by(col(User.username)))]
    return [UserSummary(id=uid, username=u.username, display_name=u.display_name, role=u.role, active=u.active,
                        locked=is_locked(u, now), scopes=tuple(labels.get(uid, ())), created_at=u.created_at,
                        last_login_at=u.last_login_at)
            for uid, u in users]

"""Users, the areas they may see (scopes) and the append-only audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Text, event
from sqlmodel import Field, SQLModel

from domain import clock

ROLES = ("beheerder", "coordinator", "stuurgroeplid", "bestuurder")


def _utcnow() -> datetime:
    return clock.now()  # SQLModel refuses naive datetimes


class User(SQLModel, table=True):
    """A person who logs in. Never deleted (the audit log names them): disabled instead."""
    # "user" is a reserved word in PostgreSQL.
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("username = lower(username)", name="ck_app_user_username_lower"),
        CheckConstraint("role IN ('beheerder', 'coordinator', 'stuurgroeplid', 'bestuurder')",
                        name="ck_app_user_role"),
    )
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, max_length=64)
    display_name: str = Field(default="", max_length=150)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=20)
    active: bool = True
    created_at: datetime = Field(default_factory=_utcnow)
    failed_attempts: int = 0
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    # Raised by logout, disable, enable and a new password: every session of an older version ends
    # (services.auth.session_fingerprint includes it, web.login checks it on each request).
    session_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # Raised by every change of name, role or areas (services.auth.claim_profile): the Beheer page's
    # edit form sends the version it was built from, and a save from an older form is refused.
    # Not a version_id_col: a login (last_login_at) must not make an open form stale.
    profile_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LoginThrottle(SQLModel, table=True):
    """Failed logins counted per key ("addr:<ip>", "user:<id>@<ip>") in a window, shared by all workers.

    blocked_until: the key is refused until then; logged_at: when a failed login of this key was
    last written to the audit log (at most one row per minute, so guessing cannot flood the log).
    """
    __tablename__ = "login_throttle"
    key: str = Field(primary_key=True, max_length=200)
    failures: int = 0
    window_start: datetime = Field(index=True)
    blocked_until: datetime | None = None
    logged_at: datetime | None = None


class UserScope(SQLModel, table=True):
    """One area a user may see (and, for a coordinator, edit): exactly one of region, province, board."""
    __table_args__ = (
        CheckConstraint(
            "(CASE WHEN region_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN province_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN board_id IS NULL THEN 0 ELSE 1 END) = 1",
            name="ck_userscope_exactly_one"),
    )
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    region_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    province_id: int | None = Field(default=None, foreign_key="province.id", index=True)
    board_id: int | None = Field(default=None, foreign_key="board.id", index=True)


class AuditEntry(SQLModel, table=True):
    """Append-only: one row per changed field (or one row for an event without fields)."""
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=_utcnow, index=True)
    username: str = Field(max_length=100, index=True)
    action: str = Field(max_length=20)  # create, update, end, delete, login, login_failed, lockout, ...
    entity: str = Field(max_length=50, index=True)  # table name
    entity_id: str | None = Field(default=None, max_length=100)
    field: str | None = Field(default=None, max_length=100)
    old_value: str | None = Field(default=None, sa_type=Text)
    new_value: str | None = Field(default=None, sa_type=Text)
    detail: str = Field(default="", sa_type=Text)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_audit_change(_mapper, _connection, _target) -> None:
    # A second line of defence: no code path may rewrite history through the ORM.
    raise PermissionError("het auditlog kan niet worden gewijzigd of verwijderd")

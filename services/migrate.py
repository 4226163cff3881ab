"""Schema migrations with Alembic, callable from code (CLI, app start, tests)."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

import settings
from models.db import get_engine


def alembic_config() -> Config:
    cfg = Config(str(settings.PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(settings.PROJECT_ROOT / "migrations"))
    return cfg


def upgrade(engine: Engine | None = None) -> None:
    """Bring the database to the newest schema (idempotent)."""
    upgrade_to("head", engine)


def upgrade_to(revision: str, engine: Engine | None = None) -> None:
    """Bring the database up to the given revision (a restore loads a backup at its own revision)."""
    engine = engine or get_engine()
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)

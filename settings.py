"""Run-time settings, read from the environment (never from git).

DATABASE_URL   SQLAlchemy URL; default: SQLite file instance/vios.db next to this file.
VIOS_INSTANCE  folder for the SQLite file and other local state (default: ./instance).
VIOS_DB_BUSY_TIMEOUT  seconds a SQLite write waits for another writer before the user is told the
               database is busy (default 15).
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent


def instance_dir() -> Path:
    path = Path(os.environ.get("VIOS_INSTANCE", PROJECT_ROOT / "instance"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return sqlalchemy_url(url)
    return f"sqlite:///{instance_dir() / 'vios.db'}"


def sqlalchemy_url(url: str) -> str:
    """A DATABASE_URL as SQLAlchemy wants it: PostgreSQL URLs get the psycopg (3) driver."""
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def sqlite_busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("VIOS_DB_BUSY_TIMEOUT", "15")))
    except ValueError:
        return 15.0

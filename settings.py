"""Run-time settings, read from the environment (never from git).

DATABASE_URL     SQLAlchemy URL; default: SQLite file instance/vios.db next to this file.
VIOS_INSTANCE    folder for the SQLite file and other local state (default: ./instance).
REDIS_URL        Redis for the shared cache and the background jobs (Celery); unset: the filesystem
                 (instance/cache) and local processes (diskcache in instance/background).
VIOS_WORKERS     gunicorn worker processes (default: CPU cores + 1, at most 8); `vios serve --workers`.
VIOS_THREADS     threads per worker (default 4); `vios serve --threads`.
VIOS_DB_BUSY_TIMEOUT  seconds a write waits for another writer (SQLite's busy timeout, PostgreSQL's
                 lock_timeout) before the user is told the database is busy (default 15).
VIOS_LOG_FORMAT  request log lines on stderr: "json" (default) or "logfmt"; "off" logs nothing.
(The secret key, VIOS_SECRET_KEY, is read by services/secret_key.py; VIOS_HTTPS=1 by web/login.py;
VIOS_TODAY by domain/clock.py.)
"""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent
LOG_FORMATS = ("json", "logfmt", "off")


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


def db_busy_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("VIOS_DB_BUSY_TIMEOUT", "15")))
    except ValueError:
        return 15.0


def redis_url() -> str | None:
    """REDIS_URL, or None when the cache and background jobs stay on this machine."""
    return os.environ.get("REDIS_URL", "").strip() or None


def default_workers() -> int:
    """VIOS_WORKERS, else cores + 1 (at most 8: each worker holds the whole app). Not gunicorn's 2 x cores + 1,
    which is for workers that mostly wait: these compute in Python and each warms its own caches, so more
    workers than cores only take turns on them and meet more cold caches (bench/browser_timing.py, 8,000
    schools on 2 cores, 3 workers instead of 5: Gemeenten country p95 347 -> 266 ms, a highlight 375 -> 90
    ms; bench/load_timing.py, 30 users: 127 instead of 120 requests/s)."""
    value = os.environ.get("VIOS_WORKERS", "").strip()
    if value:
        return int(value)
    return min((os.cpu_count() or 1) + 1, 8)


def default_threads() -> int:
    value = os.environ.get("VIOS_THREADS", "").strip()
    return int(value) if value else 4


def log_format() -> str:
    value = os.environ.get("VIOS_LOG_FORMAT", "json").strip().lower()
    return value if value in LOG_FORMATS else "json"

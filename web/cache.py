"""The cache shared by every worker (Flask-Caching): Redis when REDIS_URL is set, so that all workers on
all machines share it; otherwise files in instance/cache, shared by the workers of this machine.

Use it for results that are expensive to derive and keyed by their content (so never stale), e.g.
    from web.cache import cache
    value = cache.get(key); if value is None: value = compute(); cache.set(key, value, timeout=3600)
Values must pickle. Outside a Flask app (CLI, tests without the app) `cache` is not initialised:
use `get_or_compute`, which then just computes.
"""
from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

import flask
from flask import Flask
from flask_caching import Cache

import settings
from services import school_facts

T = TypeVar("T")
DEFAULT_TIMEOUT = 3600
KEY_PREFIX = "vios:"

cache = Cache()


def cache_config() -> dict[str, Any]:
    url = settings.redis_url()
    if url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": KEY_PREFIX,
                "CACHE_DEFAULT_TIMEOUT": DEFAULT_TIMEOUT}
    return {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": str(settings.instance_dir() / "cache"),
            "CACHE_DEFAULT_TIMEOUT": DEFAULT_TIMEOUT, "CACHE_THRESHOLD": 5000}


def install(server: Flask) -> None:
    cache.init_app(server, config=cache_config())
    school_facts.share_with(_SharedStore())


class _SharedStore:
    """services.school_facts' shared store: this cache, inside the app (outside it, or when the cache
    fails, a miss: the result is computed, never wrong)."""

    def get(self, key: str) -> object | None:
        if not flask.has_app_context() or "cache" not in flask.current_app.extensions:
            return None
        try:
            return cast(object, cache.get(key))
        except Exception:  # a cache that is down is a miss
            return None

    def set(self, key: str, value: object) -> None:
        """Written behind the answer: the value is never changed once made, and writing a file of some
        megabytes (a rename over the older one) took 50-100 ms that the request need not wait for."""
        if not flask.has_app_context() or "cache" not in flask.current_app.extensions:
            return
        app = flask.current_app._get_current_object()  # type: ignore[attr-defined]
        try:
            _queue.put_nowait((app, key, value))
        except queue.Full:  # the writer is behind: this result stays in this process only
            return
        _start_writer()


_queue: queue.Queue[tuple[Flask, str, object]] = queue.Queue(maxsize=64)
_writer: threading.Thread | None = None
_writer_lock = threading.Lock()


def _start_writer() -> None:
    """One writer thread per process, started in it (a forked gunicorn worker has none of its parent's)."""
    global _writer
    with _writer_lock:
        if _writer is None or not _writer.is_alive():
            _writer = threading.Thread(target=_write_all, name="vios-cache-write", daemon=True)
            _writer.start()


def _write_all() -> None:
    while True:
        try:
            app, key, value = _queue.get()
        except BaseException:  # a stray asynchronous exit (a stopping test server) is no reason to stop
            continue
        try:
            with app.app_context():
                cache.set(key, value, timeout=DEFAULT_TIMEOUT)
        except BaseException:  # the result is kept in this process only
            pass
        finally:
            _queue.task_done()


def written(timeout: float = 30) -> None:
    """Wait until the results handed to the shared cache are written (for tests)."""
    deadline = time.monotonic() + timeout
    while _queue.unfinished_tasks and time.monotonic() < deadline:
        time.sleep(0.01)


def get_or_compute(key: str, compute: Callable[[], T], timeout: int = DEFAULT_TIMEOUT) -> T:
    """The cached value for key, else compute() (stored for next time, by any worker)."""
    if not flask.has_app_context() or "cache" not in flask.current_app.extensions:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=timeout)
    return value

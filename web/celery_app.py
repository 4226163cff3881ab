"""Celery, for Dash background callbacks when REDIS_URL is set (broker and result store in Redis).

The worker (one per machine, or more):
    celery -A web.celery_app:celery_app worker --loglevel=INFO
It imports the app (`include`), which registers the background callbacks as Celery tasks.
"""
from __future__ import annotations

from celery import Celery

import settings

RESULT_SECONDS = 3600  # results and progress are kept this long in Redis


def make_celery(url: str, include: list[str] | None = None) -> Celery:
    celery = Celery("vios", broker=url, backend=url, include=include or [])
    celery.conf.update(result_expires=RESULT_SECONDS, task_track_started=True, worker_hijack_root_logger=False,
                       broker_connection_retry_on_startup=True)
    return celery


celery_app = make_celery(settings.redis_url() or "redis://127.0.0.1:6379/0", include=["app"])

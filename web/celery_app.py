"""Celery, for Dash background callbacks when REDIS_URL is set (broker and result store in Redis).

The worker (one per machine, or more):
    celery -A web.celery_app:celery_app worker --loglevel=INFO
It imports the app (`include`), which registers the background callbacks as Celery tasks.
"""
from __future__ import annotations

from celery import Celery

import settings

RESULT_SECONDS = 3600  # results and progress are kept this long in Redis
JOB_SECONDS = 1800  # a job running longer is stopped (an import is one transaction: rolled back)


def make_celery(url: str, include: list[str] | None = None) -> Celery:
    celery = Celery("vios", broker=url, backend=url, include=include or [])
    # Long jobs: a worker takes one at a time (prefetch 1), so a second job goes to an idle worker.
    celery.conf.update(result_expires=RESULT_SECONDS, task_track_started=True, worker_hijack_root_logger=False,
                       broker_connection_retry_on_startup=True, worker_prefetch_multiplier=1,
                       task_time_limit=JOB_SECONDS)
    return celery


celery_app = make_celery(settings.redis_url() or "redis://127.0.0.1:6379/0", include=["app"])

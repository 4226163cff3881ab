"""The manager of Dash background callbacks (`background=True`): long work runs outside the request,
with progress, a cancel button and the result when done, while the app stays responsive.

REDIS_URL set: Celery workers (web/celery_app.py) run the jobs and Redis keeps the results, so any web
worker on any machine can answer the browser's polls. Otherwise: diskcache in instance/background, the
jobs in processes started by the web worker (one machine only).
Dash signs the job handles it gives the browser with the app's secret key (Dash 4.4+).
"""
from __future__ import annotations

from dash.background_callback.managers import BaseBackgroundCallbackManager

import settings

RESULT_SECONDS = 3600


def background_manager() -> BaseBackgroundCallbackManager:
    if settings.redis_url():
        from dash import CeleryManager

        from web.celery_app import celery_app

        return CeleryManager(celery_app, expire=RESULT_SECONDS)
    import diskcache
    from dash import DiskcacheManager

    return DiskcacheManager(diskcache.Cache(str(settings.instance_dir() / "background")), expire=RESULT_SECONDS)

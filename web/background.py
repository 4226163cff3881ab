"""The manager of Dash background callbacks (`background=True`): long work runs outside the request,
with progress, a cancel button and the result when done, while the app stays responsive.

REDIS_URL set: Celery workers (web/celery_app.py) run the jobs and Redis keeps the results, so any web
worker on any machine can answer the browser's polls. Otherwise: diskcache in instance/background, the
jobs in processes started by the web worker (one machine only).
Dash signs the job handles it gives the browser with the app's secret key (Dash 4.4+): the cacheKey and
job handles are HMAC-signed and bound to the page load, so a forged or another page's handle reads nothing.

Dash keys a job's result by the callback and its argument values only: two users clicking the same button
with the same selection would share one result (and the first poll would take it away from the other).
Each job here gets a key of its own (`OwnKeys`), so a result is only ever read by the page that started it.
Who started the job travels with it as plain data (web/request_context.page_background_callback).
"""
from __future__ import annotations

import secrets
from typing import Any

from dash import CeleryManager, DiskcacheManager
from dash.background_callback.managers import BaseBackgroundCallbackManager

import settings

RESULT_SECONDS = 3600


class OwnKeys(BaseBackgroundCallbackManager):
    """A fresh, random result key per started job (no result shared between users or clicks)."""

    def build_cache_key(self, fn: Any, args: Any, cache_args_to_ignore: Any, triggered: Any) -> str:
        return secrets.token_hex(32)  # (Dash's own key hashes the arguments: a whole upload, for nothing)


class OwnKeysDiskcacheManager(OwnKeys, DiskcacheManager):
    pass


class OwnKeysCeleryManager(OwnKeys, CeleryManager):
    pass


def background_manager() -> BaseBackgroundCallbackManager:
    if settings.redis_url():
        from web.celery_app import celery_app

        return OwnKeysCeleryManager(celery_app, expire=RESULT_SECONDS)
    import diskcache

    return OwnKeysDiskcacheManager(diskcache.Cache(str(settings.instance_dir() / "background")),
                                   expire=RESULT_SECONDS)

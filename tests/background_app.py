"""A small Dash app with one background callback, for tests/test_shared_state.py: the test process and a
real Celery worker both import it (the worker finds the task by the callback's source and id).
REDIS_URL set when it is imported: Celery (web/celery_app.make_celery); otherwise the app's own manager
factory (web/background.py: diskcache)."""
from __future__ import annotations

import os
import time

from dash import CeleryManager, Dash, Input, Output, html

from web.background import background_manager
from web.celery_app import make_celery

REDIS_URL = os.environ.get("REDIS_URL")
celery = make_celery(REDIS_URL) if REDIS_URL else None
manager = CeleryManager(celery, expire=600) if celery is not None else background_manager()

app = Dash(__name__, background_callback_manager=manager)
app.server.secret_key = "tests-background-" + "k" * 32
app.layout = html.Div([html.Button("Start", id="go"), html.Button("Stop", id="stop"),
                       html.Progress(id="bar"), html.Div(id="out")])


@app.callback(Output("out", "children"), Input("go", "n_clicks"), background=True,
              progress=[Output("bar", "value")], cancel=[Input("stop", "n_clicks")], prevent_initial_call=True)
def long_work(set_progress, n_clicks):
    for step in range(1, 4):
        set_progress((str(step),))
        time.sleep(0.2)
    return f"klaar na {n_clicks} klik(ken), in proces {os.getpid()}"

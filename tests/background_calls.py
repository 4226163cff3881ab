"""Posting a callback like Dash's renderer, background callbacks included: the first answer of a
background callback is its signed job handles (cacheKey, job); the renderer then polls with them until the
job's response comes. `follow` does the polling and gives back the final answer, like a plain callback's."""
from __future__ import annotations

import json
import re
import time


def end_id(client) -> str | None:
    """The page load's signed token (Dash binds the job handles to it), from the app's index page
    (None when the client is not logged in)."""
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))["end_id"] if found else None


class Answer:
    """The final answer, with the parts of a Flask test response the tests read."""

    def __init__(self, status_code: int, body: str):
        self.status_code, self._body = status_code, body

    def get_data(self, as_text: bool = False):
        return self._body if as_text else self._body.encode()

    def get_json(self, silent: bool = False):
        return json.loads(self._body)


def post(client, payload: dict | str, headers: dict, timeout: float = 60, progress: list | None = None):
    """POST the callback; for a background callback, poll until its response (progress values seen are
    appended to `progress`)."""
    body = payload if isinstance(payload, str) else json.dumps(payload)
    token = end_id(client)
    query = {"endId": token} if token else {}
    first = client.post("/_dash-update-component", data=body, content_type="application/json", headers=headers,
                        query_string=query)
    handles = first.get_json(silent=True) if first.status_code == 200 else None
    if not isinstance(handles, dict) or "cacheKey" not in handles:
        return first
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        poll = client.post("/_dash-update-component", data=body, content_type="application/json", headers=headers,
                           query_string={**query, "cacheKey": handles["cacheKey"], "job": handles["job"]})
        if poll.status_code != 200:
            return poll
        data = poll.get_json(silent=True)
        if isinstance(data, dict) and "progress" in data and progress is not None:
            progress.append(data["progress"])
        if isinstance(data, dict) and "response" in data:
            return Answer(200, json.dumps(data, ensure_ascii=False))
        if poll.status_code == 200 and not isinstance(data, dict):
            return poll
        time.sleep(0.1)
    raise AssertionError("the background callback gave no answer in time")


def payload(app, output: str, values: dict) -> dict:
    """The /_dash-update-component body for the callback whose output key contains `output`, with these
    `id.property` values (others None), triggered by its first input."""
    key = next(k for k in app.callback_map if output in k)
    spec = app.callback_map[key]

    def item(d):
        return {"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}

    outputs = [{"id": o.component_id, "property": o.component_property.split("@")[0]}
               for o in (spec["output"] if isinstance(spec["output"], list) else [spec["output"]])]
    return {"output": key, "outputs": outputs if len(outputs) > 1 else outputs[0],
            "inputs": [item(i) for i in spec["inputs"]], "state": [item(s) for s in spec["state"]],
            "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"]}


def call(client, app, output: str, values: dict, progress: list | None = None):
    """payload(...) posted with the CSRF header; background callbacks followed to their answer."""
    cookie = client.get_cookie("_csrf_token")
    return post(client, payload(app, output, values), {"X-CSRFToken": cookie.value if cookie else ""},
                progress=progress)

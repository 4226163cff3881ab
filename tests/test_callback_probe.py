"""The attacker's probe, as a test: every server callback of the app, as every role, with empty values,
junk of the wrong types, and the ids, codes and areas of things outside the user's view.

What must hold for every answer:
- never a server error or a traceback (a refusal is an answer in Dutch, or nothing to do);
- no exception raised in the product's own code: web/errors.py answers any exception with a Dutch 400,
  so the log tells whether our code or the framework (Dash's own page callback) refused the values;
- no name of a school the user may not read;
- no contact person's e-mail address or phone for a role that may not see personal data.
Callbacks added later are probed too: the list comes from the running app.
"""
from __future__ import annotations

import json
import logging
import traceback
from pathlib import Path

import pytest
from conftest import USERS, client_login
from sqlalchemy import select
from test_access_routes import _payload, _post

from models import Contact, Partnership, School
from models.db import session_scope
from services import permissions
from services.auth import get_user

pytestmark = pytest.mark.slow  # about 1,500 requests; part of scripts/test.sh, not of the fast check

PERSONAL_ROLES_BLIND = ("stuurgroeplid", "bestuurder")
NEVER = ("Traceback", "Internal Server Error", "werkzeug", "sqlalchemy.exc")
ROOT = Path(__file__).resolve().parents[1]
SAFETY_NET = {"web/request_context.py", "web/errors.py"}  # they pass exceptions on, they do not raise them


def _own_frames(record: logging.LogRecord) -> list[str]:
    """The product's own files in the traceback of a logged exception (not the venv, not the safety net)."""
    if not record.exc_info or not record.exc_info[2]:
        return []
    frames = []
    for frame in traceback.extract_tb(record.exc_info[2]):
        path = Path(frame.filename).resolve()
        if path.is_file() and ROOT in path.parents and ".venv" not in path.parts:
            relative = path.relative_to(ROOT).as_posix()
            if relative not in SAFETY_NET:
                frames.append(f"{relative}:{frame.lineno}")
    return frames


def _server_callbacks(app) -> list[str]:
    app.server.test_client().get("/login")  # Dash registers the pages callback on the first request
    return sorted(k for k, spec in app.callback_map.items() if spec.get("callback") is not None
                  and not spec.get("background"))


def _visible_school_ids(username: str) -> set[int]:
    with session_scope() as session:
        user = get_user(session, username)
        assert user is not None
        principal = permissions.principal_for(session, user)
        query = select(School.id)
        for clause in permissions.school_filter_for(principal):
            query = query.where(clause)
        return set(session.scalars(query))


@pytest.fixture(scope="module")
def world(demo_db) -> dict:
    with session_scope() as session:
        schools = [(s.id, s.code, s.name) for s in session.scalars(select(School))]
        contacts = [(c.email, c.phone) for c in session.scalars(select(Contact))]
        partnerships = [(p.id, p.school_id, p.organisation_id, p.contact_id)
                        for p in session.scalars(select(Partnership))]
    return {"schools": schools, "contacts": contacts, "partnerships": partnerships}


def _hidden(role: str, username: str, world: dict) -> tuple[list[tuple[int, str, str]], set[str]]:
    """The schools the user may not read, and the texts no answer may hold for them: those schools' names
    (unless a readable school has the same name), and contact e-mails and phones for the blind roles."""
    visible = _visible_school_ids(username)
    hidden = [s for s in world["schools"] if s[0] not in visible]
    visible_names = {s[2] for s in world["schools"] if s[0] in visible}
    secrets = {s[2] for s in hidden if len(s[2]) >= 8 and s[2] not in visible_names}
    if role in PERSONAL_ROLES_BLIND:
        secrets |= {value for pair in world["contacts"] for value in pair if value and len(value) >= 6}
    assert secrets or role == "beheerder", f"the demo hides nothing from {role}: the probe would prove nothing"
    return hidden, secrets


def _crafted(spec: dict, outsider: tuple[int, str, str], others: list[int]) -> list[dict]:
    """Value sets for every input and state of a callback: empty, wrong types, an outsider school's id and
    code, and (one set each) the ids of an outsider's partnership, organisation and contact."""
    school_id, code, _name = outsider
    props = [f"{d['id']}.{d['property']}" if isinstance(d["id"], str) else None
             for d in spec["inputs"] + spec["state"]]
    props = [p for p in props if p]

    def fill(value_for) -> dict:
        return {p: value_for(p) for p in props}

    def junk(prop: str) -> object:
        name = prop.rsplit(".", 1)[1]
        if name == "search":
            return "?peildatum=9999-12-31&vergelijk=0001-01-01&gebied=%00&school=%3Cscript%3E"
        if name == "contents":
            return "data:application/octet-stream;base64,!!!"
        if name in ("n_clicks", "n_submit"):
            return "veel"
        return {"$ne": None, "id": [1, 2, 3], "rows": "x" * 5000}

    def other(prop: str) -> object:
        name = prop.rsplit(".", 1)[1]
        if name == "search":
            return f"?school={code}&peildatum=2026-11-23"
        if name in ("n_clicks", "n_submit"):
            return 1
        if name in ("data", "selectedRows", "tapNodeData", "rowData", "cellClicked"):
            return {"id": school_id, "school_id": school_id, "code": code, "rows": [{"id": school_id}]}
        return school_id

    def other_id(value: int):
        def fill_id(prop: str) -> object:
            name = prop.rsplit(".", 1)[1]
            if name == "search":
                return f"?school={code}&partnerschap={value}"
            if name in ("n_clicks", "n_submit"):
                return 1
            if name in ("data", "selectedRows", "tapNodeData", "rowData"):
                return {"id": f"org-{value}", "partnership_id": value, "organisation_id": value,
                        "contact_id": value, "version": 1}
            return value
        return fill_id

    return [{}, fill(junk), fill(other), *(fill(other_id(v)) for v in others if v is not None)]


def test_every_callback_as_every_role_gives_no_error_and_leaks_nothing(dash_app, world, caplog):
    keys = _server_callbacks(dash_app)
    assert len(keys) >= 40, keys
    problems: list[str] = []
    for role, (username, _scope) in USERS.items():
        hidden, secrets = _hidden(role, username, world)
        outsider = hidden[0] if hidden else world["schools"][0]
        hidden_ids = {s[0] for s in hidden}
        outside = next((p for p in world["partnerships"] if p[1] in hidden_ids), (None, None, None, None))
        others = [outside[0], outside[2], outside[3]]
        client = dash_app.server.test_client()
        client_login(client, username)
        for key in keys:
            spec = dash_app.callback_map[key]
            for values in _crafted(spec, outsider, others):
                caplog.clear()
                with caplog.at_level(logging.ERROR, logger="vios.errors"):
                    response = _post(client, _payload(dash_app, key, values))
                raised_here = [f for r in caplog.records for f in _own_frames(r)]
                text = response.get_data(as_text=True)
                where = f"{role} {key[:90]} {list(values)[:1]}"
                if response.status_code not in (200, 204, 400, 403, 413):
                    problems.append(f"{where}: HTTP {response.status_code}")
                    continue
                if raised_here:
                    problems.append(f"{where}: exception in {raised_here[-1]}")
                if any(marker in text for marker in NEVER):
                    problems.append(f"{where}: error text in the answer")
                leaked = sorted(s for s in secrets if s in text or json.dumps(s)[1:-1] in text)
                if leaked:
                    problems.append(f"{where}: shows {leaked[:3]}")
    assert not problems, "\n".join(problems[:40])


SEARCHES = ["?peildatum=0001-01-01", "?peildatum=9999-12-31&vergelijk=31-02-2026", "?gebied=%00%3Cb%3E",
            "?school=%3Cscript%3Ealert(1)%3C/script%3E&sector=xx", "?school={code}&peildatum=2026-11-23",
            "?gebied=region-999999&tab=%22%3E", "?" + "a=" + "x" * 3000]


def test_every_page_as_every_role_with_crafted_addresses_gives_no_error_and_leaks_nothing(dash_app, world, caplog):
    import dash

    dash_app.server.test_client().get("/login")  # Dash registers the pages callback on the first request
    key = next(k for k in dash_app.callback_map if "_pages_content" in k)
    paths = sorted({page["relative_path"] for page in dash.page_registry.values()} | {"/bestaat-niet"})
    problems: list[str] = []
    for role, (username, _scope) in USERS.items():
        hidden, secrets = _hidden(role, username, world)
        code = hidden[0][1] if hidden else ""
        client = dash_app.server.test_client()
        client_login(client, username)
        for path in paths:
            for search in SEARCHES:
                values = {"_pages_location.pathname": path, "_pages_location.search": search.format(code=code)}
                caplog.clear()
                with caplog.at_level(logging.ERROR, logger="vios.errors"):
                    response = _post(client, _payload(dash_app, key, values))
                text = response.get_data(as_text=True)
                where = f"{role} {path}{search[:40]}"
                raised_here = [f for r in caplog.records for f in _own_frames(r)]
                if response.status_code not in (200, 204) or raised_here:
                    problems.append(f"{where}: HTTP {response.status_code} {raised_here[-1:]}")
                leaked = sorted(s for s in secrets if s in text or json.dumps(s)[1:-1] in text)
                if leaked:
                    problems.append(f"{where}: shows {leaked[:3]}")
    assert not problems, "\n".join(problems[:40])

"""The certification page's callbacks without a browser, through Flask's test client: the selected
school is looked up on the server with the user's rights; unknown and forbidden get distinct answers."""
from __future__ import annotations

import json
from datetime import date

from conftest import USERS, client_login, region_key
from sqlalchemy import select

from models import Municipality, School
from models.db import session_scope


def _select(client, dash_app, code: str, search: str):
    """POST the 'select a school' callback as Dash's renderer would (the URL's search is its last State)."""
    key = next(k for k in dash_app.callback_map if "cert-selected.children" in k and "cert-message" not in k)
    spec = dash_app.callback_map[key]
    values = {"cert-grid.selectedRows": [{"code": code}], "url.search": search}
    payload = {
        "output": key,
        "outputs": [{"id": o.component_id, "property": o.component_property.split("@")[0]} for o in spec["output"]],
        "inputs": [{"id": i["id"], "property": i["property"], "value": values.get(f"{i['id']}.{i['property']}")}
                   for i in spec["inputs"]],
        "state": [{"id": s["id"], "property": s["property"], "value": values.get(f"{s['id']}.{s['property']}")}
                  for s in spec["state"]],
        "changedPropIds": ["cert-grid.selectedRows"],
    }
    cookie = client.get_cookie("_csrf_token")
    response = client.post("/_dash-update-component", json=payload, headers={"X-CSRFToken": cookie.value})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _school_codes(region_name: str, inside: bool) -> list[str]:
    from models import Region

    with session_scope() as session:
        region_id = session.scalar(select(Region.id).where(Region.name == region_name))
        clause = Municipality.region_id == region_id if inside else Municipality.region_id != region_id
        return list(session.scalars(select(School.code).join(Municipality).where(clause, School.active)
                                    .order_by(School.code)))


def test_a_coordinator_selects_only_schools_of_the_own_region(dash_app, client):
    client_login(client, USERS["coordinator"][0])
    own = region_key("Maastricht-Heuvelland")
    search = f"?gebied={own}&peildatum=2026-11-23"
    own_code = _school_codes("Maastricht-Heuvelland", inside=True)[0]
    body = _select(client, dash_app, own_code, search)
    assert own_code in body and "Geen toegang" not in body
    # a school of another region, asked for by a crafted request: the refusal, no actions
    other = _school_codes("Maastricht-Heuvelland", inside=False)[0]
    body = _select(client, dash_app, other, search)
    assert "Geen toegang" in body and other not in body and "Volgende fase" not in body
    # an unknown school is 'niet gevonden', not 'geen toegang'
    body = _select(client, dash_app, "99ZZ99", search)
    assert "niet gevonden" in body and "Geen toegang" not in body
    # the selection comes from the URL: another region's area is refused as a whole
    body = _select(client, dash_app, own_code, "?gebied=nl&peildatum=2026-11-23")
    assert "Geen toegang" in body and "Volgende fase" not in body


def test_recording_sends_only_the_schools_new_row_to_the_table(dash_app, client):
    """The table is thousands of rows at country scope: after 'Vastleggen' the answer carries a
    transaction with the one changed row (its new phase), not the whole table again."""
    from background_calls import call

    from domain.scope import Scope, parse_area_key
    from services import certification_reads

    client_login(client, USERS["coordinator"][0])
    area = region_key("Maastricht-Heuvelland")
    search = f"?gebied={area}&peildatum=2026-11-23"
    region_id, _ = parse_area_key(area)
    with session_scope() as session:
        rows = certification_reads.certification_rows(session, Scope(as_of=date(2026, 11, 23), region_id=region_id))
    row = next(r for r in rows if r.phase == "intake")
    selected = [{"code": row.code}]
    chosen = call(client, dash_app, "..cert-selected.children...cert-action.options..",
                  {"cert-grid.selectedRows": selected, "url.search": search})
    seen = chosen.get_json()["response"]["cert-seen"]["data"]  # what the form saw: recording sends it back
    answer = call(client, dash_app, "cert-message.children", {
        "cert-record.n_clicks": 1, "cert-grid.selectedRows": selected, "cert-action.value": "next",
        "cert-phase.value": "improvement", "cert-date.date": "2026-11-23", "cert-note.value": "test",
        "cert-seen.data": seen, "url.search": search})
    response = answer.get_json()["response"]
    assert "cert-done" in json.dumps(response["cert-message"]["children"])
    transaction = response["cert-grid"]["rowTransaction"]
    assert list(transaction) == ["update"] and len(transaction["update"]) == 1
    assert transaction["update"][0]["code"] == row.code
    assert transaction["update"][0]["phase_label"] == "Maatwerktraject"
    assert "rowData" not in response["cert-grid"]


"""The certification page's callbacks without a browser, through Flask's test client: the selected
school is looked up on the server with the user's rights; unknown and forbidden get distinct answers."""
from __future__ import annotations

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

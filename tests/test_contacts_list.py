"""Contactlijst: a coordinator gets the contact persons of the running partnerships (the Netwerk page's
data), as a printable list and as CSV (;, UTF-8 BOM, no formulas); a stuurgroeplid and a bestuurder
reach neither the page nor its callbacks."""
from __future__ import annotations

import base64
import csv
import io
import json

from conftest import DEMO_TODAY, USERS, client_login
from sqlmodel import select
from worklist_data import principal, region_id

from domain.scope import Scope
from models import Contact, Municipality, Partnership, School
from models.db import session_scope
from services import contacts_list, network


def _call(client, app, contains: str, values: dict):
    """POST a callback like Dash's renderer (CSRF header from the cookie); values by 'id.property'."""
    key = next(k for k in app.callback_map if contains in k)
    spec = app.callback_map[key]
    outputs = spec["output"] if isinstance(spec["output"], list) else [spec["output"]]

    def item(d):
        return {"id": d["id"], "property": d["property"], "value": values.get(f"{d['id']}.{d['property']}")}

    out = [{"id": o.component_id, "property": o.component_property.split("@")[0]} for o in outputs]
    payload = {"output": key, "outputs": out if len(out) > 1 else out[0], "inputs": [item(i) for i in spec["inputs"]],
               "state": [item(s) for s in spec["state"]],
               "changedPropIds": [f"{spec['inputs'][0]['id']}.{spec['inputs'][0]['property']}"]}
    cookie = client.get_cookie("_csrf_token")
    return client.post("/_dash-update-component", json=payload, headers={"X-CSRFToken": cookie.value if cookie else ""})


def _municipality(session, name: str = "Maastricht") -> int:
    return session.scalar(select(Municipality.id).where(Municipality.name == name))


def test_coordinator_gets_the_networks_contact_persons(demo_db):
    with session_scope() as session:
        coord = principal(session, "coordinator")
        scope = Scope(DEMO_TODAY, region_id=region_id(session))
        mid = _municipality(session)
        rows = contacts_list.contact_list(session, coord, scope, municipality_id=mid)
        codes = session.scalars(select(School.code).where(School.municipality_id == mid, School.active)).all()
        expected = sorted((code, p.organisation, p.contact, p.phone, p.email)
                          for code in codes for p in network.school_network(session, coord, code, DEMO_TODAY).partners
                          if p.contact)
        assert expected, "the demo has contact persons in Maastricht"
        assert sorted((r.school_code, r.organisation, r.name, r.phone, r.email) for r in rows) == expected
        one = contacts_list.contact_list(session, coord, scope, school_code=rows[0].school_code)
        assert {r.school_code for r in one} == {rows[0].school_code}


def test_csv_export_semicolons_bom_and_no_formulas(dash_app):
    with session_scope() as session:
        mid = _municipality(session)
        contact = session.exec(select(Contact).join(Partnership, Partnership.contact_id == Contact.id)
                               .join(School, Partnership.school_id == School.id)
                               .where(School.municipality_id == mid, Contact.ended_on.is_(None),
                                      Partnership.end_on.is_(None))).first()
        contact.phone = "=HYPERLINK(\"http://x\")"
        session.add(contact)
        name = contact.name
    client = dash_app.server.test_client()
    client_login(client, USERS["coordinator"][0])
    response = _call(client, dash_app, "cl-download.data", {"cl-export.n_clicks": 1, "cl-municipality.value": mid,
                                                             "url.search": f"?gebied=r{_region()}"})
    data = json.loads(response.get_data(as_text=True))["response"]["cl-download"]["data"]
    raw = base64.b64decode(data["content"])
    assert raw.startswith(b"\xef\xbb\xbf") and data["filename"].startswith("contactlijst-maastricht-")
    table = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert tuple(table[0]) == contacts_list.CSV_HEADER
    row = next(r for r in table[1:] if r[6] == name)
    assert row[8] == "'=HYPERLINK(\"http://x\")"
    with session_scope() as session:
        expected = contacts_list.contact_list(session, principal(session, "coordinator"),
                                              Scope(DEMO_TODAY, region_id=_region()), municipality_id=mid)
    assert len(table) - 1 == len(expected)


def _region() -> int:
    with session_scope() as session:
        return region_id(session)


def test_stuurgroeplid_and_bestuurder_reach_neither_page_nor_callbacks(dash_app):
    with session_scope() as session:
        mid = _municipality(session)
    for role in ("stuurgroeplid", "bestuurder"):
        client = dash_app.server.test_client()
        client_login(client, USERS[role][0])
        page = _call(client, dash_app, "_pages_content.children", {
            "_pages_location.pathname": "/contactlijst", "_pages_location.search": ""}).get_data(as_text=True)
        assert "persoonsgegevens" in page and "cl-list" not in page, role
        shown = _call(client, dash_app, "cl-list.children", {"cl-municipality.value": mid}).get_data(as_text=True)
        assert "Geen toegang" in shown and "cl-school-block" not in shown, role
        export = _call(client, dash_app, "cl-download.data", {"cl-export.n_clicks": 1, "cl-municipality.value": mid})
        assert export.status_code == 204, role

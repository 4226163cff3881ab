"""Browser test of the Gegevens page: a DUO file that would close many schools needs the checkbox with the count."""
from __future__ import annotations

import csv
import io
from datetime import date

from conftest import click, wait_until
from sqlmodel import col, func, select

from models import Municipality, School
from models.db import session_scope

HEADER = ["INSTELLINGSCODE", "VESTIGINGSCODE", "VESTIGINGSNAAM", "POSTCODE", "PLAATSNAAM", "GEMEENTENUMMER",
          "GEMEENTENAAM"]


def _active_vo() -> int:
    with session_scope() as session:
        return session.exec(select(func.count(col(School.id))).where(School.sector == "vo", col(School.active))).one()


def test_duo001_closing_schools_needs_the_checkbox_that_states_the_count(duo, tmp_path):
    with session_scope() as session:
        kept = session.exec(select(School, Municipality).join(Municipality).where(
            School.sector == "vo", col(School.active)).order_by(School.code).limit(2)).all()
        rows = [[s.code[:4], s.code, s.name, s.postcode, s.city, m.cbs_code[2:], m.name] for s, m in kept]
    active = _active_vo()
    closing = active - len(rows)
    assert closing > 2
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([HEADER, *rows])
    path = tmp_path / "vo.csv"
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))

    duo.wait_for_page(f"{duo.server_url}/gegevens")
    click(duo, "#data-kind input[value=duo]")
    duo.find_element("#data-upload input[type=file]").send_keys(str(path))
    duo.wait_for_element("#data-counts")
    label = f"Ja, maak de {closing} scholen die niet in het bestand staan inactief"
    duo.wait_for_contains_text("#data-deactivate-box", label)
    assert "niets geïmporteerd" in duo.find_element("#data-preview").text.lower() or \
        "zouden inactief worden" in duo.find_element("#data-preview").text

    click(duo, "#data-confirm")  # without the checkbox: refused, nothing closed
    duo.wait_for_contains_text("#data-result", "zouden inactief worden")
    assert _active_vo() == active

    # a new preview (the same file again) and now with the checkbox ticked
    click(duo, "#data-kind input[value=exchange]")
    click(duo, "#data-kind input[value=duo]")
    duo.wait_for_contains_text("#data-deactivate-box", label)
    click(duo, "#data-deactivate input")
    click(duo, "#data-confirm")
    duo.wait_for_element("#data-import-done")
    wait_until(lambda: _active_vo() == len(rows))
    with session_scope() as session:
        dates = set(session.exec(select(School.inactive_since).where(School.sector == "vo", ~col(School.active))))
    assert date(2026, 11, 23) in dates
    assert duo.get_logs() == []

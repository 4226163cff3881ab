"""Browser tests of Mijn scholen: a bestuurder sees every school of their board in both regions, each
tile's figures equal to what the certification and network services compute; links keep the peildatum."""
from __future__ import annotations

from conftest import DEMO_TODAY, USERS, choose, login, start, wait_until
from sqlmodel import select
from worklist_data import principal

from domain.lifecycle import months_between
from domain.scope import Scope
from domain.vocab import ORGANISATION_TYPES
from models import Board, Municipality, Region, School
from models.db import session_scope
from services import certification_reads, network
from services.board_view import board_choices

PEILDATUM = "2026-09-30"


def _expected(username: str, board_id: int, as_of) -> dict[str, dict]:
    """Per school code of the board (readable by the user): the tile's facts, from the services."""
    from datetime import date

    day = date.fromisoformat(as_of)
    out = {}
    with session_scope() as session:
        p = principal(session, next(r for r, (u, _) in USERS.items() if u == username))
        rows = session.execute(select(School.code, Municipality.region_id)
                               .join(Municipality, School.municipality_id == Municipality.id)
                               .where(School.board_id == board_id)).all()
        for region in {r for _, r in rows}:
            for row in certification_reads.certification_rows(session, Scope(day, region_id=region), p):
                if row.code not in {c for c, _ in rows}:
                    continue
                net = network.school_network(session, p, row.code, day)
                out[row.code] = {"row": row, "missing": [ORGANISATION_TYPES[t] for t in net.missing],
                                 "share": net.share, "region": session.get(Region, region).name}
    return out


def _tiles(duo) -> dict[str, str]:
    return duo.driver.execute_script(
        "const out = {}; document.querySelectorAll('[id^=\"{\"]').forEach(el => {"
        "  try { const id = JSON.parse(el.id); if (id.type === 'ms-tile') out[id.code] = el.innerText; }"
        "  catch (e) {} });"
        "return out;")


def _check_tiles(duo, expected: dict[str, dict], day) -> None:
    wait_until(lambda: set(_tiles(duo)) == set(expected))
    tiles = _tiles(duo)
    for code, exp in expected.items():
        text, row = tiles[code], exp["row"]
        assert row.name in text and row.status_label in text and exp["region"] in text, code
        if row.status in ("valid", "expiring"):
            months = months_between(day, row.expires_on)
            assert f"Geldig tot {row.expires_on:%d-%m-%Y} (nog {months} " in text, code
        elif row.expires_on is not None:
            assert f"Verlopen op {row.expires_on:%d-%m-%Y}" in text, code
        if row.phase:
            assert f"Fase: {row.phase_label} sinds" in text, code
        else:
            assert "Fase: geen traject" in text, code
        if exp["missing"]:
            assert "ontbreekt: " + ", ".join(exp["missing"]) in text, code
        else:
            assert "compleet" in text, code


def test_ms001_bestuurder_sees_all_schools_of_the_board_in_both_regions(dash_duo, dash_app):
    from datetime import date

    start(dash_duo, dash_app)
    login(dash_duo, USERS["bestuurder"][0])
    with session_scope() as session:
        board = session.scalar(select(Board.id).where(Board.number == "90001"))
    expected = _expected(USERS["bestuurder"][0], board, PEILDATUM)
    assert {e["region"] for e in expected.values()} == {"Maastricht-Heuvelland", "Parkstad Limburg"}
    dash_duo.wait_for_page(f"{dash_duo.server_url}/mijn-scholen?peildatum={PEILDATUM}")
    _check_tiles(dash_duo, expected, date.fromisoformat(PEILDATUM))
    regions = dash_duo.find_element("#ms-regions").text
    assert f"{len(expected)} scholen in 2 regio's" in regions
    counts = dash_duo.find_element("#ms-status-counts").text
    valid = sum(1 for e in expected.values() if e["row"].status == "valid")
    assert f"Geldig: {valid}" in counts
    # the page reads only the peildatum: the scope bar does not offer an area or sector it would ignore
    dash_duo.wait_for_text_to_equal("#scope-note", "Deze pagina toont alle regio's en sectoren; alleen de "
                                                   "peildatum telt.")
    for selector in ("#scope-area", "#scope-sector"):
        assert not dash_duo.find_element(selector).is_enabled(), selector
    # a tile's link opens the school page at the same peildatum
    code = sorted(expected)[0]
    dash_duo.driver.execute_script(
        "document.getElementById(arguments[0]).querySelector('a.ms-school-link').click();",
        f'{{"code":"{code}","type":"ms-tile"}}')
    wait_until(lambda: f"/school/{code}?peildatum={PEILDATUM}" in dash_duo.driver.current_url)
    dash_duo.wait_for_text_to_equal("#school-status", expected[code]["row"].status_label)
    assert dash_duo.find_element("#scope-note").text == ""  # a page that reads the whole selection
    assert dash_duo.get_logs() == []


def test_ms002_coordinator_picks_a_board_and_sees_only_its_schools_they_may_read(dash_duo, dash_app):
    start(dash_duo, dash_app)
    login(dash_duo, USERS["coordinator"][0])
    with session_scope() as session:
        coord = principal(session, "coordinator")
        choices = board_choices(session, coord)
        board = session.scalar(select(Board).where(Board.number == "90001"))
        label = next(c["label"] for c in choices if c["value"] == board.id)
    dash_duo.wait_for_page(f"{dash_duo.server_url}/mijn-scholen?peildatum={DEMO_TODAY.isoformat()}")
    dash_duo.wait_for_element("#ms-tiles")
    choose(dash_duo, "#ms-board", label)
    expected = _expected(USERS["coordinator"][0], board.id, DEMO_TODAY.isoformat())
    assert {e["region"] for e in expected.values()} == {"Maastricht-Heuvelland"}   # not Parkstad: not theirs
    dash_duo.wait_for_contains_text("#ms-board-title", board.name)
    _check_tiles(dash_duo, expected, DEMO_TODAY)
    assert dash_duo.get_logs() == []

"""The import history (issue 15): an import from the Gegevens page and one from `vios import` both get a
row in import_run, in the import's own transaction, with the user, the file and the counts; the page lists
them newest first, all for the beheerder, the own region's for a coordinator."""
from __future__ import annotations

import base64
from pathlib import Path

import background_calls
import vios_cli
from conftest import USERS, client_login, region_key, schools_workbook
from sqlalchemy.engine import make_url
from sqlmodel import select

import settings
from models import ImportRun
from models.db import session_scope


def _school(code: str) -> dict:
    return {"brin_vestiging": code, "naam": f"Historie {code}", "sector": "vo", "gemeente_cbs": "GM0935",
            "postcode": "6211 AB", "plaats": "Maastricht", "actief": "ja"}


def _upload(path: Path) -> str:
    return "data:application/octet-stream;base64," + base64.b64encode(path.read_bytes()).decode()


def _gegevens_page(client, dash_app) -> str:
    """What the page shows (its layout, as the renderer gets it)."""
    search = f"?gebied={region_key('Maastricht-Heuvelland')}"
    return background_calls.call(client, dash_app, "_pages_content.children", {
        "_pages_location.pathname": "/gegevens", "_pages_location.search": search}).get_data(as_text=True)


def test_a_page_import_and_a_cli_import_are_both_in_the_history(dash_app, tmp_path):
    coordinator = dash_app.server.test_client()
    client_login(coordinator, USERS["coordinator"][0])
    page_file = schools_workbook(tmp_path / "van-de-pagina.xlsx", [_school("91HA00"), _school("91HA01")])
    answer = background_calls.call(coordinator, dash_app, "data-rejects-download.data", {
        "data-confirm.n_clicks": 1, "data-upload.contents": _upload(page_file),
        "data-upload.filename": page_file.name, "data-kind.value": "exchange", "data-sector.value": "vo",
        "data-partial.value": []})
    assert "data-import-done" in answer.get_data(as_text=True)

    cli_file = schools_workbook(tmp_path / "van-de-opdrachtregel.xlsx",
                                [_school("91HB00"), _school("91HB01"), _school("91HB02")])
    database = Path(make_url(settings.database_url()).database)
    result = vios_cli.run(database, "import", str(cli_file))
    assert result.returncode == 0, result.stderr

    with session_scope() as session:
        runs = session.exec(select(ImportRun).order_by(ImportRun.id)).all()
    page_run, cli_run = runs[-2], runs[-1]
    assert (page_run.username, page_run.filename, page_run.kind, page_run.created) == (
        USERS["coordinator"][0], "van-de-pagina.xlsx", "exchange", 2)
    assert (cli_run.filename, cli_run.created, cli_run.updated) == ("van-de-opdrachtregel.xlsx", 3, 0)
    assert cli_run.username.startswith("cli:") and cli_run.regions == ""

    admin = dash_app.server.test_client()
    client_login(admin, USERS["beheerder"][0])
    shown = _gegevens_page(admin, dash_app)
    assert "Importgeschiedenis" in shown
    assert shown.index("van-de-opdrachtregel.xlsx") < shown.index("van-de-pagina.xlsx")  # newest first
    own = _gegevens_page(coordinator, dash_app)
    assert "van-de-pagina.xlsx" in own and "van-de-opdrachtregel.xlsx" not in own  # the region's only


def test_a_refused_import_leaves_no_history_row(dash_app, tmp_path):
    client = dash_app.server.test_client()
    client_login(client, USERS["beheerder"][0])
    bad = _school("91HC00") | {"sector": "universiteit"}
    path = schools_workbook(tmp_path / "fout.xlsx", [bad])
    with session_scope() as session:
        before = len(session.exec(select(ImportRun)).all())
    answer = background_calls.call(client, dash_app, "data-rejects-download.data", {
        "data-confirm.n_clicks": 1, "data-upload.contents": _upload(path), "data-upload.filename": path.name,
        "data-kind.value": "exchange", "data-sector.value": "vo", "data-partial.value": []})
    assert "Niets geïmporteerd" in answer.get_data(as_text=True)
    with session_scope() as session:
        assert len(session.exec(select(ImportRun)).all()) == before

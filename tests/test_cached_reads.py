"""Reads kept per data version (services.school_facts.derived) follow every write to what they read: the
tables migration 0014 put under the data version (tranches, partnerships, organisations) raise it too."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import flask
import pytest
from conftest import DEMO_TODAY, USERS, region_key
from sqlmodel import col, select

from domain.scope import Scope
from models import Organisation, Partnership, Region, School, Tranche
from models.db import session_scope
from services import certification_reads
from services.municipality_comparison import changes_since


def test_a_renamed_tranche_is_shown_at_once_although_the_table_is_cached(demo_db):
    """The table's rows are kept per data version; renaming a tranche raises the version (migration
    0014), so the next read shows the new name, not the cached old one."""
    scope = Scope(as_of=date(2026, 11, 23))
    with session_scope() as session:
        row = next(r for r in certification_reads.certification_rows(session, scope) if r.tranche_id is not None)
    with session_scope() as session:
        tranche = session.get(Tranche, row.tranche_id)
        tranche.name = "Hernoemde tranche"
    with session_scope() as session:
        after = certification_reads.certification_rows(session, scope)
    assert next(r for r in after if r.code == row.code).tranche == "Hernoemde tranche"


def test_a_new_partnership_is_in_the_cached_change_list_at_once(demo_db):
    """The changes since the compare date are kept per data version as a whole; a partnership started in the
    period (and the organisation's new name) shows on the next read."""
    scope, since = Scope(as_of=DEMO_TODAY), DEMO_TODAY - timedelta(days=90)
    with session_scope() as session:
        before = changes_since(session, scope, None, since)
    with session_scope() as session:
        school = session.query(School).filter(School.active).order_by(School.code).first()
        organisation = session.query(Organisation).order_by(Organisation.id).first()
        session.add(Partnership(school_id=school.id, organisation_id=organisation.id, role="advies",
                                start_on=DEMO_TODAY - timedelta(days=10)))
        code = school.code
    with session_scope() as session:
        after = changes_since(session, scope, None, since)
    assert len(after) == len(before) + 1
    new = [c for c in after if c not in before]
    assert [c.school_code for c in new] == [code]
    with session_scope() as session:
        session.get(Organisation, organisation.id).name = "Nieuwe naam (fictief)"
    with session_scope() as session:
        renamed = changes_since(session, scope, None, since)
    assert "Nieuwe naam (fictief)" in repr([c for c in renamed if c.school_code == code])


def test_a_starting_worker_loads_every_schools_facts_in_advance(demo_db, dash_app):
    """web.warm_up (gunicorn's post_worker_init, web.server.warm_worker): the first page's facts come from
    the cache the warm-up filled."""
    from services import school_facts
    from web import warm_up

    school_facts.clear_cache()
    warm_up.warm_pages(dash_app.server)
    with session_scope() as session:
        first = school_facts.school_facts(session, Scope(as_of=DEMO_TODAY))
    cached = next(iter(school_facts._CACHE.values())).facts
    assert first and all(cached[f.school_id] is f for f in first)


@contextmanager
def _as_beheerder(dash_app, path: str = "/", query: dict[str, str] | None = None):
    """A request of the demo's beheerder (a user of the database, not the warm-up's)."""
    from services import auth, permissions

    with session_scope() as session:
        principal = permissions.principal_for(session, auth.get_user(session, USERS["beheerder"][0]))
    with dash_app.server.test_request_context(path, query_string=query):
        flask.g.principal = principal
        yield


def _status_computations(monkeypatch) -> list[int]:
    """Counts every computation of a school's status (not the ones remembered on the cached facts)."""
    from domain import overview

    calls: list[int] = []
    compute = overview._school_status

    def counted(facts, as_of):
        calls.append(facts.school_id)
        return compute(facts, as_of)
    monkeypatch.setattr(overview, "_school_status", counted)
    return calls


def _new_data_version() -> None:
    """Nothing cached for it, here or in the store all workers share."""
    from services import school_facts

    with session_scope() as session:
        tranche = session.exec(select(Tranche).order_by(col(Tranche.id))).first()
        tranche.name = tranche.name + " "
    school_facts.clear_cache()


def test_another_worker_draws_the_meeting_room_map_without_loading_the_schools_points(demo_db, dash_app,
                                                                                      monkeypatch):
    """The map's areas (coverage, municipalities, centres) are kept apart from its school points: a worker that
    finds them in the shared cache (here: this process with its own cache emptied) draws the default map
    without the points; the map on OpenStreetMap loads them."""
    from pages.municipalities import _map
    from services import municipality_comparison as comparison
    from services import school_facts
    from web import cache

    _new_data_version()
    search = f"?gebied=nl&peildatum={DEMO_TODAY.isoformat()}"
    with _as_beheerder(dash_app):
        drawn = _map.draw_map(None, None, "white-bg", None, search)
    cache.written()
    school_facts.clear_cache()   # another worker: nothing of it in this process
    loaded: list[int] = []
    real = comparison.map_data
    monkeypatch.setattr(comparison, "map_data", lambda *a: loaded.append(1) or real(*a))
    monkeypatch.setattr(_map, "map_data", comparison.map_data)
    with _as_beheerder(dash_app):
        assert _map.draw_map(None, None, "white-bg", None, search) == drawn
        assert loaded == []
        _map.draw_map(None, None, "open-street-map", None, search)
    assert loaded == [1]


def test_a_warmed_up_worker_draws_its_first_country_pages_without_computing_a_status(demo_db, dash_app,
                                                                                     monkeypatch):
    """web.warm_up (gunicorn's post_worker_init): a starting worker draws Overzicht, Certificering and
    Gemeenten once for the whole country, so a beheerder's first visit of each finds every school's
    status already computed, Gemeenten's map and change list (its first callbacks) and the grids' rows
    (fetched after their layouts) encoded;
    without the warm-up the same visit computes them."""
    from pages.certification import _layout as certification
    from pages.municipalities import page as municipalities
    from web import row_data, warm_up

    pages = (certification.layout, municipalities.layout)
    _new_data_version()
    calls = _status_computations(monkeypatch)
    with _as_beheerder(dash_app):
        pages[0](gebied="nl")
    assert calls, "a cold worker computes the statuses for its first page"

    _new_data_version()
    assert sorted(row_data.names()) == ["certificering", "gemeenten", "overzicht", "verloopt-12", "verloopt-6"]
    assert warm_up.warm_pages(dash_app.server) == [*warm_up.PAGES, "gemeenten: gebeurtenissen", "gemeenten: kaart",
                                                   *(row_data.PREFIX + n for n in row_data.names())]
    calls.clear()
    from domain import clock
    from pages.municipalities import _changes, _map
    from services import municipality_comparison as comparison
    computed: list[str] = []
    for name in ("_map_data", "changes_between"):  # the map's data and the change list, as computed
        real = getattr(comparison, name)
        monkeypatch.setattr(comparison, name, lambda *a, _real=real, _name=name, **k: computed.append(_name)
                            or _real(*a, **k))
    with _as_beheerder(dash_app):
        for layout in pages:
            layout(gebied="nl")
        search = f"?gebied=nl&peildatum={clock.today().isoformat()}"
        _map.draw_map(None, None, "white-bg", None, search)      # Gemeenten's first callbacks
        _changes.list_changes("cmp-changes", search)
    assert computed == []
    encodings: list[int] = []
    encode = row_data.encoded
    monkeypatch.setattr(row_data, "encoded", lambda rows: encodings.append(len(rows)) or encode(rows))
    for name in row_data.names():
        with _as_beheerder(dash_app, row_data.PREFIX + name, {"gebied": "nl"}):
            assert row_data.rows(name).status_code == 200
    assert calls == [] and encodings == []


def test_a_page_that_cannot_be_drawn_leaves_the_worker_cold_but_running(demo_db, dash_app):
    from web import row_data, warm_up

    assert warm_up.warm_pages(dash_app.server, ("/bestaat-niet", "/certificering")) == \
        ["/certificering", *(row_data.PREFIX + n for n in row_data.names())]


def test_overzicht_finds_the_figures_gemeenten_computed(demo_db, monkeypatch):
    """Overzicht's provinces come from the comparison Gemeenten computes (the same cache key: the same
    quarters, so the same facts' first date), not from a computation of their own; without the series."""
    from services import municipality_comparison as service

    compare = DEMO_TODAY - timedelta(days=91)
    scope = Scope(as_of=DEMO_TODAY)
    computed: list[int] = []
    real = service._figures_part
    monkeypatch.setattr(service, "_figures_part", lambda *a: (computed.append(1), real(*a))[1])
    with session_scope() as session:
        gemeenten = service.comparison(session, scope, compare, None, with_points=False, with_changes=False)
        overzicht = service.comparison(session, scope, compare, None, with_points=False, with_changes=False,
                                       with_series=False)
    assert computed == [1] and overzicht.areas == gemeenten.areas and overzicht.series == {}
    assert gemeenten.series


def test_a_warmed_up_worker_keeps_what_it_loaded_out_of_the_collectors_runs(demo_db, dash_app):
    """web.warm_up.start: after drawing the pages the warm-up freezes what the worker holds (gc.freeze), so
    the collector's full runs no longer walk every school's facts (services.gc_pause.freeze_kept)."""
    import gc

    from domain import clock
    from services import school_facts
    from web import warm_up

    _new_data_version()   # the pages' results are not in the shared store: the warm-up loads the facts
    gc.unfreeze()
    try:
        warm_up.start(dash_app.server).join(120)
        with session_scope() as session:
            # the facts the warm-up loaded (for its pages at today)
            loaded = school_facts.school_facts(session, Scope(as_of=clock.today()))
        walked = {id(o) for o in gc.get_objects()}
    finally:
        gc.unfreeze()   # the test process's own objects go back to the collector
    assert loaded and not any(id(f) in walked for f in loaded)


def test_a_regions_tranches_and_forecast_are_kept_but_follow_a_changed_tranche(demo_db):
    """The tranche overviews and the forecast's inputs are kept per data version (a region's page drew
    them for every view); a renamed or moved tranche is in the next read, and a coordinator is still
    refused another region's, although the result is cached."""
    from services import auth, permissions
    from services.permissions import PermissionDenied

    region = int(region_key("Maastricht-Heuvelland")[1:])
    scope = Scope(as_of=DEMO_TODAY, region_id=region)
    with session_scope() as session:
        reads = certification_reads.CertificationReads(session, scope)
        before, inputs = reads.tranches, reads.forecast_inputs
        assert certification_reads.CertificationReads(session, scope).tranches is before  # kept
    planned = next(t for t in before if any(s.phase in ("registered", "intake", "improvement") for s in t.schools))
    with session_scope() as session:
        tranche = session.get(Tranche, planned.tranche_id)
        tranche.name, tranche.start_on = "Verplaatste tranche (fictief)", tranche.start_on + timedelta(days=91)
    with session_scope() as session:
        reads = certification_reads.CertificationReads(session, scope)
        assert next(t for t in reads.tranches if t.tranche_id == planned.tranche_id).name == \
            "Verplaatste tranche (fictief)"
        assert reads.forecast_inputs.planned_tranches != inputs.planned_tranches
        assert planned.start_on + timedelta(days=91) in {start for start, _n in reads.forecast_inputs.planned_tranches}
    with session_scope() as session:
        coordinator = permissions.principal_for(session, auth.get_user(session, USERS["coordinator"][0]))
        foreign = Scope(as_of=DEMO_TODAY, region_id=session.exec(
            select(Region.id).where(Region.id != region).order_by(col(Region.id))).first())
        certification_reads.CertificationReads(session, foreign).tranches  # noqa: B018 - cached for a beheerder
        with pytest.raises(PermissionDenied):
            certification_reads.CertificationReads(session, foreign, coordinator).tranches  # noqa: B018


def test_a_result_the_older_code_put_in_the_shared_store_is_not_read_after_an_upgrade(demo_db, monkeypatch):
    """The shared store (files or Redis) outlives a restart: its keys hold the code's version, so what a
    previous version of the code computed is computed again, not read."""
    from services import school_facts

    values: dict[str, object] = {}
    store = type("Store", (), {"get": lambda self, k: values.get(k), "set": lambda self, k, v: values.update({k: v})})
    monkeypatch.setattr(school_facts, "_SHARED", store())
    computed: list[int] = []
    scope = Scope(as_of=DEMO_TODAY)

    def read() -> object:
        school_facts.clear_cache()  # a fresh worker: only the shared store remembers
        with session_scope() as session:
            return school_facts.derived(session, scope, None, "test-result", None,
                                        lambda: computed.append(1) or len(computed))
    assert read() == 1 and read() == 1 and len(values) == 1
    monkeypatch.setattr(school_facts, "code_version", lambda: "the next version")
    assert read() == 2 and len(values) == 2

"""One key rule (issue 12): names the import treats as one key are unique in the database."""
from __future__ import annotations

from datetime import date

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dataio.exchange import export_workbook, import_workbook
from models import Contact, Municipality, Organisation, Partnership, Province, Region, School, Tranche
from models.db import make_engine
from services import names
from services.migrate import alembic_config, upgrade
from tests.test_exchange import make_demo
from tests.vios_cli import run

pytestmark = pytest.mark.db  # opens databases of its own


def test_the_database_refuses_a_name_that_differs_only_in_case_and_spaces(engine):
    make_demo(engine)
    with Session(engine) as s:
        org = s.exec(select(Organisation).where(Organisation.name == "Halt Limburg")).one()
        s.add(Contact(organisation_id=org.id, name="anna  de vries (FICTIEF)"))
        with pytest.raises(IntegrityError):
            s.flush()
        s.rollback()
        s.add(Organisation(name=" halt  LIMBURG", type="halt"))
        with pytest.raises(IntegrityError):
            s.flush()


def test_the_commands_check_gives_a_dutch_message(engine):
    make_demo(engine)
    with Session(engine) as s:
        region = s.exec(select(Region).where(Region.name == "Maastricht-Heuvelland")).one()
        with pytest.raises(names.NameTaken) as taken:
            names.check_unique_name(s, "tranche", "tranche  2024-1", scope_id=region.id)
        assert str(taken.value) == ("er bestaat al een tranche met de naam 'tranche 2024-1' in deze regio "
                                    "(hoofdletters en extra spaties tellen niet mee)")
        first = s.exec(select(Tranche).where(Tranche.name == "Tranche 2024-1")).one()
        names.check_unique_name(s, "tranche", "Tranche 2024-1", scope_id=region.id, exclude_id=first.id)
        names.check_unique_name(s, "organisatie", "Halt Limburg Noord")


def index_names(engine) -> set[str]:
    with engine.connect() as conn:  # the inspector leaves out indexes on expressions
        return set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'")).scalars())


def _at_0005(path):
    engine = make_engine(f"sqlite:///{path}")
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "0005")
    return engine


def test_upgrading_a_database_with_duplicates_works_and_vios_check_merges_them(tmp_path):
    db = tmp_path / "old.db"
    engine = _at_0005(db)
    with Session(engine) as s:  # what the web forms could store before the one key rule
        s.add(Province(id=1, name="Limburg"))
        s.add(Region(id=1, name="Heuvelland", province_id=1))
        s.flush()
        s.add(Municipality(id=1, cbs_code="GM0935", name="Maastricht", province_id=1, region_id=1))
        s.flush()
        s.add(School(id=1, code="02QZ00", name="De Regenboog", sector="po", municipality_id=1))
        s.flush()
        # plain SQL where the models are newer than schema 0005 (the version columns of 0006)
        for statement in (
            "INSERT INTO organisation (id, name, type) VALUES (1, 'GGD Zuid', 'ggd'), (2, 'ggd  zuid', 'ggd')",
            "INSERT INTO contact (id, organisation_id, name, role, phone, email) "
            "VALUES (1, 1, 'Jan Jansen', '', '', ''), (2, 2, 'jan jansen', 'arts', '06-1', '')",
            "INSERT INTO partnership (id, school_id, organisation_id, role, contact_id, start_on, agreements) "
            "VALUES (1, 1, 2, 'advies', 2, '2024-01-01', '')",
        ):
            s.connection().exec_driver_sql(statement)
        s.add_all([Tranche(id=1, region_id=1, name="Tranche 1", start_on=date(2024, 1, 1), capacity=5),
                   Tranche(id=2, region_id=1, name="TRANCHE 1", start_on=date(2024, 6, 1), capacity=5)])
        s.commit()
    upgrade(engine)  # does not fail
    indexes = index_names(engine)
    assert "uq_organisation_name_key" not in indexes and "uq_tranche_name_key" not in indexes
    assert "uq_trancheplan_name_key" in indexes
    engine.dispose()

    listed = run(db, "check")
    assert listed.returncode == 1
    assert "organisatie: 'GGD Zuid' (id 1), 'ggd  zuid' (id 2)" in listed.stdout
    assert "vios check --merge" in listed.stdout
    merged = run(db, "check", "--merge")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert run(db, "check").returncode == 0

    engine = make_engine(f"sqlite:///{db}")
    with Session(engine) as s:
        assert [o.name for o in s.exec(select(Organisation))] == ["GGD Zuid"]
        [contact] = s.exec(select(Contact)).all()
        assert (contact.name, contact.role, contact.phone) == ("Jan Jansen", "arts", "06-1")
        [partnership] = s.exec(select(Partnership)).all()
        assert (partnership.organisation_id, partnership.contact_id) == (1, 1)
        assert [t.name for t in s.exec(select(Tranche))] == ["Tranche 1"]
    indexes = index_names(engine)
    assert {"uq_organisation_name_key", "uq_contact_name_key", "uq_tranche_name_key"} <= indexes
    with Session(engine) as s:  # and then the export imports into an empty database
        export_workbook(s, tmp_path / "x")
    fresh = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(fresh)
    with Session(fresh) as s:
        assert import_workbook(s, tmp_path / "x").errors == []
        assert s.exec(select(School)).one().code == "02QZ00"


@pytest.mark.slow
def test_a_national_style_seed_exports_and_imports_again_identically(tmp_path):
    """vios seed scale makes no duplicates; export -> import into an empty database -> export is identical."""
    source, target = tmp_path / "a.db", tmp_path / "b.db"
    assert run(source, "seed", "scale", "--schools", "400").returncode == 0
    assert run(source, "check").returncode == 0
    assert run(source, "export", str(tmp_path / "one")).returncode == 0
    imported = run(target, "import", str(tmp_path / "one"))
    assert imported.returncode == 0, imported.stderr[:2000]
    assert run(target, "export", str(tmp_path / "two")).returncode == 0
    for file in sorted((tmp_path / "one").glob("*.csv")):
        assert (tmp_path / "two" / file.name).read_bytes() == file.read_bytes(), file.name

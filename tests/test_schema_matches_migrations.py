"""The SQLModel tables (models/) describe exactly the schema the Alembic migrations (migrations/) build.

A column, index, constraint, type or server default added on one side only shows up here as a
difference reported by Alembic's autogenerate (compare_metadata): add the migration, or fix the model.
On SQLite always; on PostgreSQL too when VIOS_TEST_POSTGRES_URL is set (scripts/test.sh starts a
throwaway server), in a fresh database <db>_schema created from <db> and dropped afterwards.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlmodel import SQLModel

import models  # noqa: F401  (registers every table on SQLModel.metadata)
import settings
from models.db import make_engine
from services.migrate import alembic_config, upgrade

pytestmark = pytest.mark.db  # opens databases of its own (real files, fresh schemas)

PG_URL = os.environ.get("VIOS_TEST_POSTGRES_URL")


@contextmanager
def fresh_sqlite(tmp_path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'schema.db'}")
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def fresh_postgres() -> Iterator[Engine]:
    base = make_url(PG_URL)
    name = f"{base.database}_schema"
    admin = create_engine(settings.sqlalchemy_url(base.set(database="postgres").render_as_string(False)),
                          isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{base.database}"')
        engine = make_engine(settings.sqlalchemy_url(base.set(database=name).render_as_string(False)))
        try:
            yield engine
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
    finally:
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated(request, tmp_path) -> Iterator[Engine]:
    """A fresh database brought to the newest schema by the migrations alone."""
    if request.param == "postgresql" and not PG_URL:
        reason = os.environ.get("VIOS_TEST_POSTGRES_SKIP") or "VIOS_TEST_POSTGRES_URL is not set"
        if os.environ.get("VIOS_REQUIRE_POSTGRES"):
            pytest.fail(f"VIOS_REQUIRE_POSTGRES is set but there is no PostgreSQL: {reason}")
        pytest.skip(f"PostgreSQL: {reason}")
    with fresh_postgres() if request.param == "postgresql" else fresh_sqlite(tmp_path) as engine:
        upgrade(engine)
        yield engine


def test_the_models_match_the_migrated_schema(migrated):
    with migrated.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == [], (
        "models/ and migrations/ disagree (add a migration in migrations/versions, or fix the model):\n"
        + "\n".join(map(str, differences)))


def test_the_migrations_have_one_head_and_the_database_is_at_it(migrated):
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"the migrations branch: heads {heads}"
    with migrated.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == tuple(heads)

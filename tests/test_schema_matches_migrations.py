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


NAME_KEY_INDEXES = ("uq_organisation_name_key", "uq_contact_name_key", "uq_tranche_name_key",
                    "uq_trancheplan_name_key")  # one key rule (migration 0008, services/names.py)


def _comparable(differences: list) -> list:
    """Alembic cannot compare the expressions of expression indexes on PostgreSQL (the server rewrites
    them), so it reports each as removed and added again; such pairs of the same unique index are left
    out here and the indexes are checked by name and expression below."""
    def expression_index(diff: object) -> tuple[str, str, bool] | None:
        if isinstance(diff, tuple) and diff[0] in ("add_index", "remove_index"):
            index = diff[1]
            if any(not hasattr(e, "name") for e in index.expressions):
                return diff[0], index.name, bool(index.unique)
        return None
    seen = [expression_index(d) for d in differences]
    pairs = {(name, unique) for kind, name, unique in filter(None, seen) if kind == "add_index"} & \
            {(name, unique) for kind, name, unique in filter(None, seen) if kind == "remove_index"}
    return [d for d, e in zip(differences, seen, strict=True) if e is None or (e[1], e[2]) not in pairs]


def test_the_models_match_the_migrated_schema(migrated):
    with migrated.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        differences = _comparable(compare_metadata(context, SQLModel.metadata))
    assert differences == [], (
        "models/ and migrations/ disagree (add a migration in migrations/versions, or fix the model):\n"
        + "\n".join(map(str, differences)))


def test_the_name_key_indexes_exist_unique_on_the_normalised_name(migrated):
    from sqlalchemy import text

    query = ("SELECT name, sql FROM sqlite_master WHERE type = 'index'" if migrated.dialect.name == "sqlite"
             else "SELECT indexname, indexdef FROM pg_indexes")
    with migrated.connect() as conn:
        definitions = {name: (sql or "") for name, sql in conn.execute(text(query)).all()}
    for name in NAME_KEY_INDEXES:
        definition = definitions.get(name, "").lower()
        assert "unique" in definition and "lower" in definition and "replace" in definition, (name, definition)


def test_the_migrations_have_one_head_and_the_database_is_at_it(migrated):
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"the migrations branch: heads {heads}"
    with migrated.connect() as conn:
        assert MigrationContext.configure(conn).get_current_heads() == tuple(heads)

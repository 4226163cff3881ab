"""One key rule: names unique without case and extra spaces (organisations, contacts, tranches, plans)

Unique indexes on the normalised name (services.names). The migration never fails on a database
that already holds duplicates: it leaves out the index of such a table and says so; `vios check`
lists the duplicates and `vios check --merge` merges them and creates the missing indexes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# (index, table, scope column); frozen copy of services.names.RULES
INDEXES = (
    ('uq_organisation_name_key', 'organisation', None),
    ('uq_contact_name_key', 'contact', 'organisation_id'),
    ('uq_tranche_name_key', 'tranche', 'region_id'),
    ('uq_trancheplan_name_key', 'trancheplan', 'tranche_id'),
)


def _key(column: str) -> str:
    expr = f"trim({column})"
    for _ in range(4):
        expr = f"replace({expr}, '  ', ' ')"
    return f"lower({expr})"


def upgrade() -> None:
    conn = op.get_bind()
    for index, table, scope in INDEXES:
        group = f"{scope}, {_key('name')}" if scope else _key('name')
        clash = conn.execute(sa.text(f"SELECT 1 FROM {table} GROUP BY {group} HAVING count(*) > 1 LIMIT 1")).first()
        if clash is not None:
            print(f"0008: {table} bevat dubbele namen; index {index} volgt na 'vios check --merge'")
            continue
        conn.execute(sa.text(f"CREATE UNIQUE INDEX IF NOT EXISTS {index} ON {table} ({group})"))


def downgrade() -> None:
    for index, _table, _scope in INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {index}")

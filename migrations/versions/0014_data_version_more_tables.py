"""The data version covers the tranches, partnerships and organisations too: a tranche's name is part of
the certification table's rows and its start date of the planned re-audits; partnerships (with their
organisations' names) are part of the changes since the compare date. Now those are cached per data version.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

TABLES = ('tranche', 'partnership', 'organisation')
ACTIONS = ('insert', 'update', 'delete')
BUMP = 'UPDATE data_version SET version = version + 1 WHERE id = 1'


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    body = 'FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()' if postgres else f'BEGIN {BUMP}; END'
    for table in TABLES:  # as 0010: once per statement on PostgreSQL (its function), per row on SQLite
        for action in ACTIONS:
            op.execute(f'CREATE TRIGGER data_version_{table}_{action} AFTER {action.upper()} ON {table} {body}')


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table in TABLES:
        for action in ACTIONS:
            op.execute(f'DROP TRIGGER data_version_{table}_{action}' + (f' ON {table}' if postgres else ''))

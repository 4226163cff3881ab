"""The data version: a one-row table raised by triggers on every write to the figures' inputs

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# The tables services.school_facts reads: any insert, update or delete raises data_version.version.
TABLES = ('school', 'municipality', 'region', 'trajectory', 'phaseevent')
ACTIONS = ('insert', 'update', 'delete')
BUMP = 'UPDATE data_version SET version = version + 1 WHERE id = 1'


def upgrade() -> None:
    op.create_table(
        'data_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.execute('INSERT INTO data_version (id, version) VALUES (1, 0)')
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS '
                   f"$$ BEGIN {BUMP}; RETURN NULL; END $$")
        for table in TABLES:
            for action in ACTIONS:  # once per statement: a bulk insert raises it once
                op.execute(f'CREATE TRIGGER data_version_{table}_{action} AFTER {action.upper()} ON {table} '
                           'FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()')
    else:  # SQLite has row triggers only
        for table in TABLES:
            for action in ACTIONS:
                op.execute(f'CREATE TRIGGER data_version_{table}_{action} AFTER {action.upper()} ON {table} '
                           f'BEGIN {BUMP}; END')


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table in TABLES:
        for action in ACTIONS:
            op.execute(f'DROP TRIGGER data_version_{table}_{action}' + (f' ON {table}' if postgres else ''))
    if postgres:
        op.execute('DROP FUNCTION bump_data_version()')
    op.drop_table('data_version')

"""The data version covers the tranches, partnerships and organisations too, and a second number, the facts
version, counts the writes to the school facts' own tables

A tranche's name is part of the certification table's rows and its start date of the planned re-audits;
partnerships (with their organisations' names) are part of the changes since the compare date: those
results are now kept per data version. The school facts (services.school_facts: schools, municipalities,
regions, trajectories, phase events) are kept per facts version, so editing a partnership or a tranche
does not make every worker load every school again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

FACTS_TABLES = ('school', 'municipality', 'region', 'trajectory', 'phaseevent')   # 0010's
OTHER_TABLES = ('tranche', 'partnership', 'organisation')
ACTIONS = ('insert', 'update', 'delete')
BUMP = 'UPDATE data_version SET version = version + 1 WHERE id = 1'
BUMP_BOTH = 'UPDATE data_version SET version = version + 1, facts_version = facts_version + 1 WHERE id = 1'


def _triggers(tables: tuple[str, ...], function: str, body: str) -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table in tables:  # as 0010: once per statement on PostgreSQL (its function), per row on SQLite
        for action in ACTIONS:
            then = f'FOR EACH STATEMENT EXECUTE FUNCTION {function}()' if postgres else f'BEGIN {body}; END'
            op.execute(f'CREATE TRIGGER data_version_{table}_{action} AFTER {action.upper()} ON {table} {then}')


def _drop_triggers(tables: tuple[str, ...]) -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    for table in tables:
        for action in ACTIONS:
            op.execute(f'DROP TRIGGER data_version_{table}_{action}' + (f' ON {table}' if postgres else ''))


def upgrade() -> None:
    with op.batch_alter_table('data_version') as batch:
        batch.add_column(sa.Column('facts_version', sa.Integer(), nullable=False, server_default='0'))
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('CREATE FUNCTION bump_facts_version() RETURNS trigger LANGUAGE plpgsql AS '
                   f"$$ BEGIN {BUMP_BOTH}; RETURN NULL; END $$")
    _drop_triggers(FACTS_TABLES)
    _triggers(FACTS_TABLES, 'bump_facts_version', BUMP_BOTH)
    _triggers(OTHER_TABLES, 'bump_data_version', BUMP)


def downgrade() -> None:
    _drop_triggers(OTHER_TABLES)
    _drop_triggers(FACTS_TABLES)
    _triggers(FACTS_TABLES, 'bump_data_version', BUMP)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP FUNCTION bump_facts_version()')
    with op.batch_alter_table('data_version') as batch:
        batch.drop_column('facts_version')

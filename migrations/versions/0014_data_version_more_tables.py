"""The data version covers the tranches, partnerships and organisations too; a second number, the facts
version, counts the writes to the school facts' own tables, and a change log names the schools each
of those writes touched

A tranche's name is part of the certification table's rows and its start date of the planned re-audits;
partnerships (with their organisations' names) are part of the changes since the compare date: those
results are now kept per data version. The school facts (services.school_facts: schools, municipalities,
regions, trajectories, phase events) are kept per facts version; facts_change says which schools a new
facts version changed (school_id NULL: possibly all, a municipality or region changed), so a worker
loads only those schools again, not every school of the country.

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

ACTIONS = ('insert', 'update', 'delete')
OTHER_TABLES = ('tranche', 'partnership', 'organisation')
BUMP = 'UPDATE data_version SET version = version + 1 WHERE id = 1'
BUMP_BOTH = 'UPDATE data_version SET version = version + 1, facts_version = facts_version + 1 WHERE id = 1'
# The schools a row of each facts table belongs to, as an SQL expression over the row (R: NEW or OLD);
# None: every school may have changed.
SCHOOL_OF = {
    'school': 'R.id',
    'trajectory': 'R.school_id',
    'phaseevent': '(SELECT t.school_id FROM trajectory t WHERE t.id = R.trajectory_id)',
    'municipality': None,
    'region': None,
}
ROWS = {'insert': ('NEW',), 'update': ('OLD', 'NEW'), 'delete': ('OLD',)}


def _sqlite_body(table: str, action: str) -> str:
    school = SCHOOL_OF[table]
    log = ' UNION '.join(f"SELECT facts_version, {school.replace('R.', row + '.') if school else 'NULL'} "
                         'FROM data_version WHERE id = 1' for row in ROWS[action])
    return f'BEGIN {BUMP_BOTH}; INSERT INTO facts_change (facts_version, school_id) {log}; END'


def _postgres_function(table: str, action: str) -> str:
    """A statement trigger's function: one raise of both numbers, then one change row per school touched."""
    school = SCHOOL_OF[table]
    tables = {'NEW': 'new_rows', 'OLD': 'old_rows'}
    selects = ' UNION '.join(f"SELECT {school if school else 'NULL::integer'} "
                             f'FROM {tables[row]} R' for row in ROWS[action])
    return (f'CREATE FUNCTION facts_change_{table}_{action}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
            f'{BUMP_BOTH}; INSERT INTO facts_change (facts_version, school_id) '
            f'SELECT (SELECT facts_version FROM data_version WHERE id = 1), s FROM ({selects}) AS touched(s); '
            'RETURN NULL; END $$')


def _referencing(action: str) -> str:
    return {'insert': 'REFERENCING NEW TABLE AS new_rows', 'update': 'REFERENCING OLD TABLE AS old_rows NEW TABLE '
            'AS new_rows', 'delete': 'REFERENCING OLD TABLE AS old_rows'}[action]


def _drop(tables, postgres: bool) -> None:
    for table in tables:
        for action in ACTIONS:
            op.execute(f'DROP TRIGGER data_version_{table}_{action}' + (f' ON {table}' if postgres else ''))


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    with op.batch_alter_table('data_version') as batch:
        batch.add_column(sa.Column('facts_version', sa.Integer(), nullable=False, server_default='0'))
    op.create_table(
        'facts_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('facts_version', sa.Integer(), nullable=False),
        sa.Column('school_id', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_facts_change_facts_version', 'facts_change', ['facts_version'])
    _drop(SCHOOL_OF, postgres)   # 0010's triggers on the facts tables: now both numbers and the log
    for table in SCHOOL_OF:
        for action in ACTIONS:
            if postgres:
                op.execute(_postgres_function(table, action))
                then = f'{_referencing(action)} FOR EACH STATEMENT EXECUTE FUNCTION facts_change_{table}_{action}()'
            else:
                then = _sqlite_body(table, action)
            op.execute(f'CREATE TRIGGER data_version_{table}_{action} AFTER {action.upper()} ON {table} {then}')
    for table in OTHER_TABLES:   # as 0010: once per statement on PostgreSQL (its function), per row on SQLite
        for action in ACTIONS:
            then = 'FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()' if postgres else f'BEGIN {BUMP}; END'
            op.execute(f'CREATE TRIGGER data_version_{table}_{action} AFTER {action.upper()} ON {table} {then}')


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == 'postgresql'
    _drop(OTHER_TABLES, postgres)
    _drop(SCHOOL_OF, postgres)
    for table in SCHOOL_OF:
        for action in ACTIONS:
            if postgres:
                op.execute(f'DROP FUNCTION facts_change_{table}_{action}()')
            then = 'FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()' if postgres else f'BEGIN {BUMP}; END'
            op.execute(f'CREATE TRIGGER data_version_{table}_{action} AFTER {action.upper()} ON {table} {then}')
    op.drop_index('ix_facts_change_facts_version', table_name='facts_change')
    op.drop_table('facts_change')
    with op.batch_alter_table('data_version') as batch:
        batch.drop_column('facts_version')

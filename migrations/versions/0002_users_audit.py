"""users, their scopes and the audit log

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:49:09.616484

The user table is "app_user" because "user" is reserved in PostgreSQL.
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('display_name', sqlmodel.sql.sqltypes.AutoString(length=150), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_login_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("role IN ('beheerder', 'coordinator', 'stuurgroeplid', 'bestuurder')", name='ck_app_user_role'),
    sa.CheckConstraint('username = lower(username)', name='ck_app_user_username_lower'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('auditentry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('username', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('entity', sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
    sa.Column('entity_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('old_value', sa.Text(), nullable=True),
    sa.Column('new_value', sa.Text(), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditentry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditentry_entity'), ['entity'], unique=False)
        batch_op.create_index(batch_op.f('ix_auditentry_username'), ['username'], unique=False)

    op.create_table('userscope',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=True),
    sa.Column('province_id', sa.Integer(), nullable=True),
    sa.Column('board_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('(CASE WHEN region_id IS NULL THEN 0 ELSE 1 END)'
                       ' + (CASE WHEN province_id IS NULL THEN 0 ELSE 1 END)'
                       ' + (CASE WHEN board_id IS NULL THEN 0 ELSE 1 END) = 1',
                       name='ck_userscope_exactly_one'),
    sa.ForeignKeyConstraint(['board_id'], ['board.id'], ),
    sa.ForeignKeyConstraint(['province_id'], ['province.id'], ),
    sa.ForeignKeyConstraint(['region_id'], ['region.id'], ),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('userscope', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_userscope_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_userscope_province_id'), ['province_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_userscope_region_id'), ['region_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_userscope_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('userscope', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_userscope_user_id'))
        batch_op.drop_index(batch_op.f('ix_userscope_region_id'))
        batch_op.drop_index(batch_op.f('ix_userscope_province_id'))
        batch_op.drop_index(batch_op.f('ix_userscope_board_id'))

    op.drop_table('userscope')
    with op.batch_alter_table('auditentry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditentry_username'))
        batch_op.drop_index(batch_op.f('ix_auditentry_entity'))
        batch_op.drop_index(batch_op.f('ix_auditentry_at'))

    op.drop_table('auditentry')
    op.drop_table('app_user')

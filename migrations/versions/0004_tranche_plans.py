"""tranche plans: named drafts per tranche with weights, quotas and overrides (issue 7)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""
import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('trancheplan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tranche_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('quotas', sa.JSON(), nullable=False),
    sa.Column('audit_capacity_per_quarter', sa.Integer(), nullable=True),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('confirmed_by', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'confirmed')", name='ck_trancheplan_status'),
    sa.ForeignKeyConstraint(['tranche_id'], ['tranche.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('tranche_id', 'name')
    )
    with op.batch_alter_table('trancheplan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trancheplan_tranche_id'), ['tranche_id'], unique=False)

    op.create_table('trancheplanitem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.CheckConstraint("source IN ('proposal', 'added', 'removed')", name='ck_trancheplanitem_source'),
    sa.ForeignKeyConstraint(['plan_id'], ['trancheplan.id'], ),
    sa.ForeignKeyConstraint(['school_id'], ['school.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_id', 'school_id')
    )
    with op.batch_alter_table('trancheplanitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trancheplanitem_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trancheplanitem_school_id'), ['school_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('trancheplanitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trancheplanitem_school_id'))
        batch_op.drop_index(batch_op.f('ix_trancheplanitem_plan_id'))

    op.drop_table('trancheplanitem')
    with op.batch_alter_table('trancheplan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_trancheplan_tranche_id'))

    op.drop_table('trancheplan')

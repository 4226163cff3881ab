"""Region setting: months a trajectory may stay in one phase before it counts as stalled

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phase_limit_months', sa.Integer(), nullable=False, server_default='4'))


def downgrade() -> None:
    with op.batch_alter_table('region', schema=None) as batch_op:
        batch_op.drop_column('phase_limit_months')

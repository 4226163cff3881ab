"""Organisations and contact persons can be ended (an end date, never a delete)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('organisation', 'contact'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('ended_on', sa.Date(), nullable=True))


def downgrade() -> None:
    for table in ('organisation', 'contact'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('ended_on')

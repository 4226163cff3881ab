"""A user's profile version: raised by every change of what the Beheer page's edit form shows (name,
role, areas), so a save built from an older form is refused instead of overwriting (issue 12)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.add_column(sa.Column('profile_version', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('app_user') as batch:
        batch.drop_column('profile_version')

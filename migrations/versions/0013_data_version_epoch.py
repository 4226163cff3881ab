"""The data version gets an epoch: a random text made when the database is created (or restored), so
cached figures of an earlier database at the same address, which counted versions from 0 too, are never
taken for this one's

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""
import secrets

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('data_version') as batch:
        batch.add_column(sa.Column('epoch', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
    op.execute(sa.text('UPDATE data_version SET epoch = :epoch').bindparams(epoch=secrets.token_hex(16)))


def downgrade() -> None:
    with op.batch_alter_table('data_version') as batch:
        batch.drop_column('epoch')

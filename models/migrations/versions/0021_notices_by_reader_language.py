"""notices: a notification keeps its catalog message and values, a route its language

Revision ID: 0021_notices_reader_language
Revises: 0020_join
Create Date: 2026-11-29 20:25:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0021_notices_reader_language'
down_revision = '0020_join'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('notification') as batch:
        batch.add_column(sa.Column('title_key', sa.String(length=200), nullable=False, server_default=''))
        batch.add_column(sa.Column('body_key', sa.String(length=200), nullable=False, server_default=''))
        batch.add_column(sa.Column('params', sa.JSON(), nullable=False, server_default='{}'))
    with op.batch_alter_table('notify_route') as batch:
        batch.add_column(sa.Column('locale', sa.String(length=16), nullable=False, server_default='zh'))


def downgrade() -> None:
    with op.batch_alter_table('notify_route') as batch:
        batch.drop_column('locale')
    with op.batch_alter_table('notification') as batch:
        batch.drop_column('params')
        batch.drop_column('body_key')
        batch.drop_column('title_key')

"""hardening: when a delivery's message began to leave, so a restart knows which one may have arrived

Revision ID: 0017_hardening_in_flight
Revises: 0016_hardening_heartbeat
Create Date: 2026-11-29 18:40:00
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0017_hardening_in_flight'
down_revision = '0016_hardening_heartbeat'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('delivery') as batch:
        batch.add_column(sa.Column('sending_since', models.base.UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('delivery') as batch:
        batch.drop_column('sending_since')

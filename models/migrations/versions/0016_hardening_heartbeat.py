"""hardening: the scheduler's heartbeat, one row per recurring job

Revision ID: 0016_hardening_heartbeat
Revises: 0015_platform_points
Create Date: 2026-11-29 18:35:00
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0016_hardening_heartbeat'
down_revision = '0015_platform_points'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('heartbeat',
    sa.Column('job', sa.String(length=40), nullable=False),
    sa.Column('beat_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('duration_s', sa.Float(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('runner', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('job', name=op.f('pk_heartbeat'))
    )


def downgrade() -> None:
    op.drop_table('heartbeat')

"""platform plan: the chairs' meeting's changes to the annual consultation plan, each kept as history

Revision ID: 0017_platform_plan
Revises: 0016_hardening_heartbeat
Create Date: 2026-11-29 18:36:17.494589
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0017_platform_plan'
down_revision = '0016_hardening_heartbeat'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('planned_month', sa.Integer(), nullable=True),
    sa.Column('removed', sa.Boolean(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user.id'], name=op.f('fk_plan_change_changed_by_id_user')),
    sa.ForeignKeyConstraint(['district_id'], ['organization.id'], name=op.f('fk_plan_change_district_id_organization')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_plan_change_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_change'))
    )
    with op.batch_alter_table('plan_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_change_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_change_topic_id'), ['topic_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('plan_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_change_topic_id'))
        batch_op.drop_index(batch_op.f('ix_plan_change_district_id'))

    op.drop_table('plan_change')

"""platform points: the city's point rules per event kind and year, members' recommended topics,
who spoke at an activity, and follow-up rounds (再调研/再视察/再协商) marked on activities

Revision ID: 0015_platform_points
Revises: 0014_golive
Create Date: 2026-11-29 18:27:35.348979
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0015_platform_points'
down_revision = '0014_golive'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('point_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('attended', 'spoke', 'recommended', 'follow_up', name='pointevent', native_enum=False, length=32), nullable=False),
    sa.Column('valid_year', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_point_rule_set_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_point_rule')),
    sa.UniqueConstraint('kind', 'valid_year', name=op.f('uq_point_rule_kind'))
    )
    op.create_table('topic_recommendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_topic_recommendation_member_id_member')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_topic_recommendation_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_topic_recommendation_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_recommendation')),
    sa.UniqueConstraint('topic_id', name=op.f('uq_topic_recommendation_topic_id'))
    )
    with op.batch_alter_table('topic_recommendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_recommendation_member_id'), ['member_id'], unique=False)

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up', sa.Enum('research', 'inspection', 'consultation', name='followupround', native_enum=False, length=32), nullable=True))

    with op.batch_alter_table('activity_participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('spoke', sa.Boolean(), nullable=False, server_default=sa.false()))



def downgrade() -> None:
    with op.batch_alter_table('activity_participant', schema=None) as batch_op:
        batch_op.drop_column('spoke')

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_column('follow_up')

    with op.batch_alter_table('topic_recommendation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_recommendation_member_id'))

    op.drop_table('topic_recommendation')
    op.drop_table('point_rule')

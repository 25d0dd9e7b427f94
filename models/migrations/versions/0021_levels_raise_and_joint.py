"""levels: a topic raised to the level above (town to district, district to city), and joint topics' co-platforms

Revision ID: 0021_levels_raise_joint
Revises: 0021_leaders_plan_report
Create Date: 2026-11-29 20:20:00
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0021_levels_raise_joint'
down_revision = '0021_leaders_plan_report'
branch_labels = None
depends_on = None

STATUS = sa.Enum('pending', 'accepted', 'declined', name='raisestatus', native_enum=False, length=32)


def upgrade() -> None:
    op.create_table('topic_raise',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('from_org_id', sa.Integer(), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', STATUS, nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('raised_topic_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_topic_raise_topic_id_topic')),
    sa.ForeignKeyConstraint(['from_org_id'], ['organization.id'],
                            name=op.f('fk_topic_raise_from_org_id_organization')),
    sa.ForeignKeyConstraint(['to_org_id'], ['organization.id'], name=op.f('fk_topic_raise_to_org_id_organization')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user.id'], name=op.f('fk_topic_raise_raised_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_topic_raise_decided_by_id_user')),
    sa.ForeignKeyConstraint(['raised_topic_id'], ['topic.id'], name=op.f('fk_topic_raise_raised_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_raise')),
    )
    with op.batch_alter_table('topic_raise', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_raise_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_raise_to_org_id'), ['to_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_raise_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_raise_raised_topic_id'), ['raised_topic_id'], unique=False)
    op.create_table('topic_co_platform',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=False),
    sa.Column('added_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_topic_co_platform_topic_id_topic')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_topic_co_platform_organization_id_organization')),
    sa.ForeignKeyConstraint(['added_by_id'], ['user.id'], name=op.f('fk_topic_co_platform_added_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_co_platform')),
    sa.UniqueConstraint('topic_id', 'organization_id', name=op.f('uq_topic_co_platform_topic_id')),
    )
    with op.batch_alter_table('topic_co_platform', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_co_platform_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_co_platform_organization_id'), ['organization_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('topic_co_platform', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_co_platform_organization_id'))
        batch_op.drop_index(batch_op.f('ix_topic_co_platform_topic_id'))
    op.drop_table('topic_co_platform')
    with op.batch_alter_table('topic_raise', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_raise_raised_topic_id'))
        batch_op.drop_index(batch_op.f('ix_topic_raise_status'))
        batch_op.drop_index(batch_op.f('ix_topic_raise_to_org_id'))
        batch_op.drop_index(batch_op.f('ix_topic_raise_topic_id'))
    op.drop_table('topic_raise')

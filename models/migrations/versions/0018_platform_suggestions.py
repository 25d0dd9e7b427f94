"""platform suggestions: each suggestion of a topic's minutes with its handling unit, outcome type,
progress and the milestones its unit reports

Revision ID: 0018_platform_suggestions
Revises: 0017_platform_plan
Create Date: 2026-11-29 18:39:04.453940
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0018_platform_suggestions'
down_revision = '0017_platform_plan'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('suggestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('decision', 'livelihood_project', 'governance', 'explained', name='outcome', native_enum=False, length=32), nullable=True),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_suggestion_created_by_id_user')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_suggestion_topic_id_topic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_suggestion_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion')),
    sa.UniqueConstraint('topic_id', 'number', name=op.f('uq_suggestion_topic_id'))
    )
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_suggestion_unit_id'), ['unit_id'], unique=False)

    op.create_table('suggestion_milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('suggestion_id', sa.Integer(), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user.id'], name=op.f('fk_suggestion_milestone_reported_by_id_user')),
    sa.ForeignKeyConstraint(['suggestion_id'], ['suggestion.id'], name=op.f('fk_suggestion_milestone_suggestion_id_suggestion'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suggestion_milestone'))
    )
    with op.batch_alter_table('suggestion_milestone', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suggestion_milestone_suggestion_id'), ['suggestion_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('suggestion_milestone', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_milestone_suggestion_id'))

    op.drop_table('suggestion_milestone')
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suggestion_unit_id'))
        batch_op.drop_index(batch_op.f('ix_suggestion_topic_id'))

    op.drop_table('suggestion')

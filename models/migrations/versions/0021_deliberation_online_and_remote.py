"""deliberation: online deliberation (网络议政) with invitations and opinions; remote consultation's link and who joined

Revision ID: 0021_deliberation_online
Revises: 0020_join
Create Date: 2026-11-29 20:30:00
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0021_deliberation_online'
down_revision = '0020_join'
branch_labels = None
depends_on = None

WHEN = models.base.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table('deliberation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('opens_at', WHEN, nullable=False),
    sa.Column('closes_at', WHEN, nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', WHEN, nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_deliberation_topic_id_topic')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['user.id'], name=op.f('fk_deliberation_opened_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation')),
    sa.UniqueConstraint('code', name=op.f('uq_deliberation_code')),
    sa.UniqueConstraint('topic_id', name=op.f('uq_deliberation_topic_id')),
    )
    with op.batch_alter_table('deliberation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_closes_at'), ['closes_at'], unique=False)
    op.create_table('deliberation_invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deliberation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('invited_at', WHEN, nullable=False),
    sa.Column('revoked_at', WHEN, nullable=True),
    sa.ForeignKeyConstraint(['deliberation_id'], ['deliberation.id'], ondelete='CASCADE',
                            name=op.f('fk_deliberation_invitation_deliberation_id_deliberation')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user.id'], name=op.f('fk_deliberation_invitation_invited_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliberation_invitation')),
    )
    with op.batch_alter_table('deliberation_invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliberation_invitation_deliberation_id'), ['deliberation_id'],
                              unique=False)
    op.create_table('opinion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('deliberation_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('posted_at', WHEN, nullable=False),
    sa.Column('hidden_at', WHEN, nullable=True),
    sa.Column('hidden_reason', sa.Text(), nullable=False),
    sa.Column('hidden_by_id', sa.Integer(), nullable=True),
    sa.Column('taken_at', WHEN, nullable=True),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['deliberation_id'], ['deliberation.id'], ondelete='CASCADE',
                            name=op.f('fk_opinion_deliberation_id_deliberation')),
    sa.ForeignKeyConstraint(['parent_id'], ['opinion.id'], name=op.f('fk_opinion_parent_id_opinion')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_opinion_author_id_user')),
    sa.ForeignKeyConstraint(['invitation_id'], ['deliberation_invitation.id'],
                            name=op.f('fk_opinion_invitation_id_deliberation_invitation')),
    sa.ForeignKeyConstraint(['hidden_by_id'], ['user.id'], name=op.f('fk_opinion_hidden_by_id_user')),
    sa.ForeignKeyConstraint(['taken_by_id'], ['user.id'], name=op.f('fk_opinion_taken_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opinion')),
    )
    with op.batch_alter_table('opinion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opinion_deliberation_id'), ['deliberation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opinion_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opinion_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opinion_invitation_id'), ['invitation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opinion_posted_at'), ['posted_at'], unique=False)
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_link', sa.String(length=500), nullable=False, server_default=''))
    with op.batch_alter_table('activity_participant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_remotely', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('activity_participant', schema=None) as batch_op:
        batch_op.drop_column('joined_remotely')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_column('meeting_link')
    op.drop_table('opinion')
    op.drop_table('deliberation_invitation')
    op.drop_table('deliberation')

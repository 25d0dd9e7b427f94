"""participation: public proposals with a tracking number, and the submissions the rate limit counts

Revision ID: 0019_participation_proposals
Revises: 0018_platform_suggestions
Create Date: 2026-11-29 19:15:00
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0019_participation_proposals'
down_revision = '0018_platform_suggestions'
branch_labels = None
depends_on = None

CATEGORY = sa.Enum('central_work', 'reform', 'livelihood', 'governance', name='topiccategory',
                   native_enum=False, length=32)
STATUS = sa.Enum('received', 'under_review', 'merged', 'answered', 'rejected', 'became_topic',
                 name='proposalstatus', native_enum=False, length=32)


def upgrade() -> None:
    op.create_table('public_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', CATEGORY, nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('status', STATUS, nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('received_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_public_proposal_organization_id_organization')),
    sa.ForeignKeyConstraint(['district_id'], ['organization.id'],
                            name=op.f('fk_public_proposal_district_id_organization')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_public_proposal_answered_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_proposal')),
    sa.UniqueConstraint('number', name=op.f('uq_public_proposal_number')),
    )
    with op.batch_alter_table('public_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_proposal_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_proposal_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_proposal_received_at'), ['received_at'], unique=False)
    op.create_table('proposal_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_submission')),
    )
    with op.batch_alter_table('proposal_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_submission_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_submission_at'), ['at'], unique=False)


def downgrade() -> None:
    op.drop_table('proposal_submission')
    op.drop_table('public_proposal')

"""publicity: topics the office publishes (and typical cases), proposal followers, look-up codes, photos

Revision ID: 0021_publicity
Revises: 0021_notices_reader_language
Create Date: 2026-11-29 20:20:00
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0021_publicity'
down_revision = '0021_notices_reader_language'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('topic_publication',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('typical', sa.Boolean(), nullable=False),
    sa.Column('typical_note', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=True),
    sa.Column('set_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['set_by_id'], ['user.id'], name=op.f('fk_topic_publication_set_by_id_user')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_topic_publication_topic_id_topic'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic_publication')),
    sa.UniqueConstraint('topic_id', name=op.f('uq_topic_publication_topic_id')))
    op.create_index(op.f('ix_topic_publication_published'), 'topic_publication', ['published'], unique=False)
    op.create_index(op.f('ix_topic_publication_set_at'), 'topic_publication', ['set_at'], unique=False)
    op.create_table('proposal_follower',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=100), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['public_proposal.id'],
                            name=op.f('fk_proposal_follower_proposal_id_public_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_follower')),
    sa.UniqueConstraint('proposal_id', 'email', name=op.f('uq_proposal_follower_proposal_id')))
    op.create_index(op.f('ix_proposal_follower_proposal_id'), 'proposal_follower', ['proposal_id'], unique=False)
    op.create_table('lookup_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('used_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lookup_code')))
    op.create_index('ix_lookup_code_contact_created', 'lookup_code', ['contact', 'created_at'], unique=False)
    op.create_table('public_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_attempt')))
    op.create_index('ix_public_attempt_address_kind', 'public_attempt', ['address', 'kind'], unique=False)
    op.create_index(op.f('ix_public_attempt_at'), 'public_attempt', ['at'], unique=False)
    op.create_table('proposal_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['public_proposal.id'],
                            name=op.f('fk_proposal_photo_proposal_id_public_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_photo')))
    op.create_index(op.f('ix_proposal_photo_proposal_id'), 'proposal_photo', ['proposal_id'], unique=False)


def downgrade() -> None:
    op.drop_table('proposal_photo')
    op.drop_table('public_attempt')
    op.drop_table('lookup_code')
    op.drop_table('proposal_follower')
    op.drop_table('topic_publication')

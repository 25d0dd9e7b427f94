"""appraisal: democratic appraisal (民主评议) of a topic's handling unit, with each rater's scores

Revision ID: 0021_appraisal
Revises: 0020_join
Create Date: 2026-11-29 20:50:00
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0021_appraisal'
down_revision = '0020_join'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('appraisal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_appraisal_created_by_id_user')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_appraisal_topic_id_topic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_appraisal_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal'))
    )
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appraisal_unit_id'), ['unit_id'], unique=False)

    op.create_table('appraisal_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appraisal_id', sa.Integer(), nullable=False),
    sa.Column('rater', sa.String(length=60), nullable=False),
    sa.Column('attitude', sa.Integer(), nullable=False),
    sa.Column('quality', sa.Integer(), nullable=False),
    sa.Column('effect', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('attitude BETWEEN 0 AND 100', name=op.f('ck_appraisal_score_attitude_in_range')),
    sa.CheckConstraint('quality BETWEEN 0 AND 100', name=op.f('ck_appraisal_score_quality_in_range')),
    sa.CheckConstraint('effect BETWEEN 0 AND 100', name=op.f('ck_appraisal_score_effect_in_range')),
    sa.ForeignKeyConstraint(['appraisal_id'], ['appraisal.id'], name=op.f('fk_appraisal_score_appraisal_id_appraisal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_appraisal_score_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_appraisal_score')),
    sa.UniqueConstraint('appraisal_id', 'rater', name=op.f('uq_appraisal_score_appraisal_id'))
    )
    with op.batch_alter_table('appraisal_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appraisal_score_appraisal_id'), ['appraisal_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('appraisal_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_score_appraisal_id'))
    op.drop_table('appraisal_score')
    with op.batch_alter_table('appraisal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appraisal_unit_id'))
        batch_op.drop_index(batch_op.f('ix_appraisal_topic_id'))
    op.drop_table('appraisal')

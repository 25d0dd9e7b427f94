"""leaders and the plan report: the kind of consultation and the proposal number on topics and activities,
and the reports of a district's annual plan to the party committee (请示报告) with their decisions

Revision ID: 0021_leaders_plan_report
Revises: 0020_join
Create Date: 2026-11-29 20:14:31.568532
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0021_leaders_plan_report'
down_revision = '0020_join'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('plan_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('topic_count', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('decision', sa.Enum('approved', 'returned', name='plandecision', native_enum=False, length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_plan_report_decided_by_id_user')),
    sa.ForeignKeyConstraint(['district_id'], ['organization.id'], name=op.f('fk_plan_report_district_id_organization')),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user.id'], name=op.f('fk_plan_report_reported_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_report')),
    sa.UniqueConstraint('district_id', 'year', 'round', name=op.f('uq_plan_report_district_id'))
    )
    with op.batch_alter_table('plan_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_report_district_id'), ['district_id'], unique=False)

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_kind', sa.Enum('youshi_haoshangliang', 'thematic', 'counterpart', 'sector', 'proposal_handling', name='consultationkind', native_enum=False, length=32), server_default='youshi_haoshangliang', nullable=False))
        batch_op.add_column(sa.Column('proposal_number', sa.String(length=40), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_activity_consultation_kind'), ['consultation_kind'], unique=False)

    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consultation_kind', sa.Enum('youshi_haoshangliang', 'thematic', 'counterpart', 'sector', 'proposal_handling', name='consultationkind', native_enum=False, length=32), server_default='youshi_haoshangliang', nullable=False))
        batch_op.add_column(sa.Column('proposal_number', sa.String(length=40), server_default='', nullable=False))
        batch_op.create_index(batch_op.f('ix_topic_consultation_kind'), ['consultation_kind'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_consultation_kind'))
        batch_op.drop_column('proposal_number')
        batch_op.drop_column('consultation_kind')

    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_consultation_kind'))
        batch_op.drop_column('proposal_number')
        batch_op.drop_column('consultation_kind')

    with op.batch_alter_table('plan_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_report_district_id'))

    op.drop_table('plan_report')

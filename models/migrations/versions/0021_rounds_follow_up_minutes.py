"""rounds: a follow-up round's own minutes on its activity, and the round a suggestion came from

Revision ID: 0021_rounds
Revises: 0021_appraisal
Create Date: 2026-11-29 20:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0021_rounds'
down_revision = '0021_appraisal'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('minutes', sa.Text(), server_default='', nullable=False))
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_suggestion_activity_id'), ['activity_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_suggestion_activity_id_activity'), 'activity', ['activity_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('suggestion', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_suggestion_activity_id_activity'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_suggestion_activity_id'))
        batch_op.drop_column('activity_id')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_column('minutes')

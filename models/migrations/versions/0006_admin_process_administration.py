"""process administration: version review, drafts, failed steps

Versions deployed before this revision were in use already, so they count as approved.

Revision ID: 0006_admin
Revises: 0002_audit
Create Date: 2026-11-25 22:51:14.475754
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0006_admin'
down_revision = '0002_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('process_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('process_id', sa.String(length=64), nullable=False),
    sa.Column('bpmn_xml', sa.LargeBinary(), nullable=False),
    sa.Column('base_version_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['base_version_id'], ['process_version.id'], name=op.f('fk_process_draft_base_version_id_process_version')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_process_draft_created_by_id_user')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_process_draft_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_draft'))
    )
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.Enum('pending', 'approved', 'rejected', name='versionstatus', native_enum=False, length=32), nullable=False, server_default='approved'))
        batch_op.add_column(sa.Column('bind_on_approval', sa.JSON(), nullable=False, server_default='[]'))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', models.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('review_note', sa.Text(), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_process_version_reviewed_by_id_user'), 'user', ['reviewed_by_id'], ['id'])

    with op.batch_alter_table('workflow_state', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failure', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('workflow_state', schema=None) as batch_op:
        batch_op.drop_column('failure')

    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_process_version_reviewed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('review_note')
        batch_op.drop_column('reviewed_at')
        batch_op.drop_column('reviewed_by_id')
        batch_op.drop_column('bind_on_approval')
        batch_op.drop_column('status')

    op.drop_table('process_draft')

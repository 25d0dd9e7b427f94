"""golive: organizations that can be merged and deactivated, units with a leader, people's
contact ids and dated role assignments, out-of-office delegation

A real district administers its own tree, units, people and role assignments in the product;
nothing is deleted that has a history, so organizations and units are deactivated or merged.

Revision ID: 0014_golive
Revises: 0013_harden_sessions
Create Date: 2026-11-29 18:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0014_golive'
down_revision = '0013_harden_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_organization_merged_into_id_organization'), 'organization',
                                    ['merged_into_id'], ['id'])
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('leader_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_unit_leader_id_user'), 'user', ['leader_id'], ['id'])
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=30), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('email', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('dingtalk_id', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('wecom_id', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
    op.create_table('delegation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False, server_default=''),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_delegation_user_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delegate_id'], ['user.id'], name=op.f('fk_delegation_delegate_id_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation'))
    )
    with op.batch_alter_table('delegation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delegation_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_delegation_delegate_id'), ['delegate_id'], unique=False)


def downgrade() -> None:
    op.drop_table('delegation')
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_column('ends_on')
        batch_op.drop_column('starts_on')
    with op.batch_alter_table('user', schema=None) as batch_op:
        for column in ('must_change_password', 'wecom_id', 'dingtalk_id', 'email', 'phone'):
            batch_op.drop_column(column)
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_unit_leader_id_user'), type_='foreignkey')
        batch_op.drop_column('leader_id')
        batch_op.drop_column('active')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_organization_merged_into_id_organization'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
        batch_op.drop_column('active')

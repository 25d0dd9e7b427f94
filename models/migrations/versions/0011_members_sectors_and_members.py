"""members: sectors (界别), liaison groups (委员联络组) and CPPCC members (委员)

A real district records its members, each with a sector, the district or town they liaise
with, a liaison group and a term; a member may have an account to sign in with.

Revision ID: 0011_members
Revises: 0010_feedback_tally
Create Date: 2026-11-29 18:25:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0011_members'
down_revision = '0010_feedback_tally'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('sector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sector')),
    sa.UniqueConstraint('code', name=op.f('uq_sector_code'))
    )
    op.create_table('liaison_group',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_liaison_group_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_liaison_group')),
    sa.UniqueConstraint('code', name=op.f('uq_liaison_group_code'))
    )
    with op.batch_alter_table('liaison_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_liaison_group_organization_id'), ['organization_id'], unique=False)
    op.create_table('member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=30), nullable=False, server_default=''),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('sector_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('assigned_organization_id', sa.Integer(), nullable=True),
    sa.Column('liaison_group_id', sa.Integer(), nullable=True),
    sa.Column('term', sa.String(length=32), nullable=False, server_default=''),
    sa.Column('term_start', sa.Date(), nullable=True),
    sa.Column('term_end', sa.Date(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False, server_default=sa.true()),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_member_user_id_user')),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_member_sector_id_sector')),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'],
                            name=op.f('fk_member_organization_id_organization')),
    sa.ForeignKeyConstraint(['assigned_organization_id'], ['organization.id'],
                            name=op.f('fk_member_assigned_organization_id_organization')),
    sa.ForeignKeyConstraint(['liaison_group_id'], ['liaison_group.id'],
                            name=op.f('fk_member_liaison_group_id_liaison_group')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member')),
    sa.UniqueConstraint('code', name=op.f('uq_member_code')),
    sa.UniqueConstraint('user_id', name=op.f('uq_member_user_id'))
    )
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_sector_id'), ['sector_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_member_assigned_organization_id'), ['assigned_organization_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_member_liaison_group_id'), ['liaison_group_id'], unique=False)


def downgrade() -> None:
    op.drop_table('member')
    op.drop_table('liaison_group')
    op.drop_table('sector')

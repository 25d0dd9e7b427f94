"""platform: consultation rooms, their five haves and evidence, activities, participants and targets

The register of rooms per organization and the activities held on each platform, with who was
invited and who checked in, so coverage, frequency and the leaders' share are computed.

Revision ID: 0012_platform
Revises: 0011_members
Create Date: 2026-11-29 18:20:00.000000
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0012_platform'
down_revision = '0011_members'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('activity_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('per_platform', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['organization.id'], name=op.f('fk_activity_target_district_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_target')),
    sa.UniqueConstraint('district_id', 'year', name=op.f('uq_activity_target_district_id'))
    )
    op.create_table('consultation_room',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('functions', sa.JSON(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('host', sa.String(length=200), nullable=False),
    sa.Column('contact_name', sa.String(length=100), nullable=False),
    sa.Column('contact_phone', sa.String(length=40), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_consultation_room_organization_id_organization')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_consultation_room_registered_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_room')),
    sa.UniqueConstraint('code', name=op.f('uq_consultation_room_code'))
    )
    with op.batch_alter_table('consultation_room', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_room_organization_id'), ['organization_id'], unique=False)

    op.create_table('room_evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('have', sa.Enum('site', 'rules', 'organization', 'signage', 'activities', name='have', native_enum=False, length=32), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['consultation_room.id'], name=op.f('fk_room_evidence_room_id_consultation_room'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_room_evidence_uploaded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_evidence')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_room_evidence_stored_name'))
    )
    with op.batch_alter_table('room_evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_evidence_room_id'), ['room_id'], unique=False)

    op.create_table('room_have',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('have', sa.Enum('site', 'rules', 'organization', 'signage', 'activities', name='have', native_enum=False, length=32), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=False),
    sa.Column('verified_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['room_id'], ['consultation_room.id'], name=op.f('fk_room_have_room_id_consultation_room'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['verified_by_id'], ['user.id'], name=op.f('fk_room_have_verified_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_room_have')),
    sa.UniqueConstraint('room_id', 'have', name=op.f('uq_room_have_room_id'))
    )
    with op.batch_alter_table('room_have', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_room_have_room_id'), ['room_id'], unique=False)

    op.create_table('activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('form', sa.Enum('on_site', 'online', 'remote', name='activityform', native_enum=False, length=32), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('plan_reviewed_on', sa.Date(), nullable=True),
    sa.Column('materials_sent_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_activity_created_by_id_user')),
    sa.ForeignKeyConstraint(['district_id'], ['organization.id'], name=op.f('fk_activity_district_id_organization')),
    sa.ForeignKeyConstraint(['platform_id'], ['organization.id'], name=op.f('fk_activity_platform_id_organization')),
    sa.ForeignKeyConstraint(['room_id'], ['consultation_room.id'], name=op.f('fk_activity_room_id_consultation_room')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_activity_topic_id_topic')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity')),
    sa.UniqueConstraint('code', name=op.f('uq_activity_code'))
    )
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_held_on'), ['held_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_platform_id'), ['platform_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_room_id'), ['room_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_topic_id'), ['topic_id'], unique=False)

    op.create_table('activity_participant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('member', 'sector_representative', 'expert', 'resident', 'department', 'leader', name='participantkind', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('is_leader', sa.Boolean(), nullable=False),
    sa.Column('answered_on_site', sa.Boolean(), nullable=False),
    sa.Column('invited_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('checked_in_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('checked_in_by', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_activity_participant_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_activity_participant_member_id_member')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_activity_participant_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_activity_participant_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_participant'))
    )
    with op.batch_alter_table('activity_participant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_participant_activity_id'), ['activity_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_participant_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_activity_participant_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('activity_participant', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_participant_user_id'))
        batch_op.drop_index(batch_op.f('ix_activity_participant_member_id'))
        batch_op.drop_index(batch_op.f('ix_activity_participant_activity_id'))

    op.drop_table('activity_participant')
    with op.batch_alter_table('activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_topic_id'))
        batch_op.drop_index(batch_op.f('ix_activity_room_id'))
        batch_op.drop_index(batch_op.f('ix_activity_platform_id'))
        batch_op.drop_index(batch_op.f('ix_activity_held_on'))
        batch_op.drop_index(batch_op.f('ix_activity_district_id'))

    op.drop_table('activity')
    with op.batch_alter_table('room_have', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_have_room_id'))

    op.drop_table('room_have')
    with op.batch_alter_table('room_evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_room_evidence_room_id'))

    op.drop_table('room_evidence')
    with op.batch_alter_table('consultation_room', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_room_organization_id'))

    op.drop_table('consultation_room')
    op.drop_table('activity_target')

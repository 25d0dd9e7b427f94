"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 22:26:24.051810
"""
from alembic import op
import sqlalchemy as sa
import models.base


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('is_workday', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    op.create_table('organization',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('city', 'district', 'town', 'street', 'park', 'village', 'community', 'enterprise', name='orgkind', native_enum=False, length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['organization.id'], name=op.f('fk_organization_parent_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organization')),
    sa.UniqueConstraint('code', name=op.f('uq_organization_code'))
    )
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_organization_parent_id'), ['parent_id'], unique=False)

    op.create_table('process_definition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_definition')),
    sa.UniqueConstraint('process_id', name=op.f('uq_process_definition_process_id'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=200), nullable=False),
    sa.Column('api_token_sha256', sa.String(length=64), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('api_token_sha256', name=op.f('uq_user_api_token_sha256')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    op.create_table('process_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('definition_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('bpmn_xml', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('deployed_by_id', sa.Integer(), nullable=True),
    sa.Column('deployed_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['definition_id'], ['process_definition.id'], name=op.f('fk_process_version_definition_id_process_definition')),
    sa.ForeignKeyConstraint(['deployed_by_id'], ['user.id'], name=op.f('fk_process_version_deployed_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_version')),
    sa.UniqueConstraint('definition_id', 'number', name=op.f('uq_process_version_definition_id'))
    )
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_process_version_definition_id'), ['definition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_process_version_sha256'), ['sha256'], unique=False)

    op.create_table('unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Enum('department', 'town_government', 'committee', name='unitkind', native_enum=False, length=32), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_unit_organization_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit')),
    sa.UniqueConstraint('code', name=op.f('uq_unit_code'))
    )
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_organization_id'), ['organization_id'], unique=False)

    op.create_table('process_binding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=64), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['district_id'], ['organization.id'], name=op.f('fk_process_binding_district_id_organization')),
    sa.ForeignKeyConstraint(['version_id'], ['process_version.id'], name=op.f('fk_process_binding_version_id_process_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_process_binding')),
    sa.UniqueConstraint('process_id', 'district_id', name=op.f('uq_process_binding_process_id'))
    )
    op.create_table('role_assignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('process_admin', 'cppcc_office', 'chair', 'committee', 'handling_unit', 'supervisor', 'member', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_role_assignment_organization_id_organization')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_role_assignment_unit_id_unit')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_role_assignment_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_role_assignment')),
    sa.UniqueConstraint('user_id', 'role', 'organization_id', 'unit_id', name=op.f('uq_role_assignment_user_id'))
    )
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_role_assignment_user_id'), ['user_id'], unique=False)

    op.create_table('topic',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('category', sa.Enum('central_work', 'reform', 'livelihood', 'governance', name='topiccategory', native_enum=False, length=32), nullable=False),
    sa.Column('source', sa.Enum('assigned', 'member', 'public', name='topicsource', native_enum=False, length=32), nullable=False),
    sa.Column('platform_level', sa.Enum('district', 'town', name='platformlevel', native_enum=False, length=32), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('town_id', sa.Integer(), nullable=True),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('active', 'rejected', 'closed', name='topicstatus', native_enum=False, length=32), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('process_version_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_topic_created_by_id_user')),
    sa.ForeignKeyConstraint(['district_id'], ['organization.id'], name=op.f('fk_topic_district_id_organization')),
    sa.ForeignKeyConstraint(['process_version_id'], ['process_version.id'], name=op.f('fk_topic_process_version_id_process_version')),
    sa.ForeignKeyConstraint(['town_id'], ['organization.id'], name=op.f('fk_topic_town_id_organization')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topic'))
    )
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_topic_district_id'), ['district_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_stage'), ['stage'], unique=False)
        batch_op.create_index(batch_op.f('ix_topic_town_id'), ['town_id'], unique=False)

    op.create_table('task_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('task_uuid', sa.String(length=36), nullable=False),
    sa.Column('bpmn_id', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('process_id', sa.String(length=64), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('role', sa.Enum('process_admin', 'cppcc_office', 'chair', 'committee', 'handling_unit', 'supervisor', 'member', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('candidate_org_id', sa.Integer(), nullable=True),
    sa.Column('candidate_unit_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('ready', 'completed', 'cancelled', name='taskstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('signed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('completed_by_id', sa.Integer(), nullable=True),
    sa.Column('due_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_task_item_assignee_id_user')),
    sa.ForeignKeyConstraint(['candidate_org_id'], ['organization.id'], name=op.f('fk_task_item_candidate_org_id_organization')),
    sa.ForeignKeyConstraint(['candidate_unit_id'], ['unit.id'], name=op.f('fk_task_item_candidate_unit_id_unit')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['user.id'], name=op.f('fk_task_item_completed_by_id_user')),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_task_item_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_task_item')),
    sa.UniqueConstraint('task_uuid', name=op.f('uq_task_item_task_uuid'))
    )
    with op.batch_alter_table('task_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_item_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index('ix_task_item_org_open', ['candidate_org_id', 'status', 'due_at'], unique=False)
        batch_op.create_index('ix_task_item_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_task_item_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index('ix_task_item_unit_open', ['candidate_unit_id', 'status', 'due_at'], unique=False)

    op.create_table('workflow_state',
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('state_json', sa.Text(), nullable=False),
    sa.Column('serializer_version', sa.String(length=16), nullable=False),
    sa.Column('subprocess_versions', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_workflow_state_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('topic_id', name=op.f('pk_workflow_state'))
    )
    op.create_table('event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('task_item_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_event_actor_id_user')),
    sa.ForeignKeyConstraint(['task_item_id'], ['task_item.id'], name=op.f('fk_event_task_item_id_task_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_event_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event'))
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_topic_at', ['topic_id', 'at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_topic_at')

    op.drop_table('event')
    op.drop_table('workflow_state')
    with op.batch_alter_table('task_item', schema=None) as batch_op:
        batch_op.drop_index('ix_task_item_unit_open')
        batch_op.drop_index(batch_op.f('ix_task_item_topic_id'))
        batch_op.drop_index('ix_task_item_status_due')
        batch_op.drop_index('ix_task_item_org_open')
        batch_op.drop_index(batch_op.f('ix_task_item_assignee_id'))

    op.drop_table('task_item')
    with op.batch_alter_table('topic', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_topic_town_id'))
        batch_op.drop_index(batch_op.f('ix_topic_stage'))
        batch_op.drop_index(batch_op.f('ix_topic_district_id'))

    op.drop_table('topic')
    with op.batch_alter_table('role_assignment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_role_assignment_user_id'))

    op.drop_table('role_assignment')
    op.drop_table('process_binding')
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_organization_id'))

    op.drop_table('unit')
    with op.batch_alter_table('process_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_process_version_sha256'))
        batch_op.drop_index(batch_op.f('ix_process_version_definition_id'))

    op.drop_table('process_version')
    op.drop_table('user')
    op.drop_table('process_definition')
    with op.batch_alter_table('organization', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organization_parent_id'))

    op.drop_table('organization')
    op.drop_table('calendar_day')

"""deadlines, notifications and the official calendar years

Task rows gain their warning level, reminder state and deadline inputs; new tables hold
per-district clocks, extension requests, pending BPMN timers, the sweep's action keys, in-app
notifications and the outside-delivery outbox. Years that already had staff-entered days were
treated as official before ``calendar_year`` existed, so they are recorded as entered.

Revision ID: 0003_deadlines
Revises: 0002_audit
Create Date: 2026-11-25 22:51:40.222350
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0003_deadlines'
down_revision = '0002_audit'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('entered_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user.id'], name=op.f('fk_calendar_year_entered_by_id_user')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_year'))
    )
    op.create_table('clock_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('process_id', sa.String(length=64), nullable=False),
    sa.Column('bpmn_id', sa.String(length=64), nullable=False),
    sa.Column('clock', sa.String(length=16), nullable=False),
    sa.Column('warn', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('updated_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['district_id'], ['organization.id'], name=op.f('fk_clock_override_district_id_organization')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_clock_override_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_override')),
    sa.UniqueConstraint('district_id', 'process_id', 'bpmn_id', name=op.f('uq_clock_override_district_id'))
    )
    op.create_table('notify_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('channel', sa.Enum('email', 'dingtalk', 'wecom', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organization.id'], name=op.f('fk_notify_route_organization_id_organization')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_notify_route_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notify_route'))
    )
    with op.batch_alter_table('notify_route', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notify_route_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notify_route_unit_id'), ['unit_id'], unique=False)

    op.create_table('delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('route_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.Enum('email', 'dingtalk', 'wecom', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('address', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'sending', 'sent', 'failed', name='deliverystatus', native_enum=False, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('lease_owner', sa.String(length=120), nullable=False),
    sa.Column('lease_until', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['route_id'], ['notify_route.id'], name=op.f('fk_delivery_route_id_notify_route'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_delivery_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
    sa.UniqueConstraint('key', name=op.f('uq_delivery_key'))
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_topic_id'), ['topic_id'], unique=False)

    op.create_table('timer_due',
    sa.Column('task_uuid', sa.String(length=36), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('bpmn_id', sa.String(length=64), nullable=False),
    sa.Column('fires_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_timer_due_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('task_uuid', name=op.f('pk_timer_due'))
    )
    with op.batch_alter_table('timer_due', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_timer_due_fires_at'), ['fires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_timer_due_topic_id'), ['topic_id'], unique=False)

    op.create_table('deadline_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('deadline', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('task_item_id', sa.Integer(), nullable=True),
    sa.Column('done_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['task_item_id'], ['task_item.id'], name=op.f('fk_deadline_action_task_item_id_task_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_deadline_action_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deadline_action')),
    sa.UniqueConstraint('subject', 'deadline', 'action', name=op.f('uq_deadline_action_subject'))
    )
    with op.batch_alter_table('deadline_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deadline_action_topic_id'), ['topic_id'], unique=False)

    op.create_table('delivery_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['delivery_id'], ['delivery.id'], name=op.f('fk_delivery_attempt_delivery_id_delivery'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempt'))
    )
    with op.batch_alter_table('delivery_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_attempt_delivery_id'), ['delivery_id'], unique=False)

    op.create_table('extension_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_item_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_to', sa.Date(), nullable=False),
    sa.Column('due_before', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('state', sa.Enum('pending', 'approved', 'refused', name='extensionstate', native_enum=False, length=32), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('granted_to', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_extension_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_extension_request_requested_by_id_user')),
    sa.ForeignKeyConstraint(['task_item_id'], ['task_item.id'], name=op.f('fk_extension_request_task_item_id_task_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_extension_request_topic_id_topic'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_request'))
    )
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_request_task_item_id'), ['task_item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extension_request_topic_id'), ['topic_id'], unique=False)
        batch_op.create_index('uq_extension_request_pending', ['task_item_id'], unique=True, sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('task_item_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('read_at', models.base.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['task_item_id'], ['task_item.id'], name=op.f('fk_notification_task_item_id_task_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topic.id'], name=op.f('fk_notification_topic_id_topic'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_user_unread', ['user_id', 'read_at', 'id'], unique=False)

    with op.batch_alter_table('task_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock_started_at', models.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('extended_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('warn_at', models.base.UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('warning', sa.Enum('normal', 'yellow', 'red', name='warninglevel', native_enum=False, length=32), nullable=False, server_default='normal'))
        batch_op.add_column(sa.Column('chase', sa.Enum('none', 'reminded', 'escalated', name='chase', native_enum=False, length=32), nullable=False, server_default='none'))
        batch_op.create_index('ix_task_item_sweep_chase', ['status', 'chase', 'due_at'], unique=False)
        batch_op.create_index('ix_task_item_sweep_due', ['status', 'warning', 'due_at'], unique=False)
        batch_op.create_index('ix_task_item_sweep_warn', ['status', 'warning', 'warn_at'], unique=False)
    _record_years_already_entered()


def _record_years_already_entered() -> None:
    """Keep the meaning the calendar had: a year with staff-entered days counted as official."""
    bind = op.get_bind()
    days = bind.execute(sa.text("SELECT day FROM calendar_day")).scalars().all()
    years = sorted({d.year if hasattr(d, "year") else int(str(d)[:4]) for d in days})
    table = sa.table("calendar_year", sa.column("year", sa.Integer), sa.column("entered_at", models.base.UtcDateTime()),
                     sa.column("source", sa.String))
    now = datetime.now(UTC)
    if years:
        op.bulk_insert(table, [{"year": y, "entered_at": now, "source": "entered before 0003_deadlines"} for y in years])


def downgrade() -> None:
    with op.batch_alter_table('task_item', schema=None) as batch_op:
        batch_op.drop_index('ix_task_item_sweep_warn')
        batch_op.drop_index('ix_task_item_sweep_due')
        batch_op.drop_index('ix_task_item_sweep_chase')
        batch_op.drop_column('chase')
        batch_op.drop_column('warning')
        batch_op.drop_column('warn_at')
        batch_op.drop_column('extended_to')
        batch_op.drop_column('clock_started_at')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_unread')

    op.drop_table('notification')
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.drop_index('uq_extension_request_pending', sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_extension_request_topic_id'))
        batch_op.drop_index(batch_op.f('ix_extension_request_task_item_id'))

    op.drop_table('extension_request')
    with op.batch_alter_table('delivery_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_attempt_delivery_id'))

    op.drop_table('delivery_attempt')
    with op.batch_alter_table('deadline_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deadline_action_topic_id'))

    op.drop_table('deadline_action')
    with op.batch_alter_table('timer_due', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_timer_due_topic_id'))
        batch_op.drop_index(batch_op.f('ix_timer_due_fires_at'))

    op.drop_table('timer_due')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_topic_id'))
        batch_op.drop_index('ix_delivery_due')

    op.drop_table('delivery')
    with op.batch_alter_table('notify_route', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notify_route_unit_id'))
        batch_op.drop_index(batch_op.f('ix_notify_route_organization_id'))

    op.drop_table('notify_route')
    op.drop_table('clock_override')
    op.drop_table('calendar_year')

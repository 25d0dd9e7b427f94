"""open task tally for the dashboard; an index for the tasks given to one person, for inboxes

Revision ID: 0004_bench
Revises: 0002_audit
Create Date: 2026-11-25 23:06:18.755773
"""
from datetime import datetime, timezone

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0004_bench'
down_revision = '0002_audit'
branch_labels = None
depends_on = None

NO_DEADLINE = datetime(9999, 12, 31, tzinfo=timezone.utc)


def upgrade() -> None:
    tally = op.create_table('open_task_tally',
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('candidate_unit_id', sa.Integer(), nullable=False),
    sa.Column('candidate_org_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('due_at', models.base.UtcDateTime(timezone=True), nullable=False),
    sa.Column('open_count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('district_id', 'candidate_unit_id', 'candidate_org_id', 'stage', 'due_at', name=op.f('pk_open_task_tally'))
    )
    # Count the tasks that are open already.
    item = sa.table('task_item', sa.column('topic_id'), sa.column('candidate_unit_id'), sa.column('candidate_org_id'),
                    sa.column('stage'), sa.column('due_at', models.base.UtcDateTime()), sa.column('status'))
    topic = sa.table('topic', sa.column('id'), sa.column('district_id'))
    keys = [topic.c.district_id, sa.func.coalesce(item.c.candidate_unit_id, 0),
            sa.func.coalesce(item.c.candidate_org_id, 0), item.c.stage,
            sa.func.coalesce(item.c.due_at, sa.literal(NO_DEADLINE, models.base.UtcDateTime()))]
    counts = (sa.select(*keys, sa.func.count()).select_from(item.join(topic, topic.c.id == item.c.topic_id))
              .where(item.c.status == 'ready').group_by(*keys))
    op.execute(tally.insert().from_select(
        ['district_id', 'candidate_unit_id', 'candidate_org_id', 'stage', 'due_at', 'open_count'], counts))
    # Whoever completed a task is its assignee, so without the status a person's open tasks hide among thousands.
    op.create_index('ix_task_item_assignee_open', 'task_item', ['assignee_id', 'status', 'due_at'])


def downgrade() -> None:
    op.drop_index('ix_task_item_assignee_open', 'task_item')
    op.drop_table('open_task_tally')

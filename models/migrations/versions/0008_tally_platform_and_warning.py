"""the open task tally keyed by platform and warning time

The supervisors' dashboard groups a district's figures by platform (the district and each
town) and counts yellow tasks from their warning time, so both join the tally's key. The tally
is a count of task_item, so it is dropped, created with the new key and counted again.

Revision ID: 0008_tally
Revises: 0007_join
Create Date: 2026-11-29 17:40:00.000000
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import models.base

revision = '0008_tally'
down_revision = '0007_join'
branch_labels = None
depends_on = None

NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)
NEW_KEY = ('district_id', 'platform_id', 'candidate_unit_id', 'candidate_org_id', 'stage', 'due_at', 'warn_at')
OLD_KEY = ('district_id', 'candidate_unit_id', 'candidate_org_id', 'stage', 'due_at')


def upgrade() -> None:
    _recreate(NEW_KEY)


def downgrade() -> None:
    _recreate(OLD_KEY)


def _recreate(key: tuple[str, ...]) -> None:
    """Create the tally with ``key`` in place of the one there, and count the open tasks into it."""
    op.drop_table('open_task_tally')
    columns = [sa.Column(name, models.base.UtcDateTime(timezone=True) if name.endswith('_at')
                         else sa.String(length=32) if name == 'stage' else sa.Integer(), nullable=False)
               for name in key]
    tally = op.create_table('open_task_tally', *columns, sa.Column('open_count', sa.Integer(), nullable=False),
                            sa.PrimaryKeyConstraint(*key, name=op.f('pk_open_task_tally')))
    item = sa.table('task_item', sa.column('topic_id'), sa.column('candidate_unit_id'), sa.column('candidate_org_id'),
                    sa.column('stage'), sa.column('due_at', models.base.UtcDateTime()),
                    sa.column('warn_at', models.base.UtcDateTime()), sa.column('status'))
    topic = sa.table('topic', sa.column('id'), sa.column('district_id'), sa.column('town_id'))
    none = sa.literal(NO_DEADLINE, models.base.UtcDateTime())
    values = {'district_id': topic.c.district_id, 'platform_id': sa.func.coalesce(topic.c.town_id, topic.c.district_id),
              'candidate_unit_id': sa.func.coalesce(item.c.candidate_unit_id, 0),
              'candidate_org_id': sa.func.coalesce(item.c.candidate_org_id, 0), 'stage': item.c.stage,
              'due_at': sa.func.coalesce(item.c.due_at, none), 'warn_at': sa.func.coalesce(item.c.warn_at, none)}
    keys = [values[name] for name in key]
    counts = (sa.select(*keys, sa.func.count()).select_from(item.join(topic, topic.c.id == item.c.topic_id))
              .where(item.c.status == 'ready').group_by(*keys))
    op.execute(tally.insert().from_select([*key, 'open_count'], counts))

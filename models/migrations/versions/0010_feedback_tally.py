"""feedback tally: written replies, replies on time and ratings per platform

The supervisors' dashboard shows the on-time and satisfaction rates of its scope; counted per
platform as replies and ratings are given, they cost the same at any number of topics. The
replies and ratings given before are counted in.

Revision ID: 0010_feedback_tally
Revises: 0009_feedback
Create Date: 2026-11-29 18:10:00.000000
"""
import sqlalchemy as sa
from alembic import op

import models.base

revision = '0010_feedback_tally'
down_revision = '0009_feedback'
branch_labels = None
depends_on = None


def upgrade() -> None:
    tally = op.create_table('feedback_tally',
    sa.Column('district_id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=48), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('district_id', 'platform_id', 'measure', name=op.f('pk_feedback_tally'))
    )
    moment = models.base.UtcDateTime()
    item = sa.table('task_item', sa.column('id'), sa.column('topic_id'), sa.column('bpmn_id'), sa.column('status'),
                    sa.column('due_at', moment), sa.column('completed_at', moment))
    topic = sa.table('topic', sa.column('id'), sa.column('district_id'), sa.column('town_id'))
    event = sa.table('event', sa.column('task_item_id'), sa.column('kind'), sa.column('payload', sa.JSON()))
    where = (topic.c.district_id, sa.func.coalesce(topic.c.town_id, topic.c.district_id))
    tasks = item.join(topic, topic.c.id == item.c.topic_id)
    done = sa.and_(item.c.status == 'completed', item.c.bpmn_id == 'write_reply')
    on_time = sa.and_(item.c.due_at.is_not(None), item.c.completed_at.is_not(None),
                      item.c.completed_at <= item.c.due_at)
    rating = event.c.payload[('data', 'rating')].as_string()
    counts = sa.union_all(
        sa.select(*where, sa.literal('reply', sa.String), sa.func.count()).select_from(tasks).where(done)
        .group_by(*where),
        sa.select(*where, sa.literal('reply_on_time', sa.String), sa.func.count()).select_from(tasks)
        .where(done, on_time).group_by(*where),
        sa.select(*where, sa.literal('rating:', sa.String) + rating, sa.func.count())
        .select_from(tasks.join(event, sa.and_(event.c.task_item_id == item.c.id, event.c.kind == 'task_completed')))
        .where(item.c.bpmn_id == 'rate_reply', item.c.status == 'completed', rating.is_not(None))
        .group_by(*where, rating))
    op.execute(tally.insert().from_select(['district_id', 'platform_id', 'measure', 'count'], counts))


def downgrade() -> None:
    op.drop_table('feedback_tally')

"""indexes for the dashboard's feedback rates and the lists' escalation marks

The on-time and satisfaction rates read the completed write_reply and rate_reply tasks by
BPMN id and status, and each rating from its task's completion event; the lists mark a page's
escalated tasks by their events. Each of these was a scan of task_item or event.

Revision ID: 0009_feedback
Revises: 0008_tally
Create Date: 2026-11-29 18:00:00.000000
"""
from alembic import op

revision = '0009_feedback'
down_revision = '0008_tally'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_task_item_done', 'task_item', ['bpmn_id', 'status', 'completed_at'])
    op.create_index('ix_event_task_item', 'event', ['task_item_id', 'kind'])


def downgrade() -> None:
    op.drop_index('ix_event_task_item', 'event')
    op.drop_index('ix_task_item_done', 'task_item')

"""pace: drop ix_task_item_assignee_id, which ix_task_item_assignee_open already begins with

Every look-up by assignee (a person's inbox, the tasks given to someone) is served by
``ix_task_item_assignee_open`` (assignee_id, status, due_at). The single-column index only cost
pages on every write of a task row: a completion of write_reply on a cloned bench database dirtied
47 pages of SQLite's WAL with it and 45 without.

Revision ID: 0024_pace_drop_assignee_index
Revises: 0023_pace_unit_inbox
Create Date: 2026-11-30 04:40:00
"""
from alembic import op

revision = '0024_pace_drop_assignee_index'
down_revision = '0023_pace_unit_inbox'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_task_item_assignee_id', table_name='task_item')


def downgrade() -> None:
    op.create_index('ix_task_item_assignee_id', 'task_item', ['assignee_id'])

"""pace: a partial index that serves a unit's inbox in its own order

``ix_task_item_unit_inbox`` on task_item (candidate_unit_id, role, due_at, id) for the open tasks
given to no one (``status = 'ready' AND assignee_id IS NULL``): the inbox reads its first 200 rows
in index order. Measured by the bench at 300,000 topics on PostgreSQL: 181 ms without it (a bitmap
scan and a sort of the unit's ~5,000 open tasks), 5 ms with it.

Revision ID: 0023_pace_unit_inbox
Revises: 0022_join
Create Date: 2026-11-29 21:58:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0023_pace_unit_inbox'
down_revision = '0022_join'
branch_labels = None
depends_on = None

OPEN = "status = 'ready' AND assignee_id IS NULL"


def upgrade() -> None:
    op.create_index('ix_task_item_unit_inbox', 'task_item', ['candidate_unit_id', 'role', 'due_at', 'id'],
                    sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN))


def downgrade() -> None:
    op.drop_index('ix_task_item_unit_inbox', table_name='task_item')

"""join the schema branches

Deadlines, the benchmark tally, the web login and process administration each added tables
from 0002_audit at the same time; this revision makes them one line of history again.

Revision ID: 0007_join
Revises: 0003_deadlines, 0004_bench, 0005_web, 0006_admin
Create Date: 2026-11-26 00:34:04.519808
"""

revision = '0007_join'
down_revision = ('0003_deadlines', '0004_bench', '0005_web', '0006_admin')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

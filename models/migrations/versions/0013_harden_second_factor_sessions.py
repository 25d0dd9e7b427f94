"""harden: wrong second-factor codes counted apart, login sessions that can be ended server-side

A correct password used to clear the one failure counter that wrong TOTP codes also counted on,
so alternating the two never locked. A signed session cookie stayed valid after logout; every
session now carries the user's session generation, raised at logout and on a password change.

Revision ID: 0013_harden_sessions
Revises: 0012_platform
Create Date: 2026-11-29 18:30:00.000000
"""
import sqlalchemy as sa
from alembic import op

revision = '0013_harden_sessions'
down_revision = '0012_platform'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('totp_failures', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), nullable=False, server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
        batch_op.drop_column('totp_failures')

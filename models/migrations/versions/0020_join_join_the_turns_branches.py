"""join the branches of delivery hardening and the platform

Delivery's in-flight marks (0017_hardening_in_flight) and the platform's plan, suggestions and
public proposals (0017_platform_plan … 0019_participation_proposals) grew from
0016_hardening_heartbeat at the same time; this revision makes them one line of history again.

Revision ID: 0020_join
Revises: 0017_hardening_in_flight, 0019_participation_proposals
Create Date: 2026-11-29 19:25:00.000000
"""

revision = '0020_join'
down_revision = ('0017_hardening_in_flight', '0019_participation_proposals')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

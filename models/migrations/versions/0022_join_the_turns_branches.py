"""join the branches of online deliberation, the linked levels, follow-up rounds, the cached calendar and triage

Online deliberation (0021_deliberation_online), the leaders' plan reports and the linked levels
(… 0021_levels_raise_joint), democratic appraisal and follow-up rounds (… 0021_rounds), notices in the
reader's language, publicity and the settings stamps (… 0021_speed_clock_stamp) and the triage queue
(0021_triage) grew from 0020_join at the same time and touch different tables; this revision makes
them one line of history again.

Revision ID: 0022_join
Revises: 0021_deliberation_online, 0021_levels_raise_joint, 0021_rounds, 0021_speed_clock_stamp, 0021_triage
Create Date: 2026-11-29 22:15:00.000000
"""

revision = '0022_join'
down_revision = ('0021_deliberation_online', '0021_levels_raise_joint', '0021_rounds', '0021_speed_clock_stamp',
                 '0021_triage')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

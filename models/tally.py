"""Open task counts by platform, unit, stage and deadline, and feedback counts by platform: what the dashboard reads."""
from datetime import UTC, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

NO_UNIT = 0  # candidate_unit_id / candidate_org_id of a task that names none
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)  # due_at of a task without a clock


class OpenTaskTally(Base):
    """How many ready tasks share a platform, a candidate unit and organization, a stage and a deadline.

    Kept in step with task_item by workflows/supervision/tally.py in the same transaction. The
    platform is the organization whose CPPCC runs the topic (its town, else its district); the
    deadline is the due and warning times the warning level is read from. Both are starts or ends
    of working days, so a district holds a few hundred rows however many topics it has. Every key
    column is NOT NULL (NO_UNIT, NO_DEADLINE stand for none) so that upserts can match on them.
    """

    __tablename__ = "open_task_tally"

    district_id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(primary_key=True)
    candidate_unit_id: Mapped[int] = mapped_column(primary_key=True)
    candidate_org_id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(primary_key=True)
    warn_at: Mapped[datetime] = mapped_column(primary_key=True)
    open_count: Mapped[int] = mapped_column(default=0)


class FeedbackTally(Base):
    """How many written replies, replies given by their deadline and ratings of each value a platform has had.

    Kept in step by workflows/supervision/tally.py with the task rows and events that record them,
    in the same transaction. ``measure`` is ``reply``, ``reply_on_time`` or ``rating:<value>``.
    """

    __tablename__ = "feedback_tally"

    district_id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(primary_key=True)
    measure: Mapped[str] = mapped_column(String(48), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)

"""Open task counts by district, unit, stage and due time: what the overdue dashboard reads."""
from datetime import UTC, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

NO_UNIT = 0  # candidate_unit_id / candidate_org_id of a task that names none
NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)  # due_at of a task without a clock


class OpenTaskTally(Base):
    """How many ready tasks share a district, a candidate unit and organization, a stage and a due time.

    Kept in step with task_item by engine/tally.py in the same transaction. Due times are ends of
    working days, so a district holds a few hundred rows however many topics it has. Every key
    column is NOT NULL (NO_UNIT, NO_DEADLINE stand for none) so that upserts can match on them.
    """

    __tablename__ = "open_task_tally"

    district_id: Mapped[int] = mapped_column(primary_key=True)
    candidate_unit_id: Mapped[int] = mapped_column(primary_key=True)
    candidate_org_id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(32), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(primary_key=True)
    open_count: Mapped[int] = mapped_column(default=0)

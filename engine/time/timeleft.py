"""Time left on a task, in working days, and its warning level (normal / yellow / red).

The one place the web pages ask "how urgent is this task?". The level is the deadline
service's own rule (engine/clocks.py ``level_at``: red once ``due_at`` has passed, yellow from
``warn_at``), applied at the moment asked, so a page never shows a level staler than the last
sweep; the working days left come from the same calendar the deadlines were computed with.
"""
from dataclasses import dataclass
from datetime import datetime

from engine.time.calendar import SHANGHAI, WorkCalendar
from engine.time.clocks import level_at
from models import TaskItem

LEVELS = ("normal", "yellow", "red")
LEVEL_LABELS = {"normal": "正常", "yellow": "黄牌预警", "red": "红牌超期", "none": "无时限"}


@dataclass(frozen=True)
class TimeLeft:
    """How long a task has: working days until its due day (negative when overdue) and the level."""

    days: int | None
    level: str  # normal | yellow | red | none

    @property
    def label(self) -> str:
        """Return the Chinese name of the level."""
        return LEVEL_LABELS[self.level]


def working_days_left(calendar: WorkCalendar, due_at: datetime, now: datetime) -> int:
    """Count the working days from today up to the due day (0 on the due day, negative after)."""
    return calendar.working_days_between(now.astimezone(SHANGHAI).date(), due_at.astimezone(SHANGHAI).date())


def warning_level(item: TaskItem, now: datetime, calendar: WorkCalendar) -> TimeLeft:
    """Return the time left and warning level of an open task."""
    if item.due_at is None:
        return TimeLeft(None, "none")
    return TimeLeft(working_days_left(calendar, item.due_at, now), level_at(item, now).value)

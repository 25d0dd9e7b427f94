"""Time left on a task, in working days, and its warning level (green / yellow / red).

The one place the web pages ask "how urgent is this task?". The level is computed from
``TaskItem.due_at`` and the ``warn`` clock the diagram gave the task (kept in its context):
red once the deadline has passed, yellow within the warning window, green before it. When
the deadline service stores its own levels, ``warning_level`` is the function to switch.
"""
from dataclasses import dataclass
from datetime import datetime

from models import TaskItem

from .calendar import SHANGHAI, WorkCalendar, parse_clock

LEVELS = ("green", "yellow", "red")
LEVEL_LABELS = {"green": "正常", "yellow": "黄牌预警", "red": "红牌超期", "none": "无时限"}


@dataclass(frozen=True)
class TimeLeft:
    """How long a task has: working days until its due day (negative when overdue) and the level."""

    days: int | None
    level: str  # green | yellow | red | none

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
    days = working_days_left(calendar, item.due_at, now)
    if now > item.due_at:
        return TimeLeft(days, "red")
    warn = item.context.get("warn")
    window = parse_clock(warn).amount if isinstance(warn, str) and warn.endswith("wd") else 0
    return TimeLeft(days, "yellow" if days <= window else "green")

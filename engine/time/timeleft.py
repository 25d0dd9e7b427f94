"""Time left on a task, in working days, and its warning level (normal / yellow / red / none).

The one home of the warning rule: no deadline is ``none``, red once ``due_at`` has passed,
yellow from ``warn_at`` until then, normal before. ``level`` applies it to one row, the SQL
functions beside it apply it in a query: the lists filter on ``level_is``, the dashboard counts
with ``is_yellow``/``is_red``, the sweep stores ``stored_level`` and takes its rows with the same
conditions. The working days left come from the calendar the deadlines were computed with.
"""
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, false, or_

from engine.time.calendar import SHANGHAI, WorkCalendar
from models import TaskItem, WarningLevel

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


def level(due_at: datetime | None, warn_at: datetime | None, now: datetime) -> str:
    """Return the warning level of a deadline at ``now``."""
    if due_at is None:
        return "none"
    if now > due_at:
        return "red"
    if warn_at is not None and now >= warn_at:
        return "yellow"
    return "normal"


def stored_level(due_at: datetime | None, warn_at: datetime | None, now: datetime) -> WarningLevel:
    """Return the level a task row stores at ``now`` (a task without a deadline stays normal)."""
    found = level(due_at, warn_at, now)
    return WarningLevel.NORMAL if found == "none" else WarningLevel(found)


def is_red(due_at: Any, now: datetime) -> ColumnElement[bool]:
    """Return the SQL condition of ``level`` being red (index-friendly: a plain range on ``due_at``)."""
    return due_at < now


def is_yellow(due_at: Any, warn_at: Any, now: datetime) -> ColumnElement[bool]:
    """Return the SQL condition of ``level`` being yellow."""
    return and_(warn_at <= now, due_at >= now)


def level_is(name: str, due_at: Any, warn_at: Any, now: datetime) -> ColumnElement[bool]:
    """Return the SQL condition of ``level`` being ``name`` (an unknown name matches nothing)."""
    conditions = {
        "none": due_at.is_(None),
        "red": is_red(due_at, now),
        "yellow": is_yellow(due_at, warn_at, now),
        "normal": and_(due_at >= now, or_(warn_at.is_(None), warn_at > now)),
    }
    return conditions.get(name, false())


def level_case(due_at: Any, warn_at: Any, now: datetime) -> ColumnElement[str]:
    """Return ``level`` as a SQL CASE over two deadline columns."""
    return case((due_at.is_(None), "none"), (is_red(due_at, now), "red"), (is_yellow(due_at, warn_at, now), "yellow"),
                else_="normal")


def working_days_left(calendar: WorkCalendar, due_at: datetime, now: datetime) -> int:
    """Count the working days from today up to the due day (0 on the due day, negative after)."""
    return calendar.working_days_between(now.astimezone(SHANGHAI).date(), due_at.astimezone(SHANGHAI).date())


def warning_level(item: TaskItem, now: datetime, calendar: WorkCalendar) -> TimeLeft:
    """Return the time left and warning level of an open task."""
    if item.due_at is None:
        return TimeLeft(None, "none")
    return TimeLeft(working_days_left(calendar, item.due_at, now), level(item.due_at, item.warn_at, now))

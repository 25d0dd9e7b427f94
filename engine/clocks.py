"""Task clocks: which allowance a user task has, when its deadline and warning window fall.

The projection calls it when a task row is created, the extension service when a deadline
moves, the calendar service when a year's schedule changes, and the API to show the process
administrator every clock. A clock comes from the task's ``clock``/``warn`` properties in the
diagram (docs/processes.md) unless the topic's district has a ClockOverride row for that task:
data, not code.
"""
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ClockOverride, TaskItem, WarningLevel

from .calendar import SHANGHAI, Clock, Due, WorkCalendar, parse_clock


@dataclass(frozen=True)
class TaskClock:
    """The allowance of one task: its clock, its warning window, and where they were set."""

    clock: Clock
    warn: Clock
    source: str  # "diagram" or "district"


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the due day (and whether it is provisional) and the first warning day."""

    due: Due
    warn_on: date

    def warn_at(self) -> datetime:
        """Return the start of the first warning day in Shanghai, as an aware datetime."""
        return datetime.combine(self.warn_on, time(0), tzinfo=SHANGHAI)


def diagram_clock(props: dict[str, Any]) -> TaskClock | None:
    """Return the clock a task's diagram properties declare, if any."""
    if not props.get("clock"):
        return None
    return TaskClock(parse_clock(props["clock"]), parse_clock(props.get("warn") or "1wd"), "diagram")


def task_clock(session: Session, district_id: int, process_id: str, bpmn_id: str,
               props: dict[str, Any]) -> TaskClock | None:
    """Return the district's override of a task's clock, else the diagram's."""
    override = session.scalar(select(ClockOverride).where(
        ClockOverride.district_id == district_id, ClockOverride.process_id == process_id,
        ClockOverride.bpmn_id == bpmn_id))
    if override is not None:
        return TaskClock(parse_clock(override.clock), parse_clock(override.warn), "district")
    return diagram_clock(props)


def local_day(moment: datetime) -> date:
    """Return the Shanghai calendar day of an aware datetime."""
    return moment.astimezone(SHANGHAI).date()


def warning_start(calendar: WorkCalendar, due: date, warn: Clock) -> date:
    """Return the first day of the warning window before the due day."""
    if warn.unit == "wd":
        return calendar.working_day_before(due, warn.amount)
    year, month_index = divmod(due.year * 12 + due.month - 1 - warn.amount, 12)
    return date(year, month_index + 1, min(due.day, monthrange(year, month_index + 1)[1]))


def deadline_from(calendar: WorkCalendar, clock: TaskClock, start: datetime) -> Deadline:
    """Return the deadline of a clock started at ``start``."""
    due = clock.clock.due_from(calendar, local_day(start))
    return Deadline(due, warning_start(calendar, due.date, clock.warn))


def deadline_on(calendar: WorkCalendar, day: date, warn: Clock) -> Deadline:
    """Return the deadline of a granted date (rolled to a working day), as for an extension."""
    due = calendar.on_or_after(day)
    return Deadline(due, warning_start(calendar, due.date, warn))


def level_at(item: TaskItem, now: datetime) -> WarningLevel:
    """Return the warning level a task's deadline gives at ``now``."""
    if item.due_at is None:
        return WarningLevel.NORMAL
    if now > item.due_at:
        return WarningLevel.RED
    if item.warn_at is not None and now >= item.warn_at:
        return WarningLevel.YELLOW
    return WarningLevel.NORMAL


def apply(item: TaskItem, deadline: Deadline, now: datetime) -> None:
    """Set a task row's deadline columns and its warning level at ``now``."""
    item.due_at = deadline.due.end_at()
    item.due_provisional = deadline.due.provisional
    item.warn_at = deadline.warn_at()
    item.warning = level_at(item, now)


def recompute(calendar: WorkCalendar, item: TaskItem) -> Deadline | None:
    """Recompute an open task's deadline from its stored clock, start and any extension."""
    warn = parse_clock(item.context.get("warn") or "1wd")
    if item.extended_to is not None:
        return deadline_on(calendar, item.extended_to, warn)
    if not item.context.get("clock") or item.clock_started_at is None:
        return None
    clock = TaskClock(parse_clock(item.context["clock"]), warn, item.context.get("clock_source", "diagram"))
    return deadline_from(calendar, clock, item.clock_started_at)

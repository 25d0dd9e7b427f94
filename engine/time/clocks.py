"""Task clocks: which allowance a user task has, when its deadline and warning window fall.

The projection calls it when a task row is created, the extension service when a deadline
moves, the calendar service when a year's schedule changes, and the API to show the process
administrator every clock. A clock comes from the task's ``clock``/``warn`` properties in the
diagram (docs/processes.md) unless the topic's district has a ClockOverride row for that task:
data, not code.
"""
from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput, NotFound
from engine.store import versions as processes
from engine.time import calendar_days
from engine.time.calendar import SHANGHAI, Allowance, Due, WorkCalendar, parse_allowance
from engine.time.timeleft import stored_level
from models import (
    ClockOverride,
    Organization,
    ProcessBinding,
    ProcessDefinition,
    ProcessVersion,
    Role,
    TaskItem,
    User,
    utcnow,
)


@dataclass(frozen=True)
class TaskClock:
    """The allowance of one task: its clock, its warning window, and where they were set."""

    clock: Allowance
    warn: Allowance
    source: str  # "diagram" or "district"


@dataclass(frozen=True)
class Deadline:
    """A computed deadline: the due day (and whether it is provisional) and the first warning day."""

    due: Due
    warn_on: date

    def warn_at(self) -> datetime:
        """Return the start of the first warning day in Shanghai, as an aware UTC datetime (as the row reads back)."""
        return datetime.combine(self.warn_on, time(0), tzinfo=SHANGHAI).astimezone(UTC)


def diagram_clock(props: dict[str, Any]) -> TaskClock | None:
    """Return the clock a task's diagram properties declare, if any."""
    if not props.get("clock"):
        return None
    return TaskClock(parse_allowance(props["clock"]), parse_allowance(props.get("warn") or "1wd"), "diagram")


def task_clock(session: Session, district_id: int, process_id: str, bpmn_id: str,
               props: dict[str, Any]) -> TaskClock | None:
    """Return the district's override of a task's clock, else the diagram's."""
    override = calendar_days.clock_override(session, district_id, process_id, bpmn_id)
    if override is not None:
        return TaskClock(parse_allowance(override[0]), parse_allowance(override[1]), "district")
    return diagram_clock(props)


def local_day(moment: datetime) -> date:
    """Return the Shanghai calendar day of an aware datetime."""
    return moment.astimezone(SHANGHAI).date()


def warning_start(calendar: WorkCalendar, due: date, warn: Allowance) -> date:
    """Return the first day of the warning window before the due day."""
    if warn.unit == "wd":
        return calendar.working_day_before(due, warn.amount)
    year, month_index = divmod(due.year * 12 + due.month - 1 - warn.amount, 12)
    return date(year, month_index + 1, min(due.day, monthrange(year, month_index + 1)[1]))


def deadline_from(calendar: WorkCalendar, clock: TaskClock, start: datetime) -> Deadline:
    """Return the deadline of a clock started at ``start``."""
    due = clock.clock.due_from(calendar, local_day(start))
    return Deadline(due, warning_start(calendar, due.date, clock.warn))


def deadline_on(calendar: WorkCalendar, day: date, warn: Allowance) -> Deadline:
    """Return the deadline of a granted date (rolled to a working day), as for an extension."""
    due = calendar.on_or_after(day)
    return Deadline(due, warning_start(calendar, due.date, warn))


def apply(item: TaskItem, deadline: Deadline, now: datetime) -> None:
    """Set a task row's deadline columns and its warning level at ``now``."""
    item.due_at = deadline.due.end_at()
    item.due_provisional = deadline.due.provisional
    item.warn_at = deadline.warn_at()
    item.warning = stored_level(item.due_at, item.warn_at, now)


def recompute(calendar: WorkCalendar, item: TaskItem) -> Deadline | None:
    """Recompute an open task's deadline from its stored clock, start and any extension."""
    warn = parse_allowance(item.context.get("warn") or "1wd")
    if item.extended_to is not None:
        return deadline_on(calendar, item.extended_to, warn)
    if not item.context.get("clock") or item.clock_started_at is None:
        return None
    clock = TaskClock(parse_allowance(item.context["clock"]), warn, item.context.get("clock_source", "diagram"))
    return deadline_from(calendar, clock, item.clock_started_at)


@dataclass(frozen=True)
class ClockRow:
    """One user task's clock as the process administrator sees it."""

    process_id: str
    bpmn_id: str
    name: str
    diagram_clock: str
    diagram_warn: str
    clock_start: str
    override: ClockOverride | None

    @property
    def effective(self) -> tuple[str, str]:
        """Return the clock and warning window in force."""
        return (self.override.clock, self.override.warn) if self.override else (self.diagram_clock, self.diagram_warn)


def clock_table(session: Session, district: Organization | None = None) -> list[ClockRow]:
    """List every user task's clock in the versions bound for ``district`` (or the defaults)."""
    overrides = {} if district is None else {
        (o.process_id, o.bpmn_id): o for o in session.scalars(select(ClockOverride).where(
            ClockOverride.district_id == district.id))}
    rows = []
    for definition in session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.process_id)):
        version = _version_for(session, definition.process_id, district)
        if version is None:
            continue
        for spec in processes.diagram_of(version).spec.task_specs.values():
            props = spec.extensions.get("properties", {}) if getattr(spec, "manual", False) else {}
            if props.get("clock"):
                rows.append(ClockRow(definition.process_id, spec.bpmn_id, spec.bpmn_name or spec.bpmn_id,
                                     props["clock"], props.get("warn", ""), props.get("clock_start", "ready"),
                                     overrides.get((definition.process_id, spec.bpmn_id))))
    return rows


def set_override(session: Session, actor: User, district: Organization, process_id: str, bpmn_id: str,
                 clock: Any, warn: Any, note: str = "") -> ClockOverride:
    """Give one district its own clock for one task (the caller commits); new tasks use it."""
    _require_admin(actor)
    if not any(r.process_id == process_id and r.bpmn_id == bpmn_id for r in clock_table(session, district)):
        raise NotFound(f"no user task {bpmn_id!r} with a clock in process {process_id!r} for {district.code}")
    errors = {}
    for name, value in (("clock", clock), ("warn", warn)):
        try:
            parse_allowance(value)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise InvalidInput("the clock is not valid", errors)
    row = session.scalar(select(ClockOverride).where(ClockOverride.district_id == district.id,
                                                     ClockOverride.process_id == process_id,
                                                     ClockOverride.bpmn_id == bpmn_id))
    if row is None:
        row = ClockOverride(district_id=district.id, process_id=process_id, bpmn_id=bpmn_id)
        session.add(row)
    row.clock, row.warn, row.note = str(parse_allowance(clock)), str(parse_allowance(warn)), str(note or "")[:200]
    row.updated_at, row.updated_by_id = utcnow(), actor.id
    session.flush()
    return row


def remove_override(session: Session, actor: User, district: Organization, process_id: str, bpmn_id: str) -> None:
    """Return one district's task to the diagram's clock (the caller commits)."""
    _require_admin(actor)
    row = session.scalar(select(ClockOverride).where(ClockOverride.district_id == district.id,
                                                     ClockOverride.process_id == process_id,
                                                     ClockOverride.bpmn_id == bpmn_id))
    if row is None:
        raise NotFound(f"{district.code} has no clock of its own for {process_id}/{bpmn_id}")
    session.delete(row)


def _version_for(session: Session, process_id: str, district: Organization | None) -> ProcessVersion | None:
    try:
        if district is not None:
            return processes.bound_version(session, process_id, district)
        default = session.scalar(select(ProcessBinding).where(ProcessBinding.process_id == process_id,
                                                              ProcessBinding.district_id.is_(None)))
        return default.version if default else None
    except NotFound:
        return None


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.PROCESS_ADMIN):
        raise Forbidden("only a process administrator may change task clocks")

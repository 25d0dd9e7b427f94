"""Task lists as people read them: each open task with its time left, filtered and paged.

Used by the inbox (a user's own tasks), the supervision lists (every task in a scope) and, for
filters and paging only, the topic list.
Warning levels come from engine.timeleft; filtering happens after they are computed, since
a level depends on the working-day calendar, not only on a column.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.time.calendar import WorkCalendar
from engine.time.timeleft import TimeLeft, warning_level
from models import Chase, Event, TaskItem, Topic, User

PAGE_SIZE = 20
T = TypeVar("T")
SCOPES = ("all", "mine", "unclaimed")


@dataclass(frozen=True)
class Row:
    """One open task as a list shows it."""

    item: TaskItem
    left: TimeLeft
    escalated: bool = False

    @property
    def waiting_for(self) -> str:
        """Return the key of the unit or organization the task waits for."""
        return f"u{self.item.candidate_unit_id}" if self.item.candidate_unit_id else f"o{self.item.candidate_org_id}"

    @property
    def waiting_label(self) -> str:
        """Return the name of the unit or organization the task waits for."""
        item = self.item
        if item.candidate_unit is not None:
            return item.candidate_unit.name
        return item.candidate_org.name if item.candidate_org is not None else "—"


@dataclass
class Filters:
    """What a list is narrowed to; empty strings mean no narrowing."""

    scope: str = "all"
    stage: str = ""
    district: str = ""
    warning: str = ""
    waiting: str = ""
    unit: str = ""
    platform: str = ""
    status: str = ""  # topic lists: active | closed | rejected
    page: int = 1
    extra: dict[str, str] = field(default_factory=dict)


def rows_for(session: Session, items: Iterable[TaskItem], now: datetime, calendar: WorkCalendar) -> list[Row]:
    """Attach the time left and the escalation mark (by a supervisor or by the sweep) to each task."""
    items = list(items)
    escalated = set(session.scalars(select(Event.task_item_id).where(
        Event.kind == "escalated", Event.task_item_id.in_([i.id for i in items])))) if items else set()
    return [Row(i, warning_level(i, now, calendar), i.id in escalated or i.chase is Chase.ESCALATED) for i in items]


def narrow(rows: list[Row], filters: Filters, user: User | None = None) -> list[Row]:
    """Keep the rows matching every filter, least time left first."""
    def keep(row: Row) -> bool:
        item = row.item
        if filters.scope == "mine" and (user is None or item.assignee_id != user.id):
            return False
        if filters.scope == "unclaimed" and item.assignee_id is not None:
            return False
        return all((
            not filters.stage or item.stage == filters.stage,
            not filters.district or item.topic.district.code == filters.district,
            not filters.warning or row.left.level == filters.warning,
            not filters.waiting or row.waiting_for == filters.waiting,
            not filters.unit or (item.candidate_unit is not None and item.candidate_unit.code == filters.unit),
            not filters.platform or item.topic.platform.code == filters.platform,
        ))

    kept = [r for r in rows if keep(r)]
    return sorted(kept, key=_urgency)


def _urgency(row: Row) -> tuple[bool, float, int]:
    """Sort key: tasks with a deadline first, the nearest deadline first."""
    due = row.item.due_at
    return due is None, due.timestamp() if due else 0.0, row.item.id


def narrow_topics(topics: list[Topic], filters: Filters) -> list[Topic]:
    """Keep the topics matching the stage, district and status filters (order kept)."""
    return [t for t in topics if (not filters.stage or t.stage == filters.stage)
            and (not filters.district or t.district.code == filters.district)
            and (not filters.status or t.status.value == filters.status)]


def page(rows: list[T], number: int) -> tuple[list[T], int]:
    """Return one page of rows and the number of pages."""
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    number = min(max(1, number), pages)
    return rows[(number - 1) * PAGE_SIZE: number * PAGE_SIZE], pages


def waiting_choices(rows: list[Row]) -> list[tuple[str, str]]:
    """Return the units and organizations the rows wait for, as (key, name), by name."""
    return sorted({(r.waiting_for, r.waiting_label) for r in rows}, key=lambda c: c[1])

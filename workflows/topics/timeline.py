"""The deadline a task had when something happened to it, kept on the event about it.

Installed by workflows.wiring.session_factory with the tally; the case page and the case file
(案卷) read ``task_due_at`` from each event's payload, so a line of the timeline shows the
deadline as it was at that moment, not as a later extension or recomputation left it.
"""
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from models import Event, TaskItem

DUE_KEY = "task_due_at"


def install() -> None:
    """Stamp every new event about a task with the task's deadline (again changes nothing)."""
    if not event.contains(Session, "before_flush", _stamp_deadlines):
        event.listen(Session, "before_flush", _stamp_deadlines)


def _stamp_deadlines(session: Session, _context: Any, _instances: Any) -> None:
    for new in session.new:
        if isinstance(new, Event) and new.task_item_id is not None and DUE_KEY not in (new.payload or {}):
            item = session.get(TaskItem, new.task_item_id)
            if item is not None and item.due_at is not None:
                new.payload = {**(new.payload or {}), DUE_KEY: item.due_at.isoformat()}


def due_then(payload: dict[str, Any] | None) -> datetime | None:
    """Return the deadline stamped on an event's payload (None for events older than the stamp)."""
    stamped = (payload or {}).get(DUE_KEY)
    if not stamped:
        return None
    due = datetime.fromisoformat(stamped)
    return due if due.tzinfo else due.replace(tzinfo=UTC)

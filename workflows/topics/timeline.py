"""The deadline a task had when something happened to it, kept on the event about it.

Installed by workflows.wiring.session_factory with the tally; the case page and the case file
(案卷) read ``task_due_at`` from each event's payload, so a line of the timeline shows the
deadline as it was at that moment, not as a later extension or recomputation left it.
"""
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, event, insert
from sqlalchemy.orm import Session

from models import Event, TaskItem
from workflows.supervision import tally

DUE_KEY = "task_due_at"


# Built once: a statement made anew on every completion cost more than running it.
_ADD = insert(Event).values(topic_id=bindparam("topic_id"), task_item_id=bindparam("task_item_id"),
                            actor_id=bindparam("actor_id"), kind=bindparam("kind"), at=bindparam("at"),
                            payload=bindparam("payload"))


def record(session: Session, item: TaskItem, kind: str, actor_id: int | None, at: datetime,
           payload: Mapping[str, Any]) -> None:
    """Write an event about a task as one statement, stamped with the task's deadline and counted in the tallies.

    The completion's path writes its rows this way, outside the unit of work; an Event added to the
    session gets the same stamp from the listener below, and the same count from the tally's.
    """
    stamped = with_deadline(payload, item)
    session.connection().execute(_ADD, {"topic_id": item.topic_id, "task_item_id": item.id, "actor_id": actor_id,
                                        "kind": kind, "at": at, "payload": stamped})
    tally.count_event(session, item.topic, kind, stamped)


def install() -> None:
    """Stamp every new event about a task with the task's deadline (again changes nothing)."""
    if not event.contains(Session, "before_flush", _stamp_deadlines):
        event.listen(Session, "before_flush", _stamp_deadlines)


def _stamp_deadlines(session: Session, _context: Any, _instances: Any) -> None:
    for new in session.new:
        if isinstance(new, Event) and new.task_item_id is not None and DUE_KEY not in (new.payload or {}):
            item = session.get(TaskItem, new.task_item_id)  # looked up only for an event not stamped yet
            if item is not None:
                new.payload = with_deadline(new.payload or {}, item)


def with_deadline(payload: Mapping[str, Any], item: TaskItem) -> dict[str, Any]:
    """Return the payload with the task's deadline of this moment, unless it has one or the task has none."""
    if item.due_at is None or DUE_KEY in payload:
        return dict(payload)
    return {**payload, DUE_KEY: item.due_at.isoformat()}


def due_then(payload: dict[str, Any] | None) -> datetime | None:
    """Return the deadline stamped on an event's payload (None for events older than the stamp)."""
    stamped = (payload or {}).get(DUE_KEY)
    if not stamped:
        return None
    due = datetime.fromisoformat(stamped)
    return due if due.tzinfo else due.replace(tzinfo=UTC)

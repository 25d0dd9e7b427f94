"""Claiming and releasing a unit's task: who of the unit works on it (认领 / 退回待认领).

Called by the inbox and task pages; each call is one transaction and leaves an event.
"""
from datetime import datetime

from sqlalchemy.orm import Session

from models import Event, TaskItem, TaskStatus, User, utcnow
from models.database import writing

from .access import require_task
from .errors import Conflict


def claim(session: Session, user: User, task_item_id: int, now: datetime | None = None) -> TaskItem:
    """Make the user the one working on an open task nobody else has claimed."""
    now = now or utcnow()
    with writing(session):
        item = _open_task(session, user, task_item_id)
        if item.assignee_id not in (None, user.id):
            raise Conflict(f"task {item.id} is already claimed by {item.assignee.display_name if item.assignee else '?'}")
        if item.assignee_id is None:
            item.assignee = user
            session.add(Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=user.id, kind="task_claimed", at=now))
    return item


def release(session: Session, user: User, task_item_id: int, now: datetime | None = None) -> TaskItem:
    """Give a claimed task back to the unit's shared list."""
    now = now or utcnow()
    with writing(session):
        item = _open_task(session, user, task_item_id)
        if item.assignee_id != user.id:
            raise Conflict(f"task {item.id} is not claimed by you")
        item.assignee = None
        session.add(Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=user.id, kind="task_released", at=now))
    return item


def _open_task(session: Session, user: User, task_item_id: int) -> TaskItem:
    item = require_task(session, user, task_item_id)
    if item.status is not TaskStatus.READY:
        raise Conflict(f"task {item.id} is already {item.status.value}")
    return item

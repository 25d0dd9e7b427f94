"""Claiming, releasing and transferring a unit's task: who of the unit works on it (认领 / 转办).

Called by the inbox and task pages inside their write transaction; each call leaves an event.
"""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidInput
from models import Event, RoleAssignment, TaskItem, TaskStatus, User, utcnow
from models.database import require_writing
from workflows.people.access import may_act, require_task


def claim(session: Session, user: User, task_item_id: int, now: datetime | None = None) -> TaskItem:
    """Make the user the one working on an open task nobody else has claimed."""
    require_writing(session)
    now = now or utcnow()
    item = _open_task(session, user, task_item_id)
    if item.assignee_id not in (None, user.id):
        holder = item.assignee.display_name if item.assignee else "?"
        raise Conflict(f"task {item.id} is already claimed by {holder}")
    if item.assignee_id is None:
        item.assignee = user
        session.add(Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=user.id, kind="task_claimed",
                          at=now))
    return item


def release(session: Session, user: User, task_item_id: int, now: datetime | None = None) -> TaskItem:
    """Give a claimed task back to the unit's shared list."""
    require_writing(session)
    now = now or utcnow()
    item = _open_task(session, user, task_item_id)
    if item.assignee_id != user.id:
        raise Conflict(f"task {item.id} is not claimed by you")
    item.assignee = None
    session.add(Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=user.id, kind="task_released", at=now))
    return item


def colleagues(session: Session, item: TaskItem, exclude: User | None = None) -> list[User]:
    """Return the other active users who may act on the task (same role, same unit or organization)."""
    users = session.scalars(select(User).join(RoleAssignment).where(
        RoleAssignment.role == item.role, User.active.is_(True)).distinct().order_by(User.display_name))
    return [u for u in users if may_act(u, item) and (exclude is None or u.id != exclude.id)]


def transfer(session: Session, user: User, task_item_id: int, to_user_id: int, now: datetime | None = None) -> TaskItem:
    """Hand an open task to a colleague of the same unit (转办), who then holds it as claimed."""
    require_writing(session)
    now = now or utcnow()
    item = _open_task(session, user, task_item_id)
    if item.assignee_id not in (None, user.id):
        raise Conflict(f"task {item.id} is claimed by someone else")
    target = session.get(User, to_user_id)
    if target is None or target.id == user.id or not target.active or not may_act(target, item):
        raise InvalidInput("cannot transfer there",
                           {"to": "只能转给本单位可办理该任务的同事 (only to a colleague who may act)"})
    item.assignee = target
    session.add(Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=user.id, kind="task_transferred",
                      at=now, payload={"to": target.username}))
    return item


def _open_task(session: Session, user: User, task_item_id: int) -> TaskItem:
    item = require_task(session, user, task_item_id)
    if item.status is not TaskStatus.READY:
        raise Conflict(f"task {item.id} is already {item.status.value}")
    return item

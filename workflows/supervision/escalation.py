"""Supervision (督查督办): a supervisor's scope, the replies and ratings behind the rates, escalation.

The city guidance group sees every district and its figures are grouped by district; a
district's supervisors see their own district, grouped by platform (the district and each
town). Called by the supervision pages and by the dashboard (dashboard.py); escalation leaves,
in the caller's transaction, an event that the case timeline shows, in-app notices to the unit,
and an audit entry.
"""
from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Conflict, Forbidden, InvalidInput
from models import Chase, Event, OrgKind, Role, TaskItem, TaskStatus, Topic, TopicCoPlatform, User, utcnow
from models.database import require_writing
from workflows.i18n import N_
from workflows.notifications.notify import Message, Recipients, notify
from workflows.people import audit
from workflows.people.access import require
from workflows.topics.inbox import descendants

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.CHAIR, Role.CPPCC_OFFICE)


def scope(session: Session, user: User) -> set[int]:
    """Return the organizations the user supervises (with everything below them)."""
    return descendants(session, {a.organization_id for a in user.roles
                                 if a.role in SUPERVISING_ROLES and a.organization_id is not None})


def grouping(session: Session, user: User) -> str:
    """Return how the user's figures are grouped: by district for the city, else by platform."""
    return "district" if any(a.organization is not None and a.organization.kind is OrgKind.CITY
                             and a.role in SUPERVISING_ROLES for a in user.roles) else "platform"


def in_scope(orgs: Collection[int]) -> ColumnElement[bool]:
    """Return the condition of a topic run by a platform among the organizations ``orgs``."""
    return or_(Topic.town_id.in_(orgs), Topic.town_id.is_(None) & Topic.district_id.in_(orgs))


def in_supervision(orgs: Collection[int]) -> ColumnElement[bool]:
    """Return the condition of a topic the organizations ``orgs`` supervise: run by them or co-organized by them.

    The one rule behind both the supervisors' task list and escalation (督办), so every listed task can be escalated.
    """
    joint = select(TopicCoPlatform.topic_id).where(TopicCoPlatform.organization_id.in_(orgs))
    return in_scope(orgs) | Topic.id.in_(joint)


def open_task_conditions(session: Session, user: User) -> list[ColumnElement[bool]]:
    """Return the conditions of an open task of a topic in the user's supervision (task_item joined with topic).

    A joint topic's tasks are listed for its co-organizing platforms too; the dashboard's counts stay per platform.
    """
    return [TaskItem.status == TaskStatus.READY, in_supervision(scope(session, user))]


def reply_conditions(orgs: Collection[int]) -> list[ColumnElement[bool]]:
    """Return the conditions of a completed written reply of a topic in the organizations ``orgs``."""
    return [TaskItem.bpmn_id == "write_reply", TaskItem.status == TaskStatus.COMPLETED, in_scope(orgs)]


def rated(orgs: Collection[int], *columns: Any) -> Select[Any]:
    """Return the query of ``columns`` over the ratings given in the organizations ``orgs``.

    Read from the completed rating tasks (index on bpmn_id and status) to their completion events
    (index on task_item_id), not by reading every event's payload.
    """
    return (select(*columns).select_from(TaskItem)
            .join(Event, and_(Event.task_item_id == TaskItem.id, Event.kind == "task_completed"))
            .join(Topic, Topic.id == TaskItem.topic_id)
            .where(TaskItem.bpmn_id == "rate_reply", TaskItem.status == TaskStatus.COMPLETED, in_scope(orgs)))


def replies(session: Session, user: User) -> list[TaskItem]:
    """Return the completed written replies of the topics in the user's scope, newest first."""
    return list(session.scalars(select(TaskItem).join(Topic).where(*reply_conditions(scope(session, user)))
                                .options(joinedload(TaskItem.topic), joinedload(TaskItem.candidate_unit))
                                .order_by(TaskItem.completed_at.desc())))


def ratings(session: Session, user: User) -> list[tuple[Event, str]]:
    """Return every satisfaction rating given in the user's scope, with its value."""
    events = session.scalars(rated(scope(session, user), Event).order_by(Event.at))
    return [(e, str(e.payload["data"].get("rating"))) for e in events if isinstance(e.payload.get("data"), dict)]


def escalate(session: Session, user: User, task_item_id: int, reason: str, now: datetime | None = None,
             address: str = "") -> Event:
    """Escalate an open task (督办): note it on the topic's timeline and in the audit log."""
    require_writing(session)
    now = now or utcnow()
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("a reason is required",
                           {"reason": "请填写督办意见，最多 500 字 (a reason of at most 500 characters)"})
    if not user.has_role(Role.SUPERVISOR):
        raise Forbidden("only supervisors escalate")
    supervised = select(TaskItem).join(Topic).where(TaskItem.id == bindparam("id"),
                                                    in_supervision(scope(session, user)))
    item = require(session, TaskItem, task_item_id, "task", because="in your scope", query=supervised)
    if item.status is not TaskStatus.READY:
        raise Conflict(f"task {item.id} is already {item.status.value}")
    event = Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=user.id, kind="escalated", at=now,
                  payload={"reason": reason, "due_at": item.due_at.isoformat() if item.due_at else None})
    session.add(event)
    # The sweep's own escalation then knows this deadline is already escalated.
    item.chase = Chase.ESCALATED
    recipients = Recipients(session)
    message = Message("escalation", N_("【督办】%(task)s：%(topic)s"), N_("督办意见：%(reason)s\n督办人：%(by)s"),
                      item.topic_id, item.id, {"task": item.name, "topic": item.topic.title, "reason": reason,
                                               "by": user.display_name}, body_worded=True)
    notify(session, message,
           recipients.leaders(item) + recipients.task_actors(item), [], f"escalated:{item.id}:{now.isoformat()}",
           now)
    audit.record(session, "escalate", user, target=f"task_item:{item.id}", address=address, now=now)
    return event

"""What a process administrator may do to a running topic: suspend, resume, terminate, reassign, retry, skip.

Called by the API, the CLI and the admin pages inside their write transaction. Each operation
writes the topic, its workflow state and task rows as needed, an event in the topic's history
and an entry in the audit log (with the address the request came from); a topic someone else
changed meanwhile is a Conflict.
"""
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine import Instance
from engine.errors import Conflict, InvalidInput
from models import Event, Role, TaskItem, TaskStatus, Topic, TopicStatus, User, utcnow
from models.database import require_writing
from workflows.administration.reassign import reassign_task
from workflows.people import audit
from workflows.people.access import require, require_role
from workflows.topics import lifecycle as topics

MAX_REASON = 2000
PAST = {"suspend": "an active topic can be suspended", "resume": "a suspended topic can be resumed"}


def suspend(session: Session, actor: User, topic_id: int, reason: str, address: str = "",
            now: datetime | None = None) -> Topic:
    """Suspend an active topic: its tasks stay in the inboxes but cannot be completed until resumed."""
    return _set_status(session, actor, topic_id, "suspend", TopicStatus.ACTIVE, TopicStatus.SUSPENDED,
                       _reason(reason), address, now or utcnow())


def resume(session: Session, actor: User, topic_id: int, reason: str = "", address: str = "",
           now: datetime | None = None) -> Topic:
    """Resume a suspended topic."""
    return _set_status(session, actor, topic_id, "resume", TopicStatus.SUSPENDED, TopicStatus.ACTIVE,
                       reason.strip()[:MAX_REASON], address, now or utcnow())


def _set_status(session: Session, actor: User, topic_id: int, action: str, source: TopicStatus,
                target: TopicStatus, reason: str, address: str, now: datetime) -> Topic:
    require_writing(session)
    topic = _topic(session, actor, topic_id)
    if topic.status is not source:
        raise Conflict(f"topic {topic.id} is {topic.status.value}; only {PAST[action]}")
    topic.status = target
    topic.status_reason = reason if target is TopicStatus.SUSPENDED else ""
    _record(session, actor, topic, action, address, now, reason=reason)
    topics.flush_or_conflict(session, f"topic {topic.id}")
    return topic


def terminate(session: Session, actor: User, topic_id: int, reason: str, address: str = "",
              now: datetime | None = None) -> Topic:
    """End a running topic for good with a reason: its open tasks are withdrawn from every inbox."""
    require_writing(session)
    now, reason = now or utcnow(), _reason(reason)
    topic = _topic(session, actor, topic_id)
    if topic.status not in (TopicStatus.ACTIVE, TopicStatus.SUSPENDED):
        raise Conflict(f"topic {topic.id} is already {topic.status.value}")
    instance = topics.load_instance(session, topic)
    instance.cancel()
    instance.save(now, actor.id)  # a terminated topic is not closed by how its workflow ended
    topic.status, topic.status_reason, topic.closed_at = TopicStatus.TERMINATED, reason, now
    _record(session, actor, topic, "terminate", address, now, reason=reason)
    topics.flush_or_conflict(session, f"topic {topic.id}")
    return topic


def retry(session: Session, actor: User, topic_id: int, address: str = "", now: datetime | None = None) -> Topic:
    """Run the topic's failed step again (after a fix); if it fails again nothing changes and 409 says why."""
    return _repair(session, actor, topic_id, "retry", Instance.retry, address, now or utcnow())


def skip(session: Session, actor: User, topic_id: int, reason: str, address: str = "",
         now: datetime | None = None) -> Topic:
    """Pass over the topic's failed step (a gateway takes its default flow) and let the topic go on."""
    return _repair(session, actor, topic_id, "skip", Instance.skip, address, now or utcnow(), _reason(reason))


def _repair(session: Session, actor: User, topic_id: int, action: str,
            operation: Callable[[Instance, datetime], dict[str, Any] | None], address: str, now: datetime,
            reason: str = "") -> Topic:
    require_writing(session)
    topic = _topic(session, actor, topic_id)
    if topic.status not in (TopicStatus.ACTIVE, TopicStatus.SUSPENDED):
        raise Conflict(f"topic {topic.id} is {topic.status.value}")
    instance = topics.load_instance(session, topic)
    failed = instance.failure or {}
    failure = operation(instance, now)
    if failure is not None and action == "retry":
        raise Conflict(f"the step failed again: {failure['message']}", failure=failure)
    _record(session, actor, topic, action, address, now, step=failed.get("bpmn_id", ""), reason=reason)
    topics.close_if_ended(session, topic, instance.save(now, actor.id), actor, now)
    topics.flush_or_conflict(session, f"topic {topic.id}")
    return topic


def reassign(session: Session, actor: User, task_item_id: int, *, unit: str | None = None,
             organization: str | None = None, user: str | None = None, reason: str = "", address: str = "",
             now: datetime | None = None) -> TaskItem:
    """Give an open task to another unit, organization or one user (转办); see reassign.py."""
    require_writing(session)
    now = now or utcnow()
    require_role(actor, Role.PROCESS_ADMIN)
    if sum(x is not None for x in (unit, organization, user)) != 1:
        raise InvalidInput("say where the task goes", {"to": "give exactly one of unit, organization or user"})
    item = require(session, TaskItem, task_item_id, "task")
    if item.status is not TaskStatus.READY:
        raise Conflict(f"task {item.id} is {item.status.value}; only an open task can be reassigned")
    before, after = reassign_task(session, item, unit=unit, organization=organization, user=user, now=now)
    _record(session, actor, item.topic, "reassign", address, now, task_item=item, task=item.bpmn_id,
            **{"from": before, "to": after, "reason": reason.strip()[:MAX_REASON]})
    topics.flush_or_conflict(session, f"topic {item.topic_id}")
    return item


def _topic(session: Session, actor: User, topic_id: int) -> Topic:
    require_role(actor, Role.PROCESS_ADMIN)
    return require(session, Topic, topic_id, "topic")


def _reason(reason: str) -> str:
    if not reason or not reason.strip():
        raise InvalidInput("a reason is required", {"reason": "required (必填)"})
    return reason.strip()[:MAX_REASON]


def _record(session: Session, actor: User, topic: Topic, action: str, address: str, now: datetime,
            task_item: TaskItem | None = None, **payload: Any) -> None:
    """Write the action into the topic's history and into the audit log."""
    session.add(Event(topic_id=topic.id, task_item_id=task_item.id if task_item else None, actor_id=actor.id,
                      kind=f"admin_{action}", at=now, payload=payload))
    audit.record(session, action, actor, f"topic:{topic.id}", address, now, **payload)


# The operations on a running topic by the name the API, the pages and the CLI give them: the
# service, and whether it takes a reason (suspend, resume, terminate, skip) or not (retry).
TOPIC_OPERATIONS: dict[str, tuple[Callable[..., Topic], bool]] = {
    "suspend": (suspend, True),
    "resume": (resume, True),
    "terminate": (terminate, True),
    "retry": (retry, False),
    "skip": (skip, True),
}

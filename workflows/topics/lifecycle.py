"""Starting topics and completing their tasks, inside the caller's write transaction.

Used by the CLI, the web API and pages, the sweep (timers) and the administrators' operations.
Every change runs through one engine Instance and its save, which writes the workflow state,
the task rows and the events together, or nothing at all; this module then closes or rejects
the topic when its workflow ended.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from engine import Instance, Saved, WorkflowEngine
from engine.errors import Conflict, Forbidden, InvalidInput
from engine.store import versions as processes
from engine.time.calendar_days import load_calendar  # noqa: F401  (pages and the sweep read it here)
from models import (
    DeadlineAction,
    Event,
    Organization,
    OrgKind,
    PlatformLevel,
    Role,
    TaskItem,
    TaskStatus,
    Topic,
    TopicCategory,
    TopicSource,
    TopicStatus,
    User,
    utcnow,
)
from models.database import require_writing
from workflows.people.access import lineage_ids, require_task
from workflows.platform import consultation, rounds, suggestions
from workflows.rules.forms import FORMS, FormInvalid, validate
from workflows.supervision import tally
from workflows.topics import kinds, notices, signing, taskforms, timeline

# The city runs the district diagram on its own bindings (a binding row for the city organization).
PROCESS_FOR_LEVEL = {PlatformLevel.CITY: "topic_district", PlatformLevel.DISTRICT: "topic_district",
                     PlatformLevel.TOWN: "topic_town"}
TOPIC_FIELDS = ("title", "description", "category", "source", "platform_level", "district", "town",
                "consultation_kind", "proposal_number")


@dataclass(frozen=True)
class Outcome:
    """The topic's open tasks and failed step as a start or a completion left them.

    The answer to whoever started or completed names what is open next; it is taken from here, not read again.
    """

    open_rows: tuple[TaskItem, ...]
    failed_step: dict[str, Any] | None


@dataclass(frozen=True)
class Started(Outcome):
    """What starting a topic left: the topic, its first tasks and its failed step."""

    topic: Topic


@dataclass(frozen=True)
class Completed(Outcome):
    """What a completion left: the task's row, and the topic's open tasks and failed step after it."""

    item: TaskItem


def start_topic(session: Session, actor: User, fields: Mapping[str, Any], now: datetime | None = None) -> Topic:
    """Create a topic on the process versions bound for its district, and run it to its first task."""
    return start(session, actor, fields, now).topic


def start(session: Session, actor: User, fields: Mapping[str, Any], now: datetime | None = None) -> Started:
    """Start a topic as ``start_topic`` does; return what the start left, for an answer that reads nothing again."""
    require_writing(session)
    now = now or utcnow()
    topic = _new_topic(session, fields)
    if not any(a.role is Role.CPPCC_OFFICE and a.organization_id in lineage_ids(topic.platform)
               for a in actor.roles):
        raise Forbidden("only the CPPCC office of the topic's platform may start a topic there")
    main = processes.bound_version(session, PROCESS_FOR_LEVEL[topic.platform_level], topic.district)
    called = processes.resolve_called(session, main, topic.district)
    topic.process_version, topic.created_by, topic.created_at = main, actor, now
    session.add(topic)
    session.flush()
    instance = WorkflowEngine.of(session).start(session, topic.id, main, called)
    instance.run(now)
    session.add(Event(topic_id=topic.id, actor_id=actor.id, kind="topic_started", at=now,
                      payload={"title": topic.title, "process": main.label}))
    saved = instance.save(now, actor.id)
    close_if_ended(session, topic, saved, actor, now)
    return Started(open_rows=saved.open_rows, failed_step=instance.failure, topic=topic)


def _new_topic(session: Session, fields: Mapping[str, Any]) -> Topic:
    """Check the fields of a new topic and build it (not yet added to the session)."""
    errors: dict[str, str] = {f: "not a field of a topic" for f in set(fields) - set(TOPIC_FIELDS)}
    raw_title, raw_description = fields.get("title"), fields.get("description")
    title = raw_title.strip() if isinstance(raw_title, str) else ""
    if not title or len(title) > 200:
        errors["title"] = "required text, at most 200 characters"
    if raw_description is not None and not isinstance(raw_description, str):
        errors["description"] = "must be text"
    enums = {"category": TopicCategory, "source": TopicSource, "platform_level": PlatformLevel}
    values: dict[str, Any] = {}
    for name, kind in enums.items():
        try:
            values[name] = kind(str(fields.get(name)))
        except ValueError:
            errors[name] = f"must be one of {', '.join(m.value for m in kind)}"
    kind_fields, kind_problems = kinds.clean(fields)
    values.update(kind_fields)
    errors.update(kind_problems)
    city_level = values.get("platform_level") is PlatformLevel.CITY
    district = _org(session, fields.get("district"), (OrgKind.CITY,) if city_level else (OrgKind.DISTRICT,))
    if district is None:
        errors["district"] = "unknown city code (请从列表中选择市)" if city_level else "unknown district code"
    town = _org(session, fields.get("town"), (OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK))
    if values.get("platform_level") is PlatformLevel.TOWN and (town is None or town.district() is not district):
        errors["town"] = "a town-platform topic needs a town, street or park of its district"
    if errors:
        raise InvalidInput("the topic is incomplete", errors)
    description = (raw_description or "")[:20_000]
    if values["platform_level"] is not PlatformLevel.TOWN:
        town = None
    return Topic(title=title, description=description, district=district, town=town, **values)


# Built once: making a select and its cache key cost more than running it (docs/performance.md). The levels above
# come along (a town's district and city): the check of who may start there walks them, a query each.
_ORG_BY_CODE = select(Organization).where(Organization.code == bindparam("code")).options(
    joinedload(Organization.parent).joinedload(Organization.parent))


def _org(session: Session, code: Any, kinds: tuple[OrgKind, ...]) -> Organization | None:
    if not isinstance(code, str):
        return None
    org = session.scalar(_ORG_BY_CODE, {"code": code})
    return org if org is not None and org.kind in kinds and org.active else None  # none starts on a closed one


# The completion's own write, as a statement built once (the unit of work spent a flush on it).
_CLOSE = (update(TaskItem).where(TaskItem.id == bindparam("item_id"), TaskItem.status == TaskStatus.READY)
          .values(status=TaskStatus.COMPLETED, completed_at=bindparam("at"), completed_by_id=bindparam("actor_id"),
                  assignee_id=bindparam("assignee_id")))


def complete_task(
    session: Session, actor: User, task_item_id: int, data: Mapping[str, Any], now: datetime | None = None,
    submission: str = "",
) -> Completed:
    """Submit a task's form and move the topic on; a lost race raises Conflict and changes nothing.

    ``submission`` is the key of the form render the data came from; it is kept with the
    completion so that the same form sent twice is recognised (``completed_by_submission``).
    """
    require_writing(session)
    now = now or utcnow()
    try:  # _complete flushes: a lost race shows here, not at the caller's commit
        return _complete(session, actor, task_item_id, data, now, submission[:64])
    except StaleDataError:
        raise Conflict(f"task {task_item_id} was completed by someone else at the same time") from None


def _complete(session: Session, actor: User, task_item_id: int, data: Mapping[str, Any], now: datetime,
              submission: str = "") -> Completed:
    item = require_task(session, actor, task_item_id)
    if item.status is not TaskStatus.READY:
        raise Conflict(f"task {item.id} is already {item.status.value}")
    if item.topic.status is not TopicStatus.ACTIVE:
        reason = f": {item.topic.status_reason}" if item.topic.status_reason else ""
        raise Conflict(f"topic {item.topic_id} is {item.topic.status.value}{reason}; its tasks cannot be completed")
    form = FORMS[item.context.get("form", item.bpmn_id)]
    try:
        cleaned = validate(form, data, lambda code: taskforms.unit_in_district(session, code, item.topic))
    except FormInvalid as exc:
        raise InvalidInput(f"the form {form.key} has errors", exc.errors) from None
    topic = item.topic
    instance = load_instance(session, topic)
    if not instance.is_ready(item.task_uuid):
        raise Conflict(f"task {item.id} is no longer waiting for input")
    signing.before_completion(item, cleaned, now)
    instance.complete(item.task_uuid, cleaned, now)
    _close(session, item, actor, now)
    timeline.record(session, item, "task_completed", actor.id, now,
                    {"task": item.bpmn_id, "data": cleaned, **({"submission": submission} if submission else {})})
    saved = instance.save(now, actor.id)
    close_if_ended(session, topic, saved, actor, now)
    notices.after_completion(session, item, cleaned, saved.opened, now)
    consultation.after_completion(session, item, cleaned, actor, now)  # the topic's activity record follows
    suggestions.from_minutes(session, topic, cleaned, actor, now)  # the minutes' suggestions are followed up
    rounds.after_follow_up(session, item, cleaned, actor, now)  # 再调研、再视察、再协商 open their round
    session.flush()
    return Completed(open_rows=saved.open_rows, failed_step=instance.failure, item=item)


def _close(session: Session, item: TaskItem, actor: User, now: datetime) -> None:
    """Mark the task's row completed by ``actor`` in one guarded UPDATE; a row closed meanwhile is a Conflict."""
    before, assignee = tally.row_values(item), item.assignee or actor
    closed = session.connection().execute(_CLOSE, {"item_id": item.id, "at": now, "actor_id": actor.id,
                                                    "assignee_id": assignee.id})
    if closed.rowcount != 1:
        raise Conflict(f"task {item.id} was completed by someone else at the same time")
    for name, value in (("status", TaskStatus.COMPLETED), ("completed_at", now), ("completed_by_id", actor.id),
                        ("completed_by", actor), ("assignee_id", assignee.id), ("assignee", assignee)):
        set_committed_value(item, name, value)  # the row object says what the row now holds
    tally.count_row(session, item.topic, before, tally.row_values(item))


def fire_timers(session: Session, topic_id: int, now: datetime) -> list[str]:
    """Fire the topic's due BPMN timers and move it on, in the caller's transaction; return their ids.

    Each firing is first claimed by a unique (timer, fires at, fire) key: a second sweep, or a
    sweep repeated after a crash, finds the key taken and fires nothing again.
    """
    require_writing(session)
    topic = session.get(Topic, topic_id)
    if topic is None or topic.status is not TopicStatus.ACTIVE:
        return []
    instance = load_instance(session, topic)
    due = instance.due_timers(now)
    fired = [bpmn_id for uuid, (bpmn_id, at) in due.items() if _claim_timer(session, topic, uuid, bpmn_id, at, now)]
    if due:
        instance.fire_timers(now)
    close_if_ended(session, topic, instance.save(now, None), None, now)
    return fired


def _claim_timer(session: Session, topic: Topic, uuid: str, bpmn_id: str, fires_at: datetime, now: datetime) -> bool:
    """Record a timer firing under its unique key; False if it was recorded before."""
    key = {"subject": f"timer:{uuid}", "deadline": fires_at, "action": "fire"}
    if session.scalar(select(DeadlineAction.id).filter_by(**key)) is not None:
        return False
    session.add(DeadlineAction(**key, topic_id=topic.id, done_at=now, payload={"timer": bpmn_id}))
    session.add(Event(topic_id=topic.id, kind="timer_fired", at=now,
                      payload={"timer": bpmn_id, "due_at": fires_at.isoformat()}))
    session.flush()
    return True


def completed_by_submission(session: Session, actor: User, task_item_id: int, submission: str) -> bool:
    """Tell whether the actor completed the task from the form render with this key (a repeated send)."""
    if not submission:
        return False
    found = select(Event.payload).where(Event.task_item_id == task_item_id, Event.kind == "task_completed",
                                        Event.actor_id == actor.id)
    return any(payload.get("submission") == submission[:64] for payload in session.scalars(found))


def load_instance(session: Session, topic: Topic) -> Instance:
    """Load a topic's workflow on the live specs of the versions it pins."""
    return WorkflowEngine.of(session).load(session, topic.id, topic.process_version_id)


def close_if_ended(session: Session, topic: Topic, saved: Saved, actor: User | None, now: datetime) -> None:
    """Close or reject the topic when its workflow has ended, by the end event it reached."""
    if not saved.ended:
        return
    rejected = any(end.startswith("rejected") for end in saved.end_events)
    topic.status = TopicStatus.REJECTED if rejected else TopicStatus.CLOSED
    topic.status_reason = str(saved.data.get("opinion") or "") if rejected else ""
    topic.closed_at = now
    kind = "topic_rejected" if rejected else "topic_closed"
    session.add(Event(topic_id=topic.id, actor_id=actor.id if actor else None, kind=kind, at=now,
                      payload={"reason": topic.status_reason}))


def history(session: Session, topic: Topic) -> list[Event]:
    """Return the topic's events, oldest first."""
    return list(session.scalars(history_query(topic)))


def history_query(topic: Topic) -> Select[tuple[Event]]:
    """Return the query of the topic's events, oldest first (the API pages it)."""
    return select(Event).where(Event.topic_id == topic.id).order_by(Event.at, Event.id)


def flush_or_conflict(session: Session, what: str) -> None:
    """Write the changes now, so that a topic someone else moved on meanwhile is a Conflict, not an error at commit."""
    try:
        session.flush()
    except StaleDataError:
        raise Conflict(f"{what} was changed by someone else at the same time") from None

"""Starting topics and completing their tasks: each call is one database transaction.

Used by the CLI and the web API (and later the web pages and the scheduler). Every change
writes the workflow state, the task rows and the events together, or nothing at all.
"""
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import Conflict, Forbidden, InvalidInput
from engine.runtime import engine_time, failures, state, timers
from engine.store import projection
from engine.store import versions as processes
from engine.time.calendar import WorkCalendar
from models import (
    CalendarDay,
    CalendarYear,
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
    Unit,
    User,
    WorkflowState,
    utcnow,
)
from models.database import writing
from workflows.people.access import lineage_ids, require_task
from workflows.rules.forms import FORMS, FormInvalid, validate
from workflows.topics import handling

PROCESS_FOR_LEVEL = {PlatformLevel.DISTRICT: "topic_district", PlatformLevel.TOWN: "topic_town"}
TOPIC_FIELDS = ("title", "description", "category", "source", "platform_level", "district", "town")


def load_calendar(session: Session) -> WorkCalendar:
    """Return the working-day calendar with the staff-entered days applied."""
    days = session.execute(select(CalendarDay.day, CalendarDay.is_workday)).all()
    return WorkCalendar(dict(days), official_years=session.scalars(select(CalendarYear.year)))


def start_topic(session: Session, actor: User, fields: Mapping[str, Any], now: datetime | None = None) -> Topic:
    """Create a topic on the process versions bound for its district, and run it to its first task."""
    now = now or utcnow()
    with writing(session):
        topic = _new_topic(session, fields)
        if not any(a.role is Role.CPPCC_OFFICE and a.organization_id in lineage_ids(topic.platform)
                   for a in actor.roles):
            raise Forbidden("only the CPPCC office of the topic's platform may start a topic there")
        main = processes.bound_version(session, PROCESS_FOR_LEVEL[topic.platform_level], topic.district)
        called = processes.resolve_called(session, main, topic.district)
        topic.process_version, topic.created_by, topic.created_at = main, actor, now
        session.add(topic)
        session.flush()
        workflow = state.new_workflow(*processes.specs_of(main, called))
        with engine_time.at(now):
            failure = failures.advance(workflow)
        session.add(WorkflowState(
            topic_id=topic.id, state_json=state.dump(workflow), serializer_version=state.SERIALIZER_VERSION,
            subprocess_versions={pid: v.id for pid, v in called.items()}, failure=failure,
        ))
        session.add(Event(topic_id=topic.id, actor_id=actor.id, kind="topic_started", at=now,
                          payload={"title": topic.title, "process": main.label}))
        projection.sync(session, topic, workflow, now, load_calendar(session))
    return topic


def _new_topic(session: Session, fields: Mapping[str, Any]) -> Topic:
    """Check the fields of a new topic and build it (not yet added to the session)."""
    errors: dict[str, str] = {f: "not a field of a topic" for f in set(fields) - set(TOPIC_FIELDS)}
    title = str(fields.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = "required, at most 200 characters"
    enums = {"category": TopicCategory, "source": TopicSource, "platform_level": PlatformLevel}
    values: dict[str, Any] = {}
    for name, kind in enums.items():
        try:
            values[name] = kind(fields.get(name))
        except ValueError:
            errors[name] = f"must be one of {', '.join(m.value for m in kind)}"
    district = _org(session, fields.get("district"), (OrgKind.DISTRICT,))
    if district is None:
        errors["district"] = "unknown district code"
    town = _org(session, fields.get("town"), (OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK))
    if values.get("platform_level") is PlatformLevel.TOWN and (town is None or town.district() is not district):
        errors["town"] = "a town-platform topic needs a town, street or park of its district"
    if errors:
        raise InvalidInput("the topic is incomplete", errors)
    description = str(fields.get("description") or "")[:20_000]
    if values["platform_level"] is PlatformLevel.DISTRICT:
        town = None
    return Topic(title=title, description=description, district=district, town=town, **values)


def _org(session: Session, code: Any, kinds: tuple[OrgKind, ...]) -> Organization | None:
    if not isinstance(code, str):
        return None
    org = session.scalar(select(Organization).where(Organization.code == code))
    return org if org is not None and org.kind in kinds else None


def complete_task(
    session: Session, actor: User, task_item_id: int, data: Mapping[str, Any], now: datetime | None = None
) -> TaskItem:
    """Submit a task's form and move the topic on; a lost race raises Conflict and changes nothing."""
    now = now or utcnow()
    try:
        with writing(session):
            return _complete(session, actor, task_item_id, data, now)
    except StaleDataError:
        raise Conflict(f"task {task_item_id} was completed by someone else at the same time") from None


def _complete(session: Session, actor: User, task_item_id: int, data: Mapping[str, Any], now: datetime) -> TaskItem:
    item = require_task(session, actor, task_item_id)
    if item.status is not TaskStatus.READY:
        raise Conflict(f"task {item.id} is already {item.status.value}")
    if item.topic.status is not TopicStatus.ACTIVE:
        reason = f": {item.topic.status_reason}" if item.topic.status_reason else ""
        raise Conflict(f"topic {item.topic_id} is {item.topic.status.value}{reason}; its tasks cannot be completed")
    form = FORMS[item.context.get("form", item.bpmn_id)]
    try:
        cleaned = validate(form, data, lambda code: _unit_exists(session, code))
    except FormInvalid as exc:
        raise InvalidInput(f"the form {form.key} has errors", exc.errors) from None
    topic = item.topic
    stored = session.get(WorkflowState, topic.id)
    assert stored is not None, "every topic has a workflow state"
    workflow = restore_workflow(session, topic, stored)
    task = workflow.get_task_from_id(UUID(item.task_uuid))
    if task is None or task.state != TaskState.READY:
        raise Conflict(f"task {item.id} is no longer waiting for input")
    handling.before_completion(item, cleaned, now)
    task.data.update(cleaned)
    with engine_time.at(now):
        task.run()
        failure = failures.advance(workflow)
    item.status, item.completed_at, item.completed_by = TaskStatus.COMPLETED, now, actor
    item.assignee = item.assignee or actor
    session.add(Event(topic_id=topic.id, task_item_id=item.id, actor_id=actor.id, kind="task_completed",
                      at=now, payload={"task": item.bpmn_id, "data": cleaned}))
    save_workflow(session, topic, stored, workflow, actor, now, failure)
    session.flush()
    return item


def fire_timers(session: Session, topic_id: int, now: datetime) -> list[str]:
    """Fire the topic's due BPMN timers and move it on, in one write transaction; return their ids.

    Each firing is first claimed by a unique (timer, fires at, fire) key: a second sweep, or a
    sweep repeated after a crash, finds the key taken and fires nothing again.
    """
    with writing(session):
        topic = session.get(Topic, topic_id)
        stored = session.get(WorkflowState, topic_id)
        if topic is None or stored is None or topic.status is not TopicStatus.ACTIVE:
            return []
        workflow = restore_workflow(session, topic, stored)
        # SpiffWorkflow fires a timer strictly after its time; the read-model agrees.
        due = {uuid: v for uuid, v in timers.waiting_timers(workflow).items() if v[1] < now}
        fired = [bpmn_id for uuid, (bpmn_id, at) in due.items() if _claim_timer(session, topic, uuid, bpmn_id, at, now)]
        if due:
            with engine_time.at(now):
                workflow.refresh_timers()
                failure = failures.advance(workflow)
            stored.state_json = state.dump(workflow)
            stored.failure = failure or stored.failure
            _finish_if_done(session, topic, workflow, None, now)
        projection.sync(session, topic, workflow, now, load_calendar(session))
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


def save_workflow(
    session: Session, topic: Topic, stored: WorkflowState, workflow: BpmnWorkflow, actor: User | None,
    now: datetime, failure: dict[str, Any] | None = None,
) -> None:
    """Store the workflow, its failed step if any, the task rows, and close the topic if it ended."""
    stored.state_json = state.dump(workflow)
    if failure and failure != stored.failure:
        session.add(Event(topic_id=topic.id, actor_id=actor.id if actor else None, kind="step_failed", at=now,
                          payload=failure))
    stored.failure = failure
    projection.sync(session, topic, workflow, now, load_calendar(session))
    _finish_if_done(session, topic, workflow, actor, now)


def restore_workflow(session: Session, topic: Topic, stored: WorkflowState) -> BpmnWorkflow:
    """Rebuild a topic's workflow on the live specs of the versions it pins."""
    specs = processes.pinned_specs(session, topic.process_version_id, stored.subprocess_versions)
    return state.restore(stored.state_json, *specs)


def _unit_exists(session: Session, code: str) -> bool:
    return session.scalar(select(Unit.id).where(Unit.code == code)) is not None


def _finish_if_done(session: Session, topic: Topic, workflow: BpmnWorkflow, actor: User | None, now: datetime) -> None:
    """Close or reject the topic when its workflow has ended, by the end event it reached."""
    if not workflow.is_completed():
        return
    ends = [t for t in workflow.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent) if t.workflow is workflow]
    rejected = any((t.task_spec.bpmn_id or "").startswith("rejected") for t in ends)
    topic.status = TopicStatus.REJECTED if rejected else TopicStatus.CLOSED
    topic.status_reason = str(workflow.data.get("opinion") or "") if rejected else ""
    topic.closed_at = now
    kind = "topic_rejected" if rejected else "topic_closed"
    session.add(Event(topic_id=topic.id, actor_id=actor.id if actor else None, kind=kind, at=now,
                      payload={"reason": topic.status_reason}))


def history(session: Session, topic: Topic) -> list[Event]:
    """Return the topic's events, oldest first."""
    return list(session.scalars(select(Event).where(Event.topic_id == topic.id).order_by(Event.at, Event.id)))

"""Keeping the task_item read-model in step with a workflow after every change.

Called by the topic service inside the same transaction that stores the workflow state, so
inboxes and overdue lists are plain indexed queries that never deserialize a workflow.
"""
from datetime import datetime
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.diagrams.loading import STAGES
from engine.runtime import timers
from engine.time import clocks
from engine.time.calendar import WorkCalendar
from models import Event, TaskItem, TaskStatus, Topic, Unit
from workflows.rules.roles import LANE_ROLES, resolve_candidate


def ready_user_tasks(workflow: BpmnWorkflow) -> dict[str, Task]:
    """Return the workflow's ready user tasks, subprocesses included, by task id."""
    return {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}


def task_properties(task: Task) -> dict[str, Any]:
    """Return the spiffworkflow properties of a task's spec (stage, form, candidate, clock …)."""
    return dict(task.task_spec.extensions.get("properties", {}))


def bpmn_id(task: Task) -> str:
    """Return the BPMN element id of a task (a multi-instance child reports its parent's id)."""
    return task.task_spec.bpmn_id or task.task_spec.name


def sync(
    session: Session, topic: Topic, workflow: BpmnWorkflow, now: datetime, calendar: WorkCalendar
) -> list[TaskItem]:
    """Create rows for newly ready tasks, cancel rows whose task vanished; return the new rows."""
    ready = ready_user_tasks(workflow)
    open_items = session.scalars(
        select(TaskItem).where(TaskItem.topic_id == topic.id, TaskItem.status == TaskStatus.READY)
    ).all()
    for item in open_items:
        if item.task_uuid not in ready:
            item.status = TaskStatus.CANCELLED
            item.completed_at = now
            session.add(Event(topic_id=topic.id, task_item_id=item.id, kind="task_cancelled", at=now))
    known = {item.task_uuid for item in open_items}
    created = [_new_item(session, topic, task, now, calendar) for uuid, task in ready.items() if uuid not in known]
    timers.sync(session, topic, workflow)
    session.flush()
    topic.stage = current_stage(topic, [*(i for i in open_items if i.task_uuid in ready), *created])
    return created


def current_stage(topic: Topic, open_items: list[TaskItem]) -> str:
    """Return the earliest stage among the open tasks (the topic's stage when none are open)."""
    stages = [i.stage for i in open_items if i.stage in STAGES]
    return min(stages, key=STAGES.index) if stages else topic.stage


def _new_item(session: Session, topic: Topic, task: Task, now: datetime, calendar: WorkCalendar) -> TaskItem:
    props = task_properties(task)
    org_id, unit = _place(session, topic, props, task)
    process_id = task.workflow.spec.name
    clock = clocks.task_clock(session, topic.district_id, process_id, bpmn_id(task), props)
    item = TaskItem(
        topic=topic,
        task_uuid=str(task.id),
        bpmn_id=bpmn_id(task),
        name=task.task_spec.bpmn_name or bpmn_id(task),
        process_id=process_id,
        stage=props.get("stage", topic.stage),
        role=LANE_ROLES[task.task_spec.lane],
        candidate_org_id=org_id,
        candidate_unit_id=unit.id if unit else None,
        created_at=now,
        context=_context(props, task, clock),
    )
    if clock is not None:
        item.clock_started_at = _clock_start(session, topic, item.bpmn_id, props, now)
        clocks.apply(item, clocks.deadline_from(calendar, clock, item.clock_started_at), now)
    session.add(item)
    return item


def refresh(session: Session, topic: Topic, workflow: BpmnWorkflow, calendar: WorkCalendar,
            now: datetime) -> list[TaskItem]:
    """After a migration, bring open rows in line with their tasks' new specs: name, stage, lane, clock.

    The clock still runs from when it started (the task opening, or signing), so a shorter
    deadline in the new version shortens the running one; a district's own clock and a granted
    extension still win. A changed candidate property re-resolves the unit; otherwise a
    reassignment made on the row stays.
    """
    ready = ready_user_tasks(workflow)
    changed = []
    open_items = select(TaskItem).where(TaskItem.topic_id == topic.id, TaskItem.status == TaskStatus.READY)
    for item in session.scalars(open_items):
        task = ready.get(item.task_uuid)
        if task is None:
            continue
        props = task_properties(task)
        clock = clocks.task_clock(session, topic.district_id, item.process_id, item.bpmn_id, props)
        item.name = task.task_spec.bpmn_name or item.bpmn_id
        item.stage = props.get("stage", item.stage)
        item.role = LANE_ROLES.get(task.task_spec.lane, item.role)
        if props.get("candidate") != item.context.get("candidate"):
            item.candidate_org_id, item.candidate_unit = _place(session, topic, props, task)
        kept = {k: v for k, v in item.context.items() if k not in ("clock", "warn", "clock_source")}
        item.context = {**kept, **_context(props, task, clock)}
        if clock is not None and item.clock_started_at is None:
            item.clock_started_at = _clock_start(session, topic, item.bpmn_id, props, item.created_at)
        deadline = clocks.recompute(calendar, item)
        if deadline is not None:
            clocks.apply(item, deadline, now)
        changed.append(item)
    session.flush()
    topic.stage = current_stage(topic, changed)
    return changed


def _place(session: Session, topic: Topic, props: dict[str, Any], task: Task) -> tuple[int | None, Unit | None]:
    """Return the organization id and unit a task belongs to, by its candidate property."""
    candidate = resolve_candidate(props.get("candidate", "platform"), topic, task.data)
    unit = session.scalar(select(Unit).where(Unit.code == candidate.unit_code)) if candidate.unit_code else None
    if unit is not None:
        return unit.organization_id, unit
    return (candidate.organization.id if candidate.organization else None), None


def _clock_start(session: Session, topic: Topic, task_id: str, props: dict[str, Any], now: datetime) -> datetime:
    """Return when the task's clock starts: now, or when the lead unit last signed for the topic.

    A task that runs again (re-handling after an unsatisfied rating) starts a fresh clock.
    """
    if props.get("clock_start") != "signed":
        return now
    again = select(TaskItem.id).where(TaskItem.topic_id == topic.id, TaskItem.bpmn_id == task_id,
                                      TaskItem.status == TaskStatus.COMPLETED).limit(1)
    if session.scalar(again) is not None:
        return now
    signed = select(TaskItem.signed_at).where(TaskItem.topic_id == topic.id, TaskItem.signed_at.is_not(None))
    return session.scalar(signed.order_by(TaskItem.signed_at.desc()).limit(1)) or now


def _context(props: dict[str, Any], task: Task, clock: clocks.TaskClock | None) -> dict[str, Any]:
    """Keep what a list needs to show without the workflow: the form key and the clock in force."""
    context = {k: props[k] for k in ("form", "candidate", "signing") if k in props}
    if clock is not None:
        context.update(clock=str(clock.clock), warn=str(clock.warn), clock_source=clock.source)
    if props.get("candidate") == "assist_unit":
        context["assisting_unit"] = task.data.get("assisting_unit")
    return context

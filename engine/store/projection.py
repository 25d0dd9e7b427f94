"""Keeping the task_item read-model in step with a workflow after every change.

Called by Instance.save inside the same transaction that stores the workflow state, so inboxes
and overdue lists are plain indexed queries that never deserialize a workflow. The engine
decides which rows exist (one per ready user task); the injected Rules fill in what a row
means to the domain: its role, stage, place and clock.
"""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.task import Task
from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session, make_transient_to_detached

from engine.rules import Rules
from engine.runtime import timers
from engine.time.calendar import WorkCalendar
from models import Event, TaskItem, TaskStatus
from models.bulk import default_of

# Built once: a statement made anew on every save cost more than running it (SQLAlchemy's construction and cache key).
_INSERT_ROWS = insert(TaskItem).returning(TaskItem.id, sort_by_parameter_order=True)
_ROW_COLUMNS = {key: column for key, column in TaskItem.__mapper__.columns.items() if key != "id"}
_OPEN_ROWS = select(TaskItem).where(TaskItem.topic_id == bindparam("owner_id"), TaskItem.status == TaskStatus.READY)


def ready_user_tasks(workflow: BpmnWorkflow) -> dict[str, Task]:
    """Return the workflow's ready user tasks, subprocesses included, by task id."""
    return {str(t.id): t for t in workflow.get_tasks(state=TaskState.READY, manual=True)}


def bpmn_id(task: Task) -> str:
    """Return the BPMN element id of a task (a multi-instance child reports its parent's id)."""
    return task.task_spec.bpmn_id or task.task_spec.name


def sync(session: Session, rules: Rules, owner_id: int, workflow: BpmnWorkflow, now: datetime,
         calendar: WorkCalendar, timers_saved: Mapping[str, tuple[str, datetime]] | None = None,
         rows_exist: bool = True) -> tuple[list[TaskItem], list[TaskItem]]:
    """Create rows for newly ready tasks, cancel rows whose task vanished; return the new rows and the open ones.

    The open rows are every row still open after the sync, the new ones included, in id order: what
    a query for them would answer, so that the owner need not send it.

    ``timers_saved`` are the timers the workflow waited on when loaded (see timers.sync); ``rows_exist``
    is False for a workflow saved for the first time, whose open rows need no reading.
    """
    with session.no_autoflush:  # the rows are read and made without flushing half-made ones
        created, kept = _sync_rows(session, rules, owner_id, workflow, now, calendar, rows_exist)
        timers.sync(session, owner_id, workflow, timers_saved)
    _insert(session, created)
    open_rows = sorted([*kept, *created], key=lambda item: item.id)
    rules.rows_synced(session, owner_id, open_rows, created)
    return created, open_rows


def _insert(session: Session, items: list[TaskItem]) -> None:
    """Write new rows in one INSERT and put them in the session as the rows they now are.

    The unit of work spent a flush on them on every save; the rest of the save's changes to rows
    (a cancellation, a timer) are rare and still go through it.
    """
    if not items:
        return
    session.flush()  # the topic and state a new workflow's rows point at; on a completion nothing is pending
    values = [_row_values(item) for item in items]
    ids = session.connection().execute(_INSERT_ROWS, values).scalars().all()
    for item, item_id in zip(items, ids, strict=True):
        item.id = item_id
        make_transient_to_detached(item)  # every column is set above: nothing is left to load
        session.add(item)


def _row_values(item: TaskItem) -> dict[str, Any]:
    """Return the new row's columns, giving those it left unset their defaults (on the object too)."""
    values = {}
    for key, column in _ROW_COLUMNS.items():
        if key not in item.__dict__:
            setattr(item, key, default_of(column))
        values[key] = item.__dict__[key]
    return values


def _sync_rows(session: Session, rules: Rules, owner_id: int, workflow: BpmnWorkflow, now: datetime,
               calendar: WorkCalendar, rows_exist: bool) -> tuple[list[TaskItem], list[TaskItem]]:
    """Cancel the rows whose task vanished and make the new ones; return the new rows and the open rows kept."""
    ready = ready_user_tasks(workflow)
    stored = session.scalars(_OPEN_ROWS, {"owner_id": owner_id}).all() if rows_exist else []
    open_items = [item for item in stored if item.status is TaskStatus.READY]  # the owner may have closed one
    for item in open_items:
        if item.task_uuid not in ready:
            item.status = TaskStatus.CANCELLED
            item.completed_at = now
            session.add(Event(topic_id=owner_id, task_item_id=item.id, kind="task_cancelled", at=now))
    known = {item.task_uuid for item in open_items}
    created = [_new_item(session, rules, owner_id, task, now, calendar)
               for uuid, task in ready.items() if uuid not in known]
    return created, [i for i in open_items if i.task_uuid in ready]


def _new_item(session: Session, rules: Rules, owner_id: int, task: Task, now: datetime,
              calendar: WorkCalendar) -> TaskItem:
    item = TaskItem(
        topic_id=owner_id,
        task_uuid=str(task.id),
        bpmn_id=bpmn_id(task),
        name=task.task_spec.bpmn_name or bpmn_id(task),
        process_id=task.workflow.spec.name,
        created_at=now,
    )
    rules.fill_row(session, item, task, calendar, now)
    return item


def refresh(session: Session, rules: Rules, owner_id: int, workflow: BpmnWorkflow, calendar: WorkCalendar,
            now: datetime) -> list[TaskItem]:
    """After a migration, bring open rows in line with their tasks' new specs; return the rows changed."""
    ready = ready_user_tasks(workflow)
    changed = []
    for item in session.scalars(_OPEN_ROWS, {"owner_id": owner_id}):
        task = ready.get(item.task_uuid)
        if task is None:
            continue
        item.name = task.task_spec.bpmn_name or item.bpmn_id
        rules.refresh_row(session, item, task, calendar, now)
        changed.append(item)
    session.flush()
    rules.rows_synced(session, owner_id, changed, ())
    return changed

"""The timer read-model: which BPMN timer events each topic's workflow waits on, and when they fire.

The projection calls ``sync`` after every save, so the sweep finds due timers with one indexed
query on ``timer_due`` instead of loading every workflow; the sweep then fires them through the
topic service (``topics.fire_timers``, which calls Instance.fire_timers), the same save a
person's action takes.
"""
from datetime import UTC, datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    TimerEventDefinition,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import TimerDue


def waiting_timers(workflow: BpmnWorkflow) -> dict[str, tuple[str, datetime]]:
    """Return ``{task uuid: (bpmn id, fires at)}`` for every timer the workflow waits on."""
    found = {}
    for task in list(workflow.event_manager.tasks.values()):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, TimerEventDefinition):
            continue
        value = task._get_internal_data("event_value")
        if isinstance(definition, CycleTimerEventDefinition) and isinstance(value, dict):
            value = value.get("next") if value.get("cycles") != 0 else None
        if not isinstance(value, str):
            continue
        fires_at = TimerEventDefinition.get_datetime(value).astimezone(UTC)
        found[str(task.id)] = (task.task_spec.bpmn_id or task.task_spec.name, fires_at)
    return found


def sync(session: Session, owner_id: int, workflow: BpmnWorkflow) -> None:
    """Make the owner's timer_due rows match the timers its workflow now waits on."""
    waiting = waiting_timers(workflow)
    rows = {r.task_uuid: r for r in session.scalars(select(TimerDue).where(TimerDue.topic_id == owner_id))}
    for uuid in set(rows) - set(waiting):
        session.delete(rows[uuid])
    for uuid, (bpmn_id, fires_at) in waiting.items():
        row = rows.get(uuid)
        if row is None:
            session.add(TimerDue(task_uuid=uuid, topic_id=owner_id, bpmn_id=bpmn_id, fires_at=fires_at))
        elif row.fires_at != fires_at:
            row.fires_at = fires_at


def due_topic_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Return ids of topics with a timer due at ``now``, earliest first."""
    query = select(TimerDue.topic_id).where(TimerDue.fires_at < now).order_by(TimerDue.fires_at).limit(limit)
    return list(dict.fromkeys(session.scalars(query)))

"""The timer read-model: which BPMN timer events each topic's workflow waits on, and when they fire.

The projection calls ``sync`` after every save, so the sweep finds due timers with one indexed
query on ``timer_due`` instead of loading every workflow; the sweep then fires them through the
topic service (``topics.fire_timers``, which calls Instance.fire_timers), the same save a
person's action takes.
"""
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

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


def catch_up(workflow: BpmnWorkflow, now: datetime) -> int:
    """Move every cycle timer that fell more than one interval behind to its last due firing; return how many moved.

    SpiffWorkflow fires a cycle once per missed interval, each firing adding tasks, so a
    one-second cycle two hours behind would take thousands of steps; a late cycle fires once.
    """
    moved = 0
    for task in list(workflow.event_manager.tasks.values()):
        value = task._get_internal_data("event_value")
        if not isinstance(task.task_spec.event_definition, CycleTimerEventDefinition) or not isinstance(value, dict):
            continue
        period = float(value.get("duration") or 0)
        nxt = TimerEventDefinition.get_datetime(str(value.get("next")))
        missed = int((now - nxt).total_seconds() // period) if period > 0 and nxt < now else 0
        if missed and nxt + timedelta(seconds=missed * period) >= now:
            missed -= 1  # the firing kept must still be due
        if missed < 1 or value.get("cycles") == 0:
            continue
        cycles = int(value.get("cycles", -1))
        value = {**value, "next": (nxt + timedelta(seconds=missed * period)).isoformat(),
                 "cycles": cycles if cycles < 0 else max(1, cycles - missed)}
        task._set_internal_data(event_value=value)
        moved += 1
    return moved


def sync(session: Session, owner_id: int, workflow: BpmnWorkflow,
         saved: Mapping[str, tuple[str, datetime]] | None = None) -> dict[str, tuple[str, datetime]]:
    """Make the owner's timer_due rows match the timers its workflow now waits on; return those timers.

    ``saved`` are the timers the workflow waited on when it was loaded, which its rows matched (only
    this function writes them): when nothing changed, the rows are neither read nor written.
    """
    waiting = waiting_timers(workflow)
    if saved is not None and saved == waiting:
        return waiting
    rows = {r.task_uuid: r for r in session.scalars(select(TimerDue).where(TimerDue.topic_id == owner_id))}
    for uuid in set(rows) - set(waiting):
        session.delete(rows[uuid])
    for uuid, (bpmn_id, fires_at) in waiting.items():
        row = rows.get(uuid)
        if row is None:
            session.add(TimerDue(task_uuid=uuid, topic_id=owner_id, bpmn_id=bpmn_id, fires_at=fires_at))
        elif row.fires_at != fires_at:
            row.fires_at = fires_at
    return waiting


def due_topic_ids(session: Session, now: datetime, limit: int) -> list[int]:
    """Return ids of topics with a timer due at ``now``, earliest first."""
    query = select(TimerDue.topic_id).where(TimerDue.fires_at < now).order_by(TimerDue.fires_at).limit(limit)
    return list(dict.fromkeys(session.scalars(query)))

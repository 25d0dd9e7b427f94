"""What a completion tells the people of the tasks it opened: a new task, a return, a re-handling.

Called by lifecycle.complete_task inside its write transaction, after the workflow's save made the
new task rows: each new row's people get a notice linked to that task. A re-handling (退回重办,
an unsatisfied rating sending the written reply back) also keeps the deadline the office had
granted the earlier round when that is later than the fresh clock.
"""
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.time import clocks
from engine.time.calendar import parse_allowance
from engine.time.calendar_days import load_calendar
from models import TaskItem
from workflows.i18n import N_
from workflows.notifications.notify import Message, Recipients, notify

REHANDLED = "write_reply"


def after_completion(session: Session, done: TaskItem, cleaned: Mapping[str, Any], opened: Sequence[TaskItem],
                     now: datetime) -> list[TaskItem]:
    """Tell the people of each task the completion opened (the rows the workflow's save made); return those tasks."""
    recipients = Recipients(session)
    # The people and an earlier round's extension are not what this completion changes: no flush before reading them.
    with session.no_autoflush:
        for item in opened:
            message = _message(session, done, cleaned, item, now)
            notify(session, message, recipients.task_actors(item), [], f"task:{item.id}:{message.kind}", now)
    return list(opened)


def is_rehandling(done: TaskItem, cleaned: Mapping[str, Any], item: TaskItem) -> bool:
    """Tell whether ``item`` is the written reply sent back by an unsatisfied rating."""
    return done.bpmn_id == "rate_reply" and cleaned.get("rating") == "unsatisfied" and item.bpmn_id == REHANDLED


def _message(session: Session, done: TaskItem, cleaned: Mapping[str, Any], item: TaskItem, now: datetime) -> Message:
    title = done.topic.title
    if is_rehandling(done, cleaned, item):
        _keep_granted_deadline(session, item, now)
        return Message("task_rehandling", N_("【退回重办】%(task)s：%(topic)s"), str(cleaned.get("rating_note") or ""),
                       item.topic_id, item.id, {"task": item.name, "topic": title})
    if cleaned.get("returned") is True:
        return Message("task_returned", N_("【退回】%(task)s被退回，请重新确定主办单位：%(topic)s"),
                       str(cleaned.get("return_reason") or ""), item.topic_id, item.id,
                       {"task": done.name, "topic": title})
    return Message("task_new", N_("【新待办】%(task)s：%(topic)s"), "", item.topic_id, item.id,
                   {"task": item.name, "topic": title})


def _keep_granted_deadline(session: Session, item: TaskItem, now: datetime) -> None:
    """Give the new round the later of its fresh deadline and the extension granted to the earlier round."""
    granted = session.scalar(select(TaskItem.extended_to).where(
        TaskItem.topic_id == item.topic_id, TaskItem.bpmn_id == item.bpmn_id, TaskItem.id != item.id,
        TaskItem.extended_to.is_not(None)).order_by(TaskItem.extended_to.desc()).limit(1))
    if granted is None or item.due_at is None or granted <= clocks.local_day(item.due_at):
        return
    warn = parse_allowance(item.context.get("warn") or "1wd")
    item.extended_to = granted
    clocks.apply(item, clocks.deadline_on(load_calendar(session), granted, warn), now)

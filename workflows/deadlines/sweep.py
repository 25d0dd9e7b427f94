"""The deadline sweep: warning levels, reminders (催办), escalations (督办) and due BPMN timers.

The scheduler (engine/scheduler.py) calls ``sweep`` every minute; ``shangliang sweep`` runs it
once. Deadlines are columns of task_item, so each pass is one indexed range query taken in
batches, each batch one write transaction (rows taken FOR UPDATE SKIP LOCKED on PostgreSQL;
SQLite's write lock serializes sweeps). A pass changes every row it takes so the next batch
moves on, and a reminder or escalation is recorded under its unique (task, deadline, action)
key in the same transaction as its event and its notifications: a sweep killed midway loses
its open batch only, and the next sweep, or a second one running at once, repeats nothing.
After downtime the passes simply find more rows: a task far overdue is reminded, then escalated.
"""
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta
from functools import partial
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from engine.errors import ShangliangError
from engine.runtime.timers import due_topic_ids
from engine.time.calendar import SHANGHAI, WorkCalendar
from engine.time.calendar_days import load_calendar
from engine.time.clocks import local_day
from engine.time.timeleft import is_red, is_yellow
from models import Chase, DeadlineAction, Delivery, Event, Notification, TaskItem, TaskStatus, WarningLevel
from models.bulk import insert_rows
from models.database import require_no_writing, require_writing, writing
from workflows.i18n import N_
from workflows.notifications.notify import Message, Recipients, notification_rows
from workflows.topics import lifecycle as topics
from workflows.topics.timeline import DUE_KEY


@dataclass(frozen=True)
class SweepSettings:
    """Thresholds in working days past the deadline, and the batch size of each transaction."""

    remind_after_wd: int = 1
    escalate_after_wd: int = 3
    batch: int = 500
    base_url: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "SweepSettings":
        """Read SHANGLIANG_REMIND_AFTER_WD, _ESCALATE_AFTER_WD, _SWEEP_BATCH and _BASE_URL."""
        names = {"remind_after_wd": "REMIND_AFTER_WD", "escalate_after_wd": "ESCALATE_AFTER_WD",
                 "batch": "SWEEP_BATCH", "base_url": "BASE_URL"}
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(f"SHANGLIANG_{names[f.name]}")
            if raw is not None:
                values[f.name] = raw if f.type in (str, "str") else int(raw)
        settings = cls(**values)
        if settings.remind_after_wd < 0 or settings.escalate_after_wd < settings.remind_after_wd or settings.batch < 1:
            raise ValueError("need 0 <= remind_after_wd <= escalate_after_wd and batch >= 1")
        return settings


@dataclass
class SweepReport:
    """How many rows each pass of one sweep changed."""

    yellow: int = 0
    red: int = 0
    reminded: int = 0
    escalated: int = 0
    timers: int = 0


def sweep(session: Session, now: datetime, settings: SweepSettings = SweepSettings()) -> SweepReport:
    """Bring every open task's warning level up to ``now``, chase the overdue ones, fire due timers."""
    require_no_writing(session)  # each batch is its own transaction: this loop owns them
    calendar = load_calendar(session)
    session.commit()
    report = SweepReport()
    ready = select(TaskItem).where(TaskItem.status == TaskStatus.READY)
    # A level needs only these columns: the rows are updated and their events inserted a batch at a time.
    marked = select(TaskItem.id, TaskItem.topic_id, TaskItem.bpmn_id, TaskItem.due_at).where(
        TaskItem.status == TaskStatus.READY)
    # The levels stored are the rule's (engine/time/timeleft.py), taken with its own SQL conditions.
    to_yellow = marked.where(TaskItem.warning == WarningLevel.NORMAL, is_yellow(TaskItem.due_at, TaskItem.warn_at, now))
    report.yellow = _in_batches(session, to_yellow, settings.batch,
                                lambda rows: _mark(session, rows, WarningLevel.YELLOW, now))
    # One pass per level it comes from: each reads the (status, warning, due_at) index in order, where one
    # pass over both levels would walk every long-red task in due order to find the few that just turned.
    for level in (WarningLevel.NORMAL, WarningLevel.YELLOW):
        to_red = marked.where(TaskItem.warning == level, is_red(TaskItem.due_at, now))
        report.red += _in_batches(session, to_red, settings.batch,
                                  lambda rows: _mark(session, rows, WarningLevel.RED, now))
    recipients = Recipients(session)
    for before, after, threshold in ((Chase.NONE, Chase.REMINDED, settings.remind_after_wd),
                                     (Chase.REMINDED, Chase.ESCALATED, settings.escalate_after_wd)):
        cutoff = min(now, overdue_cutoff(calendar, now, threshold))
        due = ready.where(TaskItem.chase == before, TaskItem.due_at < cutoff).options(*_ADDRESSED)
        chase = partial(_chase, session, step=after, calendar=calendar, recipients=recipients, settings=settings,
                        now=now)
        count = _in_batches(session, due, settings.batch, chase)
        setattr(report, "reminded" if after is Chase.REMINDED else "escalated", count)
    report.timers = _fire_timers(session, now, settings.batch)
    return report


# What a chase message names, loaded for a whole batch at once rather than row by row.
CHASE_BODY = N_("议题：%(topic)s（编号 %(topic_id)s）\n任务：%(task)s\n承办：%(unit)s\n截止：%(due)s\n"
                "已逾期：%(overdue)s 个工作日")
CHASE_BODY_LINKED = N_("议题：%(topic)s（编号 %(topic_id)s）\n任务：%(task)s\n承办：%(unit)s\n截止：%(due)s\n"
                       "已逾期：%(overdue)s 个工作日\n链接：%(link)s")
_ADDRESSED = (selectinload(TaskItem.topic), selectinload(TaskItem.candidate_unit), selectinload(TaskItem.candidate_org))


def overdue_cutoff(calendar: WorkCalendar, now: datetime, working_days: int) -> datetime:
    """Return the instant before which a deadline is overdue by ``working_days`` at ``now``."""
    tomorrow = local_day(now) + timedelta(days=1)
    return datetime.combine(calendar.working_day_before(tomorrow, working_days), time(0), tzinfo=SHANGHAI)


def _in_batches(session: Session, query: Select[Any], batch: int, handle: Callable[[Sequence[Any]], None]) -> int:
    """Take matching rows a batch at a time, each in its own write transaction; return the count.

    A query of the TaskItem entity yields rows as objects, a query of columns as tuples.
    """
    total = 0
    locked = query.order_by(TaskItem.due_at, TaskItem.id).limit(batch).with_for_update(skip_locked=True, of=TaskItem)
    entity = query.column_descriptions[0]["type"] is TaskItem
    while True:
        with writing(session):
            rows = (session.scalars(locked) if entity else session.execute(locked)).all()
            if rows:
                handle(rows)
        if not rows:
            return total
        total += len(rows)


def _mark(session: Session, rows: Sequence[Any], level: WarningLevel, now: datetime) -> None:
    """Raise the rows' warning level and write one history event each: two statements per batch.

    The events go in as values, past the session's flush listeners, so they carry the task's deadline
    of the moment themselves (workflows/topics/timeline.py), as every event about a task does.
    """
    require_writing(session)
    session.execute(update(TaskItem).where(TaskItem.id.in_([row.id for row in rows])).values(warning=level))
    insert_rows(session, Event, [
        {"topic_id": row.topic_id, "task_item_id": row.id, "kind": f"warning_{level.value}", "at": now,
         "payload": {"task": row.bpmn_id, "due_at": _iso(row.due_at), DUE_KEY: _iso(row.due_at)}} for row in rows])


def _chase(session: Session, rows: Sequence[TaskItem], step: Chase, calendar: WorkCalendar,
           recipients: Recipients, settings: SweepSettings, now: datetime) -> None:
    """Remind or escalate each row once per deadline: keys, events and notifications written per batch."""
    require_writing(session)
    action = "remind" if step is Chase.REMINDED else "escalate"
    subjects = [f"task:{item.id}" for item in rows]
    done = set(session.execute(select(DeadlineAction.subject, DeadlineAction.deadline).where(
        DeadlineAction.action == action, DeadlineAction.subject.in_(subjects))).tuples())
    session.execute(update(TaskItem).where(TaskItem.id.in_([item.id for item in rows])).values(chase=step))
    fresh = [(item, calendar.working_days_between(local_day(item.due_at), local_day(now))) for item in rows
             if item.due_at is not None and (f"task:{item.id}", item.due_at) not in done]
    if not fresh:
        return
    # One INSERT for the batch's keys, then one SELECT for their ids, which key the notifications (an INSERT
    # returning ids in order would go row by row on SQLite).
    insert_rows(session, DeadlineAction, [
        {"subject": f"task:{item.id}", "deadline": item.due_at, "action": action, "topic_id": item.topic_id,
         "task_item_id": item.id, "done_at": now, "payload": {"overdue_working_days": overdue}}
        for item, overdue in fresh])
    taken = {(subject, deadline): ident for ident, subject, deadline in session.execute(
        select(DeadlineAction.id, DeadlineAction.subject, DeadlineAction.deadline).where(
            DeadlineAction.action == action, DeadlineAction.subject.in_(subjects)))}
    record_ids = [taken[(f"task:{item.id}", item.due_at)] for item, _overdue in fresh]
    notes: list[dict[str, Any]] = []
    deliveries: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for (item, overdue), record_id in zip(fresh, record_ids, strict=True):
        message, users, routes, to = _addressees(item, step, overdue, recipients, settings)
        item_notes, item_deliveries = notification_rows(message, users, routes, f"action:{record_id}", now)
        notes += item_notes
        deliveries += item_deliveries
        events.append({"topic_id": item.topic_id, "task_item_id": item.id, "at": now,
                       "kind": "task_reminded" if step is Chase.REMINDED else "task_escalated",
                       "payload": {"task": item.bpmn_id, "due_at": _iso(item.due_at), "overdue_working_days": overdue,
                                   "to": to, "notified": sorted(u.username for u in users), "routes": len(routes),
                                   DUE_KEY: _iso(item.due_at)}})
    for model, values in ((Notification, notes), (Delivery, deliveries), (Event, events)):
        insert_rows(session, model, values)


def _addressees(item: TaskItem, step: Chase, overdue: int, recipients: Recipients,
                settings: SweepSettings) -> tuple[Message, list[Any], list[Any], str]:
    """Return the message, the people, the outside routes and who it goes to, for one chase step."""
    topic, due = item.topic, local_day(item.due_at).isoformat() if item.due_at else "-"
    unit = item.candidate_unit.name if item.candidate_unit else item.candidate_org.name if item.candidate_org else "-"
    link = f"{settings.base_url.rstrip('/')}/topics/{topic.id}"
    params: dict[str, str | int] = {"topic": topic.title, "topic_id": topic.id, "task": item.name, "unit": unit,
                                    "due": due, "overdue": overdue, "link": link}
    body = CHASE_BODY_LINKED if settings.base_url else CHASE_BODY
    unit_id, org_id = item.candidate_unit_id, None if item.candidate_unit_id else item.candidate_org_id
    if step is Chase.REMINDED:
        title = N_("【催办】%(task)s已逾期 %(overdue)s 个工作日：%(topic)s")
        users = recipients.leaders(item) + recipients.task_actors(item)
        return (Message("reminder", title, body, topic.id, item.id, params, body_worded=True), users,
                recipients.routes("reminder", unit_id, org_id), unit)
    level, users = recipients.supervising(topic)
    title = N_("【督办】%(unit)s%(task)s已逾期 %(overdue)s 个工作日：%(topic)s")
    routes = recipients.routes("escalation", None, level.id) if level else []
    message = Message("escalation", title, body, topic.id, item.id, params, body_worded=True)
    return message, users, routes, level.name if level else "-"


def _fire_timers(session: Session, now: datetime, batch: int) -> int:
    """Fire every due BPMN timer through the topic service, each topic at most once per sweep."""
    seen: set[int] = set()
    fired = 0
    while True:
        pending = [t for t in due_topic_ids(session, now, batch + len(seen)) if t not in seen]
        session.commit()
        if not pending:
            return fired
        for topic_id in pending:
            seen.add(topic_id)
            try:
                with writing(session):
                    fired += len(topics.fire_timers(session, topic_id, now))
            except (StaleDataError, IntegrityError, ShangliangError):
                pass  # rolled back: someone moved the topic on meanwhile; the next sweep looks again


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

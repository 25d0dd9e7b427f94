"""Extension requests (延期申请): a unit asks for a later deadline, the district CPPCC office decides.

Called by the API and the web pages. A request names the date wanted and a reason; while it is
pending the old deadline stands and the sweep keeps chasing it. Approval moves the deadline
(rolled to a working day), recomputes the warning level and lets reminders fire again against
the new deadline; refusal needs a reason. Both the request and the decision stay in the
topic's history, with the deadline before and after.
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from engine.errors import Conflict, InvalidInput
from engine.time import clocks
from engine.time.calendar import parse_allowance
from engine.time.calendar_days import load_calendar
from models import (
    Chase,
    Event,
    ExtensionRequest,
    ExtensionState,
    Role,
    TaskItem,
    TaskStatus,
    Topic,
    User,
    utcnow,
)
from models.database import require_writing
from workflows.i18n import N_
from workflows.notifications.notify import Message, Recipients, notify
from workflows.people.access import lineage_ids, require, require_task
from workflows.topics.inbox import descendants

MAX_REASON = 2000
MAX_DAYS_AHEAD = 366


def request(session: Session, actor: User, task_item_id: int, wanted: Any, reason: Any,
            now: datetime | None = None) -> ExtensionRequest:
    """File an extension request for an open task the actor may act on."""
    require_writing(session)
    now = now or utcnow()
    item = require_task(session, actor, task_item_id)
    if item.status is not TaskStatus.READY or item.due_at is None:
        raise Conflict(f"task {item.id} is not open with a deadline, so it cannot be extended")
    to = _wanted_date(wanted, item, now)
    text = _reason(reason)
    if session.scalar(select(ExtensionRequest.id).where(
            ExtensionRequest.task_item_id == item.id, ExtensionRequest.state == ExtensionState.PENDING)):
        raise Conflict(f"task {item.id} already has a pending extension request")
    ext = ExtensionRequest(task_item_id=item.id, topic_id=item.topic_id, requested_by_id=actor.id,
                           requested_at=now, reason=text, requested_to=to, due_before=item.due_at)
    session.add(ext)
    session.flush()
    session.add(Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=actor.id, kind="extension_requested",
                      at=now, payload={"request": ext.id, "due_at": item.due_at.isoformat(),
                                       "requested_to": to.isoformat(), "reason": text}))
    office = Recipients(session).users(Role.CPPCC_OFFICE, None, item.topic.district_id)
    params = {"task": item.name, "to": to.isoformat(), "topic": item.topic.title}
    notify(session, Message("extension_requested", N_("【延期申请】%(task)s申请延期至 %(to)s：%(topic)s"), text,
                            item.topic_id, item.id, params), office, [], f"extension:{ext.id}:requested", now)
    return ext


def decide(session: Session, actor: User, request_id: int, approve: Any, note: Any = "",
           granted_to: Any = None, now: datetime | None = None) -> ExtensionRequest:
    """Approve (optionally to another date) or refuse a pending request, as the district CPPCC office."""
    require_writing(session)
    now = now or utcnow()
    if not isinstance(approve, bool):
        raise InvalidInput("say whether the request is approved", {"approve": "must be true or false"})
    ext = require(session, ExtensionRequest, request_id, "extension request", because="that you can decide",
                  where=lambda e: may_decide(actor, e.task_item))
    if ext.state is not ExtensionState.PENDING:
        raise Conflict(f"extension request {ext.id} was already {ext.state.value}")
    item = ext.task_item
    text = str(note or "").strip()[:MAX_REASON]
    if not approve and not text:
        raise InvalidInput("a refusal needs a reason", {"note": "required when refusing (不予延期须说明理由)"})
    if approve and item.status is not TaskStatus.READY:
        raise Conflict(f"task {item.id} is no longer open; there is no deadline to move")
    ext.state = ExtensionState.APPROVED if approve else ExtensionState.REFUSED
    ext.decided_by_id, ext.decided_at, ext.decision_note = actor.id, now, text
    payload: dict[str, Any] = {"request": ext.id, "note": text, "due_at": _iso(item.due_at)}
    if approve:
        payload.update(_move_deadline(session, item, ext, granted_to, now))
    kind = "extension_approved" if approve else "extension_refused"
    session.add(Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=actor.id, kind=kind, at=now,
                      payload=payload))
    title = N_("【延期申请已批准】%(task)s：%(topic)s") if approve else N_("【延期申请未批准】%(task)s：%(topic)s")
    notify(session, Message(kind, title, text, item.topic_id, item.id, {"task": item.name, "topic": item.topic.title}),
           [ext.requested_by], [], f"extension:{ext.id}:decided", now)
    return ext


def may_decide(user: User, item: TaskItem) -> bool:
    """Tell whether the user works in the CPPCC office of the task's district (or above it)."""
    scope = set(lineage_ids(item.topic.district))
    return any(a.role is Role.CPPCC_OFFICE and a.organization_id in scope for a in user.roles)


def pending_for(session: Session, user: User) -> list[ExtensionRequest]:
    """Return the pending requests the user may decide (as ``may_decide``), oldest first, with tasks and topics."""
    offices = {a.organization_id for a in user.roles if a.role is Role.CPPCC_OFFICE and a.organization_id is not None}
    if not offices:
        return []
    # An office decides for the districts at or below it: the inbox reads them in one query, not one per request.
    task = contains_eager(ExtensionRequest.task_item)
    return list(session.scalars(
        select(ExtensionRequest).join(TaskItem, TaskItem.id == ExtensionRequest.task_item_id)
        .join(Topic, Topic.id == TaskItem.topic_id)
        .where(ExtensionRequest.state == ExtensionState.PENDING, Topic.district_id.in_(descendants(session, offices)))
        .options(task.contains_eager(TaskItem.topic), task.joinedload(TaskItem.candidate_unit))
        .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)))


def of_task(session: Session, item: TaskItem) -> list[ExtensionRequest]:
    """Return every extension request of a task, oldest first."""
    return list(session.scalars(select(ExtensionRequest).where(ExtensionRequest.task_item_id == item.id)
                                .order_by(ExtensionRequest.id)))


def _move_deadline(session: Session, item: TaskItem, ext: ExtensionRequest, granted_to: Any,
                   now: datetime) -> dict[str, Any]:
    to = _wanted_date(granted_to, item, now) if granted_to not in (None, "") else ext.requested_to
    deadline = clocks.deadline_on(load_calendar(session), to, parse_allowance(item.context.get("warn") or "1wd"))
    item.extended_to = deadline.due.date
    clocks.apply(item, deadline, now)
    item.chase = Chase.NONE  # the new deadline is chased afresh
    ext.granted_to = deadline.due.date
    return {"new_due_at": _iso(item.due_at), "granted_to": deadline.due.date.isoformat(),
            "provisional": deadline.due.provisional, "warning": item.warning.value}


def _wanted_date(value: Any, item: TaskItem, now: datetime) -> date:
    """Read a wanted date: YYYY-MM-DD, after the current deadline, within a year from today."""
    try:
        wanted = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        wanted = None
    if wanted is None:
        raise InvalidInput("the new deadline is not a date", {"requested_to": "must be a date written YYYY-MM-DD"})
    current = clocks.local_day(item.due_at) if item.due_at else clocks.local_day(now)
    today = clocks.local_day(now)
    if wanted <= current or wanted <= today:
        raise InvalidInput("the new deadline must be later",
                           {"requested_to": f"must be after the current deadline {current} and after today"})
    if (wanted - today).days > MAX_DAYS_AHEAD:
        raise InvalidInput("the new deadline is too far away", {"requested_to": f"at most {MAX_DAYS_AHEAD} days ahead"})
    return wanted


def _reason(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > MAX_REASON:
        raise InvalidInput("an extension request needs a reason",
                           {"reason": f"required, at most {MAX_REASON} characters (须说明延期理由)"})
    return text


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None

"""Signing for receipt (签收) and returning a misassigned topic (退回), for handling units.

The lead unit's ``sign_receipt`` task carries the property ``signing``: completing it signs for
the topic, which starts every clock declared ``clock_start=signed`` (the written reply's three
months), or, with ``returned`` set, sends the topic back to the CPPCC office to choose another
lead unit. A return is allowed only within the signing period. The topic service calls
``before_completion`` inside its transaction; the API and the web pages call ``sign`` and
``return_topic``, which are that same completion with the form filled in.
"""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidInput
from engine.time.calendar import SHANGHAI
from models import TaskItem, User
from workflows.people.access import require_task


def is_signing(item: TaskItem) -> bool:
    """Tell whether completing this task is a unit's signing for receipt."""
    return str(item.context.get("signing", "")).lower() == "true"


def before_completion(item: TaskItem, cleaned: dict[str, Any], now: datetime) -> None:
    """Record the signing time, or refuse a return made after the signing period."""
    if not is_signing(item):
        return
    if not cleaned.get("returned"):
        item.signed_at = now
        return
    if item.due_at is not None and now > item.due_at:
        ended = item.due_at.astimezone(SHANGHAI).date().isoformat()
        raise Conflict(f"the signing period ended on {ended}: a topic can be returned only while it may be "
                       "signed for; handle it, or ask the CPPCC office to reassign it (签收期已过，不能退回)")


def sign(session: Session, actor: User, task_item_id: int, note: str = "", now: datetime | None = None) -> TaskItem:
    """Sign for a topic (签收): complete the signing task without returning it."""
    return _complete_signing(session, actor, task_item_id, {"returned": False, "note": note}, now)


def return_topic(session: Session, actor: User, task_item_id: int, reason: str,
                 now: datetime | None = None) -> TaskItem:
    """Return a misassigned topic (退回) with a reason, within the signing period."""
    if not isinstance(reason, str) or not reason.strip():
        raise InvalidInput("a return needs a reason", {"reason": "required (退回须说明理由)"})
    return _complete_signing(session, actor, task_item_id, {"returned": True, "return_reason": reason}, now)


def _complete_signing(session: Session, actor: User, task_item_id: int, data: dict[str, Any],
                      now: datetime | None) -> TaskItem:
    from workflows.topics import lifecycle as topics  # the topic service imports this module for before_completion

    item = require_task(session, actor, task_item_id)
    if not is_signing(item):
        raise Conflict(f"task {task_item_id} is not a signing-for-receipt task (签收)")
    return topics.complete_task(session, actor, task_item_id, data, now=now)

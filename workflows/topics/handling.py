"""Signing for receipt (签收) and returning a misassigned topic (退回), for handling units.

The lead unit's ``sign_receipt`` task carries the property ``signing``: completing it signs for
the topic, which starts every clock declared ``clock_start=signed`` (the written reply's three
months), or, with ``returned`` set, sends the topic back to the CPPCC office to choose another
lead unit. A return is allowed only within the signing period (signing.py, which the topic
service checks inside every completion); the API and the web pages call ``sign`` and
``return_topic``, which are that same completion with the form filled in.
"""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidInput
from models import TaskItem, User
from workflows.people.access import require_task
from workflows.topics import lifecycle as topics
from workflows.topics.signing import is_signing


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
    item = require_task(session, actor, task_item_id)
    if not is_signing(item):
        raise Conflict(f"task {task_item_id} is not a signing-for-receipt task (签收)")
    return topics.complete_task(session, actor, task_item_id, data, now=now).item

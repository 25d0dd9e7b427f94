"""What completing a signing-for-receipt task (签收) means, checked inside the completion.

The topic service (lifecycle.py) calls ``before_completion`` for every task it completes; the
lead unit's ``sign_receipt`` task carries the property ``signing``: completing it signs for the
topic, which starts every clock declared ``clock_start=signed`` (the written reply's three
months), or, with ``returned`` set, sends the topic back, which is allowed only within the
signing period. handling.py offers the same completion as ``sign`` and ``return_topic``.
"""
from datetime import datetime
from typing import Any

from engine.errors import Conflict
from engine.time.calendar import SHANGHAI
from models import TaskItem


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

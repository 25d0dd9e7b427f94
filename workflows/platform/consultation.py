"""The consultation task of a topic and its activity record, kept in step so the two never disagree.

Called by workflows/topics/lifecycle.py after a task completes, in the same transaction: sending
the materials (send_materials) and holding the meeting (hold_meeting) create the topic's
consultation activity, or link and update the one the office planned for it, from the task's data.
"""
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Activity, ActivityForm, TaskItem, User

TASKS = ("send_materials", "hold_meeting")


def consultation_activity(session: Session, topic_id: int) -> Activity | None:
    """Return the topic's consultation activity (not a follow-up round), if there is one."""
    return session.scalar(select(Activity).where(Activity.topic_id == topic_id, Activity.follow_up.is_(None))
                          .order_by(Activity.id).limit(1))


def after_completion(session: Session, item: TaskItem, data: dict[str, Any], actor: User, now: datetime) -> None:
    """Create or update the topic's consultation activity from a completed consultation task."""
    if item.bpmn_id not in TASKS:
        return
    topic = item.topic
    activity = consultation_activity(session, topic.id)
    if activity is None:
        activity = Activity(code=secrets.token_urlsafe(12), title=topic.title, platform_id=topic.platform.id,
                            district_id=topic.district_id, topic_id=topic.id, form=ActivityForm.ON_SITE,
                            held_on=now.date(), created_by_id=actor.id, created_at=now,
                            consultation_kind=topic.consultation_kind, proposal_number=topic.proposal_number)
        session.add(activity)
    if item.bpmn_id == "send_materials" and isinstance(data.get("materials_sent_on"), (date, str)):
        activity.materials_sent_on = _day(data["materials_sent_on"])
    if item.bpmn_id == "hold_meeting":
        activity.form = ActivityForm(data.get("meeting_form") or activity.form)
        activity.held_on = _day(data.get("held_on")) or activity.held_on
    session.flush()


def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None

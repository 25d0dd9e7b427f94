"""Follow-up rounds (再调研 / 再视察 / 再协商): each a new activity on the same topic, with its own minutes.

Called by workflows/topics/lifecycle.py when a follow-up task (跟踪问效) completes with a round as
its method, in the completion's transaction: the round's activity is opened on the topic's platform
for the office to plan. The round's minutes and their suggestions are recorded on the activity's
page (``record_minutes``); the suggestions are followed up like the first minutes'.
"""
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Conflict, Forbidden, InvalidInput
from models import Activity, ActivityForm, FollowUpRound, Suggestion, TaskItem, Unit, UnitKind, User
from models.database import require_writing
from workflows.platform import rooms, suggestions
from workflows.platform.activities import ROUND_LABELS
from workflows.rules.forms import Field, Form, FormInvalid, validate
from workflows.topics import taskforms
from workflows.topics.inbox import descendants

ROUND_OF_METHOD = {"re_research": FollowUpRound.RESEARCH, "inspection": FollowUpRound.INSPECTION,
                   "re_consultation": FollowUpRound.CONSULTATION}
ROUND_MINUTES = Form("round_minutes", "本轮纪要", (
    Field("minutes", "本轮纪要 Minutes of the round", "textarea"),
    Field("suggestions", "纪要所列建议 Suggestions of the minutes", "suggestions", required=False),
))


def after_follow_up(session: Session, item: TaskItem, data: Mapping[str, Any], actor: User, now: datetime) -> None:
    """Open the round's activity when a follow-up task chose 再调研, 再视察 or 再协商."""
    found = ROUND_OF_METHOD.get(str(data.get("method"))) if item.bpmn_id == "follow_up" else None
    if found is None:
        return
    topic = item.topic
    session.add(Activity(code=secrets.token_urlsafe(12), title=f"{topic.title}（{ROUND_LABELS[found]}）",
                         platform_id=topic.platform.id, district_id=topic.district_id, topic_id=topic.id,
                         form=ActivityForm.ON_SITE, held_on=now.date(), follow_up=found,
                         consultation_kind=topic.consultation_kind, proposal_number=topic.proposal_number,
                         created_by_id=actor.id, created_at=now))


def record_minutes(session: Session, user: User, activity: Activity, raw: Mapping[str, Any], now: datetime) -> None:
    """Keep a round's minutes and list their suggestions for follow-up (the office of the round's platform)."""
    require_writing(session)
    if activity.follow_up is None or activity.topic is None:
        raise Forbidden("only a follow-up round on a topic keeps its own minutes here")
    topic = activity.topic
    if not may_keep_minutes(user, activity):
        raise Forbidden("a round's minutes are kept by the topic's CPPCC office or committee "
                        "(本轮纪要由本议题的政协办公室或专委会填写)")
    if activity.minutes:
        raise Conflict("the round's minutes are already saved (本轮纪要已保存)")
    try:
        cleaned = validate(ROUND_MINUTES, raw, lambda code: taskforms.unit_in_district(session, code, topic))
    except FormInvalid as exc:
        raise InvalidInput("the round's minutes have errors", exc.errors) from None
    activity.minutes = cleaned["minutes"]
    suggestions.from_minutes(session, topic, cleaned, user, now, activity_id=activity.id)
    session.flush()


def context(session: Session, user: User, activity: Activity) -> dict[str, Any]:
    """Return what an activity's page shows of its round's minutes: the form, the unit choices, the suggestions."""
    if activity.follow_up is None or activity.topic is None:
        return {}
    topic = activity.topic
    units = session.execute(select(Unit.code, Unit.name).where(
        Unit.organization_id.in_(descendants(session, {topic.district_id})), Unit.kind != UnitKind.COMMITTEE,
        Unit.active.is_(True)).order_by(Unit.organization_id, Unit.id)).tuples().all()
    listed = session.scalars(select(Suggestion).options(joinedload(Suggestion.unit))
                             .where(Suggestion.activity_id == activity.id).order_by(Suggestion.number)).all()
    return {"round_form": ROUND_MINUTES, "unit_choices": list(units), "round_suggestions": list(listed),
            "may_keep_minutes": may_keep_minutes(user, activity)}


def may_keep_minutes(user: User, activity: Activity) -> bool:
    """Tell whether the user keeps a round's minutes: the office of its platform, or the topic's own recorders."""
    assert activity.topic is not None
    return rooms.may_manage(user, activity.platform) or suggestions.may_record(user, activity.topic)

"""Each suggestion followed to its result (成果转化, 跟踪问效): the minutes' suggestions, their units, milestones.

Called by the suggestions page and the API inside their write transaction. The CPPCC office or the
committee of a topic lists the suggestions of its minutes, each with the unit that handles it; the
unit reports milestones (the percent reached and what was done) and, when it can, the outcome type.
Figures by outcome for a district and year are read in one statement.
"""
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from engine.errors import Forbidden, InvalidInput, NotFound
from models import Milestone, Outcome, Role, Suggestion, Topic, Unit, UnitKind, User, utcnow
from models.database import require_writing
from workflows.i18n import N_
from workflows.people.access import lineage_ids, require_topic
from workflows.platform import rooms

OUTCOME_LABELS = {Outcome.DECISION: N_("转化为党委政府决策"), Outcome.LIVELIHOOD_PROJECT: N_("民生实事项目"),
                  Outcome.GOVERNANCE: N_("社会治理举措"), Outcome.EXPLAINED: N_("说明情况")}


def of_topic(session: Session, user: User, topic_id: int) -> tuple[Topic, list[Suggestion]]:
    """Return a topic the user sees (or handles a suggestion of) and its suggestions, units and milestones."""
    units = {a.unit_id for a in user.roles if a.role is Role.HANDLING_UNIT and a.unit_id is not None}
    handles = session.scalar(select(Suggestion.id).where(Suggestion.topic_id == topic_id,
                                                         Suggestion.unit_id.in_(units)).limit(1))
    topic = session.get(Topic, topic_id) if handles is not None else require_topic(session, user, topic_id)
    if topic is None:
        raise NotFound(f"no topic {topic_id}")
    found = session.scalars(select(Suggestion).where(Suggestion.topic_id == topic.id)
                            .options(joinedload(Suggestion.unit), selectinload(Suggestion.milestones)
                                     .joinedload(Milestone.reported_by)).order_by(Suggestion.number))
    return topic, list(found)


def may_record(user: User, topic: Topic) -> bool:
    """Tell whether the user keeps the record of a topic's follow-up: its suggestions, rounds and appraisals.

    That is the CPPCC office of the topic's platform or above, or a committee of that platform or above
    (the committee's unit belongs there), by an assignment in force today.
    """
    lineage = set(lineage_ids(topic.platform))
    return any(a.in_force() and (
        (a.role is Role.CPPCC_OFFICE and a.organization_id in lineage)
        or (a.role is Role.COMMITTEE and a.unit is not None and a.unit.organization_id in lineage))
        for a in user.roles)


def may_report(user: User, suggestion: Suggestion) -> bool:
    """Tell whether the user works in the suggestion's handling unit."""
    return any(a.role is Role.HANDLING_UNIT and a.unit_id == suggestion.unit_id for a in user.roles)


def add(session: Session, user: User, topic_id: int, form: Mapping[str, Any], now: datetime | None = None
        ) -> Suggestion:
    """Add one suggestion of the minutes with the unit that handles it."""
    require_writing(session)
    topic, existing = of_topic(session, user, topic_id)
    if not may_record(user, topic):
        raise Forbidden("suggestions are listed by the CPPCC office or the committee")
    problems: dict[str, str] = {}
    text = str(form.get("text") or "").strip()
    if not text or len(text) > 2000:
        problems["text"] = "请填写建议内容（不超过 2000 字）(the suggestion, at most 2000 characters)"
    unit = session.scalar(select(Unit).where(Unit.code == str(form.get("unit") or ""),
                                             Unit.kind != UnitKind.COMMITTEE))
    if unit is None or unit.organization_id not in {topic.district_id, topic.town_id}:
        problems["unit"] = "请选择本区（镇）的承办单位 (choose a handling unit of the topic's district or town)"
    if problems:
        raise InvalidInput("the suggestion was not added", problems)
    assert unit is not None
    suggestion = Suggestion(topic_id=topic.id, number=max((s.number for s in existing), default=0) + 1, text=text,
                            unit_id=unit.id, created_by_id=user.id, created_at=now or utcnow())
    session.add(suggestion)
    session.flush()
    return suggestion


def from_minutes(session: Session, topic: Topic, data: Mapping[str, Any], actor: User, now: datetime,
                 activity_id: int | None = None) -> None:
    """List the suggestions written in a completed minutes form, numbered after the topic's earlier ones.

    Called in the completion's transaction by workflows/topics/lifecycle.py (the topic's minutes) and
    by workflows/platform/rounds.py (a follow-up round's, ``activity_id``); the form has already
    checked each row's text and that its unit belongs to the topic's district.
    """
    rows = data.get("suggestions") or []
    if not rows:
        return
    wanted = select(Unit.code, Unit.id).where(Unit.code.in_({row["unit"] for row in rows}))
    units = dict(session.execute(wanted).tuples().all())
    last = session.scalar(select(func.max(Suggestion.number)).where(Suggestion.topic_id == topic.id)) or 0
    session.add_all(Suggestion(topic_id=topic.id, number=last + n, text=row["text"], unit_id=units[row["unit"]],
                               activity_id=activity_id, created_by_id=actor.id, created_at=now)
                    for n, row in enumerate(rows, start=1))


def report(session: Session, user: User, suggestion_id: int, form: Mapping[str, Any],
           now: datetime | None = None) -> Milestone:
    """Record a milestone of a suggestion: the percent reached (never going back), what was done, the outcome."""
    require_writing(session)
    suggestion = session.get(Suggestion, suggestion_id, options=[joinedload(Suggestion.topic)])
    if suggestion is None:
        raise NotFound(f"no suggestion {suggestion_id}")
    if not may_report(user, suggestion):
        require_topic(session, user, suggestion.topic_id)  # NotFound for a topic the user does not see
        raise Forbidden("progress is reported by the suggestion's handling unit")
    problems: dict[str, str] = {}
    raw = str(form.get("progress") or "").strip()
    progress = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else -1
    if not suggestion.progress <= progress <= 100:
        problems["progress"] = f"进度为 {suggestion.progress} 到 100 之间的整数 (from {suggestion.progress} to 100)"
    note = str(form.get("note") or "").strip()
    if not note:
        problems["note"] = "请写明进展 (say what was done)"
    outcome = None
    if form.get("outcome"):
        try:
            outcome = Outcome(str(form["outcome"]))
        except ValueError:
            problems["outcome"] = "决策、民生实事、治理举措或说明情况 (decision, livelihood_project, governance, " \
                                  "explained)"
    if progress == 100 and outcome is None and suggestion.outcome is None:
        problems["outcome"] = "完成时请选择成果类型 (choose the outcome when done)"
    if problems:
        raise InvalidInput("the progress was not recorded", problems)
    milestone = Milestone(suggestion=suggestion, progress=progress, note=note[:2000], reported_by_id=user.id,
                          reported_at=now or utcnow())
    suggestion.progress = progress
    suggestion.outcome = outcome or suggestion.outcome
    session.add(milestone)
    session.flush()
    return milestone


def by_outcome(session: Session, district_id: int, first: datetime, after: datetime) -> Counter[str]:
    """Count the suggestions of a district's topics started in a period by outcome ("open" when none yet)."""
    rows = session.execute(select(Suggestion.outcome, func.count()).join(Topic, Topic.id == Suggestion.topic_id)
                           .where(Topic.district_id == district_id, Topic.created_at >= first,
                                  Topic.created_at < after).group_by(Suggestion.outcome))
    return Counter({(outcome.value if outcome else "open"): count for outcome, count in rows.tuples()})


def listed_for(session: Session, user: User) -> list[Suggestion]:
    """Return the suggestions the user follows (their units' own, those of topics in scope), least done first."""
    units = {a.unit_id for a in user.roles if a.role is Role.HANDLING_UNIT and a.unit_id is not None}
    orgs = rooms.scope(session, user)
    query = (select(Suggestion).join(Topic, Topic.id == Suggestion.topic_id)
             .options(joinedload(Suggestion.unit), joinedload(Suggestion.topic))
             .where(Suggestion.unit_id.in_(units) | Topic.district_id.in_(orgs) | Topic.town_id.in_(orgs))
             .order_by(Suggestion.progress, Suggestion.id.desc()).limit(500))
    return list(session.scalars(query))

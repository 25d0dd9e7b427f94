"""The public results (公开): the topics the CPPCC office publishes, their stage and results, and typical cases.

Called by the public page ``/public``, its Atom feed and the public API (reading, no sign-in), and by
the office's publication page and API (marking a topic publishable or a typical case, audited). Only
published topics are read; a topic's proposers and their contacts are never part of what is returned.
Read in a fixed number of statements whatever the number of topics: the topics, their minutes and
replies, their suggestions, and the year's plan months.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from engine.errors import Forbidden, InvalidInput, NotFound
from models import (
    Event,
    Organization,
    PlanChange,
    Role,
    Suggestion,
    Topic,
    TopicPublication,
    TopicStatus,
    Unit,
    User,
)
from models.database import require_writing
from workflows.people import audit
from workflows.people.access import lineage_ids, office_districts, orgs_with

LIMITS = {"summary": 4000, "typical_note": 2000}
PAGE = 100  # published topics on one page or in one feed
RESULT_TASKS = ("submit_minutes", "write_reply", "enter_annual_plan")


@dataclass
class Reply:
    """A handling unit's written feedback (书面反馈) and its class (A/B/C)."""

    reply_class: str
    text: str
    at: datetime


@dataclass
class Progress:
    """One suggestion of the minutes and how far its unit has carried it."""

    number: int
    text: str
    unit: str
    outcome: str
    progress: int


@dataclass
class PublicTopic:
    """What the public sees of one published topic."""

    id: int
    title: str
    description: str
    category: str
    district: str
    place: str
    stage: str
    status: str
    summary: str
    typical: bool
    typical_note: str
    updated: datetime
    created: datetime
    plan_year: int | None = None
    planned_month: int | None = None
    replies: list[Reply] = field(default_factory=list)
    suggestions: list[Progress] = field(default_factory=list)


def _published(words: str) -> Select[Any]:
    town = aliased(Organization)
    query = (select(Topic, TopicPublication, Organization.name, town.name)
             .join(TopicPublication, TopicPublication.topic_id == Topic.id)
             .join(Organization, Organization.id == Topic.district_id)
             .outerjoin(town, town.id == Topic.town_id)
             .where(TopicPublication.published.is_(True)))
    if words:
        like = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(or_(*(column.like(like, escape="\\") for column in
                                  (Topic.title, Topic.description, TopicPublication.summary))))
    return query.order_by(TopicPublication.set_at.desc(), Topic.id.desc())


def published(session: Session, words: str = "", typical_only: bool = False, page: int = 1) -> list[PublicTopic]:
    """Return a page of the published topics, newest first, with their results; ``words`` searches title, details
    and summary."""
    return page_of(session, words, typical_only, page)[0]


def page_of(session: Session, words: str = "", typical_only: bool = False, page: int = 1, size: int | None = None
            ) -> tuple[list[PublicTopic], bool]:
    """Return a page of ``size`` (else PAGE) published topics and whether another page follows."""
    size = size or PAGE
    query = _listed(words, typical_only).offset((max(page, 1) - 1) * size).limit(size + 1)
    rows = session.execute(query).tuples().all()
    topics = {topic.id: _public(topic, mark, district, town) for topic, mark, district, town in rows[:size]}
    if topics:
        _add_results(session, topics)
    return list(topics.values()), len(rows) > size


def count_published(session: Session, words: str = "", typical_only: bool = False) -> int:
    """Return how many published topics the list holds, every page together (one statement)."""
    listed = _listed(words, typical_only).order_by(None).subquery()
    return session.scalar(select(func.count()).select_from(listed)) or 0


def _listed(words: str, typical_only: bool) -> Select[Any]:
    query = _published(search_text(words))
    return query.where(TopicPublication.typical.is_(True)) if typical_only else query


def one(session: Session, topic_id: int) -> PublicTopic:
    """Return one published topic, else NotFound (the same for a topic that exists but is not published)."""
    query = _published("").where(Topic.id == topic_id)
    row = session.execute(query).tuples().first()
    if row is None:
        raise NotFound("没有这个公开议题 (no published topic with this number)")
    topics = {topic_id: _public(*row)}
    _add_results(session, topics)
    return topics[topic_id]


def _public(topic: Topic, mark: TopicPublication, district: str, town: str | None) -> PublicTopic:
    status = topic.status.value if topic.status is not TopicStatus.ACTIVE else "active"
    return PublicTopic(id=topic.id, title=topic.title, description=topic.description,
                       category=topic.category.value, district=district, place=town or district,
                       stage=topic.stage, status=status, summary=mark.summary, typical=mark.typical,
                       typical_note=mark.typical_note, updated=mark.set_at, created=topic.created_at)


def _add_results(session: Session, topics: dict[int, PublicTopic]) -> None:
    task = Event.payload["task"].as_string()
    events = session.scalars(select(Event).where(Event.topic_id.in_(topics), Event.kind == "task_completed",
                                                 task.in_(RESULT_TASKS)).order_by(Event.at, Event.id))
    for event in events:
        data, target = event.payload.get("data") or {}, topics[event.topic_id or 0]
        if event.payload.get("task") == "write_reply":
            target.replies.append(Reply(str(data.get("reply_class") or ""), str(data.get("reply") or ""), event.at))
        elif event.payload.get("task") == "enter_annual_plan":
            target.plan_year, target.planned_month = _int(data.get("plan_year")), _int(data.get("planned_month"))
        target.updated = max(target.updated, event.at)
    rows = session.execute(select(Suggestion, Unit.name).join(Unit, Unit.id == Suggestion.unit_id)
                           .where(Suggestion.topic_id.in_(topics)).order_by(Suggestion.topic_id, Suggestion.number))
    for suggestion, unit in rows.tuples():
        topics[suggestion.topic_id].suggestions.append(Progress(
            suggestion.number, suggestion.text, unit, suggestion.outcome.value if suggestion.outcome else "",
            suggestion.progress))
    changes = session.scalars(select(PlanChange).where(PlanChange.topic_id.in_(topics)).order_by(PlanChange.id))
    for change in changes:  # the chairs' meeting's latest change wins
        target = topics[change.topic_id]
        target.planned_month = None if change.removed else change.planned_month
        target.plan_year = None if change.removed else change.year


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def plan(topics: list[PublicTopic], year: int) -> list[PublicTopic]:
    """Return the published topics in the year's consultation plan, by month (unscheduled last)."""
    return sorted((t for t in topics if t.plan_year == year), key=lambda t: (t.planned_month or 13, t.id))


def may_publish(user: User, topic: Topic) -> bool:
    """Tell whether the user works in the CPPCC office of the topic's district or of the city above it."""
    return bool(orgs_with(user, Role.CPPCC_OFFICE) & set(lineage_ids(topic.district)))


def require_publishable(session: Session, user: User, topic_id: int) -> Topic:
    """Return the topic if the user's office may publish it; NotFound for a topic outside its districts."""
    if not orgs_with(user, Role.CPPCC_OFFICE):
        raise Forbidden("只有政协办公室可以公开议题 (only the CPPCC office publishes topics)")
    topic = session.get(Topic, topic_id)
    if topic is None or not may_publish(user, topic):
        raise NotFound(f"没有议题 {topic_id} (no topic {topic_id} that you can publish)")
    return topic


def managed(session: Session, user: User, size: int = 300, offset: int = 0
            ) -> tuple[list[tuple[Topic, TopicPublication | None]], int]:
    """Return a page of the topics of the user's districts with their publication mark, newest first, and how many
    there are (two statements)."""
    covered = office_districts(user)
    if covered is None:
        raise Forbidden("只有政协办公室可以公开议题 (only the CPPCC office publishes topics)")
    query = (select(Topic, TopicPublication).outerjoin(TopicPublication, TopicPublication.topic_id == Topic.id)
             .where(Topic.district_id.in_(covered)).order_by(Topic.id.desc()))
    return list(session.execute(query.limit(size).offset(offset)).tuples()), session.scalar(
        select(func.count()).select_from(query.order_by(None).subquery())) or 0


def mark_of(session: Session, topic_id: int) -> TopicPublication | None:
    """Return the topic's publication mark, if the office ever set one."""
    return session.scalar(select(TopicPublication).where(TopicPublication.topic_id == topic_id))


def minutes_of(session: Session, topic_id: int) -> str:
    """Return the topic's latest minutes, to start the public summary from."""
    task = Event.payload["task"].as_string()
    event = session.scalar(select(Event).where(Event.topic_id == topic_id, Event.kind == "task_completed",
                                               task == "submit_minutes").order_by(Event.at.desc()).limit(1))
    return str((event.payload.get("data") or {}).get("minutes") or "") if event else ""


def mark(session: Session, user: User, topic: Topic, form: Mapping[str, Any], now: datetime) -> TopicPublication:
    """Publish or withdraw the topic, set its public summary and typical-case mark; each change is audited."""
    require_writing(session)
    values = {k: str(form.get(k) or "").strip() for k in LIMITS}
    problems = {k: f"不得超过 {n} 个字 (at most {n} characters)" for k, n in LIMITS.items() if len(values[k]) > n}
    published, typical = _flag(form.get("published")), _flag(form.get("typical"))
    if typical and not values["typical_note"]:
        problems["typical_note"] = "请写明可推广的经验 (say what experience is worth spreading)"
    if typical and not published:
        problems["typical"] = "典型案例须先公开 (a typical case must be published)"
    if problems:
        raise InvalidInput("请检查标注的字段 (please check the marked fields)", problems)
    row = mark_of(session, topic.id)
    if row is None:
        row = TopicPublication(topic_id=topic.id, published=False, typical=False, summary="", typical_note="")
        session.add(row)
    before = (row.published, row.typical)
    row.published, row.typical, row.summary, row.typical_note = published, typical, values["summary"], \
        values["typical_note"]
    row.set_by_id, row.set_at = user.id, now
    _audit(session, user, topic, before, (published, typical), now)
    session.flush()
    return row


def _flag(value: Any) -> bool:
    return str(value or "").lower() in ("1", "true", "on", "yes")


def _audit(session: Session, user: User, topic: Topic, before: tuple[bool, bool], after: tuple[bool, bool],
           now: datetime) -> None:
    target = f"topic:{topic.id}"
    if before[0] != after[0]:
        audit.record(session, "topic_published" if after[0] else "topic_withdrawn", user, target, now=now)
    if before[1] != after[1]:
        audit.record(session, "typical_case_marked" if after[1] else "typical_case_unmarked", user, target, now=now)
    if before == after:
        audit.record(session, "publication_edited", user, target, now=now)


def search_text(value: str) -> str:
    """Return the search words as typed, bounded (the page shows them back)."""
    return value.strip()[:50]


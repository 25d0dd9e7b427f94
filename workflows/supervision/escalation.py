"""Supervision (督查督办): open tasks in a supervisor's scope, the dashboard's figures, escalation.

The city guidance group sees every district and its figures are grouped by district; a
district's supervisors see their own district, grouped by platform (the district and each
town). Called by the supervision pages; escalation is one transaction leaving an event that
the case timeline shows, in-app notices to the unit, and an audit entry.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from models import Chase, Event, OrgKind, Role, TaskItem, TaskStatus, Topic, User, utcnow
from models.database import writing
from workflows.notifications.notify import Message, Recipients, notify
from workflows.people import audit
from workflows.topics.inbox import descendants
from workflows.topics.worklist import Row

SUPERVISING_ROLES = (Role.SUPERVISOR, Role.CHAIR, Role.CPPCC_OFFICE)
SATISFIED = ("satisfied", "basically_satisfied")


@dataclass
class Figures:
    """The dashboard: counts of open tasks by group, unit and stage, and the feedback rates."""

    grouped_by: str  # district | platform
    by_group: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    by_unit: dict[tuple[str, str], Counter[str]] = field(default_factory=dict)
    by_stage: dict[str, Counter[str]] = field(default_factory=dict)
    totals: Counter[str] = field(default_factory=Counter)
    replies: int = 0
    replies_on_time: int = 0
    ratings: Counter[str] = field(default_factory=Counter)

    @property
    def on_time_rate(self) -> float | None:
        """Return the share of written replies given by their deadline."""
        return self.replies_on_time / self.replies if self.replies else None

    @property
    def satisfaction_rate(self) -> float | None:
        """Return the share of ratings that were satisfied or basically satisfied."""
        total = sum(self.ratings.values())
        return sum(self.ratings[r] for r in SATISFIED) / total if total else None


def scope(session: Session, user: User) -> set[int]:
    """Return the organizations the user supervises (with everything below them)."""
    return descendants(session, {a.organization_id for a in user.roles
                                 if a.role in SUPERVISING_ROLES and a.organization_id is not None})


def grouping(session: Session, user: User) -> str:
    """Return how the user's figures are grouped: by district for the city, else by platform."""
    return "district" if any(a.organization is not None and a.organization.kind is OrgKind.CITY
                             and a.role in SUPERVISING_ROLES for a in user.roles) else "platform"


def _in_scope(orgs: set[int]):  # type: ignore[no-untyped-def]
    return or_(Topic.town_id.in_(orgs), Topic.town_id.is_(None) & Topic.district_id.in_(orgs))


def open_tasks(session: Session, user: User) -> list[TaskItem]:
    """Return every open task of the topics in the user's scope."""
    orgs = scope(session, user)
    return list(session.scalars(select(TaskItem).join(Topic).where(
        TaskItem.status == TaskStatus.READY, _in_scope(orgs)).order_by(TaskItem.due_at)))


def group_key(item: TaskItem, grouped_by: str) -> tuple[str, str]:
    """Return (code, name) of the group a task counts in."""
    org = item.topic.district if grouped_by == "district" else item.topic.platform
    return org.code, org.name


def figures(session: Session, user: User, rows: list[Row]) -> Figures:
    """Count open, yellow and red tasks by group, unit and stage; compute the feedback rates."""
    result = Figures(grouping(session, user))
    for row in rows:
        levels = ["open"] + ([row.left.level] if row.left.level in ("yellow", "red") else [])
        unit = row.item.candidate_unit
        unit_key = (unit.code, unit.name) if unit else (f"org:{row.item.candidate_org_id}", row.waiting_label)
        for counter in (result.by_group.setdefault(group_key(row.item, result.grouped_by), Counter()),
                        result.by_unit.setdefault(unit_key, Counter()),
                        result.by_stage.setdefault(row.item.stage, Counter()), result.totals):
            counter.update(levels)
    for item in replies(session, user):
        result.replies += 1
        result.replies_on_time += bool(item.due_at and item.completed_at and item.completed_at <= item.due_at)
    result.ratings.update(r for _, r in ratings(session, user))
    return result


def replies(session: Session, user: User) -> list[TaskItem]:
    """Return the completed written replies of the topics in the user's scope, newest first."""
    return list(session.scalars(select(TaskItem).join(Topic).where(
        TaskItem.bpmn_id == "write_reply", TaskItem.status == TaskStatus.COMPLETED,
        _in_scope(scope(session, user))).order_by(TaskItem.completed_at.desc())))


def ratings(session: Session, user: User) -> list[tuple[Event, str]]:
    """Return every satisfaction rating given in the user's scope, with its value."""
    events = session.scalars(select(Event).join(Topic, Event.topic_id == Topic.id).where(
        Event.kind == "task_completed", _in_scope(scope(session, user))).order_by(Event.at))
    return [(e, str(e.payload["data"].get("rating"))) for e in events
            if e.payload.get("task") == "rate_reply" and isinstance(e.payload.get("data"), dict)]


def escalate(session: Session, user: User, task_item_id: int, reason: str, now: datetime | None = None,
             address: str = "") -> Event:
    """Escalate an open task (督办): note it on the topic's timeline and in the audit log."""
    now = now or utcnow()
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("a reason is required",
                           {"reason": "请填写督办意见，最多 500 字 (a reason of at most 500 characters)"})
    with writing(session):
        if not user.has_role(Role.SUPERVISOR):
            raise Forbidden("only supervisors escalate")
        item = session.get(TaskItem, task_item_id)
        if item is None or item.topic.platform.id not in scope(session, user):
            raise NotFound(f"no task {task_item_id} in your scope")
        if item.status is not TaskStatus.READY:
            raise Conflict(f"task {item.id} is already {item.status.value}")
        event = Event(topic_id=item.topic_id, task_item_id=item.id, actor_id=user.id, kind="escalated", at=now,
                      payload={"reason": reason, "due_at": item.due_at.isoformat() if item.due_at else None})
        session.add(event)
        # The sweep's own escalation then knows this deadline is already escalated.
        item.chase = Chase.ESCALATED
        recipients = Recipients(session)
        title = f"【督办】{item.name}：{item.topic.title}"
        body = f"督办意见：{reason}\n督办人：{user.display_name}"
        notify(session, Message("escalation", title, body, item.topic_id, item.id),
               recipients.leaders(item) + recipients.task_actors(item), [], f"escalated:{item.id}:{now.isoformat()}",
               now)
        audit.record(session, "escalate", user, target=f"task_item:{item.id}", address=address, now=now)
    return event

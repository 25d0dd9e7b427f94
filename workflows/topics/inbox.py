"""Task lists as plain indexed queries over task_item: a user's inbox and a topic's open tasks.

The API reads ``inbox``; the inbox page pages ``inbox_conditions`` through workflows/topics/worklist.py.
"""
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Select, and_, bindparam, false, func, or_, select
from sqlalchemy.orm import Session

from models import Organization, TaskItem, TaskStatus, Topic, User
from workflows.people.access import stands_in_for


def descendants(session: Session, org_ids: set[int]) -> set[int]:
    """Return the given organizations and every organization below them (a merged one lies below its target too)."""
    children: dict[int | None, list[int]] = {}
    for org_id, parent_id, merged_into_id in session.execute(
            select(Organization.id, Organization.parent_id, Organization.merged_into_id)):
        children.setdefault(parent_id, []).append(org_id)
        if merged_into_id is not None:
            children.setdefault(merged_into_id, []).append(org_id)
    found, stack = set(org_ids), list(org_ids)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def inbox_conditions(session: Session, user: User,
                     status: TaskStatus = TaskStatus.READY) -> list[ColumnElement[bool]]:
    """Return the conditions of the tasks the user may act on (the inbox page filters and pages within them)."""
    return [TaskItem.status == status, or_(false(), *_reach(session, user, status))]


def inbox_query(session: Session, user: User, status: TaskStatus = TaskStatus.READY) -> Select[tuple[TaskItem]]:
    """Return the query for the tasks the user may act on, least time left first."""
    return (
        select(TaskItem)
        .where(*inbox_conditions(session, user, status))
        .order_by(TaskItem.due_at.is_(None), TaskItem.due_at, TaskItem.id)
    )


def _reach(session: Session, user: User, status: TaskStatus, stand_in: bool = True) -> list[ColumnElement[bool]]:
    """Return the conditions, one per way a task can be the user's, whose union is what the user may act on."""
    clauses: list[ColumnElement[bool]] = []
    for assignment in user.roles:
        if not assignment.in_force():  # an ended role lists nothing
            continue
        if assignment.unit_id is not None:
            clauses.append(and_(TaskItem.role == assignment.role, TaskItem.candidate_unit_id == assignment.unit_id))
        elif assignment.organization_id is not None:
            orgs = descendants(session, {assignment.organization_id})
            clauses.append(and_(
                TaskItem.role == assignment.role,
                TaskItem.candidate_unit_id.is_(None),
                TaskItem.candidate_org_id.in_(orgs),
            ))
    mine = TaskItem.assignee_id == user.id
    if status is TaskStatus.READY and stand_in:  # out-of-office: the absent colleagues' tasks are listed too
        for absent in stands_in_for(user):
            clauses += _reach(session, absent, status, stand_in=False)
    if status is TaskStatus.READY:
        # a task given to one person (reassigned to a user) is theirs alone
        return [*(and_(c, TaskItem.assignee_id.is_(None)) for c in clauses), mine]
    return [*clauses, mine]


@dataclass(frozen=True)
class After:
    """Where a page of the inbox ends: the last task's deadline (None: no deadline) and id, in inbox order."""

    due_at: datetime | None
    id: int

    @classmethod
    def of(cls, item: TaskItem) -> "After":
        """Return the position just after ``item``."""
        return cls(item.due_at, item.id)


def inbox(session: Session, user: User, status: TaskStatus = TaskStatus.READY, limit: int = 200,
          after: After | None = None) -> list[TaskItem]:
    """Return the user's tasks in the given status, least time left first (the order of ``inbox_query``).

    Each way a task can be the user's is read on its own, in the order of the (unit, status,
    due_at) index, at most ``limit`` rows, and the parts are merged: a busy unit's inbox reads
    ``limit`` rows instead of sorting all its open tasks. ``after`` starts the list behind a
    task of an earlier page (keyset paging: the next page costs the same as the first).
    """
    found: dict[int, TaskItem] = {}
    for condition in _reach(session, user, status):
        mine = select(TaskItem).where(TaskItem.status == status, condition)
        dated = mine.where(TaskItem.due_at.is_not(None)).order_by(TaskItem.due_at, TaskItem.id).limit(limit)
        undated = mine.where(TaskItem.due_at.is_(None)).order_by(TaskItem.id).limit(limit)
        if after is not None and after.due_at is None:
            queries = [undated.where(TaskItem.id > after.id)]  # every dated task came before
        elif after is not None:
            queries = [dated.where(or_(TaskItem.due_at > after.due_at,
                                       and_(TaskItem.due_at == after.due_at, TaskItem.id > after.id))), undated]
        else:
            queries = [dated, undated]
        for query in queries:
            found.update((item.id, item) for item in session.scalars(query))
    return sorted(found.values(), key=_least_time_left)[:limit]


def inbox_total(session: Session, user: User, status: TaskStatus = TaskStatus.READY) -> int:
    """Count the user's tasks in the given status (every page of ``inbox`` together)."""
    return session.scalar(select(func.count()).select_from(TaskItem).where(
        *inbox_conditions(session, user, status))) or 0


def _least_time_left(item: TaskItem) -> tuple[bool, datetime, int]:
    return item.due_at is None, item.due_at or datetime.min.replace(tzinfo=UTC), item.id


# Built once: every API answer about a topic lists them, and making the statement cost more than running it.
_OPEN_TASKS = select(TaskItem).where(TaskItem.topic_id == bindparam("topic_id"),
                                     TaskItem.status == TaskStatus.READY).order_by(TaskItem.id)


def open_tasks(session: Session, topic: Topic) -> list[TaskItem]:
    """Return the topic's ready tasks."""
    return list(session.scalars(_OPEN_TASKS, {"topic_id": topic.id}))

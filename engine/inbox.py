"""Task lists as plain indexed queries over task_item: a user's inbox and a topic's open tasks."""
from sqlalchemy import Select, and_, false, or_, select
from sqlalchemy.orm import Session

from models import Organization, TaskItem, TaskStatus, Topic, User


def descendants(session: Session, org_ids: set[int]) -> set[int]:
    """Return the given organizations and every organization below them."""
    children: dict[int | None, list[int]] = {}
    for org_id, parent_id in session.execute(select(Organization.id, Organization.parent_id)):
        children.setdefault(parent_id, []).append(org_id)
    found, stack = set(org_ids), list(org_ids)
    while stack:
        for child in children.get(stack.pop(), []):
            if child not in found:
                found.add(child)
                stack.append(child)
    return found


def inbox_query(session: Session, user: User, status: TaskStatus = TaskStatus.READY) -> Select[tuple[TaskItem]]:
    """Return the query for the tasks the user may act on, least time left first."""
    clauses = []
    for assignment in user.roles:
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
    if status is TaskStatus.READY:
        # a task given to one person (reassigned to a user) is theirs alone
        reach = or_(and_(or_(false(), *clauses), TaskItem.assignee_id.is_(None)), mine)
    else:
        reach = or_(false(), *clauses, mine)
    return (
        select(TaskItem)
        .where(TaskItem.status == status, reach)
        .order_by(TaskItem.due_at.is_(None), TaskItem.due_at, TaskItem.id)
    )


def inbox(session: Session, user: User, status: TaskStatus = TaskStatus.READY, limit: int = 200) -> list[TaskItem]:
    """Return the user's tasks in the given status, least time left first."""
    return list(session.scalars(inbox_query(session, user, status).limit(limit)))


def open_tasks(session: Session, topic: Topic) -> list[TaskItem]:
    """Return the topic's ready tasks."""
    return list(session.scalars(select(TaskItem).where(
        TaskItem.topic_id == topic.id, TaskItem.status == TaskStatus.READY).order_by(TaskItem.id)))

"""Server-side permission checks: may this user act on this task, or see this topic?"""

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Forbidden, NotFound
from models import Organization, Role, TaskItem, Topic, User
from workflows.rules.roles import covers

SEE_ALL_IN_SCOPE = (Role.CPPCC_OFFICE, Role.CHAIR, Role.SUPERVISOR, Role.PROCESS_ADMIN, Role.COMMITTEE)


def require_role(user: User, *roles: Role) -> None:
    """Raise Forbidden unless the user holds one of the roles somewhere."""
    if not any(user.has_role(role) for role in roles):
        raise Forbidden(f"this needs the role {' or '.join(r.value for r in roles)}")


def lineage_ids(org: Organization | None) -> list[int]:
    """Return the ids of an organization and of every organization above it."""
    return [o.id for o in org.lineage()] if org is not None else []


def may_act(user: User, item: TaskItem) -> bool:
    """Tell whether the user holds the task's role where the task belongs, or the task was given to them."""
    if item.assignee_id is not None and item.assignee_id == user.id:
        return True
    lineage = lineage_ids(item.candidate_org) if item.candidate_unit_id is None else []
    return any(a.role is item.role and covers(a, lineage, item.candidate_unit_id) for a in user.roles)


def may_see(session: Session, user: User, topic: Topic) -> bool:
    """Tell whether the topic lies in the user's scope, or one of the user's units has a task in it."""
    scoped = [a.organization_id for a in user.roles if a.role in SEE_ALL_IN_SCOPE]
    if scoped and set(scoped) & set(lineage_ids(topic.platform)):  # lineage costs queries: only when it can matter
        return True
    unit_ids = {a.unit_id for a in user.roles if a.unit_id is not None}
    hit = session.scalar(select(TaskItem.id).where(
        TaskItem.topic_id == topic.id,
        TaskItem.candidate_unit_id.in_(unit_ids) | (TaskItem.assignee_id == user.id)).limit(1))
    return hit is not None


def require_topic(session: Session, user: User, topic_id: int) -> Topic:
    """Return the topic, or NotFound both when it does not exist and when the user may not see it."""
    topic = session.get(Topic, topic_id)
    if topic is None or not may_see(session, user, topic):
        raise NotFound(f"no topic {topic_id} that you can see")
    return topic


def require_task(session: Session, user: User, task_item_id: int) -> TaskItem:
    """Return a task the user may act on: NotFound if unseen, Forbidden if seen but not theirs."""
    item = session.get(TaskItem, task_item_id, options=[joinedload(TaskItem.topic)])
    if item is None or not may_see(session, user, item.topic):
        raise NotFound(f"no task {task_item_id} that you can see")
    if not may_act(user, item):
        raise Forbidden(f"task {task_item_id} needs the role {item.role.value} of its organization or unit")
    return item



"""Server-side permission checks: may this user act on this task, or see this topic?

Also the one look-up-or-NotFound (``require``) that services and views use for a row named by id.
"""
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Forbidden, NotFound
from models import Delegation, Organization, OrgKind, Role, RoleAssignment, TaskItem, Topic, TopicCoPlatform, User
from models.people import BEIJING
from workflows.rules.roles import covers

# A party leader reads the topics of their area (no lane names the role, so they act on none).
SEE_ALL_IN_SCOPE = (Role.CPPCC_OFFICE, Role.CHAIR, Role.SUPERVISOR, Role.PROCESS_ADMIN, Role.COMMITTEE,
                    Role.PARTY_LEADER)
# Who handles the topics of their scope, and so may read a resident's contact: all but the leader, who only reads.
HANDLE_IN_SCOPE = tuple(r for r in SEE_ALL_IN_SCOPE if r is not Role.PARTY_LEADER)
T = TypeVar("T")
MAX_ID = 2**31 - 1  # PostgreSQL's integer: the id columns of both databases hold at least this


def require(session: Session, model: type[T], ident: Any, what: str, *, where: Callable[[T], bool] | None = None,
            because: str = "", options: Any = (), query: Select[Any] | None = None) -> T:
    """Return the ``model`` row with primary key ``ident``, or raise NotFound "no <what> <ident> [<because>]".

    ``where`` narrows what counts as found (a row the caller may not see is reported as missing); ``query``, a
    statement built once that selects the row by the bound parameter ``id``, replaces the look-up by primary key.
    """
    # An id outside a 32-bit integer names no row on either database, and would make the driver raise (a 500).
    out_of_range = isinstance(ident, int) and not -MAX_ID <= ident <= MAX_ID
    if out_of_range:
        row = None
    elif query is not None:
        row = session.scalars(query, {"id": ident}).first()
    else:
        row = session.get(model, ident, options=options)
    if row is None or (where is not None and not where(row)):
        raise NotFound(" ".join(filter(None, (f"no {what} {ident}", because))))
    return row


def require_role(user: User, *roles: Role) -> None:
    """Raise Forbidden unless the user holds one of the roles somewhere."""
    if not any(user.has_role(role) for role in roles):
        raise Forbidden(f"this needs the role {' or '.join(r.value for r in roles)}")


def held(user: User, *roles: Role) -> list[RoleAssignment]:
    """Return the user's assignments of these roles that are in force today (an ended one grants nothing)."""
    return [a for a in user.roles if a.role in roles and a.in_force()]


def orgs_with(user: User, *roles: Role) -> set[int]:
    """Return the organizations where the user holds one of these roles today."""
    return {a.organization_id for a in held(user, *roles) if a.organization_id is not None}


def units_with(user: User, *roles: Role) -> set[int]:
    """Return the units where the user holds one of these roles today."""
    return {a.unit_id for a in held(user, *roles) if a.unit_id is not None}


def office_districts(user: User) -> Select[tuple[int]] | None:
    """Return the select of the districts the user's CPPCC office covers (the city's: all), None without an office."""
    offices = orgs_with(user, Role.CPPCC_OFFICE)
    if not offices:
        return None
    return select(Organization.id).where(Organization.kind == OrgKind.DISTRICT,
                                         Organization.id.in_(offices) | Organization.parent_id.in_(offices))


def lineage_ids(org: Organization | None) -> list[int]:
    """Return the ids of an organization and of every organization above it."""
    return [o.id for o in org.lineage()] if org is not None else []


def may_act(user: User, item: TaskItem) -> bool:
    """Tell whether the user holds the task's role where the task belongs, or the task was given to them,
    themselves or through someone they stand in for today (out-of-office delegation)."""
    return _acts_directly(user, item) or any(_acts_directly(absent, item) for absent in stands_in_for(user))


def _acts_directly(user: User, item: TaskItem) -> bool:
    if item.assignee_id is not None and item.assignee_id == user.id:
        return True
    lineage = lineage_ids(item.candidate_org) if item.candidate_unit_id is None else []
    return any(a.role is item.role and covers(a, lineage, item.candidate_unit_id) for a in user.roles)


def stands_in_for(user: User, on: date | None = None) -> list[User]:
    """Return the active people whose delegation names this user on a day (today in Beijing by default)."""
    session = Session.object_session(user)
    if session is None or not isinstance(user, User):
        return []
    day = on or datetime.now(BEIJING).date()
    return list(session.scalars(select(User).join(Delegation, Delegation.user_id == User.id).where(
        Delegation.delegate_id == user.id, Delegation.starts_on <= day, Delegation.ends_on >= day,
        User.active.is_(True))))


def may_see(session: Session, user: User, topic: Topic) -> bool:
    """Tell whether the topic lies in the user's scope, or in the scope of someone they stand in for."""
    return _sees_directly(session, user, topic) or any(
        _sees_directly(session, absent, topic) for absent in stands_in_for(user))


def _sees_directly(session: Session, user: User, topic: Topic) -> bool:
    """Tell whether the topic lies in the user's scope, or one of the user's units has a task in it."""
    scoped = orgs_with(user, *SEE_ALL_IN_SCOPE)
    if scoped and scoped & set(lineage_ids(topic.platform)):  # lineage costs queries: only when it can matter
        return True
    return _has_task(session, user, topic) or (bool(scoped) and _co_organizes(session, scoped, topic))


def may_read_contact(session: Session, user: User, topic: Topic) -> bool:
    """Tell whether the user handles the topic, themselves or for someone they stand in for: the resident's contact.

    Only the sight that comes from handling counts: a staff role of the topic's own platform or above, or a task
    of the topic at one of the user's units or given to them. A party leader's area and a co-organizing
    platform let one read the topic, never reach the resident.
    """
    return _handles(session, user, topic) or any(_handles(session, absent, topic) for absent in stands_in_for(user))


def _handles(session: Session, user: User, topic: Topic) -> bool:
    staff = orgs_with(user, *HANDLE_IN_SCOPE)
    return bool(staff and staff & set(lineage_ids(topic.platform))) or _has_task(session, user, topic)


def _has_task(session: Session, user: User, topic: Topic) -> bool:
    """Tell whether the topic has a task at one of the user's units (roles in force) or given to the user."""
    mine = TaskItem.candidate_unit_id.in_(units_with(user, *Role)) | (TaskItem.assignee_id == user.id)
    return session.scalar(select(TaskItem.id).where(TaskItem.topic_id == topic.id, mine).limit(1)) is not None


def _co_organizes(session: Session, scoped: set[int], topic: Topic) -> bool:
    """Tell whether a co-organizing platform of a joint topic lies in the organizations ``scoped`` or below them."""
    co = session.scalars(select(Organization).join(TopicCoPlatform, TopicCoPlatform.organization_id == Organization.id)
                         .where(TopicCoPlatform.topic_id == topic.id)).all()
    return any(scoped & set(lineage_ids(org)) for org in co)


def _sees_by_task(user: User, item: TaskItem) -> bool:
    """Tell from the loaded row whether the task itself puts its topic in the user's sight (see may_see)."""
    # The row is what may_see's query would find: given to the user, or at one of the user's units.
    return item.assignee_id == user.id or (
        item.candidate_unit_id is not None and item.candidate_unit_id in units_with(user, *Role))


def require_topic(session: Session, user: User, topic_id: int) -> Topic:
    """Return the topic, or NotFound both when it does not exist and when the user may not see it."""
    return require(session, Topic, topic_id, "topic", where=lambda t: may_see(session, user, t),
                   because="that you can see")


# The task's topic and its platform come in the task's query: a completion resolves the new tasks' places from them;
# its unit too, which every answer names (a lazy load of it was a round trip of its own).
# Built once, as a statement made anew for every request costs more than running it.
_TASK_WITH_TOPIC = select(TaskItem).where(TaskItem.id == bindparam("id")).options(
    joinedload(TaskItem.topic).options(joinedload(Topic.district), joinedload(Topic.town)),
    joinedload(TaskItem.candidate_unit))


def require_task(session: Session, user: User, task_item_id: int) -> TaskItem:
    """Return a task the user may act on: NotFound if unseen, Forbidden if seen but not theirs."""
    item = require(session, TaskItem, task_item_id, "task",
                   where=lambda i: _sees_by_task(user, i) or may_see(session, user, i.topic),
                   because="that you can see", query=_TASK_WITH_TOPIC)
    if not may_act(user, item):
        raise Forbidden(f"task {task_item_id} needs the role {item.role.value} of its organization or unit")
    return item



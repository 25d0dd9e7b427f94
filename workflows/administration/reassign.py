"""Moving an open task to another unit, organization or person (转办), for operations.py and the page's choices.

A task goes only within its topic's district: a unit or organization of the district, or a person holding the
task's role (in force) there; ``choices`` lists exactly those, so the page offers what the service accepts.

When the task's candidate is a unit named in the topic's data (the undertaking committee, the
lead unit, an assisting unit), that field is changed in the workflow too, so the tasks that
follow in the diagram go to the new unit as well; otherwise only this task moves.
"""
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput
from engine.time import clocks
from models import Organization, Role, RoleAssignment, TaskItem, Topic, Unit, User, utcnow
from models.database import require_writing
from workflows.rules.roles import UNIT_CANDIDATES
from workflows.topics import lifecycle as topics
from workflows.topics.inbox import descendants


def reassign_task(session: Session, item: TaskItem, *, unit: str | None, organization: str | None,
                  user: str | None, now: datetime | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Point the task at its new place; return where it was and where it is now."""
    require_writing(session)
    before = where(item)
    if unit is not None:
        target = session.scalar(select(Unit).where(Unit.code == unit))
        if target is None:
            raise InvalidInput("unknown unit", {"unit": f"no unit {unit!r}"})
        if target.organization_id not in descendants(session, {item.topic.district_id}):
            raise InvalidInput("unit of another district (不能转给本议题所在区以外的单位)",
                               {"unit": f"{unit} is not in the topic's district"})
        item.candidate_unit, item.candidate_org_id, item.assignee = target, target.organization_id, None
        _follow_in_workflow(session, item, target.code, now or utcnow())
    elif organization is not None:
        org = session.scalar(select(Organization).where(Organization.code == organization))
        if org is None:
            raise InvalidInput("unknown organization", {"organization": f"no organization {organization!r}"})
        if org.id not in descendants(session, {item.topic.district_id}):
            raise InvalidInput("organization of another district (不能转给本议题所在区以外的组织)",
                               {"organization": f"{organization} is not in the topic's district"})
        item.candidate_unit, item.candidate_org, item.assignee = None, org, None
    else:
        person = session.scalar(select(User).where(User.username == user, User.active.is_(True)))
        if person is None:
            raise InvalidInput("unknown user", {"user": f"no active user {user!r}"})
        day = clocks.local_day(now or utcnow())
        scope = descendants(session, {item.topic.district_id})
        held = holders(scope, day).where(User.id == person.id, RoleAssignment.role == item.role)
        if session.execute(held.limit(1)).first() is None:
            raise InvalidInput("the user cannot do this task (此人在本议题所在区不担任办理该任务的角色)",
                               {"user": f"{user} does not hold the role {item.role.value} in the topic's district"})
        item.assignee = person
    session.flush()
    return before, where(item)


def holders(scope: set[int], day: date) -> Select[tuple[str, str, Role]]:
    """Return the query of the people who may be given a topic's tasks: active, holding a role in force on ``day``
    at an organization of ``scope`` (the topic's district and below) or a unit of one (username, name, role; one
    row per person and role).
    """
    return (select(User.username, User.display_name, RoleAssignment.role).join(RoleAssignment)
            .outerjoin(Unit, Unit.id == RoleAssignment.unit_id)
            .where(User.active.is_(True), RoleAssignment.in_force_on(day),
                   or_(RoleAssignment.organization_id.in_(scope), Unit.organization_id.in_(scope)))
            .distinct().order_by(User.username))


def choices(session: Session, topic: Topic, now: datetime | None = None) -> dict[str, Any]:
    """Return where the topic's open tasks may go: its district's units and organizations, and its people by role.

    Values are ``unit:<code>``, ``organization:<code>`` and ``user:<username>``; the page's form offers these only.
    """
    scope = descendants(session, {topic.district_id})
    units = session.execute(select(Unit.code, Unit.name).where(Unit.organization_id.in_(scope), Unit.active.is_(True))
                            .order_by(Unit.organization_id, Unit.id)).tuples().all()
    orgs = session.execute(select(Organization.code, Organization.name).where(
        Organization.id.in_(scope), Organization.active.is_(True)).order_by(Organization.id)).tuples().all()
    people: dict[Role, list[tuple[str, str]]] = {}
    for username, name, role in session.execute(holders(scope, clocks.local_day(now or utcnow()))).tuples():
        people.setdefault(role, []).append((f"user:{username}", name))
    return {"units": [(f"unit:{c}", n) for c, n in units], "organizations": [(f"organization:{c}", n) for c, n in orgs],
            "people": people}


def where(item: TaskItem) -> dict[str, Any]:
    """Describe where a task lies: its unit, organization and assignee (codes and username)."""
    return {
        "unit": item.candidate_unit.code if item.candidate_unit else None,
        "organization": item.candidate_org.code if item.candidate_org else None,
        "user": item.assignee.username if item.assignee else None,
    }


def _follow_in_workflow(session: Session, item: TaskItem, code: str, now: datetime) -> None:
    """Change the unit field the task's candidate reads, in the waiting task's data."""
    field = UNIT_CANDIDATES.get(item.context.get("candidate", ""))
    if field is None:
        return
    instance = topics.load_instance(session, item.topic)
    if not instance.update_task_data(item.task_uuid, {field: code}):
        return
    instance.save(now, None)  # nothing ran: the workflow cannot have ended
    if field in item.context:
        item.context = {**item.context, field: code}

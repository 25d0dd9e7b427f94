"""The annual consultation plan (年度协商计划) of a district: read from the topics, adjusted by the chairs' meeting.

Called by the plan page, its PDF and XLSX, and the API. A district topic is in the plan of the
year its party-committee-approved entry (the enter_annual_plan task) names; a town topic is listed
as filed in the year the district filed it (district_filing). The chairs' meeting moves a topic's
month or takes it out; every change is a row, so the plan's history is complete. Read in four
statements: the planned topics, the filed town topics, the open deadlines, the changes.
"""
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload

from engine.errors import Forbidden, InvalidInput, NotFound
from engine.time.calendar import SHANGHAI
from models import Event, Organization, OrgKind, PlanChange, Role, TaskItem, TaskStatus, Topic, User, utcnow
from models.database import require_writing
from workflows.platform import rooms
from workflows.topics.inbox import descendants

FIRST_YEAR, LAST_YEAR = 2000, 2100  # the years a plan, a target or a yearly report may be asked for

@dataclass
class PlanRow:
    """One topic of the plan, as it stands."""

    topic_id: int
    title: str
    category: str
    platform: str
    stage: str
    status: str
    planned_month: int | None
    next_due: datetime | None
    filed: bool  # a town topic filed with the district, not a district topic approved into the plan
    removed: bool = False
    kind: str = "youshi_haoshangliang"  # the kind of consultation (workflows/topics/kinds.py)
    proposal_number: str = ""


@dataclass
class Plan:
    """A district's plan for a year and the history of its changes, oldest first."""

    district: Organization
    year: int
    rows: list[PlanRow]
    changes: list[PlanChange]


def require_district(session: Session, user: User, code: str) -> Organization:
    """Return a district the user sees, else NotFound."""
    district = session.scalar(select(Organization).where(Organization.code == code,
                                                         Organization.kind == OrgKind.DISTRICT))
    if district is None or (district.id not in rooms.scope(session, user)
                            and not _leads_within(session, user, district)):
        raise NotFound(f"no district {code} that you can see")
    return district


def _leads_within(session: Session, user: User, district: Organization) -> bool:
    """Tell whether the user is a party leader of a town of the district: they read their district's plan."""
    towns = {a.organization_id for a in user.roles if a.role is Role.PARTY_LEADER and a.in_force()}
    return bool(towns & descendants(session, {district.id}))


def _completed(task: str) -> list[Any]:
    return [Event.kind == "task_completed", Event.payload["task"].as_string() == task]


def plan_of(session: Session, district: Organization, year: int) -> Plan:
    """Return the district's plan for the year, with the chairs' meeting's changes applied."""
    return plans_of(session, [district], year)[0]


def plans_of(session: Session, districts: Sequence[Organization], year: int) -> list[Plan]:
    """Return the districts' plans for the year, in their order: four statements however many districts."""
    planned_year = Event.payload["data"]["plan_year"].as_integer()
    month = Event.payload["data"]["planned_month"].as_integer()
    town = aliased(Organization)
    names = {d.id: d.name for d in districts}
    rows: dict[int, PlanRow] = {}
    district_of: dict[int, int] = {}
    query = (select(Topic, town.name, month).join(Event, Event.topic_id == Topic.id)
             .outerjoin(town, town.id == Topic.town_id)
             .where(*_completed("enter_annual_plan"), planned_year == year, Topic.district_id.in_(names))
             .order_by(Topic.id))
    for topic, town_name, planned_month in session.execute(query).tuples():
        rows[topic.id] = _row(topic, town_name or names[topic.district_id], planned_month, filed=False)
        district_of[topic.id] = topic.district_id
    start, end = (datetime(y, 1, 1, tzinfo=SHANGHAI) for y in (year, year + 1))
    filed = (select(Topic, town.name).join(Event, Event.topic_id == Topic.id).join(town, town.id == Topic.town_id)
             .where(*_completed("district_filing"), Event.at >= start, Event.at < end,
                    Topic.district_id.in_(names)).order_by(Topic.id))
    for topic, town_name in session.execute(filed).tuples():
        rows.setdefault(topic.id, _row(topic, town_name, None, filed=True))
        district_of.setdefault(topic.id, topic.district_id)
    due = session.execute(select(TaskItem.topic_id, func.min(TaskItem.due_at))
                          .where(TaskItem.topic_id.in_(rows), TaskItem.status == TaskStatus.READY)
                          .group_by(TaskItem.topic_id)).tuples().all()
    for topic_id, next_due in due:
        rows[topic_id].next_due = next_due
    changes = list(session.scalars(select(PlanChange).options(joinedload(PlanChange.changed_by))
                                   .where(PlanChange.district_id.in_(names), PlanChange.year == year)
                                   .order_by(PlanChange.changed_at, PlanChange.id)))
    for change in changes:  # the latest change of a topic wins
        row = rows.get(change.topic_id)
        if row is not None:
            row.removed = change.removed
            row.planned_month = change.planned_month if change.planned_month is not None else row.planned_month
    ordered = sorted(rows.values(), key=lambda r: (r.removed, r.filed, r.planned_month or 13, r.topic_id))
    return [Plan(d, year, [r for r in ordered if district_of[r.topic_id] == d.id],
                 [c for c in changes if c.district_id == d.id]) for d in districts]


def _row(topic: Topic, platform: str, month: int | None, filed: bool) -> PlanRow:
    return PlanRow(topic.id, topic.title, topic.category.value, platform, topic.stage, topic.status.value, month,
                   None, filed, kind=topic.consultation_kind.value, proposal_number=topic.proposal_number)


def may_adjust(user: User, district: Organization) -> bool:
    """Tell whether the user sits in the district's chairs' meeting."""
    return any(a.role is Role.CHAIR and a.organization_id == district.id for a in user.roles)


def adjust(session: Session, user: User, district: Organization, year: int, topic_id: int,
           planned_month: int | None, removed: bool, note: str, now: datetime | None = None) -> PlanChange:
    """Record a change of the plan by the chairs' meeting: a new month, or the topic taken out (a note is needed)."""
    require_writing(session)
    if not may_adjust(user, district):
        raise Forbidden("the plan is adjusted by the district's chairs' meeting")
    problems: dict[str, str] = {}
    if planned_month is not None and not 1 <= planned_month <= 12:
        problems["planned_month"] = "月份为 1 到 12 (a month from 1 to 12)"
    if not note.strip():
        problems["note"] = "请写明调整理由 (say why the plan changes)"
    if topic_id not in {r.topic_id for r in plan_of(session, district, year).rows}:
        problems["topic_id"] = "该议题不在本年度计划中 (the topic is not in this year's plan)"
    if problems:
        raise InvalidInput("the plan was not changed", problems)
    change = PlanChange(district_id=district.id, year=year, topic_id=topic_id, planned_month=planned_month,
                        removed=removed, note=note.strip()[:1000], changed_by_id=user.id, changed_at=now or utcnow())
    session.add(change)
    session.flush()
    return change


"""Member points (委员履职积分): the city's rules per event kind and year, each member's yearly statement, rankings.

Called by the points pages, their XLSX export and the API. Points are computed from the records,
never typed in: an activity a member checked in to (attended), spoke at (spoke) or that was a
follow-up round (再调研/再视察/再协商: follow_up), and a topic the member recommended that passed
approval (recommended). Read in a fixed number of statements whatever the number of members.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput
from engine.time.calendar import SHANGHAI
from models import (
    Activity,
    Member,
    Organization,
    OrgKind,
    Participant,
    PointEvent,
    PointRule,
    Role,
    Sector,
    Topic,
    TopicRecommendation,
    TopicStatus,
    User,
    utcnow,
)
from models.database import require_writing
from workflows.i18n import N_
from workflows.people.access import require
from workflows.platform import rooms

EVENT_LABELS = {PointEvent.ATTENDED: N_("参加协商活动"), PointEvent.SPOKE: N_("活动中发言"),
                PointEvent.RECOMMENDED: N_("推荐议题被采纳"), PointEvent.FOLLOW_UP: N_("参加跟踪问效")}
RULE_ROLES = (Role.CPPCC_OFFICE, Role.SUPERVISOR)  # at the city
NOT_ADOPTED_STAGES = ("proposal", "approval")


def may_set_rules(user: User) -> bool:
    """Tell whether the user sets the city's point rules (city CPPCC office or guidance group)."""
    return any(a.role in RULE_ROLES and a.organization is not None and a.organization.kind is OrgKind.CITY
               for a in user.roles)


def rules_for(session: Session, year: int) -> dict[PointEvent, int]:
    """Return the points each event kind earns in ``year`` (kinds without a rule earn nothing)."""
    rows = session.execute(select(PointRule.kind, PointRule.points).where(PointRule.valid_year == year))
    return {kind: points for kind, points in rows.tuples()}


def set_rule(session: Session, user: User, kind: str, year: int, points: int, now: datetime | None = None) -> None:
    """Set the points an event kind earns in a year (the city only)."""
    require_writing(session)
    if not may_set_rules(user):
        raise Forbidden("point rules are set by the city CPPCC")
    try:
        event = PointEvent(kind)
    except ValueError:
        raise InvalidInput("bad rule", {"kind": "attended, spoke, recommended or follow_up"}) from None
    if not 0 <= points <= 100 or not 2000 <= year <= 2100:
        raise InvalidInput("bad rule", {"points": "0 到 100 分 (0 to 100)", "valid_year": "2000-2100"})
    row = session.scalar(select(PointRule).where(PointRule.kind == event, PointRule.valid_year == year))
    if row is None:
        row = PointRule(kind=event, valid_year=year, points=points)
        session.add(row)
    row.points, row.set_by_id, row.set_at = points, user.id, now or utcnow()


def recommend(session: Session, user: User, topic: Topic, member: Member, now: datetime | None = None) -> None:
    """Record the member who recommended a topic (the CPPCC office of the topic's platform)."""
    require_writing(session)
    if not rooms.may_manage(user, topic.platform):
        raise Forbidden("the CPPCC office of the topic's platform records who recommended it")
    row = session.scalar(select(TopicRecommendation).where(TopicRecommendation.topic_id == topic.id))
    if row is None:
        session.add(TopicRecommendation(topic_id=topic.id, member_id=member.id, recorded_by_id=user.id,
                                        recorded_at=now or utcnow()))
    else:
        row.member_id = member.id


@dataclass
class Statement:
    """One member's year: events by kind and the points they earn."""

    member_id: int
    code: str
    name: str
    sector: str
    organization: str
    events: Counter[PointEvent] = field(default_factory=Counter)
    points: int = 0


def statements(session: Session, user: User, year: int, within: Organization | None = None) -> list[Statement]:
    """Return the statements of the members the user sees (or only their own), highest points first."""
    orgs = rooms.scope_within(session, user, within)
    query = (select(Member.id, Member.code, Member.name, Sector.name, Organization.name)
             .join(Sector, Sector.id == Member.sector_id).join(Organization, Organization.id == Member.organization_id)
             .where(Member.active.is_(True)))
    query = query.where(Member.organization_id.in_(orgs) | (Member.user_id == user.id))
    found = {row[0]: Statement(*row) for row in session.execute(query)}
    if not found:
        return []
    start, end = date(year, 1, 1), date(year, 12, 31)
    first, after = (datetime(y, 1, 1, tzinfo=SHANGHAI) for y in (year, year + 1))
    attended = (select(Participant.member_id, func.count(), func.sum(case((Participant.spoke.is_(True), 1), else_=0)),
                       func.count(Activity.follow_up))
                .join(Activity, Activity.id == Participant.activity_id)
                .where(Participant.member_id.in_(found), Participant.checked_in_at.is_not(None),
                       Activity.held_on >= start, Activity.held_on <= end)
                .group_by(Participant.member_id))
    for member_id, times, spoke, follow_up in session.execute(attended):
        events = found[member_id].events
        events[PointEvent.ATTENDED] += times
        events[PointEvent.SPOKE] += int(spoke or 0)
        events[PointEvent.FOLLOW_UP] += follow_up
    adopted = (select(TopicRecommendation.member_id, func.count()).join(Topic, Topic.id == TopicRecommendation.topic_id)
               .where(TopicRecommendation.member_id.in_(found), Topic.stage.not_in(NOT_ADOPTED_STAGES),
                      Topic.status != TopicStatus.REJECTED, Topic.created_at >= first, Topic.created_at < after)
               .group_by(TopicRecommendation.member_id))
    for member_id, count in session.execute(adopted):
        found[member_id].events[PointEvent.RECOMMENDED] += count
    rules = rules_for(session, year)
    for statement in found.values():
        statement.events = +statement.events  # drop the kinds never earned
        statement.points = sum(rules.get(kind, 0) * n for kind, n in statement.events.items())
    return sorted(found.values(), key=lambda s: (-s.points, s.code))


def ranked_by(statements_: list[Statement], key: str) -> dict[str, list[Statement]]:
    """Group ranked statements by ``sector`` or ``organization`` (the member's CPPCC), keeping the order."""
    grouped: dict[str, list[Statement]] = defaultdict(list)
    for statement in statements_:
        grouped[getattr(statement, key)].append(statement)
    return dict(sorted(grouped.items()))


def member_by_id(session: Session, member_id: int) -> Member:
    """Return a member or NotFound."""
    return require(session, Member, member_id, "member")

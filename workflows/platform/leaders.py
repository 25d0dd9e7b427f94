"""Party and government leaders (党政领导) as users: their area, what they read of it, and being recorded as attending.

Called by the leader's overview page and the API (read-only), and by the activity page that lists the
leaders an activity may record. A leader's area is the organization of their party_leader role and
everything below it: a city leader's covers every district, a town leader's their own town. The
overview is read in a fixed number of statements whatever the number of topics: the area, its topics
with their stages, the suggestions of those topics, the activities the leader was invited to, the
districts whose plans they read.
"""
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Forbidden
from engine.time.calendar import SHANGHAI
from models import (
    Activity,
    Organization,
    OrgKind,
    Participant,
    Role,
    RoleAssignment,
    Suggestion,
    Topic,
    TopicStatus,
    User,
)
from workflows.people.access import held, lineage_ids, orgs_with
from workflows.topics.inbox import descendants

TOPIC_LIMIT = 500


def is_leader(user: User) -> bool:
    """Tell whether the user holds a party_leader role today."""
    return user.has_role(Role.PARTY_LEADER)


def area(session: Session, user: User) -> set[int]:
    """Return the organizations of the user's party_leader roles and everything below them."""
    return descendants(session, orgs_with(user, Role.PARTY_LEADER))


@dataclass
class Overview:
    """What a leader reads of their area: its plans' districts, topics by stage, suggestions, own activities."""

    districts: list[Organization]
    topics: list[Topic]
    suggestions: list[Suggestion]
    attended: list[tuple[Activity, Participant]]
    outcomes: Counter[str] = field(default_factory=Counter)

    @property
    def stages(self) -> Counter[str]:
        """Count the area's active topics by stage."""
        return Counter(t.stage for t in self.topics if t.status is TopicStatus.ACTIVE)


def overview(session: Session, user: User, year: int) -> Overview:
    """Return the leader's overview of their area for a year (topics started that year or still open)."""
    orgs = area(session, user)
    if not orgs:
        raise Forbidden("this page is for party and government leaders")
    districts = list(session.scalars(select(Organization).where(
        Organization.kind == OrgKind.DISTRICT,
        Organization.id.in_(orgs | _districts_above(session, user))).order_by(Organization.code)))
    in_area = or_(Topic.district_id.in_(orgs), Topic.town_id.in_(orgs))
    started = Topic.created_at >= _year_start(year)
    topics = list(session.scalars(
        select(Topic).options(joinedload(Topic.district), joinedload(Topic.town))
        .where(in_area, or_(started, Topic.status == TopicStatus.ACTIVE)).order_by(Topic.id.desc()).limit(TOPIC_LIMIT)))
    found = list(session.scalars(
        select(Suggestion).options(joinedload(Suggestion.unit), joinedload(Suggestion.topic))
        .where(Suggestion.topic_id.in_([t.id for t in topics])).order_by(Suggestion.topic_id, Suggestion.number)))
    attended = [(a, p) for a, p in session.execute(
        select(Activity, Participant).join(Participant, Participant.activity_id == Activity.id)
        .options(joinedload(Activity.platform))
        .where(Participant.user_id == user.id, Activity.held_on >= date(year, 1, 1),
               Activity.held_on <= date(year, 12, 31)).order_by(Activity.held_on.desc())).tuples()]
    outcomes = Counter(s.outcome.value if s.outcome else "open" for s in found)
    return Overview(districts, topics, found, attended, outcomes)


def _districts_above(session: Session, user: User) -> set[int]:
    """Return the districts above a town leader's town: the plan they read is their district's."""
    orgs = [a.organization for a in held(user, Role.PARTY_LEADER) if a.organization is not None]
    return {i for o in orgs for i in lineage_ids(o)}


def _year_start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=SHANGHAI)


def leaders_for(session: Session, platform: Organization) -> list[User]:
    """Return the active party leaders an activity of ``platform`` may record: above it, at it, or below it."""
    orgs = set(lineage_ids(platform))
    district = platform.district()
    orgs |= descendants(session, {district.id if district else platform.id})
    query = (select(User).join(RoleAssignment, RoleAssignment.user_id == User.id)
             .where(RoleAssignment.role == Role.PARTY_LEADER, RoleAssignment.organization_id.in_(orgs),
                    User.active.is_(True)).order_by(User.display_name))
    return list(session.scalars(query).unique())

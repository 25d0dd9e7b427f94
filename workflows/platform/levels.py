"""The levels of the platform linked: a topic raised to the level above, and joint topics of several platforms.

Called by the levels pages, the case page's panel and the levels API inside their write transaction.
A town topic is raised to its district, a district topic to the city, by the CPPCC office of the
topic's own platform; the CPPCC office of the level above accepts, which starts that level's own
topic (on the bindings of that level) linked both ways to the original, or declines with a reason.
The original keeps running and keeps its history; the raised topic shows it. A joint topic
(联合协商) names co-organizing platforms: each sees the topic in its lists and on its dashboard.
"""
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from models import (
    Event,
    Organization,
    OrgKind,
    PlatformLevel,
    RaiseStatus,
    Role,
    RoleAssignment,
    TaskItem,
    Topic,
    TopicCoPlatform,
    TopicRaise,
    TopicStatus,
    User,
    utcnow,
)
from models.database import require_writing
from workflows.i18n import N_
from workflows.notifications.notify import Message, notify
from workflows.people import audit
from workflows.people.access import may_see, orgs_with, require, require_topic
from workflows.topics import lifecycle

LEVEL_LABELS = {PlatformLevel.CITY: N_("市平台"), PlatformLevel.DISTRICT: N_("区（市）平台"),
                PlatformLevel.TOWN: N_("镇（街道）平台")}
STATUS_LABELS = {RaiseStatus.PENDING: N_("待上级受理"), RaiseStatus.ACCEPTED: N_("已受理"),
                 RaiseStatus.DECLINED: N_("未予受理")}
ABOVE = {PlatformLevel.TOWN: PlatformLevel.DISTRICT, PlatformLevel.DISTRICT: PlatformLevel.CITY}
PLATFORM_KINDS = (OrgKind.CITY, OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK)
RAISABLE = (TopicStatus.ACTIVE, TopicStatus.CLOSED)  # a rejected or terminated topic is not carried on above
MAX_REASON = 2000
NAMES_CO_PLATFORMS = ("only the CPPCC office of the topic's own platform names its co-organizing platforms "
                      "(只有本议题所在平台的政协办公室可以指定联合协商平台)")


@dataclass
class Links:
    """How one topic is linked to the other levels: where it came from, where it went, who co-organizes it."""

    raised_from: TopicRaise | None = None
    raised_to: list[TopicRaise] = field(default_factory=list)
    co_platforms: list[TopicCoPlatform] = field(default_factory=list)


def above_of(topic: Topic) -> Organization | None:
    """Return the organization whose platform is above the topic's: None for a city topic or a district with no city."""
    if topic.platform_level is PlatformLevel.TOWN:
        return topic.district
    city = topic.district.parent if topic.platform_level is PlatformLevel.DISTRICT else None
    return city if city is not None and city.kind is OrgKind.CITY else None


def level_above(topic: Topic) -> Organization:
    """Return the organization whose platform is above the topic's (Conflict when there is none)."""
    above = above_of(topic)
    if above is None:
        raise Conflict("no platform above this topic's (本议题没有上级平台)")
    return above


def is_office_of(user: User, org: Organization) -> bool:
    """Tell whether the user is the CPPCC office of exactly this level (not of a level above it)."""
    return any(a.role is Role.CPPCC_OFFICE and a.organization_id == org.id and a.in_force() for a in user.roles)


def raise_topic(session: Session, actor: User, topic_id: int, reason: object, now: datetime | None = None,
                address: str = "") -> TopicRaise:
    """Raise a topic to the level above (its platform's CPPCC office), with the reason it needs that level."""
    require_writing(session)
    now = now or utcnow()
    topic = require_topic(session, actor, topic_id)
    target = level_above(topic)
    if not is_office_of(actor, topic.platform):
        raise Forbidden("only the CPPCC office of the topic's own platform may raise it to the level above "
                        "(只有本议题所在平台的政协办公室可以提交上级平台)")
    if topic.status not in RAISABLE:
        raise Conflict(f"a {topic.status.value} topic cannot be raised (已终止或未通过的议题不能提交上级)")
    text = _reason(reason, "reason")
    open_raise = session.scalar(select(TopicRaise.id).where(
        TopicRaise.topic_id == topic.id, TopicRaise.status != RaiseStatus.DECLINED))
    if open_raise is not None:
        raise Conflict(f"topic {topic.id} was already raised to the level above (该议题已提交上级平台)")
    raised = TopicRaise(topic=topic, from_org=topic.platform, to_org=target, reason=text, raised_by=actor,
                        raised_at=now, status=RaiseStatus.PENDING)
    session.add(raised)
    session.flush()
    session.add(Event(topic_id=topic.id, actor_id=actor.id, kind="topic_raised", at=now,
                      payload={"raise": raised.id, "to": target.name, "reason": text}))
    audit.record(session, "topic_raised", actor, f"topic:{topic.id}", address, now, to=target.code)
    notify(session, Message(kind="topic_raised", title=f"下级平台提交议题：{topic.title}",
                            body=f"{topic.platform.name}：{text}", topic_id=topic.id),
           _offices(session, target), [], key=f"raise:{raised.id}", now=now)
    return raised


def decide(session: Session, actor: User, raise_id: int, accept: object, note: object = "",
           now: datetime | None = None, address: str = "") -> TopicRaise:
    """Accept a raised topic (starting this level's own topic linked to it) or decline it with a reason."""
    require_writing(session)
    now = now or utcnow()
    raised = require(session, TopicRaise, raise_id, "raise", where=lambda r: may_see(session, actor, r.topic),
                     because="that you can see")
    if not is_office_of(actor, raised.to_org):
        raise Forbidden("only the CPPCC office of the receiving level accepts or declines a raised topic "
                        "(只有接收平台的政协办公室可以受理或不予受理)")
    if raised.status is not RaiseStatus.PENDING:
        raise Conflict(f"this raise was already {raised.status.value} (已受理或已不予受理)")
    if not isinstance(accept, bool):
        raise InvalidInput("say whether the topic is accepted (请选择受理或不予受理)",
                           {"accept": "must be true or false"})
    text = _reason(note, "note") if not accept else (note.strip()[:MAX_REASON] if isinstance(note, str) else "")
    raised.status = RaiseStatus.ACCEPTED if accept else RaiseStatus.DECLINED
    raised.decided_by, raised.decided_at, raised.decision_note = actor, now, text
    if accept:
        _start_raised(session, actor, raised, now)
    session.add(Event(topic_id=raised.topic_id, actor_id=actor.id, at=now,
                      kind="raise_accepted" if accept else "raise_declined",
                      payload={"raise": raised.id, "by": raised.to_org.name, "note": text,
                               "raised_topic": raised.raised_topic_id}))
    audit.record(session, "raise_decided", actor, f"topic:{raised.topic_id}", address, now,
                 accepted=accept, raised_topic=raised.raised_topic_id)
    said = "已受理" if accept else "不予受理"
    notify(session, Message(kind="raise_decided", title=f"上级平台{said}：{raised.topic.title}", body=text,
                            topic_id=raised.topic_id),
           _offices(session, raised.from_org), [], key=f"raise:{raised.id}:decided", now=now)
    return raised


def _start_raised(session: Session, actor: User, raised: TopicRaise, now: datetime) -> None:
    """Start the receiving level's topic from the original, linked both ways; the original's platform co-organizes."""
    original = raised.topic
    level = PlatformLevel.CITY if raised.to_org.kind is OrgKind.CITY else PlatformLevel.DISTRICT
    topic = lifecycle.start_topic(session, actor, {
        "title": original.title, "description": original.description, "category": original.category.value,
        "source": original.source.value, "platform_level": level.value, "district": raised.to_org.code}, now=now)
    raised.raised_topic = topic
    session.add(TopicCoPlatform(topic=topic, organization=raised.from_org, added_by=actor, added_at=now))
    session.add(Event(topic_id=topic.id, actor_id=actor.id, kind="raised_from", at=now,
                      payload={"raise": raised.id, "from_topic": original.id, "from": raised.from_org.name,
                               "reason": raised.reason}))
    session.flush()


def _reason(raw: object, name: str) -> str:
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > MAX_REASON:
        raise InvalidInput("a reason is needed (请填写理由)", {name: f"required, at most {MAX_REASON} characters"})
    return text


def _offices(session: Session, org: Organization) -> list[User]:
    """Return the active people of the CPPCC office of exactly this organization."""
    return list(session.scalars(select(User).join(RoleAssignment, RoleAssignment.user_id == User.id).where(
        RoleAssignment.role == Role.CPPCC_OFFICE, RoleAssignment.organization_id == org.id,
        User.active.is_(True)).distinct()))


def links(session: Session, topic: Topic) -> Links:
    """Return where the topic came from, where it was raised to and its co-organizing platforms (three statements)."""
    shown = (joinedload(TopicRaise.topic), joinedload(TopicRaise.raised_topic), joinedload(TopicRaise.to_org),
             joinedload(TopicRaise.from_org), joinedload(TopicRaise.decided_by))
    came = session.scalar(select(TopicRaise).options(*shown).where(TopicRaise.raised_topic_id == topic.id))
    went = session.scalars(select(TopicRaise).options(*shown).where(TopicRaise.topic_id == topic.id)
                           .order_by(TopicRaise.raised_at, TopicRaise.id)).all()
    co = session.scalars(select(TopicCoPlatform).options(joinedload(TopicCoPlatform.organization))
                         .where(TopicCoPlatform.topic_id == topic.id).order_by(TopicCoPlatform.id)).all()
    return Links(came, list(went), list(co))


@dataclass
class Earlier:
    """A topic this one was raised from, with its own history and the names of its tasks."""

    topic: Topic
    events: list[Event]
    task_names: dict[int, str]


def earlier_history(session: Session, topic: Topic) -> list[Earlier]:
    """Return the topics this one was raised from, nearest first, each with its own events (its history kept)."""
    chain: list[Earlier] = []
    current = topic
    while len(chain) < len(ABOVE):  # a city topic comes at most from a district, which came from a town
        came = session.scalar(select(TopicRaise).where(TopicRaise.raised_topic_id == current.id))
        if came is None:
            break
        current = came.topic
        names = dict(session.execute(select(TaskItem.id, TaskItem.name).where(TaskItem.topic_id == current.id))
                     .tuples().all())
        chain.append(Earlier(current, lifecycle.history(session, current), names))
    return chain


def _naming_co_platforms(session: Session, actor: User, topic_id: int) -> Topic:
    """Return the topic whose co-organizers the actor names: its own platform's CPPCC office, in a write."""
    require_writing(session)
    topic = require_topic(session, actor, topic_id)
    if not is_office_of(actor, topic.platform):
        raise Forbidden(NAMES_CO_PLATFORMS)
    return topic


def add_co_platform(session: Session, actor: User, topic_id: int, org_code: object, now: datetime | None = None,
                    address: str = "") -> TopicCoPlatform:
    """Name a co-organizing platform of a topic (the CPPCC office of the topic's platform)."""
    topic, now = _naming_co_platforms(session, actor, topic_id), now or utcnow()
    org = session.scalar(select(Organization).where(Organization.code == str(org_code or ""),
                                                    Organization.kind.in_(PLATFORM_KINDS),
                                                    Organization.active.is_(True)))
    if org is None:
        raise InvalidInput("unknown platform (请选择市、区、镇或街道平台)",
                           {"platform": "not the code of a city, district, town, street or park "
                                        "(请选择市、区、镇或街道平台)"})
    if org.id == topic.platform.id:
        own = "the topic's own platform (不能选择本平台)"
        raise InvalidInput(own, {"platform": own})
    if session.scalar(select(TopicCoPlatform.id).where(TopicCoPlatform.topic_id == topic.id,
                                                       TopicCoPlatform.organization_id == org.id)) is not None:
        raise Conflict(f"{org.name} already co-organizes topic {topic.id} ({org.name}已是本议题的联合协商平台)")
    joined = TopicCoPlatform(topic=topic, organization=org, added_by=actor, added_at=now)
    session.add(joined)
    session.add(Event(topic_id=topic.id, actor_id=actor.id, kind="co_platform_added", at=now,
                      payload={"platform": org.name}))
    audit.record(session, "co_platform_added", actor, f"topic:{topic.id}", address, now, platform=org.code)
    session.flush()
    return joined


def remove_co_platform(session: Session, actor: User, topic_id: int, org_code: str, now: datetime | None = None,
                       address: str = "") -> None:
    """Take a co-organizing platform off a topic (the CPPCC office of the topic's platform)."""
    topic, now = _naming_co_platforms(session, actor, topic_id), now or utcnow()
    joined = session.scalar(select(TopicCoPlatform).join(Organization).where(
        TopicCoPlatform.topic_id == topic.id, Organization.code == org_code))
    if joined is None:
        raise NotFound(f"{org_code} does not co-organize topic {topic.id} (该平台不是本议题的联合协商平台)")
    session.add(Event(topic_id=topic.id, actor_id=actor.id, kind="co_platform_removed", at=now,
                      payload={"platform": joined.organization.name}))
    audit.record(session, "co_platform_removed", actor, f"topic:{topic.id}", address, now, platform=org_code)
    session.delete(joined)


RAISE_BOXES = ("received", "sent")


def raises_query(user: User, box: str | None = None) -> Select[tuple[TopicRaise]]:
    """Return the query of the raises the user's offices received and sent (``box`` keeps one), pending first.

    Both topics come with their platform (district and town), so a list reads no topic's place row by row.
    """
    offices = orgs_with(user, Role.CPPCC_OFFICE)
    shown = [joinedload(relation).joinedload(place) for relation in (TopicRaise.topic, TopicRaise.raised_topic)
             for place in (Topic.district, Topic.town)]
    mine = {"received": TopicRaise.to_org_id.in_(offices), "sent": TopicRaise.from_org_id.in_(offices)}
    where = mine[box] if box is not None else or_(*mine.values())
    return (select(TopicRaise).options(*shown, joinedload(TopicRaise.to_org), joinedload(TopicRaise.from_org),
                                       joinedload(TopicRaise.raised_by)).where(where)
            .order_by(TopicRaise.status != RaiseStatus.PENDING, TopicRaise.raised_at.desc(), TopicRaise.id.desc()))


def raises_for(session: Session, user: User) -> tuple[list[TopicRaise], list[TopicRaise]]:
    """Return the raises the user's offices receive (pending first) and those they sent, newest first."""
    offices = orgs_with(user, Role.CPPCC_OFFICE)
    found = session.scalars(raises_query(user)).unique().all()
    return [r for r in found if r.to_org_id in offices], [r for r in found if r.from_org_id in offices]


def joint_topics(session: Session, orgs: Collection[int], limit: int | None = None,
                 offset: int = 0) -> list[tuple[Topic, list[str]]]:
    """Return the joint topics run or co-organized by the platforms ``orgs``, newest first, with co-organizers' names.

    ``limit`` and ``offset`` page them in the query; two statements whatever the number of topics.
    """
    topics = session.scalars(select(Topic).options(joinedload(Topic.district), joinedload(Topic.town))
                             .where(Topic.id.in_(_joint(orgs))).order_by(Topic.created_at.desc(), Topic.id.desc())
                             .limit(limit).offset(offset)).all()
    names: dict[int, list[str]] = {t.id: [] for t in topics}
    rows = session.execute(select(TopicCoPlatform.topic_id, Organization.name).join(Organization)
                           .where(TopicCoPlatform.topic_id.in_(names)).order_by(TopicCoPlatform.id))
    for topic_id, name in rows:
        names[topic_id].append(name)
    return [(t, names[t.id]) for t in topics]


def _run_by(orgs: Collection[int]) -> ColumnElement[bool]:
    """Return the condition of a topic whose own platform is among ``orgs``."""
    return or_(Topic.town_id.in_(orgs), Topic.town_id.is_(None) & Topic.district_id.in_(orgs))


def _joint(orgs: Collection[int]) -> Select[tuple[int]]:
    """Return the ids of the topics with co-organizers that the platforms ``orgs`` run or co-organize."""
    return select(TopicCoPlatform.topic_id).where(
        or_(TopicCoPlatform.organization_id.in_(orgs),
            TopicCoPlatform.topic_id.in_(select(Topic.id).where(_run_by(orgs)))))


def count_joint(session: Session, orgs: Collection[int], active_only: bool = True) -> int:
    """Return how many (active) joint topics the platforms ``orgs`` run or co-organize (one statement)."""
    status = [Topic.status == TopicStatus.ACTIVE] if active_only else []
    return session.scalar(select(func.count(Topic.id)).where(Topic.id.in_(_joint(orgs)), *status)) or 0

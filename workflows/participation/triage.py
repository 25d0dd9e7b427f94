"""The CPPCC office's one triage queue: residents' proposals, members' recommendations (委员荐题), public-opinion
reports heard in a room (社情民意信息) and topics assigned by leaders (党委政府点题) all land there. The office
merges duplicates (suggested by workflows.participation.search), answers, rejects, or starts a topic that keeps
its origin and every merged item. Called by webui.pages.public (office and submitters' pages) and webui.api.public.
"""
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, joinedload

from engine.errors import Forbidden, InvalidInput, NotFound
from models import (
    ConsultationRoom,
    Organization,
    ProposalSource,
    ProposalStatus,
    PublicProposal,
    Role,
    Topic,
    TopicCategory,
    TopicSource,
    User,
)
from models.database import require_writing
from workflows.i18n import N_
from workflows.participation import proposals, search
from workflows.people import audit
from workflows.people.access import orgs_with
from workflows.platform import rooms
from workflows.topics import lifecycle
from workflows.topics.inbox import descendants

SOURCE_LABELS = {ProposalSource.PUBLIC: N_("群众建议"), ProposalSource.MEMBER: N_("委员荐题"),
                 ProposalSource.OPINION: N_("社情民意"), ProposalSource.ASSIGNED: N_("党委政府点题")}
SUBMITTING_ROLE = {ProposalSource.MEMBER: Role.MEMBER, ProposalSource.OPINION: Role.MEMBER,
                   ProposalSource.ASSIGNED: Role.PARTY_LEADER}
TOPIC_SOURCE = {ProposalSource.PUBLIC: TopicSource.PUBLIC, ProposalSource.MEMBER: TopicSource.MEMBER,
                ProposalSource.OPINION: TopicSource.MEMBER, ProposalSource.ASSIGNED: TopicSource.ASSIGNED}
OPEN = (ProposalStatus.RECEIVED, ProposalStatus.UNDER_REVIEW)
SIMILAR = 6  # suggestions shown beside an item
MAX_MERGE = 100  # numbers one merge takes: each is looked up
NOT_YOURS = "没有这个受理编号 (no proposal with this tracking number)"


def sources_for(user: User) -> list[ProposalSource]:
    """Return the sources the user may submit from their own account (members: two; leaders: assigned topics)."""
    return [s for s, role in SUBMITTING_ROLE.items() if user.has_role(role)]


def _scope(session: Session, user: User, role: Role) -> set[int]:
    return descendants(session, orgs_with(user, role))


def places_for(session: Session, user: User, source: ProposalSource) -> list[Organization]:
    """Return the places the user may name for this source, in tree order."""
    scope = _scope(session, user, SUBMITTING_ROLE[source])
    return [p for p in proposals.places(session) if p.id in scope]


def rooms_for(session: Session, user: User) -> list[ConsultationRoom]:
    """Return the rooms where a member may report public opinion: those of the member's area."""
    return rooms.rooms_in(session, _scope(session, user, Role.MEMBER))


def submit(session: Session, user: User, source: ProposalSource, form: Mapping[str, Any],
           now: datetime) -> PublicProposal:
    """Store a member's recommendation or opinion report, or a leader's assigned topic, in the office's queue."""
    require_writing(session)
    if source is ProposalSource.PUBLIC or source not in sources_for(user):
        raise Forbidden("您不能提交这类议题建议 (you may not submit this kind of proposal)")
    room = None
    fields = dict(form)
    problems: dict[str, str] = {}
    if source is ProposalSource.OPINION:
        code = str(form.get("room") or "")
        room = next((r for r in rooms_for(session, user) if r.code == code), None)
        if room is None:
            problems["room"] = "请选择收集信息的议事室 (choose the room where you heard it)"
        else:
            fields["place"] = room.organization.code
    values, found = proposals.clean(session, {**fields, "contact": ""})
    problems = {**found, **problems}
    place: Organization | None = values["organization"]
    if place is not None and place.id not in _scope(session, user, SUBMITTING_ROLE[source]):
        problems["place"] = "请在您所在的地区内选择 (choose a place in your own area)"
    if problems:
        raise InvalidInput("请检查标注的字段 (please check the marked fields)", problems)
    assert place is not None and (district := place.district()) is not None
    item = PublicProposal(number=proposals.new_number(), title=values["title"], description=values["description"],
                          category=TopicCategory(values["category"]), organization=place, district_id=district.id,
                          source=source, submitted_by_id=user.id, room=room, received_at=now)
    session.add(item)
    search.index(session, item)
    return item


def mine(session: Session, user: User) -> list[PublicProposal]:
    """Return the newest 200 items the user submitted from their account, in one statement (their page)."""
    return list(session.scalars(mine_query(user).limit(200)))


def mine_query(user: User) -> Select[tuple[PublicProposal]]:
    """Return the query of what the user submitted from their account, newest first (the API pages it)."""
    return (select(PublicProposal).where(PublicProposal.submitted_by_id == user.id)
            .options(joinedload(PublicProposal.organization))
            .order_by(PublicProposal.received_at.desc(), PublicProposal.id.desc()))


def queue(session: Session, user: User, status: ProposalStatus | None = None,
          source: ProposalSource | None = None) -> list[PublicProposal]:
    """Return the office's queue, every source together, newest first, in one statement."""
    query = proposals.queue_query(user, status)
    if source is not None:
        query = query.where(PublicProposal.source == source)
    return list(session.scalars(query.limit(500)))


def similar(session: Session, user: User, item: PublicProposal) -> list[PublicProposal]:
    """Suggest the items of the office's districts that share the most words with ``item`` (duplicates to merge)."""
    query = (proposals.queue_query(user, senders=False).where(  # similar items are shown without their senders
        PublicProposal.id != item.id, PublicProposal.merged_into_id.is_(None),
        PublicProposal.status.in_((*OPEN, ProposalStatus.BECAME_TOPIC))))
    return search.matching(session, item.words, query, SIMILAR)


def merged_into(session: Session, item: PublicProposal) -> list[PublicProposal]:
    """Return the items merged into ``item``, oldest first."""
    query = (select(PublicProposal).where(PublicProposal.merged_into_id == item.id)
             .options(joinedload(PublicProposal.organization)).order_by(PublicProposal.received_at))
    return list(session.scalars(query))


def merge(session: Session, user: User, target: PublicProposal, numbers: list[str], now: datetime) -> list[str]:
    """Merge open items into ``target`` (their own merged items follow them); return the merged numbers."""
    require_writing(session)
    if target.merged_into_id is not None or target.status not in (*OPEN, ProposalStatus.BECAME_TOPIC):
        raise InvalidInput("只能合并到待处理或已立为议题的建议 (merge into an open one or one that became a topic)",
                           {"numbers": "不能合并到这一件 (not a target to merge into)"})
    if len(numbers) > MAX_MERGE:
        too_many = f"一次最多合并 {MAX_MERGE} 件 (at most {MAX_MERGE} at a time)"
        raise InvalidInput(too_many, {"numbers": too_many})
    items = [proposals.require_for_office(session, user, n) for n in dict.fromkeys(numbers) if n != target.number]
    if not items:
        raise InvalidInput("请选择要合并的建议 (choose the items to merge)", {"numbers": "必填 (required)"})
    for item in items:
        if item.status not in OPEN:
            raise InvalidInput(f"{item.number} 已处理，不能合并 ({item.number} was handled already)",
                               {"numbers": item.number})
    ids = [i.id for i in items]
    # what was merged into these items now belongs to the target: the chain stays one level deep
    session.execute(update(PublicProposal).where(PublicProposal.merged_into_id.in_(ids))
                    .values(merged_into_id=target.id).execution_options(synchronize_session="fetch"))
    for item in items:
        item.merged_into_id = target.id
        item.status = ProposalStatus.MERGED
        audit.record(session, "proposal_merged", user, f"proposal:{item.number}", now=now, into=target.number)
    if target.topic_id is not None:
        _became_topic(session, target, target.topic_id)
    return [i.number for i in items]


def unmerge(session: Session, user: User, item: PublicProposal, now: datetime) -> str:
    """Take a merged item out of the item it was merged into, back to review; return that item's number.

    Only the item itself comes back: items that were merged into it before it was merged went over to
    the target with it (merges keep one level) and stay there. An item whose target became a topic is
    that topic's origin and stays so.
    """
    require_writing(session)
    target = session.get(PublicProposal, item.merged_into_id) if item.merged_into_id is not None else None
    if item.status is not ProposalStatus.MERGED or target is None:
        raise InvalidInput("只能撤销已合并的建议 (only a merged proposal can be taken out again)",
                           {"number": "未合并 (not merged)"})
    item.merged_into_id, item.status = None, ProposalStatus.UNDER_REVIEW
    audit.record(session, "proposal_unmerged", user, f"proposal:{item.number}", now=now, out_of=target.number)
    return target.number


def start_topic(session: Session, user: User, item: PublicProposal, form: Mapping[str, Any],
                now: datetime) -> Topic:
    """Start a topic from an open item: it and every item merged into it become that topic, for all to see."""
    require_writing(session)
    if item.status not in OPEN or item.merged_into_id is not None:
        raise InvalidInput("该建议已处理 (this proposal has been handled already)")
    district = session.get(Organization, item.district_id)
    assert district is not None
    town = str(form.get("town") or "") or None
    fields = {"title": str(form.get("title") or "").strip() or item.title,
              "description": str(form.get("description") or "").strip() or item.description,
              "category": str(form.get("category") or item.category.value),
              "source": TOPIC_SOURCE[item.source].value, "platform_level": str(form.get("platform_level") or ""),
              "district": district.code, "town": town}
    topic = lifecycle.start_topic(session, user, fields, now)
    _became_topic(session, item, topic.id)
    audit.record(session, "proposal_became_topic", user, f"proposal:{item.number}", now=now, topic=topic.id)
    return topic


def _became_topic(session: Session, item: PublicProposal, topic_id: int) -> None:
    """Mark the item and every item merged into it as the topic's origin (through the objects, so that the
    session's listeners see each status change and tell the item's followers)."""
    found = session.scalars(select(PublicProposal).where(
        (PublicProposal.id == item.id) | (PublicProposal.merged_into_id == item.id)))
    for each in found:
        each.topic_id, each.status = topic_id, ProposalStatus.BECAME_TOPIC


def origin(session: Session, topic: Topic) -> list[PublicProposal]:
    """Return the items a topic started from: the origin first, then the items merged into it, in one statement."""
    query = (select(PublicProposal).where(PublicProposal.topic_id == topic.id)
             .options(joinedload(PublicProposal.organization), joinedload(PublicProposal.submitted_by),
                      joinedload(PublicProposal.room))
             .order_by(PublicProposal.merged_into_id.is_not(None), PublicProposal.received_at))
    return list(session.scalars(query))


def heard_in(session: Session, room: ConsultationRoom) -> list[PublicProposal]:
    """Return the public-opinion reports members collected in a room, newest first (at most 50), in one statement."""
    query = (select(PublicProposal).where(PublicProposal.room_id == room.id,
                                          PublicProposal.source == ProposalSource.OPINION)
             .options(joinedload(PublicProposal.submitted_by))
             .order_by(PublicProposal.received_at.desc(), PublicProposal.id.desc()).limit(50))
    return list(session.scalars(query))


def require_own(session: Session, user: User, number: str) -> PublicProposal:
    """Return an item the user submitted from their account, else NotFound."""
    item = proposals.lookup(session, number)
    if item.submitted_by_id != user.id:
        raise NotFound(NOT_YOURS)
    return item

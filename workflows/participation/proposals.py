"""Public proposals (公开征集): the public form and API create them, the proposer looks one up by its number,
the CPPCC office of the district lists, answers or rejects them. Called by webui.pages.public and its API.
"""
import re
import secrets
import string
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Forbidden, InvalidInput, NotFound
from models import Organization, OrgKind, ProposalStatus, ProposalSubmission, PublicProposal, Role, TopicCategory, User
from models.database import require_writing
from workflows.i18n import N_
from workflows.participation import search
from workflows.people import audit
from workflows.people.access import lineage_ids, office_districts, orgs_with

LIMITS = {"title": 100, "description": 4000, "contact": 100}
ALPHABET = string.ascii_uppercase + string.digits  # 36**10: a number cannot be guessed from another
WINDOW = timedelta(minutes=10)
PER_WINDOW = 5  # submissions one address may send per window
PLACE_KINDS = (OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK, OrgKind.COMMUNITY, OrgKind.VILLAGE)
PHONE = re.compile(r"1[3-9]\d{9}|0\d{2,3}-?\d{7,8}")
EMAIL = re.compile(r"[^@\s<>\"']{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}")
NUMBER = re.compile(r"GZ-[A-Z0-9]{10}")
STATUS_LABELS = {
    ProposalStatus.RECEIVED: N_("已收到"), ProposalStatus.UNDER_REVIEW: N_("审核中"),
    ProposalStatus.MERGED: N_("已合并"), ProposalStatus.ANSWERED: N_("已答复"),
    ProposalStatus.REJECTED: N_("未采纳"), ProposalStatus.BECAME_TOPIC: N_("已立为议题"),
}
RATE_MESSAGE = "提交过于频繁，请十分钟后再试 (Too many proposals from this address; try again in ten minutes)"


class RateLimited(Exception):
    """The address sent too many proposals within the window."""


def places(session: Session) -> list[Organization]:
    """Return the places a resident may choose, in tree order (district, then its towns, then communities)."""
    found = session.scalars(select(Organization).where(Organization.kind.in_(PLACE_KINDS))
                            .order_by(Organization.code)).all()
    children: dict[int | None, list[Organization]] = {}
    for org in found:
        children.setdefault(org.parent_id, []).append(org)
    ids = {o.id for o in found}
    ordered: list[Organization] = []

    def walk(org: Organization) -> None:
        ordered.append(org)
        for child in children.get(org.id, []):
            walk(child)

    for root in (o for o in found if o.parent_id not in ids):
        walk(root)
    return ordered


def clean(session: Session, form: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Return the proposal's fields and the problems, field by field (bilingual messages)."""
    values = {k: str(form.get(k) or "").strip() for k in ("title", "description", "category", "place", "contact")}
    problems = {k: f"不得超过 {n} 个字 (at most {n} characters)" for k, n in LIMITS.items() if len(values[k]) > n}
    for key in ("title", "description"):
        if not values[key]:
            problems[key] = "必填 (required)"
    if values["category"] not in {c.value for c in TopicCategory}:
        problems["category"] = "请选择类别 (choose a category)"
    place = session.scalar(select(Organization).where(Organization.code == values["place"][:64],
                                                      Organization.kind.in_(PLACE_KINDS)))
    if place is None or place.district() is None:
        problems["place"] = "请选择所在地 (choose a place)"
    contact = values["contact"]
    if contact and "contact" not in problems and not (PHONE.fullmatch(contact) or EMAIL.fullmatch(contact)):
        problems["contact"] = "请填写手机号或电子邮箱 (enter a phone number or an e-mail address)"
    return {**values, "organization": place}, problems


def propose(session: Session, form: Mapping[str, Any], address: str, now: datetime) -> PublicProposal:
    """Store a proposal from a resident, or raise InvalidInput / RateLimited; count the address's submission."""
    require_writing(session)
    values, problems = clean(session, form)
    if problems:
        raise InvalidInput("请检查标注的字段 (please check the marked fields)", problems)
    _count(session, address[:64], now)
    place: Organization = values["organization"]
    district = place.district()
    assert district is not None  # clean() refused a place without one
    proposal = PublicProposal(
        number=new_number(), title=values["title"],
        description=values["description"], category=TopicCategory(values["category"]), organization=place,
        district_id=district.id, contact=values["contact"], received_at=now)
    session.add(proposal)
    search.index(session, proposal)
    return proposal


def new_number() -> str:
    """Return a fresh tracking number: ``GZ-`` and ten characters drawn with ``secrets``."""
    return "GZ-" + "".join(secrets.choice(ALPHABET) for _ in range(10))


def _count(session: Session, address: str, now: datetime) -> None:
    # old rows go first, so the table holds at most one window of submissions
    session.execute(delete(ProposalSubmission).where(ProposalSubmission.at < now - WINDOW))
    recent = session.scalar(select(func.count()).where(ProposalSubmission.address == address)) or 0
    if recent >= PER_WINDOW:
        raise RateLimited(RATE_MESSAGE)
    session.add(ProposalSubmission(address=address, at=now))


def lookup(session: Session, number: str) -> PublicProposal:
    """Return the proposal with this tracking number, else NotFound (the same for a malformed number)."""
    found = None
    if NUMBER.fullmatch(number):
        found = session.scalar(select(PublicProposal).where(PublicProposal.number == number)
                               .options(joinedload(PublicProposal.organization)))
    if found is None:
        raise NotFound("没有这个受理编号 (no proposal with this tracking number)")
    return found


def public_state(proposal: PublicProposal) -> dict[str, Any]:
    """Return what anyone holding the number may see: never the contact."""
    return {"number": proposal.number, "title": proposal.title, "description": proposal.description,
            "category": proposal.category.value, "place": proposal.organization.name,
            "status": proposal.status.value, "answer": proposal.answer,
            "received_at": proposal.received_at.isoformat(),
            "answered_at": proposal.answered_at.isoformat() if proposal.answered_at else None,
            "source": proposal.source.value, "topic": proposal.topic_id if proposal.topic_published else None}


def may_triage(user: User) -> bool:
    """Tell whether the user works in a CPPCC office (of a town, a district or the city)."""
    return bool(orgs_with(user, Role.CPPCC_OFFICE))


def queue(session: Session, user: User, status: ProposalStatus | None = None) -> list[PublicProposal]:
    """Return the proposals the user's office covers, newest first, in one statement."""
    return list(session.scalars(queue_query(user, status).limit(500)))


def queue_query(user: User, status: ProposalStatus | None = None, senders: bool = True
                ) -> Select[tuple[PublicProposal]]:
    """Return the query of the proposals the user's office covers, newest first (the API pages it).

    The city's and a district's office cover the proposals of their districts; a town's (street's,
    park's) working-committee office those placed in the town or in a community of it.
    ``senders`` reads each item's sender and room with it, as the queue shows them.
    """
    offices, covered = orgs_with(user, Role.CPPCC_OFFICE), office_districts(user)
    if covered is None:
        raise Forbidden("只有政协办公室可以查看群众建议 (only the CPPCC office reads public proposals)")
    places = select(Organization.id).where(Organization.id.in_(offices) | Organization.parent_id.in_(offices))
    shown = (joinedload(PublicProposal.submitted_by), joinedload(PublicProposal.room)) if senders else ()
    query = (select(PublicProposal).where(PublicProposal.district_id.in_(covered)
                                          | PublicProposal.organization_id.in_(places))
             .options(joinedload(PublicProposal.organization), *shown)
             .order_by(PublicProposal.received_at.desc(), PublicProposal.id.desc()))
    if status is not None:
        query = query.where(PublicProposal.status == status)
    return query


def require_for_office(session: Session, user: User, number: str) -> PublicProposal:
    """Return the proposal if the user's office covers its place (its town, district or the city), else NotFound."""
    proposal = lookup(session, number)
    place = session.get(Organization, proposal.organization_id)
    if place is None or not orgs_with(user, Role.CPPCC_OFFICE) & set(lineage_ids(place)):
        raise NotFound("没有这个受理编号 (no proposal with this tracking number)")
    return proposal


def respond(session: Session, user: User, proposal: PublicProposal, text: str, reject: bool, now: datetime) -> None:
    """Answer the proposer, or reject with the reason; the text is what the proposer sees."""
    require_writing(session)
    text = text.strip()
    if not text or len(text) > 2000:
        raise InvalidInput("请填写答复或理由，不超过 2000 字 (write the answer or reason, at most 2000 characters)",
                           {"answer": "必填，不超过 2000 字 (required, at most 2000 characters)"})
    if proposal.status in (ProposalStatus.MERGED, ProposalStatus.BECAME_TOPIC):
        raise InvalidInput("该建议已处理 (this proposal has been handled already)")
    proposal.status = ProposalStatus.REJECTED if reject else ProposalStatus.ANSWERED
    proposal.answer, proposal.answered_by_id, proposal.answered_at = text, user.id, now
    action, detail = ("proposal_rejected", "reason") if reject else ("proposal_answered", "note")
    audit.record(session, action, user, f"proposal:{proposal.number}", now=now, **{detail: text})

"""Following a public proposal: the office opening it (审核中, the contact's viewing audited), followers told by
e-mail when its status changes, and the proposer's look-up by contact and a one-time code.

Called by webui.pages.public and its API. ``install`` (from workflows.wiring.session_factory) puts the
listener on every Session that turns any status change of a proposal, whoever makes it (answer, reject,
merge, a topic started from it), into e-mails in the delivery outbox (workflows/notifications/delivery.py).
A one-time code is kept only as a hash, expires, is used once, allows a few tries, and is rate limited per
client address and per contact; a wrong, expired or used code and a contact without proposals all get the
same answer, so a guess learns nothing.
"""
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput, NotFound
from models import (
    Channel,
    Delivery,
    LookupCode,
    Organization,
    ProposalFollower,
    ProposalStatus,
    PublicAttempt,
    PublicProposal,
    User,
)
from models.database import require_writing, session_now
from workflows.participation.proposals import EMAIL, PHONE, STATUS_LABELS
from workflows.people import audit
from workflows.people.access import office_districts

CODE_LIFE = timedelta(minutes=10)
CODE_TRIES = 5  # wrong answers one code allows
CODES_PER_HOUR = 3  # codes one contact may be sent
ATTEMPTS = {"follow": 5, "code": 5, "verify": 10}  # per client address per window
WINDOW = timedelta(minutes=10)
MAX_FOLLOWERS = 20
BAD_CODE = "验证码无效或已过期 (the code is wrong or has expired)"
SENT = ("如该联系方式提交过议题建议，验证码已发送，十分钟内有效 "
        "(if this contact sent proposals, a code is on its way; it is valid for ten minutes)")
NO_SMS = ("短信验证暂未开通，请用提交时填写的电子邮箱查询 "
          "(text messages are not set up; use the e-mail address you gave)")
ENTER_EMAIL = "请填写电子邮箱 (enter an e-mail address)"
NO_EMAIL = "邮件验证暂未开通，请凭受理编号查询 (e-mail is not set up; look it up by the tracking number)"
TOO_OFTEN = "操作过于频繁，请十分钟后再试 (too many attempts; try again in ten minutes)"


class TooOften(Exception):
    """The client address tried this action too often within the window."""


def install() -> None:
    """Announce every status change of a proposal to its followers (again changes nothing)."""
    if not event.contains(Session, "before_flush", _announce_changes):
        event.listen(Session, "before_flush", _announce_changes)


def _announce_changes(session: Session, _context: Any, _instances: Any) -> None:
    changed = [p for p in session.dirty if isinstance(p, PublicProposal) and _status_changed(p)]
    with session.no_autoflush:
        for proposal in changed:
            announce(session, proposal, session_now(session))  # the app's time, as the change's own event


def _status_changed(proposal: PublicProposal) -> bool:
    # an expired status set without being read has no old value: any new value counts as a change
    history = inspect(proposal).attrs.status.history
    added, deleted = list(history.added or ()), list(history.deleted or ())
    return bool(added) and (not deleted or added[0] != deleted[0])


def recipients(session: Session, proposal: PublicProposal) -> list[str]:
    """Return the e-mail addresses told about the proposal: the proposer's, if an e-mail, and the followers'."""
    found = list(session.scalars(select(ProposalFollower.email).where(ProposalFollower.proposal_id == proposal.id)
                                 .order_by(ProposalFollower.id)))
    own = [proposal.contact] if EMAIL.fullmatch(proposal.contact or "") else []
    return list(dict.fromkeys(own + found))


def announce(session: Session, proposal: PublicProposal, now: datetime) -> None:
    """Put one e-mail per recipient in the outbox saying the proposal's new status (and the office's answer)."""
    status = proposal.status.value
    subject = f"议题建议 {proposal.number} 状态更新：{STATUS_LABELS[ProposalStatus(status)]}"
    body = "\n".join(line for line in (
        f"受理编号 Tracking number: {proposal.number}", f"标题 Title: {proposal.title}",
        f"状态 Status: {STATUS_LABELS[ProposalStatus(status)]} ({status})",
        f"答复 Answer: {proposal.answer}" if proposal.answer else "",
        "凭受理编号可在“我有议题要提”页面查询 (look it up by its number on the public proposal page).") if line)
    for email in recipients(session, proposal):
        key = "proposal:" + hashlib.sha256(f"{proposal.number}|{status}|{now.isoformat()}|{email}".encode()).hexdigest()
        session.add(Delivery(key=key[:120], channel=Channel.EMAIL, address=email, subject=subject[:200], body=body,
                             next_attempt_at=now, created_at=now))


def open_for_office(session: Session, user: User, proposal: PublicProposal, now: datetime) -> None:
    """Mark a received proposal as under review when its office opens it; audit that its contact was seen."""
    require_writing(session)
    if proposal.status is ProposalStatus.RECEIVED:
        proposal.status = ProposalStatus.UNDER_REVIEW
        audit.record(session, "proposal_opened", user, f"proposal:{proposal.number}", now=now)
    if proposal.contact:
        audit.record(session, "contact_viewed", user, f"proposal:{proposal.number}", now=now)


def contacts_listed(session: Session, user: User, listed: list[PublicProposal], now: datetime) -> None:
    """Audit that a list handed the office these proposals' contacts (the API's queue carries them)."""
    require_writing(session)
    for proposal in listed:
        if proposal.contact:
            audit.record(session, "contact_viewed", user, f"proposal:{proposal.number}", now=now, via="list")


def districts_of_office(session: Session, user: User) -> list[Organization]:
    """Return the districts the user's CPPCC office covers (the city's office: all of them), by code."""
    covered = office_districts(user)
    if covered is None:
        raise Forbidden("只有政协办公室可以查看 (only the CPPCC office may see this)")
    return list(session.scalars(select(Organization).where(Organization.id.in_(covered)).order_by(Organization.code)))


def district_of_office(session: Session, user: User, code: str) -> Organization:
    """Return one of the districts the user's office covers, else NotFound."""
    found = next((d for d in districts_of_office(session, user) if d.code == code), None)
    if found is None:
        raise NotFound(f"没有区 {code[:64]} (no district {code[:64]} that you cover)")
    return found


def _attempt(session: Session, address: str, kind: str, now: datetime) -> None:
    # rows older than the window go first, so the table holds at most one window of attempts
    session.execute(delete(PublicAttempt).where(PublicAttempt.at < now - WINDOW))
    count = session.scalar(select(func.count()).where(PublicAttempt.address == address[:64],
                                                      PublicAttempt.kind == kind)) or 0
    if count >= ATTEMPTS[kind]:
        raise TooOften(TOO_OFTEN)
    session.add(PublicAttempt(address=address[:64], kind=kind, at=now))


def clean_email(raw: str) -> str:
    """Return the e-mail address trimmed, or raise InvalidInput naming the ``email`` field."""
    email = raw.strip()
    if not EMAIL.fullmatch(email) or len(email) > 100:
        raise InvalidInput(ENTER_EMAIL, {"email": ENTER_EMAIL})
    return email


def ask_to_follow(session: Session, proposal: PublicProposal, email: str, address: str, now: datetime,
                  confirm_link: str) -> None:
    """Send the address a link that confirms following; nobody is added until its owner opens it.

    So a stranger cannot sign someone else up: the address itself must say yes. Rate limited per client address.
    """
    require_writing(session)
    email = clean_email(email)
    _attempt(session, address, "follow", now)
    key = "follow:" + hashlib.sha256(f"{proposal.number}|{email}|{now.isoformat()}".encode()).hexdigest()
    body = (f"有人用本邮箱关注议题建议 {proposal.number}（{proposal.title}）。确认关注请打开：\n{confirm_link}\n"
            "链接两天内有效；如非本人操作请忽略 (someone asked to follow this proposal with this address; open the "
            "link within two days to confirm, or ignore this message).")
    session.add(Delivery(key=key[:120], channel=Channel.EMAIL, address=email, next_attempt_at=now, created_at=now,
                         subject=f"确认关注议题建议 {proposal.number} (confirm following)", body=body))


def follow(session: Session, proposal: PublicProposal, email: str, now: datetime) -> None:
    """Add a confirmed address told of the proposal's status changes; the same answer if it followed already."""
    require_writing(session)
    email = clean_email(email)
    followers = list(session.scalars(select(ProposalFollower.email)
                                     .where(ProposalFollower.proposal_id == proposal.id)))
    if email in followers:
        return
    if len(followers) >= MAX_FOLLOWERS:
        raise InvalidInput("关注人数已满 (this proposal has as many followers as it may have)",
                           {"email": "关注人数已满 (this proposal has as many followers as it may have)"})
    session.add(ProposalFollower(proposal_id=proposal.id, email=email, created_at=now))


def _hash(contact: str, code: str) -> str:
    return hashlib.sha256(f"{contact}|{code}".encode()).hexdigest()


def normal_contact(raw: str) -> str:
    """Return the contact as stored by the form (trimmed), or '' when it is neither a phone nor an e-mail."""
    value = raw.strip()[:100]
    return value if PHONE.fullmatch(value) or EMAIL.fullmatch(value) else ""


def request_code(session: Session, raw_contact: str, address: str, now: datetime, email_ready: bool) -> str:
    """Send a one-time code to the contact if it sent proposals; return the message the page shows (never whether)."""
    require_writing(session)
    contact = normal_contact(raw_contact)
    if not contact:
        raise InvalidInput("请填写手机号或电子邮箱 (enter a phone number or an e-mail address)",
                           {"contact": "请填写手机号或电子邮箱 (enter a phone number or an e-mail address)"})
    if not EMAIL.fullmatch(contact):
        return NO_SMS
    if not email_ready:
        return NO_EMAIL
    _attempt(session, address, "code", now)
    sent = session.scalar(select(func.count()).where(LookupCode.contact == contact,
                                                     LookupCode.created_at > now - timedelta(hours=1))) or 0
    owns = session.scalar(select(func.count()).where(PublicProposal.contact == contact)) or 0
    if sent >= CODES_PER_HOUR or not owns:
        return SENT
    code = f"{secrets.randbelow(10**6):06d}"
    session.add(LookupCode(contact=contact, code_hash=_hash(contact, code), created_at=now,
                           expires_at=now + CODE_LIFE, tries=0))
    key = "lookup-code:" + hashlib.sha256(f"{contact}|{now.isoformat()}|{secrets.token_hex(8)}".encode()).hexdigest()
    body = (f"验证码 Code: {code}\n十分钟内有效，只能使用一次 (valid for ten minutes, once).\n"
            "如非本人操作请忽略 (if you did not ask for it, ignore this message).")
    session.add(Delivery(key=key[:120], channel=Channel.EMAIL, address=contact, next_attempt_at=now, created_at=now,
                         subject="议题建议查询验证码 (your look-up code)", body=body))
    return SENT


def verify(session: Session, raw_contact: str, code: str, address: str, now: datetime) -> list[PublicProposal] | None:
    """Return the contact's proposals when the code is right (and use it up), else None; every try is counted.

    Returns rather than raises, so that the caller's transaction commits the counted try.
    """
    require_writing(session)
    _attempt(session, address, "verify", now)
    contact = normal_contact(raw_contact)
    found = session.scalar(select(LookupCode).where(LookupCode.contact == contact, LookupCode.used_at.is_(None),
                                                    LookupCode.expires_at > now)
                           .order_by(LookupCode.created_at.desc()).limit(1)) if contact else None
    if found is None or found.tries >= CODE_TRIES:
        return None
    found.tries += 1
    if not hmac.compare_digest(found.code_hash, _hash(contact, code.strip()[:12])):
        return None
    found.used_at = now
    return list(session.scalars(select(PublicProposal).where(PublicProposal.contact == contact)
                                .order_by(PublicProposal.received_at.desc()).limit(100)))

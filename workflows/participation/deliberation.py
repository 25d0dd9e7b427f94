"""Online deliberation (网络议政) on a topic: the CPPCC office opens it for a period and invites residents,
members and invited residents post opinions and replies until the deadline, the office hides what breaks the
rules (with a reason, in the audit log) and marks opinions taken into the minutes.
Called by webui.pages.deliberation and webui.api.deliberation; the minutes task's page reads ``taken_for_topic``.
"""
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from models import (
    Deliberation,
    DeliberationInvitation,
    Opinion,
    Organization,
    Role,
    RoleAssignment,
    Topic,
    TopicStatus,
    User,
)
from models.database import require_writing
from models.people import BEIJING
from workflows.i18n import N_
from workflows.notifications.notify import Message, notify
from workflows.people import audit
from workflows.people.access import lineage_ids, may_see, orgs_with

BODY_LIMIT = 2000
NAME_LIMIT = 50
LONGEST = timedelta(days=90)  # the longest period an office may open
WINDOW = timedelta(minutes=10)
PER_WINDOW = 10  # opinions one author may post per window
FLOOD_MESSAGE = "发言过于频繁，请十分钟后再试 (Too many opinions from you; try again in ten minutes)"
CLOSED_MESSAGE = "网络议政已截止或尚未开始 (the online deliberation is closed or has not opened yet)"


class Flooding(Exception):
    """The author posted too many opinions within the window."""


@dataclass
class Author:
    """Who posts: a signed-in user, or a resident by an invitation."""

    user: User | None = None
    invitation: DeliberationInvitation | None = None

    @property
    def name(self) -> str:
        """Return the name the opinion is shown under."""
        if self.user is not None:
            return self.user.display_name
        return self.invitation.name if self.invitation else ""


@dataclass
class Entry:
    """One opinion as a reader may see it: the text is empty for a hidden opinion unless the reader moderates."""

    opinion: Opinion
    author: str
    resident: bool
    text: str
    replies: list["Entry"] = field(default_factory=list)


def may_moderate(user: User, topic: Topic) -> bool:
    """Tell whether the user works in the CPPCC office of the topic's platform or above it."""
    return bool(orgs_with(user, Role.CPPCC_OFFICE) & set(lineage_ids(topic.platform)))


def may_post(user: User, topic: Topic) -> bool:
    """Tell whether a signed-in user may post: a member of the platform's area, or its CPPCC office."""
    return bool(orgs_with(user, Role.MEMBER, Role.CPPCC_OFFICE) & set(lineage_ids(topic.platform)))


def may_read(session: Session, user: User, topic: Topic) -> bool:
    """Tell whether a signed-in user may read the deliberation: who may post, and who sees the topic."""
    return may_post(user, topic) or may_see(session, user, topic)


def listed_for(session: Session, user: User, limit: int = 200) -> list[Deliberation]:
    """Return the deliberations of the areas where the user is a member or works in the office, in one statement."""
    mine = orgs_with(user, Role.MEMBER, Role.CPPCC_OFFICE)
    if not mine:
        return []
    districts = select(Organization.id).where(Organization.id.in_(mine) | Organization.parent_id.in_(mine))
    return list(session.scalars(select(Deliberation).join(Topic, Topic.id == Deliberation.topic_id)
                                .where(Topic.district_id.in_(districts) | Topic.town_id.in_(mine))
                                .options(joinedload(Deliberation.topic))
                                .order_by(Deliberation.closes_at.desc()).limit(limit)))


def require_moderator(user: User, deliberation: Deliberation) -> None:
    """Raise Forbidden unless the user moderates this deliberation."""
    if not may_moderate(user, deliberation.topic):
        raise Forbidden("只有议题所属平台的政协办公室可以管理网络议政 (only the platform's CPPCC office moderates)")


def of_topic(session: Session, topic: Topic) -> Deliberation | None:
    """Return the topic's deliberation, if the office opened one."""
    return session.scalar(select(Deliberation).where(Deliberation.topic_id == topic.id))


def require(session: Session, user: User, code: str) -> Deliberation:
    """Return the deliberation by its code if the user may read it, else NotFound."""
    found = session.scalar(select(Deliberation).where(Deliberation.code == code[:64])
                           .options(joinedload(Deliberation.topic)))
    if found is None or not may_read(session, user, found.topic):
        raise NotFound("没有这个网络议政 (no such online deliberation that you can see)")
    return found


def _moment(raw: Any, name: str, problems: dict[str, str]) -> datetime | None:
    text = str(raw or "").strip()[:32]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        problems[name] = "请填写日期和时间，如 2026-12-01T18:00 (a date and time, e.g. 2026-12-01T18:00)"
        return None
    return moment.replace(tzinfo=BEIJING) if moment.tzinfo is None else moment  # a form's time is Beijing time


def open_for(session: Session, user: User, topic: Topic, form: Mapping[str, Any], now: datetime) -> Deliberation:
    """Open the topic's deliberation for a period, or change the period and question of the open one."""
    require_writing(session)
    if not may_moderate(user, topic):
        raise Forbidden("只有议题所属平台的政协办公室可以开启网络议政 (only the CPPCC office opens a deliberation)")
    if topic.status is not TopicStatus.ACTIVE:
        raise Conflict("议题已结束，不能开启网络议政 (the topic is no longer active)")
    problems: dict[str, str] = {}
    question = str(form.get("question") or "").strip()
    if len(question) > BODY_LIMIT:
        problems["question"] = f"不得超过 {BODY_LIMIT} 个字 (at most {BODY_LIMIT} characters)"
    opens, closes = _moment(form.get("opens_at"), "opens_at", problems), _moment(form.get("closes_at"), "closes_at",
                                                                               problems)
    if opens and closes and not opens < closes <= opens + LONGEST:
        problems["closes_at"] = "截止时间应晚于开始时间，且不超过 90 天 (the end follows the start, within 90 days)"
    elif closes and closes <= now:
        problems["closes_at"] = "截止时间应在将来 (the end must lie in the future)"
    if problems:
        raise InvalidInput("请检查标注的字段 (please check the marked fields)", problems)
    assert opens is not None and closes is not None
    found = of_topic(session, topic)
    first = found is None
    if found is None:
        found = Deliberation(code=secrets.token_urlsafe(12), topic=topic, opened_by_id=user.id, created_at=now,
                             opens_at=opens, closes_at=closes)
        session.add(found)
    found.question, found.opens_at, found.closes_at = question, opens, closes
    session.flush()
    if first:
        _tell_members(session, found, now)
    audit.record(session, "deliberation_opened", user, f"topic:{topic.id}", now=now,
                 opens_at=opens.isoformat(), closes_at=closes.isoformat())
    return found


def _tell_members(session: Session, deliberation: Deliberation, now: datetime) -> None:
    """Notify the members of the platform's area that the deliberation is open, with its period."""
    area = lineage_ids(deliberation.topic.platform)
    held = session.scalars(select(RoleAssignment).join(User, User.id == RoleAssignment.user_id).where(
        RoleAssignment.role == Role.MEMBER, RoleAssignment.organization_id.in_(area), User.active.is_(True))
        .options(joinedload(RoleAssignment.user)))
    period = {"start": f"{deliberation.opens_at.astimezone(BEIJING):%Y-%m-%d %H:%M}",
              "end": f"{deliberation.closes_at.astimezone(BEIJING):%Y-%m-%d %H:%M}"}
    message = Message(kind="deliberation_opened", title=N_("网络议政开启：%(title)s"),
                      body=N_("%(start)s 至 %(end)s（北京时间），请在“网络议政”中发表意见。"), body_worded=True,
                      params={"title": deliberation.topic.title, **period})  # no topic: members do not see its page
    notify(session, message, [a.user for a in held if a.in_force()], [], key=f"deliberation:{deliberation.id}:opened",
           now=now)


def is_open(deliberation: Deliberation, now: datetime) -> bool:
    """Tell whether opinions are taken now: within the period, and the topic still active."""
    return (deliberation.opens_at <= now < deliberation.closes_at
            and deliberation.topic.status is TopicStatus.ACTIVE)


def invite(session: Session, user: User, deliberation: Deliberation, name: str, now: datetime
           ) -> DeliberationInvitation:
    """Invite a resident by name; the caller signs the invitation's id into the link it hands out."""
    require_writing(session)
    require_moderator(user, deliberation)
    name = name.strip()
    if not name or len(name) > NAME_LIMIT:
        raise InvalidInput("请填写居民的称呼 (write the resident's name)",
                           {"name": f"必填，不超过 {NAME_LIMIT} 个字 (required, at most {NAME_LIMIT} characters)"})
    invitation = DeliberationInvitation(deliberation_id=deliberation.id, name=name, invited_by_id=user.id,
                                        invited_at=now)
    session.add(invitation)
    session.flush()
    audit.record(session, "deliberation_invited", user, f"topic:{deliberation.topic_id}", now=now, name=name)
    return invitation


def invitations(session: Session, deliberation: Deliberation) -> list[DeliberationInvitation]:
    """Return the deliberation's invitations, oldest first."""
    return list(session.scalars(select(DeliberationInvitation).where(
        DeliberationInvitation.deliberation_id == deliberation.id).order_by(DeliberationInvitation.id)))


def revoke(session: Session, user: User, deliberation: Deliberation, invitation_id: int, now: datetime) -> None:
    """End an invitation's link: the resident can no longer read or post by it."""
    require_writing(session)
    require_moderator(user, deliberation)
    found = session.get(DeliberationInvitation, invitation_id)
    if found is None or found.deliberation_id != deliberation.id:
        raise NotFound("没有这个邀请 (no such invitation)")
    found.revoked_at = found.revoked_at or now
    audit.record(session, "deliberation_revoked", user, f"topic:{deliberation.topic_id}", now=now, name=found.name)


def by_invitation(session: Session, invitation_id: int) -> DeliberationInvitation:
    """Return the invitation a verified link names, else NotFound when it is unknown or revoked."""
    found = session.get(DeliberationInvitation, invitation_id)
    if found is None or found.revoked_at is not None:
        raise NotFound("邀请链接无效或已被收回 (this invitation link is not valid or was withdrawn)")
    return found


def post(session: Session, deliberation: Deliberation, author: Author, form: Mapping[str, Any], now: datetime
         ) -> Opinion:
    """Post an opinion, or a reply to a top-level opinion; the deadline is checked here, on the server."""
    require_writing(session)
    if author.user is not None and not may_post(author.user, deliberation.topic):
        raise Forbidden("只有委员、受邀居民和政协办公室可以发表意见 (only members, invited residents, the office)")
    if not is_open(deliberation, now):
        raise Conflict(CLOSED_MESSAGE)
    body = str(form.get("body") or "").strip()
    if not body or len(body) > BODY_LIMIT:
        raise InvalidInput("请填写意见 (write your opinion)",
                           {"body": f"必填，不超过 {BODY_LIMIT} 个字 (required, at most {BODY_LIMIT} characters)"})
    parent = _parent(session, deliberation, form.get("parent_id"))
    _throttle(session, author, now)
    opinion = Opinion(deliberation_id=deliberation.id, parent_id=parent.id if parent else None, body=body,
                      author_id=author.user.id if author.user else None,
                      invitation_id=author.invitation.id if author.invitation else None, posted_at=now)
    session.add(opinion)
    session.flush()
    return opinion


def _parent(session: Session, deliberation: Deliberation, raw: Any) -> Opinion | None:
    if raw in (None, ""):
        return None
    text = str(raw)
    parent = session.get(Opinion, int(text)) if text.isascii() and text.isdigit() and len(text) < 10 else None
    if parent is None or parent.deliberation_id != deliberation.id or parent.hidden_at is not None:
        raise InvalidInput("回复的意见不存在 (the opinion replied to does not exist)",
                           {"parent_id": "回复的意见不存在 (no such opinion)"})
    if parent.parent_id is not None:  # replies stay one level deep: a reply to a reply joins its thread
        return session.get(Opinion, parent.parent_id)
    return parent


def _throttle(session: Session, author: Author, now: datetime) -> None:
    if author.user is not None:
        mine = Opinion.author_id == author.user.id
    else:
        assert author.invitation is not None  # an author is one or the other
        mine = Opinion.invitation_id == author.invitation.id
    recent = session.scalar(select(func.count()).where(mine, Opinion.posted_at > now - WINDOW)) or 0
    if recent >= PER_WINDOW:
        raise Flooding(FLOOD_MESSAGE)


def require_opinion(session: Session, user: User, opinion_id: int) -> Opinion:
    """Return an opinion the user moderates, else NotFound (another district's) or Forbidden."""
    found = session.get(Opinion, opinion_id)
    deliberation = session.get(Deliberation, found.deliberation_id) if found else None
    if found is None or deliberation is None or not may_read(session, user, deliberation.topic):
        raise NotFound("没有这条意见 (no such opinion)")
    require_moderator(user, deliberation)
    return found


def hide(session: Session, user: User, opinion: Opinion, reason: str, now: datetime) -> None:
    """Hide an opinion from everyone but the office, with the reason; the audit log keeps the text."""
    require_writing(session)
    reason = reason.strip()
    if not reason or len(reason) > 500:
        raise InvalidInput("请填写隐藏理由 (write the reason for hiding)",
                           {"reason": "必填，不超过 500 字 (required, at most 500 characters)"})
    if opinion.taken_at is not None:
        raise Conflict("已纳入纪要的意见不能隐藏 (an opinion taken into the minutes cannot be hidden)")
    opinion.hidden_at, opinion.hidden_reason, opinion.hidden_by_id = now, reason, user.id
    audit.record(session, "opinion_hidden", user, f"opinion:{opinion.id}", now=now, reason=reason,
                 text=opinion.body[:BODY_LIMIT])


def take(session: Session, user: User, opinion: Opinion, taken: bool, now: datetime) -> None:
    """Mark an opinion taken into the minutes (纳入纪要), or undo the mark."""
    require_writing(session)
    if opinion.hidden_at is not None:
        raise Conflict("隐藏的意见不能纳入纪要 (a hidden opinion cannot be taken into the minutes)")
    opinion.taken_at, opinion.taken_by_id = (now, user.id) if taken else (None, None)
    audit.record(session, "opinion_taken" if taken else "opinion_untaken", user, f"opinion:{opinion.id}", now=now)


def thread(session: Session, deliberation: Deliberation, moderator: bool = False) -> list[Entry]:
    """Return the opinions with their replies, oldest first, in one statement; hidden text only for a moderator."""
    rows = session.scalars(select(Opinion).where(Opinion.deliberation_id == deliberation.id)
                           .options(joinedload(Opinion.author), joinedload(Opinion.invitation))
                           .order_by(Opinion.posted_at, Opinion.id)).all()
    top: dict[int, Entry] = {}
    for row in rows:
        entry = Entry(row, row.author.display_name if row.author else row.invitation.name if row.invitation else "",
                      row.invitation_id is not None, row.body if row.hidden_at is None or moderator else "")
        if row.parent_id is None:
            top[row.id] = entry
        elif row.parent_id in top:
            top[row.parent_id].replies.append(entry)
    return list(top.values())


def public_entry(entry: Entry) -> dict[str, Any]:
    """Return an opinion as the API shows it: the hidden text left out unless the reader moderates."""
    opinion = entry.opinion
    return {"id": opinion.id, "author": entry.author, "resident": entry.resident, "text": entry.text,
            "posted_at": opinion.posted_at.isoformat(), "hidden": opinion.hidden_at is not None,
            "hidden_reason": opinion.hidden_reason, "taken_into_minutes": opinion.taken_at is not None,
            "replies": [public_entry(r) for r in entry.replies]}


def describe(deliberation: Deliberation, now: datetime) -> dict[str, Any]:
    """Return the deliberation's facts for the API."""
    return {"code": deliberation.code, "topic_id": deliberation.topic_id, "topic": deliberation.topic.title,
            "question": deliberation.question, "opens_at": deliberation.opens_at.isoformat(),
            "closes_at": deliberation.closes_at.isoformat(), "open": is_open(deliberation, now)}


def taken_for_topic(session: Session, topic_id: int) -> list[Entry]:
    """Return the opinions of the topic's deliberation taken into the minutes, in one statement."""
    rows = session.scalars(select(Opinion).join(Deliberation, Deliberation.id == Opinion.deliberation_id)
                           .where(Deliberation.topic_id == topic_id, Opinion.taken_at.is_not(None),
                                  Opinion.hidden_at.is_(None))
                           .options(joinedload(Opinion.author), joinedload(Opinion.invitation))
                           .order_by(Opinion.posted_at, Opinion.id)).all()
    return [Entry(r, r.author.display_name if r.author else r.invitation.name if r.invitation else "",
                  r.invitation_id is not None, r.body) for r in rows]

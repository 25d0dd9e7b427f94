"""Consultation activities (协商活动): planning, participants, invitations, check-in, and the yearly figures.

Called by the activity pages and the activities API inside their write transaction. Invitations
are in-app notices (workflows/notifications/notify.py). Attendance is checked in by the person
from the activity's QR code, or ticked by staff. The figures (frequency per platform against the
district's target, the share of district activities attended by party or government leaders) are
read in a fixed number of statements.
"""
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from models import (
    Activity,
    ActivityForm,
    ActivityTarget,
    ConsultationKind,
    ConsultationRoom,
    FollowUpRound,
    Member,
    Organization,
    OrgKind,
    Participant,
    ParticipantKind,
    Role,
    Topic,
    Unit,
    User,
    utcnow,
)
from models.database import require_writing
from workflows.i18n import N_
from workflows.notifications.notify import Message, notify
from workflows.platform import consultation, leaders, rooms
from workflows.topics import kinds

ROUND_LABELS = {FollowUpRound.RESEARCH: N_("再调研"), FollowUpRound.INSPECTION: N_("再视察"),
                FollowUpRound.CONSULTATION: N_("再协商")}
FORM_LABELS = {ActivityForm.ON_SITE: N_("现场协商"), ActivityForm.ONLINE: N_("网络议政"),
               ActivityForm.REMOTE: N_("远程协商")}
KIND_LABELS = {ParticipantKind.MEMBER: N_("委员"), ParticipantKind.SECTOR_REPRESENTATIVE: N_("界别群众代表"),
               ParticipantKind.EXPERT: N_("专家学者"), ParticipantKind.RESIDENT: N_("利益相关群众代表"),
               ParticipantKind.DEPARTMENT: N_("相关部门"), ParticipantKind.LEADER: N_("党政领导")}
PLATFORM_KINDS = (OrgKind.DISTRICT, OrgKind.TOWN, OrgKind.STREET, OrgKind.PARK)


def _date(raw: Any, name: str, problems: dict[str, str], required: bool = False) -> date | None:
    text = str(raw or "").strip()
    if not text:
        if required:
            problems[name] = "请填写日期 (a date is required)"
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems[name] = "日期格式为 YYYY-MM-DD (write the date as YYYY-MM-DD)"
        return None


def plan(session: Session, user: User, form: Mapping[str, Any], now: datetime | None = None) -> Activity:
    """Plan an activity on a platform (a district or town code, or a room code), usually about a topic."""
    require_writing(session)
    problems: dict[str, str] = {}
    title = str(form.get("title") or "").strip()
    if not title or len(title) > 200:
        problems["title"] = "请填写活动名称（不超过 200 字）(a title of at most 200 characters is required)"
    platform, room = _platform(session, user, str(form.get("platform") or ""), problems)
    try:
        kind = ActivityForm(str(form.get("form") or ""))
    except ValueError:
        problems["form"] = "形式为 on_site、online 或 remote (choose a form)"
    held_on = _date(form.get("held_on"), "held_on", problems, required=True)
    reviewed = _date(form.get("plan_reviewed_on"), "plan_reviewed_on", problems)
    sent = _date(form.get("materials_sent_on"), "materials_sent_on", problems)
    if sent and held_on and sent > held_on:
        problems["materials_sent_on"] = "材料应在活动前送达 (materials are sent before the activity)"
    topic = _topic(session, form.get("topic_id"), problems)
    follow_up = None
    if form.get("follow_up"):
        try:
            follow_up = FollowUpRound(str(form["follow_up"]))
        except ValueError:
            problems["follow_up"] = "再调研、再视察或再协商 (research, inspection or consultation)"
    place = str(form.get("place") or "").strip()[:200]
    kind_fields, kind_problems = kinds.clean(_kind_of(form, topic))
    problems.update(kind_problems)
    if problems:
        raise InvalidInput("the activity was not planned", problems)
    assert platform is not None and held_on is not None
    if topic is not None and follow_up is None and consultation.consultation_activity(session, topic.id):
        raise Conflict(f"topic {topic.id} has its consultation activity already; plan a follow-up round instead")
    district = platform.district()
    activity = Activity(code=secrets.token_urlsafe(12), title=title, platform_id=platform.id,
                        district_id=district.id if district else platform.id, room_id=room.id if room else None,
                        topic_id=topic.id if topic else None, form=kind, held_on=held_on,
                        place=place or (room.address if room else ""), plan_reviewed_on=reviewed,
                        materials_sent_on=sent, follow_up=follow_up, created_by_id=user.id, created_at=now or utcnow(),
                        **kind_fields)
    session.add(activity)
    session.flush()
    return activity


def _kind_of(form: Mapping[str, Any], topic: Topic | None) -> dict[str, Any]:
    """Return the activity's kind and proposal number as given, else its topic's: the two agree unless told."""
    given = {name: form.get(name) for name in ("consultation_kind", "proposal_number")}
    if topic is not None and not given["consultation_kind"]:
        return {"consultation_kind": topic.consultation_kind.value,
                "proposal_number": given["proposal_number"] or topic.proposal_number}
    return given


def _platform(session: Session, user: User, code: str, problems: dict[str, str]
              ) -> tuple[Organization | None, ConsultationRoom | None]:
    room = session.scalar(select(ConsultationRoom).where(ConsultationRoom.code == code))
    org = room.organization if room else session.scalar(select(Organization).where(Organization.code == code))
    if org is None or org.id not in rooms.scope(session, user) or (room is None and org.kind not in PLATFORM_KINDS):
        problems["platform"] = "请选择区、镇（街道、园区）或议事室 (choose a district, town or room you see)"
        return None, None
    if not rooms.may_manage(user, org):
        raise Forbidden("planning an activity needs the CPPCC office of its platform or above")
    if room is not None:  # a room's activity belongs to the platform above it: its town, or the district
        platform = next((o for o in org.lineage() if o.kind in PLATFORM_KINDS), org)
        return platform, room
    return org, None


def _topic(session: Session, raw: Any, problems: dict[str, str]) -> Topic | None:
    if raw in (None, ""):
        return None
    try:
        topic = session.get(Topic, int(raw))
    except (TypeError, ValueError):
        topic = None
    if topic is None:
        problems["topic_id"] = "没有这个议题 (no such topic)"
    return topic


def require_activity(session: Session, user: User, activity_id: int) -> Activity:
    """Return an activity the user sees (its platform in their scope), else NotFound."""
    activity = session.get(Activity, activity_id, options=[selectinload(Activity.participants),
                                                           joinedload(Activity.platform)])
    invited = activity is not None and any(p.user_id == user.id for p in activity.participants)
    if activity is None or (activity.platform_id not in rooms.scope(session, user) and not invited):
        raise NotFound(f"no activity {activity_id} that you can see")
    return activity


def _manage(user: User, activity: Activity) -> None:
    if not rooms.may_manage(user, activity.platform):
        raise Forbidden("this needs the CPPCC office of the activity's platform or above")


def add_participant(session: Session, user: User, activity: Activity, form: Mapping[str, Any]) -> Participant:
    """Add one participant by kind: a member (by id), an account (by username), or a named person."""
    require_writing(session)
    _manage(user, activity)
    problems: dict[str, str] = {}
    try:
        kind = ParticipantKind(str(form.get("kind") or ""))
    except ValueError:
        problems["kind"] = "请选择参加人类别 (choose a kind)"
    member = account = None
    if form.get("member_id"):
        member_text = str(form["member_id"])
        is_id = member_text.isascii() and member_text.isdigit() and len(member_text) < 10
        member = session.get(Member, int(member_text)) if is_id else None
        if member is None:
            problems["member_id"] = "没有这位委员 (no such member)"
    if form.get("username"):
        account = session.scalar(select(User).where(User.username == str(form["username"]).strip()))
        if account is None:
            problems["username"] = "没有这个账号 (no such account)"
    if form.get("leader"):  # a party or government leader's own account: their attendance is theirs to check in
        account = next((u for u in leaders.leaders_for(session, activity.platform)
                        if u.username == str(form["leader"]).strip()), None)
        if account is None:
            problems["leader"] = "没有这位本地区的党政领导 (no such party or government leader of this area)"
        else:
            kind = ParticipantKind.LEADER
            problems.pop("kind", None)
    unit = None
    if form.get("unit"):
        unit = session.scalar(select(Unit).where(Unit.code == str(form["unit"])))
        if unit is None or unit.organization_id not in rooms.scope(session, user):
            problems["unit"] = "没有这个部门 (no such department in your area)"
    name = str(form.get("name") or "").strip()[:200] or (member.name if member else "") or (
        account.display_name if account else "") or (unit.name if unit else "")
    if not name:
        problems["name"] = "请填写姓名 (a name is required)"
    if problems:
        raise InvalidInput("the participant was not added", problems)
    person = Participant(activity=activity, kind=kind, name=name, member_id=member.id if member else None,
                         unit_id=unit.id if unit else None,
                         user_id=(account.id if account else member.user_id if member else None),
                         is_leader=kind is ParticipantKind.LEADER or _truthy(form.get("is_leader"))
                         or (account is not None and account.has_role(Role.PARTY_LEADER)),
                         answered_on_site=_truthy(form.get("answered_on_site")), spoke=_truthy(form.get("spoke")))
    session.add(person)
    session.flush()
    return person


def _truthy(raw: Any) -> bool:
    return raw is True or str(raw).lower() in ("1", "true", "on", "yes")


# Worded for each reader from the catalog: a member who reads English gets the invitation in English.
INVITATION_TITLE = N_("协商活动邀请：%(activity)s")
INVITATION_BODY = N_("时间：%(held_on)s %(place)s\n签到：%(link)s")


def invite(session: Session, user: User, activity: Activity, now: datetime, base_url: str = "") -> int:
    """Send the invitation notice to every participant with an account not yet invited; return how many."""
    require_writing(session)
    _manage(user, activity)
    pending = [p for p in activity.participants if p.invited_at is None]
    people = [p.user for p in pending if p.user is not None]
    params = {"activity": activity.title, "held_on": activity.held_on.isoformat(), "place": activity.place,
              "link": f"{base_url}/activities/check-in/{activity.code}"}
    message = Message(kind="activity_invitation", title=INVITATION_TITLE, body=INVITATION_BODY,
                      topic_id=activity.topic_id, params=params, body_worded=True)
    notify(session, message, people, [], key=f"activity:{activity.id}:invite", now=now)
    for person in pending:
        person.invited_at = now
    return len(pending)


def check_in(session: Session, user: User, code: str, now: datetime) -> Participant:
    """Check the signed-in person in to the activity named by its QR code (409 when already checked in)."""
    require_writing(session)
    activity = session.scalar(select(Activity).where(Activity.code == code))
    if activity is None:
        raise NotFound("no activity with this check-in code")
    person = session.scalar(select(Participant).outerjoin(Member, Member.id == Participant.member_id).where(
        Participant.activity_id == activity.id, (Participant.user_id == user.id) | (Member.user_id == user.id)))
    if person is None:
        raise Forbidden("you are not invited to this activity; the staff can add you")
    if person.checked_in_at is not None:
        raise Conflict(f"already checked in at {person.checked_in_at:%H:%M}")
    person.checked_in_at, person.checked_in_by = now, "self"
    return person


def tick(session: Session, user: User, activity: Activity, participant_id: int, present: bool, now: datetime,
         spoke: bool | None = None) -> None:
    """Let staff mark a participant present or absent, and whether they spoke."""
    require_writing(session)
    _manage(user, activity)
    person = next((p for p in activity.participants if p.id == participant_id), None)
    if person is None:
        raise NotFound(f"no participant {participant_id} in this activity")
    if present != (person.checked_in_at is not None):
        person.checked_in_at, person.checked_in_by = (now, "staff") if present else (None, "")
    if spoke is not None:
        person.spoke = spoke and present


def set_target(session: Session, user: User, district: Organization, year: int, per_platform: int) -> None:
    """Set the number of activities the district expects of each platform in a year."""
    require_writing(session)
    if district.kind is not OrgKind.DISTRICT or not rooms.may_manage(user, district):
        raise Forbidden("a district's CPPCC office sets its target")
    if not 0 <= per_platform <= 1000:
        raise InvalidInput("bad target", {"per_platform": "0 到 1000 之间 (between 0 and 1000)"})
    row = session.scalar(select(ActivityTarget).where(ActivityTarget.district_id == district.id,
                                                      ActivityTarget.year == year))
    if row is None:
        session.add(ActivityTarget(district_id=district.id, year=year, per_platform=per_platform))
    else:
        row.per_platform = per_platform


@dataclass(frozen=True)
class PlatformFigures:
    """One platform's activities in a year against its district's target."""

    code: str
    name: str
    district: str
    held: int
    target: int | None

    @property
    def met(self) -> bool | None:
        """Tell whether the platform reached the target (None without a target)."""
        return None if self.target is None else self.held >= self.target


@dataclass(frozen=True)
class ActivityFigures:
    """Frequency per platform and the leaders' share of district activities."""

    year: int
    platforms: list[PlatformFigures]
    district_activities: int
    with_leaders: int

    @property
    def leader_share(self) -> float | None:
        """Return the share of district-level activities attended by a party or government leader."""
        return self.with_leaders / self.district_activities if self.district_activities else None


def figures(session: Session, user: User, year: int, today: date, within: Organization | None = None
            ) -> ActivityFigures:
    """Return the year's figures in the user's scope in five statements (scope, tree, counts, targets, leaders)."""
    orgs = rooms.scope_within(session, user, within)
    held = [Activity.held_on >= date(year, 1, 1), Activity.held_on <= min(today, date(year, 12, 31)),
            Activity.platform_id.in_(orgs)]
    tree = {row.id: row for row in session.execute(
        select(Organization.id, Organization.code, Organization.name, Organization.kind, Organization.parent_id)
        .where(Organization.id.in_(orgs), Organization.kind.in_(PLATFORM_KINDS)))}
    counts = dict(session.execute(select(Activity.platform_id, func.count()).where(*held)
                                  .group_by(Activity.platform_id)).tuples().all())
    targets = dict(session.execute(select(ActivityTarget.district_id, ActivityTarget.per_platform)
                                   .where(ActivityTarget.year == year)).tuples().all())
    platforms = []
    for row in tree.values():
        district = row if row.kind is OrgKind.DISTRICT else tree.get(row.parent_id)
        if district is None:
            continue
        platforms.append(PlatformFigures(row.code, row.name, district.name, counts.get(row.id, 0),
                                         targets.get(district.id)))
    platforms.sort(key=lambda p: (p.district, p.name != p.district, p.name))
    attended = (select(Participant.id).where(Participant.activity_id == Activity.id, Participant.is_leader.is_(True),
                                             Participant.checked_in_at.is_not(None)).exists())
    total, with_leaders = session.execute(
        select(func.count(), func.count().filter(attended)).select_from(Activity)
        .join(Organization, Organization.id == Activity.platform_id)
        .where(*held, Organization.kind == OrgKind.DISTRICT)).one()
    return ActivityFigures(year, platforms, total, with_leaders)


def activities_in(session: Session, user: User, year: int, kind: ConsultationKind | None = None) -> list[Activity]:
    """Return the year's activities in the user's scope (of one kind of consultation if given), newest first."""
    query = (select(Activity).options(joinedload(Activity.platform), joinedload(Activity.room))
             .where(Activity.platform_id.in_(rooms.scope(session, user)),
                    Activity.held_on >= date(year, 1, 1), Activity.held_on <= date(year, 12, 31))
             .order_by(Activity.held_on.desc(), Activity.id.desc()))
    if kind is not None:
        query = query.where(Activity.consultation_kind == kind)
    return list(session.scalars(query))


@dataclass(frozen=True)
class Attendance:
    """Who was invited to one activity and who came, leaders among them."""

    invited: int = 0
    present: int = 0
    leaders_present: int = 0


def attendance(session: Session, activity_ids: list[int]) -> dict[int, Attendance]:
    """Return each activity's attendance in one grouped statement (an activity nobody was added to is left out)."""
    present = Participant.checked_in_at.is_not(None)
    rows = session.execute(
        select(Participant.activity_id, func.count(), func.count().filter(present),
               func.count().filter(present, Participant.is_leader.is_(True)))
        .where(Participant.activity_id.in_(activity_ids)).group_by(Participant.activity_id)).tuples()
    return {activity_id: Attendance(*counts) for activity_id, *counts in rows}


def for_user(session: Session, user: User) -> list[tuple[Activity, Participant]]:
    """Return the activities the user is invited to, newest first."""
    query = (select(Activity, Participant).join(Participant, Participant.activity_id == Activity.id)
             .outerjoin(Member, Member.id == Participant.member_id)
             .where((Participant.user_id == user.id) | (Member.user_id == user.id))
             .order_by(Activity.held_on.desc()))
    return [(a, p) for a, p in session.execute(query).tuples()]

"""The platform around the topics: consultation rooms (协商议事室), their five haves, activities (协商活动)."""
import enum
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, code, intpk, name, str_enum, utcnow
from .member import Member
from .org import Organization, Unit
from .people import User
from .topic import ConsultationKind, Topic


class Have(enum.StrEnum):
    """One of the five haves (五有) a room is assessed on; ``activities`` is computed, never ticked."""

    SITE = "site"  # 有场所
    RULES = "rules"  # 有制度
    ORGANIZATION = "organization"  # 有组织
    SIGNAGE = "signage"  # 有标识
    ACTIVITIES = "activities"  # 有活动


class ConsultationRoom(Base):
    """A room registered for one organization; ``code`` is stable and names it in links and QR codes."""

    __tablename__ = "consultation_room"

    id: Mapped[intpk]
    code: Mapped[code]
    name: Mapped[name]
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    functions: Mapped[list[Any]] = mapped_column(default=list)  # member_home | member_studio | opinion_point
    address: Mapped[str] = mapped_column(String(200), default="")
    host: Mapped[str] = mapped_column(String(200), default="")  # the host organization (党群服务中心 …)
    contact_name: Mapped[str] = mapped_column(String(100), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    registered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)

    organization: Mapped[Organization] = relationship()


class RoomHave(Base):
    """A have of a room verified by a person at a time (one row per room and have)."""

    __tablename__ = "room_have"
    __table_args__ = (UniqueConstraint("room_id", "have"),)

    id: Mapped[intpk]
    room_id: Mapped[int] = mapped_column(ForeignKey("consultation_room.id", ondelete="CASCADE"), index=True)
    have: Mapped[Have] = mapped_column(str_enum(Have))
    verified_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    verified_at: Mapped[datetime] = mapped_column(default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")

    verified_by: Mapped[User] = relationship()


class RoomEvidence(Base):
    """A photo or document proving one have of a room; the bytes live under the instance folder."""

    __tablename__ = "room_evidence"

    id: Mapped[intpk]
    room_id: Mapped[int] = mapped_column(ForeignKey("consultation_room.id", ondelete="CASCADE"), index=True)
    have: Mapped[Have] = mapped_column(str_enum(Have))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploaded_by: Mapped[Optional[User]] = relationship()


class ActivityForm(enum.StrEnum):
    """How an activity is held (现场 / 网络议政 / 远程协商)."""

    ON_SITE = "on_site"
    ONLINE = "online"
    REMOTE = "remote"


class ParticipantKind(enum.StrEnum):
    """Who takes part in an activity."""

    MEMBER = "member"  # 委员
    SECTOR_REPRESENTATIVE = "sector_representative"  # 界别群众代表
    EXPERT = "expert"  # 专家学者
    RESIDENT = "resident"  # 利益相关群众代表
    DEPARTMENT = "department"  # 党委政府相关部门
    LEADER = "leader"  # 党政领导


class FollowUpRound(enum.StrEnum):
    """A follow-up round on a topic already consulted (再调研 / 再视察 / 再协商)."""

    RESEARCH = "research"
    INSPECTION = "inspection"
    CONSULTATION = "consultation"


class Activity(Base):
    """A consultation activity (协商活动) of a platform (district, town or room), usually about a topic.

    ``code`` is random and stable: the check-in page a phone opens from the activity's QR code.
    """

    __tablename__ = "activity"

    id: Mapped[intpk]
    code: Mapped[code]
    title: Mapped[name]
    platform_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    room_id: Mapped[Optional[int]] = mapped_column(ForeignKey("consultation_room.id"), index=True)
    topic_id: Mapped[Optional[int]] = mapped_column(ForeignKey("topic.id"), index=True)
    form: Mapped[ActivityForm] = mapped_column(str_enum(ActivityForm))
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    meeting_link: Mapped[str] = mapped_column(String(500), default="")  # the video meeting of a remote consultation
    plan_reviewed_on: Mapped[Optional[date]]  # the chairs' meeting reviewed the plan
    materials_sent_on: Mapped[Optional[date]]
    follow_up: Mapped[Optional[FollowUpRound]] = mapped_column(str_enum(FollowUpRound))
    minutes: Mapped[str] = mapped_column(Text, default="", server_default="")  # a follow-up round's own minutes
    consultation_kind: Mapped[ConsultationKind] = mapped_column(
        str_enum(ConsultationKind), default=ConsultationKind.YOUSHI, server_default=ConsultationKind.YOUSHI.value,
        index=True)
    proposal_number: Mapped[str] = mapped_column(String(40), default="", server_default="")  # 提案号, if from one
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    platform: Mapped[Organization] = relationship(foreign_keys=[platform_id])
    room: Mapped[Optional[ConsultationRoom]] = relationship()
    topic: Mapped[Optional[Topic]] = relationship()
    participants: Mapped[list["Participant"]] = relationship(
        back_populates="activity", cascade="all, delete-orphan", order_by="Participant.id")


class Participant(Base):
    """One invited person of an activity: their kind, whether a party or government leader, their check-in."""

    __tablename__ = "activity_participant"

    id: Mapped[intpk]
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ParticipantKind] = mapped_column(str_enum(ParticipantKind))
    name: Mapped[name]
    user_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"), index=True)
    member_id: Mapped[Optional[int]] = mapped_column(ForeignKey("member.id"), index=True)
    unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"))
    is_leader: Mapped[bool] = mapped_column(default=False)
    answered_on_site: Mapped[bool] = mapped_column(default=False)
    spoke: Mapped[bool] = mapped_column(default=False)  # a member who spoke at the activity (发言)
    invited_at: Mapped[Optional[datetime]]
    checked_in_at: Mapped[Optional[datetime]]
    checked_in_by: Mapped[str] = mapped_column(String(16), default="")  # self (QR) | staff
    joined_remotely: Mapped[bool] = mapped_column(default=False)  # took part through the meeting link (远程协商)

    activity: Mapped[Activity] = relationship(back_populates="participants")
    user: Mapped[Optional[User]] = relationship()
    member: Mapped[Optional[Member]] = relationship()
    unit: Mapped[Optional[Unit]] = relationship()


class ActivityTarget(Base):
    """The number of activities a district expects of each of its platforms in a year."""

    __tablename__ = "activity_target"
    __table_args__ = (UniqueConstraint("district_id", "year"),)

    id: Mapped[intpk]
    district_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    year: Mapped[int]
    per_platform: Mapped[int]


class PointEvent(enum.StrEnum):
    """What earns a member points (委员履职积分)."""

    ATTENDED = "attended"  # attended an activity
    SPOKE = "spoke"  # spoke at an activity
    RECOMMENDED = "recommended"  # recommended a topic that was adopted
    FOLLOW_UP = "follow_up"  # took part in a follow-up round (再调研/再视察/再协商)


class PointRule(Base):
    """The points one event kind earns in one year, set by the city."""

    __tablename__ = "point_rule"
    __table_args__ = (UniqueConstraint("kind", "valid_year"),)

    id: Mapped[intpk]
    kind: Mapped[PointEvent] = mapped_column(str_enum(PointEvent))
    valid_year: Mapped[int]
    points: Mapped[int]
    set_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)


class TopicRecommendation(Base):
    """The member who recommended a topic (委员荐题)."""

    __tablename__ = "topic_recommendation"

    id: Mapped[intpk]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    recorded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship()


class PlanChange(Base):
    """A change of the annual consultation plan by the chairs' meeting: a topic's month moved, or taken out."""

    __tablename__ = "plan_change"

    id: Mapped[intpk]
    district_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    year: Mapped[int]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    planned_month: Mapped[Optional[int]]
    removed: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(Text, default="")
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    changed_by: Mapped[User] = relationship()


class Outcome(enum.StrEnum):
    """What became of a suggestion (成果转化)."""

    DECISION = "decision"  # 转化为党委政府决策
    LIVELIHOOD_PROJECT = "livelihood_project"  # 民生实事项目
    GOVERNANCE = "governance"  # 社会治理举措
    EXPLAINED = "explained"  # 说明情况


class Suggestion(Base):
    """One suggestion of a topic's minutes, followed to its result by the unit that handles it."""

    __tablename__ = "suggestion"
    __table_args__ = (UniqueConstraint("topic_id", "number"),)

    id: Mapped[intpk]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    activity_id: Mapped[Optional[int]] = mapped_column(ForeignKey("activity.id"), index=True)  # its follow-up round
    outcome: Mapped[Optional[Outcome]] = mapped_column(str_enum(Outcome))
    progress: Mapped[int] = mapped_column(default=0)  # percent
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topic: Mapped[Topic] = relationship()
    unit: Mapped[Unit] = relationship()
    milestones: Mapped[list["Milestone"]] = relationship(back_populates="suggestion", cascade="all, delete-orphan",
                                                         order_by="Milestone.id")


class Milestone(Base):
    """A step of a suggestion's progress, reported by its unit: the percent reached and what was done."""

    __tablename__ = "suggestion_milestone"

    id: Mapped[intpk]
    suggestion_id: Mapped[int] = mapped_column(ForeignKey("suggestion.id", ondelete="CASCADE"), index=True)
    progress: Mapped[int]
    note: Mapped[str] = mapped_column(Text)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)

    suggestion: Mapped[Suggestion] = relationship(back_populates="milestones")
    reported_by: Mapped[User] = relationship()


class PlanDecision(enum.StrEnum):
    """The party committee's decision on a reported annual plan (请示报告)."""

    APPROVED = "approved"  # 同意
    RETURNED = "returned"  # 退回修改


class PlanReport(Base):
    """One report of a district's annual plan to the party committee, and its decision once taken.

    A returned plan is revised and reported again: each report is a new row with the next ``round``.
    """

    __tablename__ = "plan_report"
    __table_args__ = (UniqueConstraint("district_id", "year", "round"),)

    id: Mapped[intpk]
    district_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    year: Mapped[int]
    round: Mapped[int]
    topic_count: Mapped[int]  # the topics the plan held when reported
    note: Mapped[str] = mapped_column(Text, default="")
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision: Mapped[Optional[PlanDecision]] = mapped_column(str_enum(PlanDecision))
    reason: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[Optional[datetime]]

    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])

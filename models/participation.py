"""Public participation: proposals residents send without signing in (公开征集), read by the CPPCC office."""
import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from .base import Base, intpk, str_enum, utcnow
from .org import Organization
from .people import User
from .platform import ConsultationRoom
from .publicity import TopicPublication
from .topic import TopicCategory


class ProposalStatus(enum.StrEnum):
    """Where a public proposal stands; the proposer sees it by the tracking number."""

    RECEIVED = "received"  # 已收到
    UNDER_REVIEW = "under_review"  # 审核中
    MERGED = "merged"  # 已合并
    ANSWERED = "answered"  # 已答复
    REJECTED = "rejected"  # 未采纳
    BECAME_TOPIC = "became_topic"  # 已立为议题


class ProposalSource(enum.StrEnum):
    """Where an item of the office's triage queue came from (one queue for every way a topic is proposed)."""

    PUBLIC = "public"  # 公开征集: a resident, on the public form
    MEMBER = "member"  # 委员荐题: a member, from their own account
    OPINION = "opinion"  # 社情民意信息: collected by a member in a consultation room
    ASSIGNED = "assigned"  # 党委政府点题: a party or government leader


class PublicProposal(Base):
    """An item of the triage queue: a topic proposed by a resident, recommended by a member, reported from a room
    or assigned by a leader; ``number`` is random so that it gives away nothing but this proposal.

    ``words`` holds the title and description segmented with jieba, which the full-text index reads (an FTS5 table
    on SQLite, a GIN index over its tsvector on PostgreSQL: migration 0021_triage). A merged item points at the one
    it was merged into; the item a topic started from, and every item merged into it, point at the topic.
    """

    __tablename__ = "public_proposal"

    id: Mapped[intpk]
    number: Mapped[str] = mapped_column(String(16), unique=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[TopicCategory] = mapped_column(str_enum(TopicCategory))
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    district_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)  # whose office reads it
    contact: Mapped[str] = mapped_column(String(100), default="")  # never shown publicly
    status: Mapped[ProposalStatus] = mapped_column(str_enum(ProposalStatus), default=ProposalStatus.RECEIVED)
    answer: Mapped[str] = mapped_column(Text, default="")  # the office's public answer or reason
    answered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    answered_at: Mapped[Optional[datetime]]
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    source: Mapped[ProposalSource] = mapped_column(str_enum(ProposalSource), default=ProposalSource.PUBLIC,
                                                   server_default=ProposalSource.PUBLIC.value, index=True)
    submitted_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"), index=True)  # none for residents
    room_id: Mapped[Optional[int]] = mapped_column(ForeignKey("consultation_room.id"))  # where an opinion was heard
    merged_into_id: Mapped[Optional[int]] = mapped_column(ForeignKey("public_proposal.id"), index=True)
    topic_id: Mapped[Optional[int]] = mapped_column(ForeignKey("topic.id"), index=True)
    words: Mapped[str] = mapped_column(Text, default="", server_default="")

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])
    submitted_by: Mapped[Optional[User]] = relationship(foreign_keys=[submitted_by_id])
    room: Mapped[Optional[ConsultationRoom]] = relationship()
    # whether the topic it became is published (its public state names the topic only then): read in the same
    # statement as the item, so a list of items costs no more statements
    topic_published: Mapped[Optional[bool]] = column_property(
        select(TopicPublication.published).where(TopicPublication.topic_id == topic_id)
        .correlate_except(TopicPublication).scalar_subquery())


class ProposalSubmission(Base):
    """One submission time per client address: the public form's rate limit reads the recent rows."""

    __tablename__ = "proposal_submission"

    id: Mapped[intpk]
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

"""Public participation: proposals residents send without signing in (公开征集), read by the CPPCC office."""
import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, str_enum, utcnow
from .org import Organization
from .topic import TopicCategory


class ProposalStatus(enum.StrEnum):
    """Where a public proposal stands; the proposer sees it by the tracking number."""

    RECEIVED = "received"  # 已收到
    UNDER_REVIEW = "under_review"  # 审核中
    MERGED = "merged"  # 已合并
    ANSWERED = "answered"  # 已答复
    REJECTED = "rejected"  # 未采纳
    BECAME_TOPIC = "became_topic"  # 已立为议题


class PublicProposal(Base):
    """A topic proposed by a resident; ``number`` is random so that it gives away nothing but this proposal."""

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

    organization: Mapped[Organization] = relationship(foreign_keys=[organization_id])


class ProposalSubmission(Base):
    """One submission time per client address: the public form's rate limit reads the recent rows."""

    __tablename__ = "proposal_submission"

    id: Mapped[intpk]
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

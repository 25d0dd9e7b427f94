"""Links between the levels of the platform: a topic raised to the level above, and joint topics.

A town topic may be raised to its district, a district topic to the city (TopicRaise); the receiving
level accepts, which starts a topic of its own linked to the original, or declines with a reason.
A joint topic (联合协商) is one topic with co-organizing platforms (TopicCoPlatform), each of which
sees it in its lists.
"""
import enum
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, str_enum, utcnow
from .org import Organization
from .people import User
from .topic import Topic


class RaiseStatus(enum.StrEnum):
    """Where a raise stands: waiting for the level above, accepted by it, or declined."""

    PENDING = "pending"  # 待上级受理
    ACCEPTED = "accepted"  # 已受理
    DECLINED = "declined"  # 不予受理


class TopicRaise(Base):
    """A topic raised by its platform's CPPCC office to the level above (提交上级平台协商)."""

    __tablename__ = "topic_raise"

    id: Mapped[intpk]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    from_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    to_org_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[RaiseStatus] = mapped_column(str_enum(RaiseStatus), default=RaiseStatus.PENDING, index=True)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[Optional[datetime]]
    decision_note: Mapped[str] = mapped_column(Text, default="")  # the reason when declined
    # The receiving level's own topic, started when it accepts.
    raised_topic_id: Mapped[Optional[int]] = mapped_column(ForeignKey("topic.id"), index=True)

    topic: Mapped[Topic] = relationship(foreign_keys=[topic_id])
    raised_topic: Mapped[Optional[Topic]] = relationship(foreign_keys=[raised_topic_id])
    from_org: Mapped[Organization] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Organization] = relationship(foreign_keys=[to_org_id])
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])


class TopicCoPlatform(Base):
    """A platform that co-organizes a topic run by another (联合协商的协办平台)."""

    __tablename__ = "topic_co_platform"
    __table_args__ = (UniqueConstraint("topic_id", "organization_id"),)

    id: Mapped[intpk]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    added_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    topic: Mapped[Topic] = relationship()
    organization: Mapped[Organization] = relationship()
    added_by: Mapped[User] = relationship()

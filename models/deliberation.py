"""Online deliberation (网络议政) on a topic: the period the office opens, invited residents, opinions and replies."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, code, intpk, utcnow
from .people import User
from .topic import Topic


class Deliberation(Base):
    """A topic's online deliberation, open from ``opens_at`` until ``closes_at``; ``code`` names it in links."""

    __tablename__ = "deliberation"

    id: Mapped[intpk]
    code: Mapped[code]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id"), unique=True)
    question: Mapped[str] = mapped_column(Text, default="")  # what the office asks the participants
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime] = mapped_column(index=True)
    opened_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    topic: Mapped[Topic] = relationship()


class DeliberationInvitation(Base):
    """A resident invited to one deliberation; the signed link carries this row's id, so revoking it ends the link."""

    __tablename__ = "deliberation_invitation"

    id: Mapped[intpk]
    deliberation_id: Mapped[int] = mapped_column(ForeignKey("deliberation.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(50))  # the name the resident's opinions are shown under
    invited_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    invited_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[Optional[datetime]]


class Opinion(Base):
    """An opinion or a reply to one (one level deep), by a signed-in user or an invited resident.

    A hidden opinion keeps its text for the office and the audit log; ``taken_at`` marks it taken into the minutes.
    """

    __tablename__ = "opinion"

    id: Mapped[intpk]
    deliberation_id: Mapped[int] = mapped_column(ForeignKey("deliberation.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[Optional[int]] = mapped_column(ForeignKey("opinion.id"), index=True)
    author_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"), index=True)
    invitation_id: Mapped[Optional[int]] = mapped_column(ForeignKey("deliberation_invitation.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    posted_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    hidden_at: Mapped[Optional[datetime]]
    hidden_reason: Mapped[str] = mapped_column(Text, default="")
    hidden_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    taken_at: Mapped[Optional[datetime]]
    taken_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    author: Mapped[Optional[User]] = relationship(foreign_keys=[author_id])
    invitation: Mapped[Optional[DeliberationInvitation]] = relationship()

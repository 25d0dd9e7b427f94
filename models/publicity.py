"""Publicity: what the CPPCC office publishes of a topic, and how a proposer follows a proposal.

The public results page reads ``TopicPublication``; a proposal's followers, the one-time look-up codes
and the photos belong to public proposals (models/participation.py).
"""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, utcnow
from .topic import Topic


class TopicPublication(Base):
    """The office's mark that a topic's stage and results are public, and whether it is a typical case (典型案例)."""

    __tablename__ = "topic_publication"

    id: Mapped[intpk]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), unique=True)
    published: Mapped[bool] = mapped_column(default=False, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")  # the minutes' summary the public reads
    typical: Mapped[bool] = mapped_column(default=False)
    typical_note: Mapped[str] = mapped_column(Text, default="")  # the experience worth spreading
    set_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # the feed's "updated"

    topic: Mapped[Topic] = relationship()


class ProposalFollower(Base):
    """An e-mail address told when a public proposal's status changes (besides the proposer's own contact)."""

    __tablename__ = "proposal_follower"
    __table_args__ = (UniqueConstraint("proposal_id", "email"),)

    id: Mapped[intpk]
    proposal_id: Mapped[int] = mapped_column(ForeignKey("public_proposal.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LookupCode(Base):
    """A one-time code sent to a proposer's contact; only its hash is kept, it expires and is used once."""

    __tablename__ = "lookup_code"
    __table_args__ = (Index("ix_lookup_code_contact_created", "contact", "created_at"),)

    id: Mapped[intpk]
    contact: Mapped[str] = mapped_column(String(100))
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[Optional[datetime]]
    tries: Mapped[int] = mapped_column(default=0)


class PublicAttempt(Base):
    """One rate-limited public action (following, asking for a code) by a client address."""

    __tablename__ = "public_attempt"
    __table_args__ = (Index("ix_public_attempt_address_kind", "address", "kind"),)

    id: Mapped[intpk]
    address: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ProposalPhoto(Base):
    """A photo sent with a proposal, re-encoded as JPEG; public only once the office publishes it."""

    __tablename__ = "proposal_photo"

    id: Mapped[intpk]
    proposal_id: Mapped[int] = mapped_column(ForeignKey("public_proposal.id", ondelete="CASCADE"), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    width: Mapped[int]
    height: Mapped[int]
    published: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

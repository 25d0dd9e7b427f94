"""What the web pages keep per user: task drafts, saved list filters, residents' contact details."""
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, intpk, utcnow


class TaskDraft(Base):
    """The unsubmitted input of one task by one user, as typed (not yet validated)."""

    __tablename__ = "task_draft"
    __table_args__ = (UniqueConstraint("task_item_id", "user_id"),)

    id: Mapped[intpk]
    task_item_id: Mapped[int] = mapped_column(ForeignKey("task_item.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    saved_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedFilter(Base):
    """A named list query a user saved: which list, and its query string."""

    __tablename__ = "saved_filter"
    __table_args__ = (UniqueConstraint("user_id", "view", "name"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    view: Mapped[str] = mapped_column(String(40))  # inbox | supervision
    name: Mapped[str] = mapped_column(String(60))
    query: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResidentContact(Base):
    """How to reach the resident who proposed a topic; every view of it is audited."""

    __tablename__ = "resident_contact"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")

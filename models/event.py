"""The append-only history of every topic: who did what, when, to which task."""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, utcnow
from .people import User


class Event(Base):
    """One thing that happened; rows are only ever inserted."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_topic_at", "topic_id", "at"),
        Index("ix_event_task_item", "task_item_id", "kind"),  # a task's escalations, a rating task's completion
    )

    id: Mapped[intpk]
    topic_id: Mapped[Optional[int]] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"))
    task_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("task_item.id", ondelete="CASCADE"))
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)

    actor: Mapped[Optional[User]] = relationship()

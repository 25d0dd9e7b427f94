"""Files attached to a topic's tasks (research report, minutes, reply letter), kept on disk."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, utcnow
from .people import User
from .task_item import TaskItem


class Attachment(Base):
    """One uploaded file; the bytes live under the instance folder by ``stored_name``."""

    __tablename__ = "attachment"

    id: Mapped[intpk]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    task_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("task_item.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(32))  # research_report | minutes | reply_letter
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    uploaded_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    task_item: Mapped[Optional[TaskItem]] = relationship()
    uploaded_by: Mapped[Optional[User]] = relationship()

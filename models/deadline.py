"""Deadline data beside the task rows: per-district clocks, extensions, pending timers, and the sweep's keys."""
import enum
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, str_enum, utcnow
from .org import Organization
from .people import User
from .task_item import TaskItem


class ClockOverride(Base):
    """A district's own clock for one user task, replacing the one declared in the diagram."""

    __tablename__ = "clock_override"
    __table_args__ = (UniqueConstraint("district_id", "process_id", "bpmn_id"),)

    id: Mapped[intpk]
    district_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    process_id: Mapped[str] = mapped_column(String(64))
    bpmn_id: Mapped[str] = mapped_column(String(64))
    clock: Mapped[str] = mapped_column(String(16))  # e.g. 15wd, 2m
    warn: Mapped[str] = mapped_column(String(16))  # e.g. 3wd
    note: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))

    district: Mapped[Organization] = relationship()


class ExtensionState(enum.StrEnum):
    """Where an extension request stands."""

    PENDING = "pending"  # 待审批
    APPROVED = "approved"  # 已批准
    REFUSED = "refused"  # 未批准


class ExtensionRequest(Base):
    """A unit's request to move a task's deadline (延期申请), decided by the district CPPCC office."""

    __tablename__ = "extension_request"
    __table_args__ = (
        # At most one pending request per task.
        Index("uq_extension_request_pending", "task_item_id", unique=True,
              sqlite_where=text("state = 'pending'"), postgresql_where=text("state = 'pending'")),
    )

    id: Mapped[intpk]
    task_item_id: Mapped[int] = mapped_column(ForeignKey("task_item.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    requested_to: Mapped[date]
    due_before: Mapped[Optional[datetime]]
    state: Mapped[ExtensionState] = mapped_column(str_enum(ExtensionState), default=ExtensionState.PENDING)
    decided_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    decided_at: Mapped[Optional[datetime]]
    decision_note: Mapped[str] = mapped_column(Text, default="")
    granted_to: Mapped[Optional[date]]

    task_item: Mapped[TaskItem] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])


class TimerDue(Base):
    """A BPMN timer a topic's workflow is waiting on, and when it fires; kept in step by the projection."""

    __tablename__ = "timer_due"

    task_uuid: Mapped[str] = mapped_column(String(36), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    bpmn_id: Mapped[str] = mapped_column(String(64))
    fires_at: Mapped[datetime] = mapped_column(index=True)


class DeadlineAction(Base):
    """One thing the sweep did, keyed (subject, deadline, action) so it is never done twice.

    ``subject`` is ``task:<task_item id>`` or ``timer:<task uuid>``; ``deadline`` is the due time
    the action was taken against, so an extended deadline can be chased again.
    """

    __tablename__ = "deadline_action"
    __table_args__ = (UniqueConstraint("subject", "deadline", "action"),)

    id: Mapped[intpk]
    subject: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(16))  # remind | escalate | fire
    topic_id: Mapped[Optional[int]] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    task_item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("task_item.id", ondelete="CASCADE"))
    done_at: Mapped[datetime] = mapped_column(default=utcnow)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)

"""The inbox read-model: one row per ready or finished user task, kept in step by the engine."""
import enum
from datetime import date, datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, str_enum, utcnow
from .org import Organization, Unit
from .people import Role, User
from .topic import Topic


class TaskStatus(enum.StrEnum):
    """Life of an inbox row."""

    READY = "ready"  # 待办
    COMPLETED = "completed"  # 已办
    CANCELLED = "cancelled"  # 撤销（流程不再需要）


class WarningLevel(enum.StrEnum):
    """How close an open task is to its deadline (黄牌/红牌预警)."""

    NORMAL = "normal"  # 正常
    YELLOW = "yellow"  # 黄牌：进入预警期
    RED = "red"  # 红牌：已逾期


class Chase(enum.StrEnum):
    """How far an overdue task has been chased."""

    NONE = "none"
    REMINDED = "reminded"  # 已催办
    ESCALATED = "escalated"  # 已督办


class TaskItem(Base):
    """A user task as people see it; queried for inboxes and overdue lists, never deserialized."""

    __tablename__ = "task_item"
    __table_args__ = (
        Index("ix_task_item_unit_open", "candidate_unit_id", "status", "due_at"),
        # A unit's inbox in its own order: at 300,000 topics the planner, misjudging role and unit as
        # independent, sorted the unit's ~5,000 open tasks from the heap instead (181 ms against 5 ms).
        Index("ix_task_item_unit_inbox", "candidate_unit_id", "role", "due_at", "id",
              sqlite_where=text("status = 'ready' AND assignee_id IS NULL"),
              postgresql_where=text("status = 'ready' AND assignee_id IS NULL")),
        Index("ix_task_item_assignee_open", "assignee_id", "status", "due_at"),  # tasks given to one person
        Index("ix_task_item_org_open", "candidate_org_id", "status", "due_at"),
        Index("ix_task_item_status_due", "status", "due_at"),
        Index("ix_task_item_sweep_warn", "status", "warning", "warn_at"),
        Index("ix_task_item_sweep_due", "status", "warning", "due_at"),
        Index("ix_task_item_sweep_chase", "status", "chase", "due_at"),
        Index("ix_task_item_done", "bpmn_id", "status", "completed_at"),  # the replies and ratings of the dashboard
    )

    id: Mapped[intpk]
    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), index=True)
    # The insert sentinel lets SQLite take the rows one save opens in one INSERT … RETURNING: the ORM
    # matches the returned ids to the rows by this unique value (SQLAlchemy's insertmanyvalues).
    task_uuid: Mapped[str] = mapped_column(String(36), unique=True, insert_sentinel=True)
    bpmn_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(32))
    role: Mapped[Role] = mapped_column(str_enum(Role))
    candidate_org_id: Mapped[Optional[int]] = mapped_column(ForeignKey("organization.id"))
    candidate_unit_id: Mapped[Optional[int]] = mapped_column(ForeignKey("unit.id"))
    # No index of its own: ix_task_item_assignee_open begins with it (a second one cost pages on every write).
    assignee_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    status: Mapped[TaskStatus] = mapped_column(
        str_enum(TaskStatus), default=TaskStatus.READY
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signed_at: Mapped[Optional[datetime]]
    completed_at: Mapped[Optional[datetime]]
    completed_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    due_at: Mapped[Optional[datetime]]
    due_provisional: Mapped[bool] = mapped_column(default=False)
    # The deadline's inputs and state (engine/clocks.py computes them, engine/deadlines.py sweeps them).
    clock_started_at: Mapped[Optional[datetime]]
    extended_to: Mapped[Optional[date]]
    warn_at: Mapped[Optional[datetime]]
    warning: Mapped[WarningLevel] = mapped_column(str_enum(WarningLevel), default=WarningLevel.NORMAL)
    chase: Mapped[Chase] = mapped_column(str_enum(Chase), default=Chase.NONE)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)

    topic: Mapped[Topic] = relationship()
    candidate_org: Mapped[Optional[Organization]] = relationship()
    candidate_unit: Mapped[Optional[Unit]] = relationship()
    assignee: Mapped[Optional[User]] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[Optional[User]] = relationship(foreign_keys=[completed_by_id])

"""The audit log: security-relevant and administrative actions, readable by supervisors."""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, utcnow
from .people import User


class AuditEntry(Base):
    """One audited action: who, what, when, from which address; rows are only ever inserted."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_at", "at"), Index("ix_audit_entry_action_at", "action", "at"))

    id: Mapped[intpk]
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"), index=True)
    action: Mapped[str] = mapped_column(String(40))  # login, login_failed, lockout, export, deploy, suspend …
    target: Mapped[str] = mapped_column(String(200), default="")  # e.g. "topic:12", "process_version:3"
    address: Mapped[str] = mapped_column(String(64), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)

    actor: Mapped[Optional[User]] = relationship()

"""Drafts of diagrams being edited in the modeler: mutable, never run, deployed into a version."""
from datetime import datetime
from typing import Optional

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, intpk, utcnow
from .people import User
from .process import ProcessVersion


class ProcessDraft(Base):
    """A diagram an administrator is working on; saved as often as wanted, checked on demand."""

    __tablename__ = "process_draft"

    id: Mapped[intpk]
    title: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str] = mapped_column(String(64), default="")  # read from the XML when it parses
    bpmn_xml: Mapped[bytes] = mapped_column(LargeBinary)
    base_version_id: Mapped[Optional[int]] = mapped_column(ForeignKey("process_version.id"))
    created_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    base_version: Mapped[Optional[ProcessVersion]] = relationship()
    created_by: Mapped[Optional[User]] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[Optional[User]] = relationship(foreign_keys=[updated_by_id])

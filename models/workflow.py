"""The serialized SpiffWorkflow state of each topic, guarded by a version counter."""
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base, utcnow


class WorkflowState(Base):
    """The engine's state of one topic, without the process spec (stored once per version).

    ``version`` is SQLAlchemy's version counter: an UPDATE that finds another writer got there
    first matches no row and fails, so two people completing the same task cannot both win.
    ``failure`` describes the step that failed (task id, BPMN id, name, message) until an
    administrator retries or skips it.
    """

    __tablename__ = "workflow_state"

    topic_id: Mapped[int] = mapped_column(ForeignKey("topic.id", ondelete="CASCADE"), primary_key=True)
    state_json: Mapped[str] = mapped_column(Text)
    serializer_version: Mapped[str] = mapped_column(String(16))
    subprocess_versions: Mapped[dict[str, Any]]
    failure: Mapped[Optional[dict[str, Any]]]
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

"""What the operators watch: the scheduler's heartbeat, one row per job, updated by every sweep."""
from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class Heartbeat(Base):
    """When a recurring job last ran to its end, how long it took and what it changed."""

    __tablename__ = "heartbeat"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)  # "sweep"
    beat_at: Mapped[datetime]
    duration_s: Mapped[float] = mapped_column(default=0.0)
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    runner: Mapped[str] = mapped_column(String(200), default="")  # host and process id

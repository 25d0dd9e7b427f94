"""Staff-entered holidays and make-up working days (调休), which override the packaged calendar."""
from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class CalendarDay(Base):
    """One day whose status staff set: a holiday, or a weekend day worked in exchange."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(100), default="")

"""Staff-entered holidays and make-up working days (调休), and the years whose official schedule is entered."""
from datetime import date, datetime
from typing import Optional

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Base, utcnow
from .people import User


class CalendarDay(Base):
    """One day whose status staff set: a holiday, or a weekend day worked in exchange."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(String(100), default="")


class CalendarYear(Base):
    """A year whose official State Council schedule staff have entered (its days are CalendarDay rows).

    Without this row a year outside the packaged data is provisional, however many single
    days staff have overridden in it.
    """

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    entered_by_id: Mapped[Optional[int]] = mapped_column(ForeignKey("user.id"))
    source: Mapped[str] = mapped_column(String(200), default="")  # e.g. 国办发明电〔2026〕N号

    entered_by: Mapped[Optional[User]] = relationship()

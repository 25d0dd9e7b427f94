"""Version stamps of rarely edited settings that every process caches (the working-day calendar, district clocks).

Database triggers (migration 0021_speed_settings_stamp) give a stamp a new value whenever a row it
covers is inserted, updated or deleted, by this code, another process or plain SQL alike; a reader
compares one small row with the stamp its cache was built at instead of reading the settings again.
The new value is never handed out twice (a PostgreSQL sequence, SQLite's 64-bit random()), so a
stamp seen inside a transaction that later rolled back never comes back to name other contents.
"""
from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base

CALENDAR = "calendar"  # calendar_day and calendar_year
CLOCKS = "clock_override"  # the districts' own task clocks


class SettingsStamp(Base):
    """The current stamp of the settings named ``name``; only the triggers write it."""

    __tablename__ = "settings_stamp"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)

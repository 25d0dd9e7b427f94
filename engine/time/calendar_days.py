"""The working-day calendar as stored: the package's schedule with the staff-entered days applied.

Read by the task-row projection, the deadline sweep, the calendar and extension services, and
the pages that show time left; the staff edit the days through workflows/deadlines/calendar_edits.py.
Each process keeps the calendar it built, per database, under the calendar's settings stamp
(models/stamp.py): a completion reads one small row instead of every staff-entered day, and
any change to the days or years, from whatever process, bumps the stamp and so rebuilds it.
"""
from threading import Lock
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from engine.time.calendar import WorkCalendar
from models import CalendarDay, CalendarYear, SettingsStamp
from models.stamp import CALENDAR

_BUILT: WeakKeyDictionary[Engine | Connection, tuple[int, WorkCalendar]] = WeakKeyDictionary()
_LOCK = Lock()  # threaded web workers share the cache


def load_calendar(session: Session) -> WorkCalendar:
    """Return the working-day calendar with the staff-entered days applied (built again only after an edit)."""
    stamp = _stamp(session)
    bind = session.get_bind()
    built = _BUILT.get(bind)
    if stamp is not None and built is not None and built[0] == stamp:
        return built[1]
    calendar = read_calendar(session)
    # Kept only when the stamp still reads the same after the days: an edit committed in between is not cached.
    if stamp is not None and _stamp(session) == stamp:
        with _LOCK:
            _BUILT[bind] = (stamp, calendar)
    return calendar


def read_calendar(session: Session) -> WorkCalendar:
    """Return the calendar read from its tables, bypassing the cache."""
    days = session.execute(select(CalendarDay.day, CalendarDay.is_workday)).tuples().all()
    return WorkCalendar(dict(days), official_years=session.scalars(select(CalendarYear.year)))


def _stamp(session: Session) -> int | None:
    """Return the calendar's stamp, or None where the database has no stamp row (nothing is cached then)."""
    return session.scalar(select(SettingsStamp.version).where(SettingsStamp.name == CALENDAR))

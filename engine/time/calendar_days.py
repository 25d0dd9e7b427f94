"""The working-day calendar as stored: the package's schedule with the staff-entered days applied.

Read by the task-row projection, the deadline sweep, the calendar and extension services, and
the pages that show time left; the staff edit the days through workflows/deadlines/calendar_edits.py.
"""
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.time.calendar import WorkCalendar
from models import CalendarDay, CalendarYear


def load_calendar(session: Session) -> WorkCalendar:
    """Return the working-day calendar with the staff-entered days applied."""
    days = session.execute(select(CalendarDay.day, CalendarDay.is_workday)).tuples().all()
    return WorkCalendar(dict(days), official_years=session.scalars(select(CalendarYear.year)))

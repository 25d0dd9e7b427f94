"""The settings deadlines are computed from, as stored: the working-day calendar and the districts' own clocks.

Read by the task-row projection, the deadline sweep, the calendar and extension services, and
the pages that show time left; the staff edit the days through workflows/deadlines/calendar_edits.py
and the clocks through engine/time/clocks.py. Each process keeps what it built, per database, under
the settings' stamps (models/stamp.py): a completion reads the small stamp rows instead of every
staff-entered day and clock, and any change, from whatever process, renews a stamp and so rebuilds.
The projection pins the settings for the rows it makes (``pinned``), so they are read once per save.
"""
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from threading import Lock
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from engine.time.calendar import WorkCalendar
from models import CalendarDay, CalendarYear, ClockOverride, SettingsStamp
from models.stamp import CALENDAR, CLOCKS

ClockKey = tuple[int, str, str]  # district id, process id, BPMN id


@dataclass(frozen=True)
class DeadlineSettings:
    """The working-day calendar, and each district's own (clock, warn) for a task."""

    calendar: WorkCalendar
    clocks: Mapping[ClockKey, tuple[str, str]]


_BUILT: WeakKeyDictionary[Engine | Connection, dict[str, tuple[int, Any]]] = WeakKeyDictionary()
_LOCK = Lock()  # threaded web workers share the cache
_STAMPS = select(SettingsStamp.name, SettingsStamp.version)  # built once: it runs on every save
_PINNED: ContextVar[tuple[Session, DeadlineSettings] | None] = ContextVar("pinned_deadline_settings", default=None)


def load_calendar(session: Session) -> WorkCalendar:
    """Return the working-day calendar with the staff-entered days applied (built again only after an edit)."""
    return deadline_settings(session).calendar


def clock_override(session: Session, district_id: int, process_id: str, bpmn_id: str) -> tuple[str, str] | None:
    """Return the district's own (clock, warn) for a task, or None when it keeps the diagram's."""
    return deadline_settings(session).clocks.get((district_id, process_id, bpmn_id))


@contextmanager
def pinned(session: Session) -> Iterator[DeadlineSettings]:
    """Use one reading of the settings for every look-up on ``session`` inside the block (the rows of one save)."""
    settings = deadline_settings(session)
    token = _PINNED.set((session, settings))
    try:
        yield settings
    finally:
        _PINNED.reset(token)


def deadline_settings(session: Session) -> DeadlineSettings:
    """Return the settings: the pinned ones, else those built at the current stamps, else read afresh."""
    pinned_now = _PINNED.get()
    if pinned_now is not None and pinned_now[0] is session:
        return pinned_now[1]
    stamps = _stamps(session)
    built = _BUILT.get(session.get_bind(), {})
    readers: dict[str, Callable[[Session], Any]] = {CALENDAR: read_calendar, CLOCKS: read_clocks}
    found, missed = {}, []
    for name, read in readers.items():
        hit = built.get(name)
        if name in stamps and hit is not None and hit[0] == stamps[name]:
            found[name] = hit[1]
        else:
            found[name] = read(session)
            missed.append(name)
    if missed:
        _keep(session, stamps, {name: found[name] for name in missed})
    return DeadlineSettings(found[CALENDAR], found[CLOCKS])


def _keep(session: Session, stamps: Mapping[str, int], read: Mapping[str, Any]) -> None:
    """Cache what was read, each under its stamp, unless an edit committed while it was being read."""
    again = _stamps(session)
    with _LOCK:
        built = _BUILT.setdefault(session.get_bind(), {})
        for name, value in read.items():
            if name in stamps and again.get(name) == stamps[name]:
                built[name] = (stamps[name], value)


def read_calendar(session: Session) -> WorkCalendar:
    """Return the calendar read from its tables, bypassing the cache."""
    days = session.execute(select(CalendarDay.day, CalendarDay.is_workday)).tuples().all()
    return WorkCalendar(dict(days), official_years=session.scalars(select(CalendarYear.year)))


def read_clocks(session: Session) -> dict[ClockKey, tuple[str, str]]:
    """Return every district's own clocks read from their table, bypassing the cache."""
    rows = session.execute(select(ClockOverride.district_id, ClockOverride.process_id, ClockOverride.bpmn_id,
                                  ClockOverride.clock, ClockOverride.warn)).tuples()
    return {(district, process, bpmn): (clock, warn) for district, process, bpmn, clock, warn in rows}


def _stamps(session: Session) -> dict[str, int]:
    """Return the stamps by name (none where the database has no stamp rows: nothing is cached then)."""
    return dict(session.execute(_STAMPS).tuples().all())

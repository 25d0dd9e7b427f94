"""Staff edits of the working-day calendar: a year's official schedule, single days, CSV import.

Called by the CLI (``shangliang calendar``) and the API. Entering a year's official schedule
replaces that year's staff-entered days and records the year as official, so the calendar
stops treating it as provisional; every open task whose deadline the change can move is then
recomputed in the same transaction, and each moved deadline is an event in its topic's history.
"""
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from engine.errors import Forbidden, InvalidInput
from engine.time import clocks
from engine.time.calendar import PROVISIONAL_YEARS, SHANGHAI
from engine.time.calendar_days import load_calendar
from models import CalendarDay, CalendarYear, Chase, Event, Role, TaskItem, TaskStatus, User, utcnow
from models.database import require_writing
from workflows.people import audit

MAX_CSV_BYTES = 64 * 1024
MAX_ROWS = 400
TRUE_WORDS = {"true", "1", "yes", "workday", "班"}
FALSE_WORDS = {"false", "0", "no", "holiday", "休"}


@dataclass(frozen=True)
class DayEntry:
    """One staff-entered day: a holiday, or a weekend day worked (调休)."""

    day: date
    is_workday: bool
    note: str = ""


def parse_csv(data: bytes | str) -> list[DayEntry]:
    """Read ``date,is_workday,note`` lines (header optional); refuse the file naming each bad line."""
    raw = data.encode() if isinstance(data, str) else data
    if len(raw) > MAX_CSV_BYTES:
        raise InvalidInput("the calendar file is too large", {"file": f"at most {MAX_CSV_BYTES // 1024} KB"})
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the calendar file is not UTF-8 text", {"file": "must be UTF-8 CSV"}) from None
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if rows and rows[0] and rows[0][0].strip().lower() == "date":
        rows = rows[1:]
    if len(rows) > MAX_ROWS:
        raise InvalidInput("the calendar file has too many lines", {"file": f"at most {MAX_ROWS} days"})
    errors: dict[str, str] = {}
    entries = [e for n, row in enumerate(rows, start=1) if (e := _entry(n, row, errors)) is not None]
    if errors:
        raise InvalidInput("the calendar file has errors", errors)
    return entries


def _entry(n: int, row: list[str], errors: dict[str, str]) -> DayEntry | None:
    cells = [c.strip() for c in row]
    if len(cells) < 2 or len(cells) > 3:
        errors[f"line {n}"] = "expected date,is_workday[,note]"
        return None
    try:
        day = date.fromisoformat(cells[0])
    except ValueError:
        errors[f"line {n}"] = f"{cells[0][:20]!r} is not a date written YYYY-MM-DD"
        return None
    flag = cells[1].lower()
    if flag not in TRUE_WORDS | FALSE_WORDS:
        errors[f"line {n}"] = "is_workday must be true or false"
        return None
    note = cells[2] if len(cells) == 3 else ""
    if len(note) > 100:
        errors[f"line {n}"] = "the note is longer than 100 characters"
        return None
    return DayEntry(day, flag in TRUE_WORDS, note)


def enter_year(session: Session, actor: User, year: int, entries: list[DayEntry], *, official: bool = True,
               source: str = "", now: datetime | None = None) -> int:
    """Replace a year's staff-entered days (and mark it official); return how many deadlines moved."""
    require_writing(session)
    now = now or utcnow()
    _require_admin(actor)
    if year not in PROVISIONAL_YEARS:
        span = f"{PROVISIONAL_YEARS.start}-{PROVISIONAL_YEARS.stop - 1}"
        raise InvalidInput("no such calendar year", {"year": f"must be {span}"})
    errors = {e.day.isoformat(): f"is not in {year}" for e in entries if e.day.year != year}
    errors.update({d.isoformat(): "appears twice" for d in _duplicates(entries)})
    if errors:
        raise InvalidInput(f"the days do not fit the year {year}", errors)
    session.execute(delete(CalendarDay).where(CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))))
    session.add_all(CalendarDay(day=e.day, is_workday=e.is_workday, note=e.note) for e in entries)
    entered = session.get(CalendarYear, year)
    if official and entered is None:
        session.add(CalendarYear(year=year, entered_at=now, entered_by_id=actor.id, source=source[:200]))
    elif official and entered is not None:
        entered.entered_at, entered.entered_by_id, entered.source = now, actor.id, source[:200]
    elif entered is not None:
        session.delete(entered)
    session.flush()
    audit.record(session, "calendar_year", actor, target=f"calendar_year:{year}", now=now,
                 days=len(entries), official=official, source=source[:200])
    return recompute(session, {year}, now)


def set_day(session: Session, actor: User, entry: DayEntry | None, day: date, now: datetime | None = None) -> int:
    """Set (or, with ``entry`` None, clear) one staff-entered day; return how many deadlines moved."""
    require_writing(session)
    now = now or utcnow()
    _require_admin(actor)
    row = session.get(CalendarDay, day)
    if entry is None and row is not None:
        session.delete(row)
    elif entry is not None and row is None:
        session.add(CalendarDay(day=day, is_workday=entry.is_workday, note=entry.note))
    elif entry is not None and row is not None:
        row.is_workday, row.note = entry.is_workday, entry.note
    session.flush()
    audit.record(session, "calendar_day", actor, target=f"calendar_day:{day.isoformat()}", now=now,
                 is_workday=None if entry is None else entry.is_workday)
    return recompute(session, {day.year}, now)


def recompute(session: Session, years: set[int], now: datetime) -> int:
    """Recompute open deadlines that a change to ``years`` can move; return how many moved."""
    calendar = load_calendar(session)
    first = datetime.combine(date(min(years), 1, 1), time(0), tzinfo=SHANGHAI)
    after = datetime.combine(date(max(years) + 1, 1, 1), time(0), tzinfo=SHANGHAI)
    touched = select(TaskItem).where(TaskItem.status == TaskStatus.READY, TaskItem.due_at >= first, or_(
        TaskItem.due_provisional.is_(True), TaskItem.extended_to.is_not(None), TaskItem.clock_started_at < after))
    moved = 0
    for item in session.scalars(touched):
        deadline = clocks.recompute(calendar, item)
        if deadline is None:
            continue
        before, was_provisional = item.due_at, item.due_provisional
        clocks.apply(item, deadline, now)
        if item.due_at != before or item.due_provisional != was_provisional:
            moved += 1
            if item.due_at != before:
                item.chase = Chase.NONE  # a moved deadline is chased afresh
            session.add(Event(topic_id=item.topic_id, task_item_id=item.id, kind="deadline_recomputed", at=now,
                              payload={"due_at": _iso(before), "new_due_at": _iso(item.due_at),
                                       "provisional": item.due_provisional}))
    return moved


def official_years(session: Session) -> list[CalendarYear]:
    """Return the years whose official schedule staff entered."""
    return list(session.scalars(select(CalendarYear).order_by(CalendarYear.year)))


def days_of(session: Session, year: int) -> list[CalendarDay]:
    """Return the staff-entered days of a year."""
    return list(session.scalars(select(CalendarDay).where(
        CalendarDay.day >= date(year, 1, 1), CalendarDay.day <= date(year, 12, 31)).order_by(CalendarDay.day)))


def _require_admin(actor: User) -> None:
    if not actor.has_role(Role.PROCESS_ADMIN):
        raise Forbidden("only a process administrator may edit the working-day calendar")


def _duplicates(entries: list[DayEntry]) -> set[date]:
    seen: set[date] = set()
    return {e.day for e in entries if e.day in seen or seen.add(e.day)}  # type: ignore[func-returns-value]


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment else None

"""The working-day calendar is built once per process and stamp, and any change, from anywhere, rebuilds it."""
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy.orm import Session, sessionmaker

from engine.time.calendar_days import load_calendar, read_calendar
from models import CalendarDay, CalendarYear
from models.database import writing
from tests.counting import counted

TUESDAY, WEDNESDAY, THURSDAY = date(2026, 3, 3), date(2026, 3, 4), date(2026, 3, 5)  # plain working days

OTHER_PROCESS = """
import sys
from datetime import date
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
with engine.begin() as connection:
    connection.execute(text("INSERT INTO calendar_day (day, is_workday, note) VALUES (:day, :workday, 'flood')"),
                       {"day": date(2026, 3, 3), "workday": False})
"""


def test_a_second_session_reads_one_stamp_row_and_gets_the_same_calendar(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        first = load_calendar(session)
    with sessions() as session, counted(session.get_bind()) as seen:  # type: ignore[arg-type]
        again = load_calendar(session)
    assert again is first
    assert [" ".join(s.split()) for s in seen if not s.startswith("BEGIN")] == [
        "SELECT settings_stamp.version FROM settings_stamp WHERE settings_stamp.name = ?"
        if session.get_bind().dialect.name == "sqlite" else
        "SELECT settings_stamp.version FROM settings_stamp WHERE settings_stamp.name = %(name_1)s"]


def test_a_day_another_process_writes_in_plain_sql_is_seen_at_once(sessions: sessionmaker[Session],
                                                                     db_url: str) -> None:
    with sessions() as session:
        assert load_calendar(session).is_workday(TUESDAY)
    subprocess.run([sys.executable, "-c", OTHER_PROCESS, db_url], check=True, timeout=60)
    with sessions() as session:
        calendar = load_calendar(session)
        assert not calendar.is_workday(TUESDAY)
        assert calendar.add_working_days(date(2026, 3, 2), 1).date == WEDNESDAY
        assert calendar is not read_calendar(session)  # the built calendar is kept, not read again


def test_an_edit_is_seen_inside_its_transaction_and_forgotten_when_it_rolls_back(
        sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        load_calendar(session)
        with pytest.raises(RuntimeError), writing(session):
            session.add(CalendarDay(day=WEDNESDAY, is_workday=False, note="rolled back"))
            assert not load_calendar(session).is_workday(WEDNESDAY)
            raise RuntimeError("the edit is abandoned")
        assert load_calendar(session).is_workday(WEDNESDAY)
        with writing(session):
            session.add(CalendarDay(day=THURSDAY, is_workday=False, note="kept"))
    with sessions() as session:
        calendar = load_calendar(session)
        assert calendar.is_workday(WEDNESDAY) and not calendar.is_workday(THURSDAY)


def test_an_official_year_entered_or_removed_changes_the_calendar(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert load_calendar(session).is_provisional(2031)
        with writing(session):
            session.add(CalendarYear(year=2031, source="test"))
        assert not load_calendar(session).is_provisional(2031)
        with writing(session):
            session.delete(session.get(CalendarYear, 2031))
        assert load_calendar(session).is_provisional(2031)

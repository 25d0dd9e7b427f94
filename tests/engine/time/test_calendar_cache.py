"""The deadline settings (working days, district clocks) are built once per process and stamp; any change rebuilds."""
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from engine.time.calendar_days import clock_override, load_calendar, pinned, read_calendar
from models import CalendarDay, CalendarYear, ClockOverride, Organization
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
        "SELECT settings_stamp.name, settings_stamp.version FROM settings_stamp"]


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


CLOCK_FROM_ELSEWHERE = """
import sys
from sqlalchemy import create_engine, text
engine = create_engine(sys.argv[1])
with engine.begin() as connection:
    connection.execute(text("UPDATE clock_override SET clock = '1m' WHERE process_id = 'topic_path'"))
"""


def test_a_districts_clock_changed_by_another_process_is_used_at_once(sessions: sessionmaker[Session],
                                                                      db_url: str) -> None:
    with sessions() as session:
        tianning = session.scalar(select(Organization.id).where(Organization.code == "tianning"))
        assert tianning is not None and clock_override(session, tianning, "topic_path", "write_reply") is None
        with writing(session):
            session.add(ClockOverride(district_id=tianning, process_id="topic_path", bpmn_id="write_reply",
                                      clock="2m", warn="5wd"))
        assert clock_override(session, tianning, "topic_path", "write_reply") == ("2m", "5wd")
    subprocess.run([sys.executable, "-c", CLOCK_FROM_ELSEWHERE, db_url], check=True, timeout=60)
    with sessions() as session:
        assert clock_override(session, tianning, "topic_path", "write_reply") == ("1m", "5wd")


def test_pinned_settings_answer_every_look_up_of_the_block_without_a_statement(
        sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        load_calendar(session)
        with pinned(session) as settings, counted(session.get_bind()) as seen:  # type: ignore[arg-type]
            assert load_calendar(session) is settings.calendar
            assert clock_override(session, 1, "topic_path", "write_reply") is None
        assert seen == []
        with counted(session.get_bind()) as seen:  # type: ignore[arg-type]
            load_calendar(session)
        assert len(seen) == 1  # outside the block the stamps are read again

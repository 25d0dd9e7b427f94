"""Entering a year's official schedule: CSV import, and provisional deadlines recomputed at once."""
from datetime import date

import pytest
from sqlalchemy import select

from engine.errors import Forbidden, InvalidInput
from engine.time.clocks import local_day
from models import AuditEntry, CalendarYear
from tests.deadline_helpers import sh
from tests.factories import open_task, start_topic, writes
from workflows.deadlines import calendar_edits as workdays
from workflows.demo.world import user_named
from workflows.topics import lifecycle as topics

workdays = writes(workdays, "enter_year", "set_day", "recompute")
topics = writes(topics, "start_topic", "complete_task", "fire_timers")

OFFICIAL_2027 = "date,is_workday,note\n2027-01-01,false,元旦\n2027-01-04,false,元旦\n2027-01-05,false,元旦\n"


def test_entering_2027_recomputes_provisional_deadlines(session):
    topic = start_topic(session, sh(date(2026, 12, 28), 10))
    item = open_task(session, topic, "submit_proposal")
    # 10 working days from Monday 28 Dec 2026, 2027 by the statutory rules (1 Jan off only).
    assert (local_day(item.due_at), item.due_provisional) == (date(2027, 1, 12), True)
    assert topics.load_calendar(session).is_provisional(2027)
    moved = workdays.enter_year(session, user_named(session, "admin"), 2027, workdays.parse_csv(OFFICIAL_2027),
                                source="国办发明电（测试）", now=sh(date(2026, 12, 29)))
    assert moved == 1
    session.refresh(item)
    assert (local_day(item.due_at), item.due_provisional) == (date(2027, 1, 14), False)
    recomputed = [e for e in topics.history(session, topic) if e.kind == "deadline_recomputed"]
    assert recomputed[0].payload["provisional"] is False
    assert session.get(CalendarYear, 2027).source == "国办发明电（测试）"
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.target == "calendar_year:2027")) == "calendar_year"
    assert not topics.load_calendar(session).is_provisional(2027)


def test_days_entered_without_an_official_schedule_stay_provisional(session):
    admin = user_named(session, "admin")
    workdays.enter_year(session, admin, 2028, workdays.parse_csv("2028-10-09,false,补休"), official=False,
                        now=sh(date(2026, 12, 29)))
    calendar = topics.load_calendar(session)
    assert calendar.is_provisional(2028) and not calendar.is_workday(date(2028, 10, 9))


def test_setting_one_day_moves_the_deadlines_it_touches(session):
    topic = start_topic(session, sh(date(2026, 3, 2), 10))
    item = open_task(session, topic, "submit_proposal")
    assert local_day(item.due_at) == date(2026, 3, 16)
    moved = workdays.set_day(session, user_named(session, "admin"), workdays.DayEntry(date(2026, 3, 10), False, "停电"),
                             date(2026, 3, 10), now=sh(date(2026, 3, 3)))
    session.refresh(item)
    assert (moved, local_day(item.due_at)) == (1, date(2026, 3, 17))
    workdays.set_day(session, user_named(session, "admin"), None, date(2026, 3, 10), now=sh(date(2026, 3, 3)))
    session.refresh(item)
    assert local_day(item.due_at) == date(2026, 3, 16)


def test_only_process_administrators_edit_the_calendar(session):
    with pytest.raises(Forbidden):
        workdays.enter_year(session, user_named(session, "office_tianning"), 2027, [])


@pytest.mark.parametrize("text, field", [
    ("2027-02-30,false", "line 1"),
    ("2027-01-01,maybe", "line 1"),
    ("2027-01-01", "line 1"),
    ("2027-01-01,false,x,y", "line 1"),
    ("2027-01-01,false\n2027-01-02,true,\"" + "长" * 101 + "\"", "line 2"),
])
def test_bad_csv_lines_are_named(text, field):
    with pytest.raises(InvalidInput) as caught:
        workdays.parse_csv(text)
    assert field in caught.value.fields


def test_hostile_files_are_refused(session):
    with pytest.raises(InvalidInput, match="too large"):
        workdays.parse_csv(b"2027-01-01,false\n" * 5000)
    with pytest.raises(InvalidInput, match="not UTF-8"):
        workdays.parse_csv(b"\xff\xfe2\x000\x00")
    admin = user_named(session, "admin")
    with pytest.raises(InvalidInput) as caught:
        entries = workdays.parse_csv("2026-12-31,false\n2027-01-01,false\n2027-01-01,true")
        workdays.enter_year(session, admin, 2027, entries)
    assert caught.value.fields == {"2026-12-31": "is not in 2027", "2027-01-01": "appears twice"}
    with pytest.raises(InvalidInput):
        workdays.enter_year(session, admin, 3000, [])

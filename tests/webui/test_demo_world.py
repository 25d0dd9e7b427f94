"""The demo world is dated back from the day it is loaded, so its lists show green, yellow and red."""
from collections import Counter
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.time.calendar_days import load_calendar
from engine.time.timeleft import warning_level
from models import TaskItem, TaskStatus
from workflows.demo import world as demo


@pytest.mark.parametrize("today", [datetime(2026, 11, 29, 2, tzinfo=UTC), datetime(2027, 6, 14, 2, tzinfo=UTC)])
def test_the_demo_topics_show_a_realistic_mix_of_time_left_on_any_day(session, today):
    demo.load_topics(session, today)
    session.commit()
    calendar = load_calendar(session)
    open_items = list(session.scalars(select(TaskItem).where(TaskItem.status == TaskStatus.READY)))
    levels = Counter(str(warning_level(i, today, calendar).level) for i in open_items)
    assert levels["normal"] >= len(open_items) // 3 and levels["yellow"] >= 2 and levels["red"] >= 2, levels
    assert all((today - i.due_at).days < 30 for i in open_items)  # nothing months overdue
    assert all(i.created_at <= today for i in session.scalars(select(TaskItem)))

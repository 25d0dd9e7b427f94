"""The inbox read part by part in index order gives what the single ordered query gives."""
from datetime import timedelta

from sqlalchemy import select

from models import TaskItem, TaskStatus
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.demo.world import district_path, user_named
from workflows.topics.inbox import inbox, inbox_query


def test_the_merged_inbox_keeps_the_order_and_the_limit_of_the_single_query(session):
    path = district_path("tianning", assisting=False)
    sign = [s[0] for s in path].index("sign_receipt")
    for day in (5, 1, 3, 1, 8):
        topic = start_topic(session, NOW + timedelta(days=day), title=f"第{day}天")
        drive(session, topic, path[:sign], NOW + timedelta(days=day))
    given = open_task(session, topic, "sign_receipt")
    office = user_named(session, "office_tianning")
    given.assignee, given.candidate_unit_id = office, None  # given to one person outside the unit
    undated = session.scalars(select(TaskItem).where(TaskItem.status == TaskStatus.READY)).first()
    undated.due_at = None
    session.commit()
    for username in ("housing_tianning", "office_tianning", "chair_tianning"):
        user = user_named(session, username)
        for status in (TaskStatus.READY, TaskStatus.COMPLETED):
            for limit in (2, 200):
                expected = list(session.scalars(inbox_query(session, user, status).limit(limit)))
                assert inbox(session, user, status, limit) == expected, (username, status, limit)
    assert given in inbox(session, office) and given not in inbox(session, user_named(session, "housing_tianning"))

"""Lists as people work them: search by title or number, a date range, sorting, bulk actions, exports."""
import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import Event, TaskItem
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.demo.world import district_path

STEPS = district_path("tianning")


def upto(bpmn_id: str) -> list:
    """Return the demo path's steps before the first ``bpmn_id``."""
    return STEPS[: [s[0] for s in STEPS].index(bpmn_id)]


@pytest.fixture
def three(session):
    """Three 天宁 topics proposed on different days, each waiting for its proposal."""
    return [start_topic(session, NOW + timedelta(days=d), title=t)
            for d, t in ((0, "老旧小区加装电梯"), (7, "背街小巷停车难"), (14, "社区养老助餐点"))]


def listed(page: str, testid: str) -> list[str]:
    """Return the topic titles of a list page, in order."""
    table = page[page.index(f'data-testid="{testid}"'):]
    return re.findall(r'href="/topics/\d+">(?:#\d+ )?([^<]+)</a>', table)


def test_the_topic_list_searches_by_title_and_number_and_by_date(web, three):
    clerk = web("office_tianning")
    assert listed(clerk.get("/topics/?q=停车").get_data(as_text=True), "topics") == ["背街小巷停车难"]
    assert listed(clerk.get(f"/topics/?q=%23{three[2].id}").get_data(as_text=True), "topics") == ["社区养老助餐点"]
    assert listed(clerk.get("/topics/?q=没有这个").get_data(as_text=True), "topics") == []
    week = (NOW + timedelta(days=7)).date()
    ranged = clerk.get(f"/topics/?since={week}&until={week}").get_data(as_text=True)
    assert listed(ranged, "topics") == ["背街小巷停车难"]
    assert clerk.get("/topics/?since=yesterday&q=%25%27--").status_code == 200  # nonsense is ignored, not an error


def test_lists_sort_by_a_column_both_ways(web, three):
    clerk = web("office_tianning")
    ascending = listed(clerk.get("/topics/?sort=title").get_data(as_text=True), "topics")
    assert ascending == sorted(ascending) and len(ascending) == 3
    newest_first = listed(clerk.get("/topics/?sort=-created").get_data(as_text=True), "topics")
    assert newest_first == ["社区养老助餐点", "背街小巷停车难", "老旧小区加装电梯"]
    page = clerk.get("/?sort=due").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page and "sort=-due" in page
    assert listed(clerk.get("/?sort=-due").get_data(as_text=True), "inbox")[0] == "社区养老助餐点"
    assert listed(clerk.get("/?q=养老").get_data(as_text=True), "inbox") == ["社区养老助餐点"]


def test_bulk_claim_and_bulk_sign(web, session, three):
    items = [open_task(session, t, "submit_proposal") for t in three]
    clerk = web("office_tianning")
    clerk.get("/")
    response = clerk.post("/tasks/bulk", {"bulk": "claim", "task": [str(i.id) for i in items[:2]] + ["999999"],
                                          "next": "/"})
    assert response.status_code == 302
    session.commit()
    claimed = session.scalars(select(TaskItem.assignee_id).where(TaskItem.id.in_([i.id for i in items]))).all()
    assert sorted(a is not None for a in claimed) == [False, True, True]
    page = clerk.get("/").get_data(as_text=True)
    assert "已认领 2 项任务" in page and "#999999" in page
    signing = []
    for topic in three[:2]:
        drive(session, topic, upto("sign_receipt"), NOW)
        signing.append(open_task(session, topic, "sign_receipt"))
    unit = web("housing_tianning")
    unit.get("/")
    unit.post("/tasks/bulk", {"bulk": "sign", "task": [str(i.id) for i in signing]})
    session.commit()
    assert {open_task(session, t, "assist_opinion").bpmn_id for t in three[:2]} == {"assist_opinion"}


def test_bulk_escalation_with_one_reason(web, session, three):
    items = [open_task(session, t, "submit_proposal") for t in three]
    supervisor = web("supervisor_tianning")
    supervisor.get("/supervision/tasks")
    assert supervisor.post("/supervision/tasks/escalate", {"task": [str(items[0].id)], "reason": ""}).status_code == 422
    supervisor.post("/supervision/tasks/escalate", {"task": [str(i.id) for i in items[:2]], "reason": "请加快办理"})
    session.commit()
    escalated = session.scalars(select(Event.task_item_id).where(Event.kind == "escalated")).all()
    assert sorted(escalated) == sorted(i.id for i in items[:2])
    assert "已督办 2 项任务" in supervisor.get("/supervision/tasks").get_data(as_text=True)


def test_the_replies_list_exports_with_dates_as_dates(web, session, three):
    drive(session, three[0], STEPS[: [s[0] for s in STEPS].index("rate_reply")], NOW)
    supervisor = web("supervisor_tianning")
    assert 'data-testid="export-replies"' in supervisor.get("/supervision/replies").get_data(as_text=True)
    book = load_workbook(io.BytesIO(supervisor.get("/lists/replies/export.xlsx").data))
    header, row = list(book.active.iter_rows(values_only=True))[:2]
    assert header[:4] == ("议题编号", "议题", "办理单位", "截止日期") and row[1] == "老旧小区加装电梯"
    assert isinstance(row[3], date) and isinstance(row[4], date) and row[5] == "按时"
    tasks = load_workbook(io.BytesIO(supervisor.get("/lists/supervision/export.xlsx").data))
    assert isinstance(list(tasks.active.iter_rows(values_only=True))[1][9], date)
    assert web("housing_tianning").get("/lists/replies/export.csv").status_code == 403

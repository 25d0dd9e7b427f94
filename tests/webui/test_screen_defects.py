"""The defects of the screens found by trying a whole topic as a new user, each proven fixed.

A form sent twice, two completions racing, a closed topic's stage, and the timeline's deadlines.
"""
import io
import re
from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select

from models import Event, Notification
from models.database import writing
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.deadlines import extension_requests as extensions
from workflows.demo.world import district_path, user_named
from workflows.topics import attachments
from workflows.topics import lifecycle as topics

SUBMISSION = re.compile(r'name="submission" value="([0-9a-f]+)"')
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROPOSAL = {"rationale": "群众呼声强烈", "committee": "tianning-cmt-social", "sensitive": "false"}


@pytest.fixture
def topic(session):
    """A 天宁 district topic waiting for its proposal to be submitted."""
    return start_topic(session, NOW)


def test_the_same_form_sent_twice_answers_with_the_first_result(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    clerk = web("office_tianning")
    key = SUBMISSION.search(clerk.get(f"/tasks/{item.id}").get_data(as_text=True)).group(1)
    first = clerk.post(f"/tasks/{item.id}", {**PROPOSAL, "action": "complete", "submission": key})
    again = clerk.post(f"/tasks/{item.id}", {**PROPOSAL, "action": "complete", "submission": key})
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"] == f"/tasks/{item.id}/done"
    session.commit()  # end the test's read snapshot
    completions = session.scalars(select(Event).where(Event.task_item_id == item.id, Event.kind == "task_completed"))
    assert [e.payload["submission"] for e in completions] == [key]


def test_a_real_conflict_is_a_409_in_words_never_a_500(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    clerk = web("office_tianning")
    clerk.get(f"/tasks/{item.id}")
    assert clerk.post(f"/tasks/{item.id}", {**PROPOSAL, "submission": "a" * 32}).status_code == 302
    other_tab = clerk.post(f"/tasks/{item.id}", {**PROPOSAL, "submission": "b" * 32})
    page = other_tab.get_data(as_text=True)
    assert other_tab.status_code == 409
    assert "该事项已由天宁区政协办公室于" in page and "办理完毕" in page and "already" not in page
    assert f'href="/topics/{topic.id}"' in page


def test_a_task_gone_from_the_workflow_is_a_conflict_not_task_not_found(session, topic):
    """The loser of a race looks up a task the winner's save pruned or cancelled: SpiffWorkflow 3 raises there."""
    item = open_task(session, topic, "submit_proposal")
    with writing(session):
        topics.complete_task(session, user_named(session, "office_tianning"), item.id, PROPOSAL, now=NOW)
    instance = topics.load_instance(session, topic)
    for gone in (str(uuid4()), "not-a-uuid"):
        assert instance.is_ready(gone) is False and instance.task(gone) is None
        with pytest.raises(topics.Conflict):
            instance.complete(gone, {}, NOW)
    assert instance.update_task_data(str(uuid4()), {}) is False


def test_a_closed_topic_shows_where_it_ended_not_its_last_stage(web, session, topic):
    drive(session, topic, district_path("tianning"), NOW)
    clerk = web("office_tianning")
    page = clerk.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert re.search(r'data-testid="topic-stage">已办结<', page)
    listed = clerk.get("/topics/?status=closed").get_data(as_text=True)
    assert re.search(r'data-testid="topic-stage"[^>]*>已办结<', listed) and ">跟踪问效</td>" not in listed


def test_the_timeline_shows_each_deadline_as_it_was_then(web, session, topic):
    steps = district_path("tianning")
    drive(session, topic, steps[: [s[0] for s in steps].index("write_reply")], NOW)
    reply = open_task(session, topic, "write_reply")
    before = reply.due_at
    unit, office = user_named(session, "housing_tianning"), user_named(session, "office_tianning")
    wanted = (before + timedelta(days=30)).date()
    with writing(session):
        ext = extensions.request(session, unit, reply.id, wanted.isoformat(), "需协调资金", now=NOW)
    with writing(session):
        extensions.decide(session, office, ext.id, True, "同意", now=NOW + timedelta(hours=1))
    session.commit()
    assert reply.due_at.date() != before.date()
    page = web("office_tianning").get(f"/topics/{topic.id}").get_data(as_text=True)
    lines = re.findall(r'<li class="[^"]*">(.*?)</li>', page, re.S)
    requested = next(line for line in lines if "申请延期" in line)
    approved = next(line for line in lines if "批准延期" in line)
    assert f"时限 {before.astimezone(extensions.clocks.SHANGHAI):%Y-%m-%d}" in requested
    assert f"时限 {reply.due_at.astimezone(extensions.clocks.SHANGHAI):%Y-%m-%d}" in approved


def test_a_rehandling_shows_the_reason_and_earlier_reply_is_noticed_and_keeps_the_extension(web, session, topic,
                                                                                            tmp_path):
    steps = district_path("tianning")
    drive(session, topic, steps[: [s[0] for s in steps].index("write_reply")], NOW)
    first = open_task(session, topic, "write_reply")
    unit, office = user_named(session, "housing_tianning"), user_named(session, "office_tianning")
    wanted = (first.due_at + timedelta(days=60)).date()
    with writing(session):
        ext = extensions.request(session, unit, first.id, wanted.isoformat(), "需协调资金", now=NOW)
        extensions.decide(session, office, ext.id, True, "同意", now=NOW)
        attachments.store(session, tmp_path, unit, first, "答复函.pdf", io.BytesIO(PDF), now=NOW)
    granted = first.due_at
    later = NOW + timedelta(days=2)
    reply = {"reply_class": "B", "reply": "年内完成首批改造。"}
    rating = {"rating": "unsatisfied", "rating_note": "未说明资金来源"}
    drive(session, topic, [("write_reply", "housing_tianning", reply), ("rate_reply", "office_tianning", rating)],
          later)
    again = open_task(session, topic, "write_reply")
    assert again.id != first.id and again.due_at == granted  # the fresh 3-month clock would end earlier
    session.commit()
    notice = session.scalar(select(Notification).where(Notification.task_item_id == again.id,
                                                       Notification.user_id == unit.id))
    assert notice.kind == "task_rehandling" and "退回重办" in notice.title and notice.body == "未说明资金来源"
    handler = web("housing_tianning")
    assert f'href="/tasks/{again.id}"' in handler.get("/notifications").get_data(as_text=True)
    page = handler.get(f"/tasks/{again.id}").get_data(as_text=True)
    box = page[page.index('data-testid="rehandling"'):page.index("</section>", page.index('data-testid="rehandling"'))]
    assert "未说明资金来源" in box and "不满意" in box and "年内完成首批改造。" in box and "答复函.pdf" in box


def test_a_new_task_and_a_return_are_noticed_with_a_link_to_the_task(web, session, topic):
    drive(session, topic, district_path("tianning")[:1], NOW)
    review = open_task(session, topic, "chairs_review")
    session.commit()
    chair = user_named(session, "chair_tianning")
    notice = session.scalar(select(Notification).where(Notification.task_item_id == review.id))
    assert (notice.user_id, notice.kind) == (chair.id, "task_new") and notice.title.startswith("【新待办】主席会议审议")
    steps = district_path("tianning")
    drive(session, topic, steps[1: [s[0] for s in steps].index("sign_receipt")], NOW)
    returning = {"returned": True, "return_reason": "不属本局职责"}
    drive(session, topic, [("sign_receipt", "housing_tianning", returning)], NOW)
    reassign = open_task(session, topic, "reassign_lead_unit")
    session.commit()
    returned = session.scalar(select(Notification).where(Notification.task_item_id == reassign.id))
    assert returned.kind == "task_returned" and returned.body == "不属本局职责"

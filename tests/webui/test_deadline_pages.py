"""Deadline actions on the pages: signing, returning, extension requests and decisions, notifications."""
import pytest
from sqlalchemy import select

from models import Event, ExtensionRequest, ExtensionState, Notification, TaskStatus
from tests.conftest import NOW
from tests.factories import drive, open_ids, open_task, start_topic
from workflows.demo.world import district_path, user_named


@pytest.fixture
def at_signing(session):
    """A 天宁 topic whose minutes are in: the housing bureau must sign for it."""
    topic = start_topic(session, NOW)
    path = district_path("tianning", assisting=False)
    sign_at = next(i for i, s in enumerate(path) if s[0] == "sign_receipt")
    drive(session, topic, path[:sign_at], NOW)
    return topic


def test_the_unit_signs_from_its_inbox(web, session, at_signing):
    item = open_task(session, at_signing, "sign_receipt")
    actor = web("housing_tianning")
    page = actor.get("/").get_data(as_text=True)
    assert f'/tasks/{item.id}/sign"' in page
    assert actor.post(f"/tasks/{item.id}/sign").headers["Location"] == f"/tasks/{item.id}/done"
    session.commit()
    assert open_ids(session, at_signing) == ["write_reply"]
    assert web("housing_wujin").post(f"/tasks/{item.id}/sign").status_code == 404


def test_a_return_needs_a_reason_and_the_signing_period(web, session, clock, at_signing):
    item = open_task(session, at_signing, "sign_receipt")
    actor = web("housing_tianning")
    actor.get("/")
    assert actor.post(f"/tasks/{item.id}/return", {"reason": " "}).status_code == 422
    clock.advance(days=10)
    actor.login("housing_tianning")
    assert actor.post(f"/tasks/{item.id}/return", {"reason": "不属于本单位职责"}).status_code == 409
    session.commit()
    assert session.get(type(item), item.id).status is TaskStatus.READY


def test_a_misassigned_topic_goes_back_to_the_office(web, session, at_signing):
    item = open_task(session, at_signing, "sign_receipt")
    actor = web("housing_tianning")
    actor.get("/")
    assert actor.post(f"/tasks/{item.id}/return", {"reason": "应由民政局主办"}).status_code == 302
    session.commit()
    assert open_ids(session, at_signing) == ["reassign_lead_unit"]
    page = web("office_tianning").get(f"/topics/{at_signing.id}").get_data(as_text=True)
    assert "退回" in page and "应由民政局主办" in page


def test_an_extension_is_requested_and_approved_on_the_pages(web, session, at_signing):
    # the unit signs first, so the reply has its three-month clock
    drive(session, at_signing, [("sign_receipt", "housing_tianning", {})], NOW)
    reply = open_task(session, at_signing, "write_reply")
    unit = web("housing_tianning")
    assert "提交延期申请" in unit.get(f"/tasks/{reply.id}").get_data(as_text=True)
    assert unit.post(f"/tasks/{reply.id}/extensions", {"requested_to": "2026-01-01", "reason": "x"}).status_code == 422
    assert unit.post(f"/tasks/{reply.id}/extensions", {"requested_to": "2026-07-31", "reason": ""}).status_code == 422
    assert unit.post(f"/tasks/{reply.id}/extensions",
                     {"requested_to": "2026-07-31", "reason": "涉及预算调整"}).status_code == 302
    assert web("housing_wujin").post(f"/tasks/{reply.id}/extensions",
                                     {"requested_to": "2026-07-31", "reason": "x"}).status_code == 404
    session.commit()
    request = session.scalar(select(ExtensionRequest))
    office = web("office_tianning")
    assert "涉及预算调整" in office.get("/").get_data(as_text=True)
    assert web("office_wujin").post(f"/extensions/{request.id}/decision", {"approve": "true"}).status_code == 404
    assert office.post(f"/extensions/{request.id}/decision", {"approve": "maybe"}).status_code == 422
    assert office.post(f"/extensions/{request.id}/decision", {"approve": "false", "note": ""}).status_code == 422
    decided = office.post(f"/extensions/{request.id}/decision",
                          {"approve": "true", "granted_to": "2026-07-15", "next": "/"})
    assert decided.status_code == 302
    session.commit()
    session.refresh(reply)
    assert reply.extended_to.isoformat() == "2026-07-15"
    assert "批准延期" in office.get(f"/topics/{at_signing.id}").get_data(as_text=True)
    assert "已批准" in unit.get(f"/tasks/{reply.id}").get_data(as_text=True)


def test_notifications_are_listed_and_marked_read(web, session, at_signing):
    item = open_task(session, at_signing, "sign_receipt")
    supervisor = web("supervisor_tianning")
    supervisor.get("/supervision/tasks")
    supervisor.post(f"/supervision/tasks/{item.id}/escalate", {"reason": "请尽快签收"})
    unit = web("housing_tianning")
    page = unit.get("/notifications").get_data(as_text=True)
    assert "【督办】" in page and "请尽快签收" in page and "【新待办】签收" in page  # and the task's own notice
    assert 'data-testid="notices">通知 <span class="badge badge-red">2<' in page
    session.commit()
    note = session.scalar(select(Notification).where(
        Notification.kind == "escalation", Notification.user_id == user_named(session, "housing_tianning").id))
    assert web("office_tianning").post("/notifications/read", {"id": str(note.id)}).status_code == 404
    assert unit.post("/notifications/read", {"id": "abc"}).status_code == 422
    assert unit.post("/notifications/read", {"id": str(note.id)}).status_code == 302
    assert "【督办】" not in unit.get("/notifications").get_data(as_text=True)
    assert unit.post("/notifications/read", {}).status_code == 302
    assert "没有未读通知" in unit.get("/notifications").get_data(as_text=True)
    session.commit()
    assert session.scalar(select(Event.kind).where(Event.kind == "escalated")) == "escalated"
    assert session.scalar(select(ExtensionRequest.state)) in (None, ExtensionState.PENDING)

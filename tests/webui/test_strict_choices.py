"""Choices the server holds to: reassignment only to a listed place or person, a bulk 督办 only with a reason;
a refusal answers 422 in the user's language on the same form, with what was chosen and typed kept."""
import re

from sqlalchemy import select

from models import AuditEntry, Event
from tests.conftest import NOW
from tests.factories import open_task, start_topic


def fresh(session) -> None:
    session.rollback()
    session.expire_all()


def reassign_form(page: str) -> str:
    start = page.index('data-testid="reassign-form"')
    return page[start:page.index("</form>", start)]


def test_reassignment_offers_only_the_districts_places_and_refuses_anything_else(web, session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    admin = web("admin")
    form = reassign_form(admin.get(f"/admin/topics/{topic.id}").get_data(as_text=True))
    assert "<select" in form and "<datalist" not in form and "<input name=\"target\"" not in form
    assert 'value="unit:tianning-urban"' in form and "wujin" not in form
    for typed in ("天宁区城管", "unit:wujin-urban", "tianning-urban", "user:nobody"):
        refused = admin.post(f"/admin/tasks/{item.id}/reassign", {"target": typed, "reason": "换人办理"})
        assert refused.status_code == 422, typed
        form = reassign_form(refused.get_data(as_text=True))
        assert "不在可选列表中：请从列表中选择本区的单位、组织或能办理该任务的人员" in form
        assert 'value="换人办理"' in form  # the reason typed is kept
    fresh(session)
    assert not session.scalars(select(AuditEntry).where(AuditEntry.action == "reassign")).all()
    done = admin.post(f"/admin/tasks/{item.id}/reassign", {"target": "unit:tianning-urban", "reason": "城管负责"})
    assert done.status_code == 302
    fresh(session)
    assert open_task(session, topic, "submit_proposal").candidate_unit.code == "tianning-urban"


def test_a_refused_reassignment_speaks_english_and_keeps_the_choice(web, session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    admin = web("admin")
    admin.post("/locale", {"locale": "en", "next": "/"})
    admin.get(f"/admin/topics/{topic.id}")
    refused = admin.post(f"/admin/tasks/{item.id}/reassign", {"target": "", "reason": "keep me"})
    assert refused.status_code == 422
    form = reassign_form(refused.get_data(as_text=True))
    assert "Choose from the list" in form and 'value="keep me"' in form


def test_the_service_refuses_a_unit_of_another_district(web, session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    client = web().client
    moved = client.post(f"/api/v1/tasks/{item.id}/reassign", json={"unit": "wujin-urban", "reason": "错区"},
                        headers={"Authorization": "Bearer demo-admin"})
    assert moved.status_code == 422 and "another district" in moved.get_data(as_text=True)


def test_the_api_and_the_cli_refuse_a_person_of_another_district(web, session, shangliang):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")  # the CPPCC office's task: office_wujin holds that role
    client = web().client
    moved = client.post(f"/api/v1/tasks/{item.id}/reassign", json={"user": "office_wujin", "reason": "错区"},
                        headers={"Authorization": "Bearer demo-admin"})
    assert moved.status_code == 422 and "in the topic's district" in moved.get_data(as_text=True)
    out = shangliang("reassign", str(item.id), "--as", "admin", "--user", "office_wujin", code=2)
    assert out.startswith("error: the user cannot do this task")
    fresh(session)
    assert not session.scalars(select(AuditEntry).where(AuditEntry.action == "reassign")).all()
    admin = web("admin")
    form = reassign_form(admin.get(f"/admin/topics/{topic.id}").get_data(as_text=True))
    assert 'value="user:office_tianning"' in form and 'value="user:office_wujin"' not in form
    moved = client.post(f"/api/v1/tasks/{item.id}/reassign", json={"user": "office_zhenglu", "reason": "镇里办理"},
                        headers={"Authorization": "Bearer demo-admin"})
    assert moved.status_code == 200, moved.get_json()


def test_a_bulk_escalation_without_a_reason_keeps_the_ticks_and_says_why(web, session):
    topics = [start_topic(session, NOW, title=t) for t in ("老旧小区加装电梯", "背街小巷停车难", "社区养老助餐点")]
    items = [open_task(session, t, "submit_proposal") for t in topics]
    supervisor = web("supervisor_tianning")
    supervisor.get("/supervision/tasks")
    ticked = [str(items[0].id), str(items[2].id)]
    refused = supervisor.post("/supervision/tasks/escalate", {"task": ticked, "reason": "  "})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "请填写督办意见" in page
    checked = re.findall(r'<input type="checkbox" name="task" value="(\d+)"[^>]*checked', page)
    assert sorted(checked) == sorted(ticked)
    fresh(session)
    assert not session.scalars(select(Event).where(Event.kind == "escalated")).all()
    supervisor.post("/locale", {"locale": "en", "next": "/"})
    supervisor.get("/supervision/tasks")
    english = supervisor.post("/supervision/tasks/escalate", {"task": ticked, "reason": ""}).get_data(as_text=True)
    assert "Give the reason for the escalation" in english

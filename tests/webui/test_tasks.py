"""The inbox and the task page: who may open what, bad input on the field, drafts, claims, next step."""
import pytest
from sqlalchemy import select

from models import Event, TaskItem, TaskStatus
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.demo.world import district_path, user_named


def fresh(session, obj):
    """Reload an object after the app committed (ending the test session's read snapshot first)."""
    session.commit()
    session.refresh(obj)


@pytest.fixture
def topic(session):
    """A 天宁 district topic waiting for its proposal to be submitted."""
    return start_topic(session, NOW)


@pytest.mark.parametrize("url", ["/", "/tasks/1", "/topics/", "/topics/1", "/topics/new", "/supervision/",
                                 "/supervision/tasks", "/lists/inbox/export.csv", "/password"])
def test_every_page_needs_a_login(web, url):
    response = web().get(url)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_inbox_lists_the_users_tasks_with_time_left(web, topic):
    page = web("office_tianning").get("/").get_data(as_text=True)
    assert "提交议题建议" in page and topic.title in page
    assert "剩 10 个工作日" in page and "badge-normal" in page
    assert topic.title not in web("office_wujin").get("/").get_data(as_text=True)


def test_inbox_filters_narrow_and_bad_values_are_ignored(web, session, topic):
    drive(session, start_topic(session, NOW, title="第二个议题"), district_path("tianning")[:1], NOW)
    actor = web("office_tianning")
    only_proposal = actor.get("/?stage=proposal").get_data(as_text=True)
    assert topic.title in only_proposal and "第二个议题" not in only_proposal
    assert actor.get("/?stage=nonsense&page=abc&warning=<script>").status_code == 200
    assert "第二个议题" not in actor.get("/?warning=red").get_data(as_text=True)


def test_another_units_task_is_not_found_and_a_wrong_role_is_forbidden(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    assert web("office_wujin").get(f"/tasks/{item.id}").status_code == 404
    assert web("housing_tianning").get(f"/tasks/{item.id}").status_code == 404
    chair = web("chair_tianning")
    assert chair.get(f"/tasks/{item.id}").status_code == 403
    assert chair.post(f"/tasks/{item.id}", {"rationale": "x"}).status_code == 403
    assert web().get("/tasks/999999").status_code == 302


def test_claiming_another_districts_task_is_not_found(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    actor = web("office_wujin")
    assert actor.post(f"/tasks/{item.id}/claim").status_code == 404
    assert actor.post(f"/tasks/{item.id}/release").status_code == 404


def test_submitting_without_csrf_is_refused(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    actor = web("office_tianning")
    actor.get(f"/tasks/{item.id}")
    response = actor.post(f"/tasks/{item.id}", {"rationale": "x", "committee": "tianning-cmt-social"}, csrf=False)
    assert response.status_code == 400
    fresh(session, item)
    assert item.status is TaskStatus.READY


def test_bad_input_comes_back_on_the_field(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    actor = web("office_tianning")
    actor.get(f"/tasks/{item.id}")
    response = actor.post(f"/tasks/{item.id}", {"rationale": "", "committee": "nowhere", "action": "complete"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="f-rationale-error"' in page and "必填" in page
    assert 'id="f-committee-error"' in page and "所选单位不存在" in page and "unknown unit" not in page
    assert page.count('aria-invalid="true"') == 2


def test_a_rejection_without_reason_is_refused_on_the_opinion_field(web, session, topic):
    drive(session, topic, district_path("tianning")[:1], NOW)
    item = open_task(session, topic, "chairs_review")
    actor = web("chair_tianning")
    actor.get(f"/tasks/{item.id}")
    response = actor.post(f"/tasks/{item.id}", {"approved": "false", "opinion": ""})
    assert response.status_code == 422 and 'id="f-opinion-error"' in response.get_data(as_text=True)


def test_completing_a_task_shows_the_next_step(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    actor = web("office_tianning")
    actor.get(f"/tasks/{item.id}")
    response = actor.post(f"/tasks/{item.id}", {"rationale": "群众反映强烈", "committee": "tianning-cmt-social",
                                                "sensitive": "false", "action": "complete"})
    assert response.status_code == 302 and response.headers["Location"] == f"/tasks/{item.id}/done"
    done = actor.get(response.headers["Location"]).get_data(as_text=True)
    assert "主席会议审议" in done and "天宁区" in done
    assert actor.get(f"/tasks/{item.id}").status_code == 302  # a finished task goes to its case page


def test_a_draft_is_saved_and_shown_again(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    actor = web("office_tianning")
    actor.get(f"/tasks/{item.id}")
    response = actor.post(f"/tasks/{item.id}", {"rationale": "写了一半", "action": "draft", "bogus": "x"},
                          headers={"HX-Request": "true"})
    assert response.status_code == 200 and "草稿已保存" in response.get_data(as_text=True)
    assert "写了一半" in actor.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert "写了一半" not in web("office_zhenglu").get("/").get_data(as_text=True)


def test_claim_and_release(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    actor = web("office_tianning")
    actor.get("/")
    assert actor.post(f"/tasks/{item.id}/claim", {"next": "/"}).status_code == 302
    fresh(session, item)
    assert item.assignee_id == user_named(session, "office_tianning").id
    assert "我认领的" in actor.get("/?scope=mine").get_data(as_text=True)
    assert topic.title in actor.get("/?scope=mine").get_data(as_text=True)
    assert actor.post(f"/tasks/{item.id}/release", {"next": "https://evil.example/"}).headers["Location"] == "/"
    fresh(session, item)
    assert item.assignee_id is None
    kinds = session.scalars(select(Event.kind).where(Event.task_item_id == item.id).order_by(Event.id)).all()
    assert kinds == ["task_claimed", "task_released"]


def test_a_task_claimed_by_a_colleague_cannot_be_claimed(web, session, topic):
    item = open_task(session, topic, "submit_proposal")
    item.assignee = user_named(session, "office_zhenglu")
    session.commit()
    actor = web("office_tianning")
    actor.get("/")
    assert actor.post(f"/tasks/{item.id}/claim").status_code == 409
    assert actor.post(f"/tasks/{item.id}/release").status_code == 409
    assert topic.title not in actor.get("/").get_data(as_text=True)  # claimed by someone else: not in my inbox
    fresh(session, item)
    assert session.get(TaskItem, item.id).assignee.username == "office_zhenglu"


def test_transfer_within_the_unit(web, session, topic):
    from models import Role, RoleAssignment, User

    office = user_named(session, "office_tianning")
    colleague = User(username="office_tianning_2", display_name="天宁区政协办公室（二）",
                     password_hash=office.password_hash)
    colleague.roles.append(RoleAssignment(role=Role.CPPCC_OFFICE, organization_id=office.roles[0].organization_id))
    session.add(colleague)
    session.commit()
    item = open_task(session, topic, "submit_proposal")
    actor = web("office_tianning")
    assert "天宁区政协办公室（二）" in actor.get(f"/tasks/{item.id}").get_data(as_text=True)
    assert actor.post(f"/tasks/{item.id}/transfer", {"to": "x"}).status_code == 422
    stranger = user_named(session, "office_wujin")
    assert actor.post(f"/tasks/{item.id}/transfer", {"to": str(stranger.id)}).status_code == 422
    assert actor.post(f"/tasks/{item.id}/transfer", {"to": str(colleague.id)}).status_code == 302
    fresh(session, item)
    assert item.assignee_id == colleague.id
    assert topic.title in web("office_tianning_2").get("/?scope=mine").get_data(as_text=True)
    assert web("office_wujin").post(f"/tasks/{item.id}/transfer", {"to": str(colleague.id)}).status_code == 404

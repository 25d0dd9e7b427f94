"""Notices speak each reader's language: the page, the API and an e-mail route's message, old rows as written."""
from sqlalchemy import select

from models import Delivery, Notification, NotifyRoute, User
from models.database import writing
from tests.conftest import NOW
from tests.factories import open_task, start_topic
from workflows.deadlines import sweep
from workflows.i18n import translate
from workflows.notifications.notify import Message, notify


def escalated_readers(web, session):
    """Escalate the topic's first task from the page; return the people told and the task's name."""
    topic = start_topic(session, NOW, title="背街小巷停车难")
    item = open_task(session, topic, "submit_proposal")
    supervisor = web("supervisor_tianning")
    supervisor.get(f"/topics/{topic.id}")
    supervisor.post(f"/supervision/tasks/{item.id}/escalate", {"reason": "请本周内提交", "next": f"/topics/{topic.id}"})
    session.commit()
    readers = session.scalars(select(User).join(Notification, Notification.user_id == User.id).where(
        Notification.kind == "escalation")).unique().all()
    assert readers
    return readers, item.name


def test_each_reader_sees_an_escalation_in_their_own_language(web, session):
    readers, task = escalated_readers(web, session)
    english, chinese = readers[0], readers[-1] if len(readers) > 1 else None
    with writing(session):
        english.locale = "en"
    page = web(english.username).get("/notifications").get_data(as_text=True)
    assert "[Escalation] Propose the topic: 背街小巷停车难" in page  # the bundled task's name in English too
    assert "Supervisor&#39;s note: 请本周内提交" in page and "【督办】" not in page
    api = web().client.get("/api/v1/notifications", headers={"Authorization": f"Bearer demo-{english.username}"})
    assert api.json["notifications"][0]["title"] == "[Escalation] Propose the topic: 背街小巷停车难"
    if chinese is not None:
        page = web(chinese.username).get("/notifications").get_data(as_text=True)
        assert f"【督办】{task}：背街小巷停车难" in page and "督办意见：请本周内提交" in page


def test_a_notice_written_before_keys_reads_as_it_was_written(web, session):
    user = session.scalar(select(User).where(User.username == "office_tianning"))
    with writing(session):
        user.locale = "en"
        session.add(Notification(user_id=user.id, kind="reminder", title="【催办】旧通知", body="旧正文",
                                 created_at=NOW))
    page = web("office_tianning").get("/notifications").get_data(as_text=True)
    assert "【催办】旧通知" in page and "旧正文" in page


def test_an_english_route_gets_its_reminder_in_english_and_a_chinese_route_in_chinese(session):
    topic = start_topic(session, NOW, title="社区养老助餐点")
    item = open_task(session, topic, "submit_proposal")
    with writing(session):
        routes = [NotifyRoute(organization_id=topic.platform.id, purpose="any", channel="email",
                              address=f"{locale}@example.org", locale=locale) for locale in ("en", "zh")]
        session.add_all(routes)
        session.flush()
        params = {"topic": topic.title, "topic_id": topic.id, "task": item.name, "unit": "天宁区政协",
                  "due": "2026-03-02", "overdue": 3}
        message = Message("reminder", "【催办】%(task)s已逾期 %(overdue)s 个工作日：%(topic)s", sweep.CHASE_BODY,
                          topic.id, item.id, params, body_worded=True)
        notify(session, message, [], routes, "reminder-language", NOW)
    sent = {d.address: d for d in session.scalars(select(Delivery).where(Delivery.key.like("reminder-language%")))}
    assert sent["en@example.org"].subject == "[Reminder] Propose the topic is 3 working days overdue: 社区养老助餐点"
    assert "Handled by: 天宁区政协" in sent["en@example.org"].body
    assert sent["zh@example.org"].subject == f"【催办】{item.name}已逾期 3 个工作日：社区养老助餐点"
    assert translate(sweep.CHASE_BODY, "zh", params) == sent["zh@example.org"].body


def test_an_activity_invitation_reads_in_the_invited_members_language(web, session):
    member = session.scalar(select(User).where(User.username == "member_tianning"))
    with writing(session):
        member.locale = "en"
    office = web("office_tianning")
    office.get("/platform/activities/new")
    planned = {"title": "停车难协商会", "platform": "tianning", "form": "on_site", "held_on": "2026-03-02",
               "place": "天宁区政协三楼"}
    url = office.post("/platform/activities/new", planned).headers["Location"]
    office.get(url)
    office.post(f"{url}/participants", {"kind": "member", "username": "member_tianning"})
    office.post(f"{url}/invite")
    page = web("member_tianning").get("/notifications").get_data(as_text=True)
    assert "Invitation to a consultation activity: 停车难协商会" in page and "协商活动邀请" not in page
    assert "When: 2026-03-02 天宁区政协三楼" in page and "Check in: " in page and "/activities/check-in/" in page
    with writing(session):
        member.locale = "zh"
    page = web("member_tianning").get("/notifications").get_data(as_text=True)
    assert "协商活动邀请：停车难协商会" in page and "时间：2026-03-02 天宁区政协三楼" in page

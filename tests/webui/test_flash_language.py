"""What the pages say after an action is in the user's language, not Chinese with English in brackets."""
from sqlalchemy import select

from models import ProcessVersion
from tests.conftest import NOW
from tests.factories import open_task, start_topic


def test_an_english_supervisor_is_told_escalated_in_english(web, session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    supervisor = web("supervisor_tianning")
    supervisor.post("/locale", {"locale": "en", "next": "/"})
    supervisor.get(f"/topics/{topic.id}")
    supervisor.post(f"/supervision/tasks/{item.id}/escalate", {"reason": "请本周内提交", "next": f"/topics/{topic.id}"})
    page = supervisor.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert '<div class="flash flash-success" role="status">Escalated</div>' in page and "(escalated)" not in page


def test_a_migration_without_topics_is_sent_back_with_a_message_not_an_error(web, session):
    version = session.scalars(select(ProcessVersion)).first()
    admin = web("admin")
    admin.get(f"/admin/versions/{version.id}/migrate")
    chinese = admin.post(f"/admin/versions/{version.id}/migrate", {}, follow_redirects=True)
    assert chinese.status_code == 200 and 'role="status">请选择要迁移的议题</div>' in chinese.get_data(as_text=True)
    admin.post("/locale", {"locale": "en", "next": "/"})
    admin.get(f"/admin/versions/{version.id}/migrate")
    english = admin.post(f"/admin/versions/{version.id}/migrate", {}, follow_redirects=True).get_data(as_text=True)
    assert 'role="status">Choose the topics to move</div>' in english


def test_a_message_with_english_in_brackets_shows_the_half_of_the_users_language(web):
    admin = web("admin")
    admin.get("/admin/")
    chinese = admin.post("/admin/drafts", {}, follow_redirects=True).get_data(as_text=True)
    assert 'role="status">请选择一个版本或上传 .bpmn 文件</div>' in chinese
    admin.post("/locale", {"locale": "en", "next": "/"})
    admin.get("/admin/")
    english = admin.post("/admin/drafts", {}, follow_redirects=True).get_data(as_text=True)
    assert 'role="status">Choose a version or a file</div>' in english

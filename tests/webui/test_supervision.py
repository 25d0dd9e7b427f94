"""Supervision: the dashboard by level, the lists behind it, escalation, exports, saved filters."""
import csv
import io

from openpyxl import load_workbook
from sqlalchemy import select

from models import AuditEntry, Event, SavedFilter
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.demo.world import district_path


def test_the_dashboard_is_for_supervising_roles_only(web):
    assert web("housing_tianning").get("/supervision/").status_code == 403
    assert web("housing_tianning").get("/supervision/tasks").status_code == 403
    assert web("supervisor_tianning").get("/supervision/").status_code == 200


def test_a_district_sees_its_platforms_and_the_city_sees_districts(web, session, clock):
    start_topic(session, NOW)
    start_topic(session, NOW, level="town", town="zhenglu")
    start_topic(session, NOW, district="wujin")
    clock.advance(days=30)
    district = web("supervisor_tianning").get("/supervision/").get_data(as_text=True)
    assert 'data-testid="red-count">2<' in district
    assert 'data-group="tianning"' in district and 'data-group="zhenglu"' in district
    assert 'data-group="wujin"' not in district
    city = web("supervisor_city").get("/supervision/").get_data(as_text=True)
    assert 'data-testid="red-count">3<' in city
    assert 'data-group="tianning"' in city and 'data-group="wujin"' in city and 'data-group="zhenglu"' not in city


def test_each_figure_opens_the_list_behind_it(web, session, clock):
    late = start_topic(session, NOW, title="超期的议题")
    clock.advance(days=30)
    start_topic(session, clock(), title="刚提出的议题")
    actor = web("supervisor_tianning")
    red = actor.get("/supervision/tasks?warning=red").get_data(as_text=True)
    assert late.title in red and "刚提出的议题" not in red
    assert "刚提出的议题" in actor.get("/supervision/tasks?warning=normal&platform=tianning").get_data(as_text=True)
    assert actor.get("/supervision/tasks?warning=purple&page=-3").status_code == 200


def test_escalation_needs_a_supervisor_a_reason_and_the_scope(web, session, clock):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    clock.advance(days=30)
    chair = web("chair_tianning")
    chair.get("/supervision/tasks")
    assert chair.post(f"/supervision/tasks/{item.id}/escalate", {"reason": "抓紧办理"}).status_code == 403
    other = web("supervisor_wujin")
    other.get("/supervision/tasks")
    assert other.post(f"/supervision/tasks/{item.id}/escalate", {"reason": "抓紧办理"}).status_code == 404
    actor = web("supervisor_tianning")
    actor.get("/supervision/tasks")
    assert actor.post(f"/supervision/tasks/{item.id}/escalate", {"reason": "  "}).status_code == 422
    assert actor.post(f"/supervision/tasks/{item.id}/escalate", {"reason": "抓紧"}, csrf=False).status_code == 400
    done = actor.post(f"/supervision/tasks/{item.id}/escalate",
                      {"reason": "请于三日内办结", "next": "/supervision/tasks"})
    assert done.status_code == 302
    session.commit()
    event = session.scalar(select(Event).where(Event.kind == "escalated"))
    assert event.task_item_id == item.id and event.payload["reason"] == "请于三日内办结"
    assert session.scalar(select(AuditEntry.action).where(AuditEntry.action == "escalate")) == "escalate"
    assert "请于三日内办结" in actor.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert "已督办" in actor.get("/supervision/tasks").get_data(as_text=True)


def test_rates_count_on_time_replies_and_ratings(web, session):
    topic = start_topic(session, NOW)
    path = district_path("tianning", assisting=False)
    rate = next(i for i, s in enumerate(path) if s[0] == "rate_reply")
    unsatisfied = ("rate_reply", "office_tianning", {"rating": "unsatisfied", "rating_note": "不具体"})
    drive(session, topic, path[:rate] + [unsatisfied, path[rate - 1], path[rate]], NOW)
    supervisor = web("supervisor_tianning")
    page = supervisor.get("/supervision/").get_data(as_text=True)
    assert "（2/2）" in page and "50%" in page
    replies = supervisor.get("/supervision/replies").get_data(as_text=True)
    assert "不满意" in replies and "不具体" in replies


def test_lists_export_to_csv_and_xlsx_with_their_columns(web, session):
    start_topic(session, NOW, title="=HYPERLINK(\"x\")")
    actor = web("office_tianning")
    response = actor.get("/lists/inbox/export.csv?stage=proposal")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["预警", "剩余工作日", "任务"] and len(rows) == 2
    assert rows[1][4].startswith("'=")  # a formula-looking title is neutralised
    book = load_workbook(io.BytesIO(actor.get("/lists/inbox/export.xlsx").data))
    assert book.active["C2"].value == "提交议题建议"
    session.commit()
    exports = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert [e.payload["format"] for e in exports] == ["csv", "xlsx"]


def test_exports_follow_the_lists_permissions(web):
    assert web("housing_tianning").get("/lists/supervision/export.csv").status_code == 403
    assert web("housing_tianning").get("/lists/nothing/export.csv").status_code == 404
    assert web("housing_tianning").get("/lists/inbox/export.pdf").status_code == 404


def test_saved_filters(web, session):
    actor = web("office_tianning")
    actor.get("/")
    saved = actor.post("/lists/filters", {"view": "inbox", "name": "红牌", "query": "warning=red"})
    assert saved.status_code == 302 and saved.headers["Location"] == "/?warning=red"
    assert ">红牌</a>" in actor.get("/").get_data(as_text=True)
    assert actor.post("/lists/filters", {"view": "inbox", "name": ""}).status_code == 422
    assert actor.post("/lists/filters", {"view": "secret", "name": "x"}).status_code == 422
    session.commit()
    mine = session.scalar(select(SavedFilter))
    other = web("office_wujin")
    other.get("/")
    assert other.post(f"/lists/filters/{mine.id}/delete").status_code == 404
    assert actor.post(f"/lists/filters/{mine.id}/delete", {"next": "/"}).status_code == 302


def test_the_json_api_still_answers_without_csrf(app):
    client = app.test_client()
    response = client.post("/api/v1/topics", headers={"Authorization": "Bearer demo-office_tianning"},
                           json={"title": "接口议题", "category": "livelihood", "source": "public",
                                 "platform_level": "district", "district": "tianning"})
    assert response.status_code == 201
    assert client.get("/api/v1/nothing").get_json()["error"]["status"] == 404


def test_the_topic_list_filters_saves_and_exports(web, session):
    start_topic(session, NOW, title="区级议题")
    start_topic(session, NOW, level="town", town="zhenglu", title="镇级议题")
    start_topic(session, NOW, district="wujin", title="武进议题")
    actor = web("office_tianning")
    both = actor.get("/topics/").get_data(as_text=True)
    assert "区级议题" in both and "镇级议题" in both and "武进议题" not in both
    assert "区级议题" not in actor.get("/topics/?status=closed").get_data(as_text=True)
    assert actor.get("/topics/?status=<x>&page=99").status_code == 200
    saved = actor.post("/lists/filters", {"view": "topics", "name": "办理中", "query": "status=active"})
    assert saved.headers["Location"] == "/topics/?status=active"
    rows = list(csv.reader(io.StringIO(actor.get("/lists/topics/export.csv?stage=proposal").data.decode("utf-8-sig"))))
    assert rows[0] == ["编号", "议题", "平台", "类别", "协商形式", "提案号", "阶段", "状态", "提出时间"]
    assert sorted(r[1] for r in rows[1:]) == ["区级议题", "镇级议题"]
    assert load_workbook(io.BytesIO(actor.get("/lists/topics/export.xlsx").data)).active.max_row == 3

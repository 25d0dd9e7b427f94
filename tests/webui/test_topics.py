"""The case page and its parts: diagrams, attachments, the resident's contact, PDF prints, new topics."""
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Attachment, AuditEntry, ResidentContact, Topic, WorkflowState
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.demo.world import district_path
from workflows.topics import attachments

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def at_research(session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning")[:4], NOW)
    return topic, open_task(session, topic, "research")


def upload(actor, item_id, name, data, url=None, field="file", **form):
    actor.get(f"/tasks/{item_id}")
    return actor.post(url or f"/tasks/{item_id}/attachments", {field: (io.BytesIO(data), name), **form},
                      content_type="multipart/form-data")


def test_the_case_page_shows_summary_diagrams_and_timeline(web, session):
    topic, _ = at_research(session)
    page = web("office_tianning").get(f"/topics/{topic.id}").get_data(as_text=True)
    assert topic.title in page and "深入调研" in page
    assert page.count('role="tab"') == 2  # topic_district and the topic_path it calls
    assert "完成「主席会议审议」" in page and "时限" in page


def test_another_districts_topic_is_not_found(web, session):
    topic, _ = at_research(session)
    actor = web("office_wujin")
    assert actor.get(f"/topics/{topic.id}").status_code == 404
    assert actor.get(f"/topics/{topic.id}/marks.json").status_code == 404
    assert actor.get(f"/topics/{topic.id}/diagrams/{topic.process_version_id}.bpmn").status_code == 404
    assert actor.get(f"/topics/{topic.id}/minutes.pdf").status_code == 404


def test_the_diagram_xml_is_served_only_for_pinned_versions(web, session):
    topic, _ = at_research(session)
    stored = session.get(WorkflowState, topic.id)
    actor = web("office_tianning")
    main = actor.get(f"/topics/{topic.id}/diagrams/{topic.process_version_id}.bpmn")
    assert main.status_code == 200 and b'id="topic_district"' in main.data
    called = actor.get(f"/topics/{topic.id}/diagrams/{stored.subprocess_versions['topic_path']}.bpmn")
    assert b'id="topic_path"' in called.data
    other = start_topic(session, NOW, level="town", town="zhenglu")
    approval = session.get(WorkflowState, other.id).subprocess_versions["town_approval"]
    assert actor.get(f"/topics/{topic.id}/diagrams/{approval}.bpmn").status_code == 404


def test_marks_colour_finished_current_and_overdue_steps(web, session, clock):
    topic, _ = at_research(session)
    stored = session.get(WorkflowState, topic.id)
    actor = web("office_tianning")
    marks = actor.get(f"/topics/{topic.id}/marks.json").get_json()
    main, path = marks[str(topic.process_version_id)], marks[str(stored.subprocess_versions["topic_path"])]
    assert {"submit_proposal", "chairs_review", "party_approval", "enter_annual_plan"} <= set(main["done"])
    assert main["current"] == ["consultation"] and path["current"] == ["research"] and path["overdue"] == []
    clock.advance(days=60)
    actor.login("office_tianning")
    marks = actor.get(f"/topics/{topic.id}/marks.json").get_json()
    assert marks[str(stored.subprocess_versions["topic_path"])]["overdue"] == ["research"]
    assert marks[str(topic.process_version_id)]["overdue"] == ["consultation"]


def test_an_attachment_is_stored_and_served_only_to_those_who_see_the_topic(web, session):
    topic, item = at_research(session)
    committee = web("committee_tianning")
    assert upload(committee, item.id, "调研报告.pdf", PDF).status_code == 302
    session.commit()
    stored = session.scalar(select(Attachment).where(Attachment.topic_id == topic.id))
    assert (stored.kind, stored.filename, stored.size) == ("research_report", "调研报告.pdf", len(PDF))
    download = web("office_tianning").get(f"/topics/attachments/{stored.id}")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    assert web("office_wujin").get(f"/topics/attachments/{stored.id}").status_code == 404
    assert web("housing_tianning").get(f"/topics/attachments/{stored.id}").status_code == 404


@pytest.mark.parametrize("name, data, status", [
    ("report.exe", b"MZ\x90\x00", 415),
    ("report.pdf", PNG, 415),
    ("report.pdf", b"", 415),
    ("../../etc/passwd.pdf", PDF, 302),
    ("report.pdf", b"%PDF-" + b"0" * 2000, 413),
])
def test_bad_uploads_are_refused(web, session, monkeypatch, name, data, status):
    monkeypatch.setattr(attachments, "MAX_BYTES", 2000)  # a small limit keeps the test's upload small
    topic, item = at_research(session)
    response = upload(web("committee_tianning"), item.id, name, data)
    assert response.status_code == status
    session.commit()
    names = session.scalars(select(Attachment.filename).where(Attachment.topic_id == topic.id)).all()
    assert names == (["passwd.pdf"] if status == 302 else [])


def test_uploads_are_refused_on_tasks_without_files_and_without_a_file(web, session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    actor = web("office_tianning")
    assert upload(actor, item.id, "a.pdf", PDF).status_code == 415
    assert actor.post(f"/tasks/{item.id}/attachments", {}, content_type="multipart/form-data").status_code == 422
    _, research = at_research(session)
    assert upload(web("office_wujin"), research.id, "a.pdf", PDF).status_code == 404


def test_the_form_file_field_attaches_the_report(web, session):
    topic, item = at_research(session)
    actor = web("committee_tianning")
    actor.get(f"/tasks/{item.id}")
    response = actor.post(f"/tasks/{item.id}", {"research_report": "走访 120 户", "action": "complete",
                                                "report_file": (io.BytesIO(PDF), "report.pdf")},
                          content_type="multipart/form-data")
    assert response.status_code == 302
    bad = at_research(session)[1]
    actor.get(f"/tasks/{bad.id}")
    refused = actor.post(f"/tasks/{bad.id}", {"research_report": "x", "report_file": (io.BytesIO(b"MZ"), "r.exe")},
                         content_type="multipart/form-data")
    assert refused.status_code == 415 and 'id="f-report_file-error"' in refused.get_data(as_text=True)


def test_a_form_refused_with_422_keeps_neither_the_attachment_row_nor_its_file(web, session, app):
    topic, item = at_research(session)
    refused = upload(web("committee_tianning"), item.id, "report.pdf", PDF, url=f"/tasks/{item.id}",
                     field="report_file", research_report="", action="complete")
    assert refused.status_code == 422 and 'id="f-research_report-error"' in refused.get_data(as_text=True)
    session.commit()
    assert session.scalars(select(Attachment).where(Attachment.topic_id == topic.id)).all() == []
    assert [p for p in Path(app.config["ATTACHMENT_DIR"]).rglob("*") if p.is_file()] == []
    assert open_task(session, topic, "research").id == item.id


def test_starting_a_topic_with_a_residents_contact_and_viewing_it_is_audited(web, session):
    actor = web("office_tianning")
    actor.get("/topics/new")
    response = actor.post("/topics/new", {"title": "小区停车位改造", "category": "livelihood", "source": "public",
                                          "platform_level": "district", "district": "tianning", "town": "",
                                          "contact_name": "张三", "contact_phone": "13800001234"})
    assert response.status_code == 302
    session.commit()
    topic = session.scalar(select(Topic).where(Topic.title == "小区停车位改造"))
    assert session.get(ResidentContact, topic.id).phone == "13800001234"
    page = actor.get(f"/topics/{topic.id}").get_data(as_text=True)
    assert "13800001234" not in page
    revealed = actor.post(f"/topics/{topic.id}/contact")
    assert "13800001234" in revealed.get_data(as_text=True)
    session.commit()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "contact_viewed"))
    assert entry.target == f"topic:{topic.id}" and entry.actor.username == "office_tianning"
    assert web("office_wujin").post(f"/topics/{topic.id}/contact").status_code == 404


def test_bad_new_topics_are_refused_with_field_messages(web):
    actor = web("office_tianning")
    actor.get("/topics/new")
    response = actor.post("/topics/new", {"title": "", "category": "x", "source": "public",
                                          "platform_level": "district",
                                          "district": "wujin", "contact_name": "李四", "contact_phone": "<script>"})
    assert response.status_code in (403, 422)
    bad_phone = actor.post("/topics/new", {"title": "t", "category": "livelihood", "source": "public",
                                           "platform_level": "district", "district": "tianning",
                                           "contact_name": "李四", "contact_phone": "call me"})
    assert bad_phone.status_code == 422 and "contact_phone" in bad_phone.get_data(as_text=True)
    assert web("chair_tianning").get("/topics/new").status_code == 403


def test_minutes_and_reply_print_as_pdf(web, session):
    topic = start_topic(session, NOW)
    path = district_path("tianning", assisting=False)
    reply_at = next(i for i, s in enumerate(path) if s[0] == "write_reply")
    drive(session, topic, path[:reply_at], NOW)
    actor = web("office_tianning")
    minutes = actor.get(f"/topics/{topic.id}/minutes.pdf")
    assert minutes.status_code == 200 and minutes.mimetype == "application/pdf" and minutes.data.startswith(b"%PDF")
    assert actor.get(f"/topics/{topic.id}/reply.pdf").status_code == 422
    assert actor.get(f"/topics/{topic.id}/other.pdf").status_code == 404
    drive(session, topic, path[reply_at:reply_at + 1], NOW)
    assert actor.get(f"/topics/{topic.id}/reply.pdf").data.startswith(b"%PDF")


def test_a_town_office_starts_town_topics_only(web, session):
    actor = web("office_zhenglu")
    page = actor.get("/topics/new").get_data(as_text=True)
    assert 'value="district"' not in page and 'value="zhenglu"' in page
    response = actor.post("/topics/new", {"title": "村道路灯", "category": "livelihood", "source": "public",
                                          "platform_level": "town", "district": "tianning", "town": "zhenglu"})
    assert response.status_code == 302
    refused = actor.post("/topics/new", {"title": "区级议题", "category": "livelihood", "source": "public",
                                         "platform_level": "district", "district": "tianning"})
    assert refused.status_code == 403

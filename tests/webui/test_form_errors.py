"""Bad input stays on its form: said in the user's language, with labels not codes, and what was typed kept."""
import io
import re
from datetime import timedelta

import pytest

from models import ExtensionRequest
from models.database import writing
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.deadlines import extension_requests as extensions
from workflows.demo.world import district_path, user_named

STEPS = district_path("tianning")


def upto(bpmn_id: str) -> list:
    """Return the demo path's steps before the first ``bpmn_id``."""
    return STEPS[: [s[0] for s in STEPS].index(bpmn_id)]


def english(actor):
    actor.post("/locale", {"locale": "en", "next": "/"})
    return actor


@pytest.fixture
def at_reply(session):
    topic = start_topic(session, NOW)
    drive(session, topic, upto("write_reply"), NOW)
    return open_task(session, topic, "write_reply")


def test_an_extension_to_a_past_date_comes_back_on_its_form_with_the_reason_kept(web, at_reply):
    unit = web("housing_tianning")
    unit.get(f"/tasks/{at_reply.id}")
    response = unit.post(f"/tasks/{at_reply.id}/extensions", {"requested_to": "2026-01-05", "reason": "需协调资金"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="requested_to-error"' in page and "须晚于当前截止日期" in page and "after today" not in page
    assert 'value="2026-01-05"' in page and ">需协调资金</textarea>" in page
    response = english(unit).post(f"/tasks/{at_reply.id}/extensions", {"requested_to": "2026-06-30", "reason": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'value="2026-06-30"' in page
    assert re.search(r'id="ext-reason-error">Required, at most 2000 characters<', page)


def test_a_refusal_without_a_reason_comes_back_on_the_inbox_form(web, session, at_reply):
    with writing(session):
        ext = extensions.request(session, user_named(session, "housing_tianning"), at_reply.id,
                                 (at_reply.due_at + timedelta(days=20)).date().isoformat(), "需协调资金", now=NOW)
    session.commit()
    office = web("office_tianning")
    office.get("/")
    response = office.post(f"/extensions/{ext.id}/decision", {"approve": "false", "note": "  ",
                                                               "granted_to": "2026-07-01"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'data-testid="decision-error">不予延期须说明理由<' in page
    assert 'value="2026-07-01"' in page
    session.commit()
    assert session.get(ExtensionRequest, ext.id).state.value == "pending"


def test_a_topic_with_bad_choices_names_the_labels_not_the_codes(web):
    clerk = web("office_tianning")
    clerk.get("/topics/new")
    fields = {"title": "背街小巷停车难", "category": "nonsense", "source": "", "platform_level": "district",
              "district": "tianning"}
    page = clerk.post("/topics/new", fields).get_data(as_text=True)
    assert "请从以下选项中选择：中心工作大事、改革发展要事、民生改善实事、社会治理难事" in page
    assert "central_work" not in page.split('id="e-category"')[1][:200]
    assert 'value="背街小巷停车难"' in page
    page = english(clerk).post("/topics/new", fields).get_data(as_text=True)
    assert "Choose one of: " in page and "central_work" not in page.split('id="e-category"')[1][:200]


def test_another_districts_id_is_refused_on_the_field_with_the_form_kept(web, session):
    clerk = web("office_tianning")
    clerk.get("/topics/new")
    response = clerk.post("/topics/new", {"title": "跨区议题", "category": "livelihood", "source": "public",
                                          "platform_level": "district", "district": "wujin"})
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and 'id="e-district"' in page and "不在您所在政协办公室的范围内" in page
    assert 'value="跨区议题"' in page
    topic = start_topic(session, NOW)
    drive(session, topic, upto("submit_minutes"), NOW)
    minutes = open_task(session, topic, "submit_minutes")
    committee = web("committee_tianning")
    committee.get(f"/tasks/{minutes.id}")
    response = committee.post(f"/tasks/{minutes.id}", {"minutes": "纪要正文", "lead_unit": "wujin-housing",
                                                       "action": "complete"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="f-lead_unit-error"' in page and "不属于本议题所在的区" in page
    assert ">纪要正文</textarea>" in page


def test_empty_required_fields_are_named_in_english_too(web, session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    clerk = english(web("office_tianning"))
    clerk.get(f"/tasks/{item.id}")
    response = clerk.post(f"/tasks/{item.id}", {"rationale": "", "committee": "", "action": "complete"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="f-rationale-error">Required<', page) and re.search(r'id="f-committee-error">Required<', page)


def test_a_forbidden_upload_is_refused_on_the_form_by_the_server(web, session):
    topic = start_topic(session, NOW)
    drive(session, topic, upto("research"), NOW)
    research = open_task(session, topic, "research")
    committee = web("committee_tianning")
    committee.get(f"/tasks/{research.id}")
    response = committee.post(f"/tasks/{research.id}/attachments",
                              {"file": (io.BytesIO(b"MZ\x90\x00 not a report"), "报告.exe")},
                              content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code in (415, 422) and 'id="file-error"' in page
    assert "只接受 PDF、Word、ODT、PNG、JPG 文件" in page
    response = committee.post(f"/tasks/{research.id}", {"research_report": "走访 120 户", "action": "complete",
                                                        "report_file": (io.BytesIO(b"MZ\x90"), "报告.exe")},
                              content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500 and 'id="f-report_file-error"' in page
    assert ">走访 120 户</textarea>" in page

"""The process administration pages, driven by the test client: import, modeler endpoints, review, diff,
migration, topic operations and the audit log, with their permissions and bad input."""
import io
from pathlib import Path

from sqlalchemy import select

from models import AuditEntry, ProcessDraft, ProcessVersion, TopicStatus, VersionStatus
from tests import diagram_edits as edit
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.demo.world import district_path

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PATH_XML = (BPMN / "topic_path.bpmn").read_bytes()


def fresh(session) -> None:
    """Forget what the test's session read, so it sees what the app committed since."""
    session.rollback()
    session.expire_all()


def version_of(session, label: str) -> ProcessVersion:
    fresh(session)
    return next(v for v in session.scalars(select(ProcessVersion)) if v.label == label)


def test_only_process_administrators_reach_the_pages(web):
    assert web("office_tianning").get("/admin/").status_code == 403
    supervisor = web("supervisor_city")
    assert supervisor.get("/admin/").status_code == 403
    assert supervisor.get("/admin/audit").status_code == 200
    page = web("admin").get("/admin/")
    assert page.status_code == 200 and "topic_path" in page.get_data(as_text=True)


def test_import_edit_validate_deploy_approve_and_diff(web, session):
    admin = web("admin")
    imported = admin.post("/admin/drafts", {"file": (io.BytesIO(edit.set_property(PATH_XML, "write_reply", "clock",
                                                                                   "2m")), "path.bpmn")},
                          content_type="multipart/form-data")
    draft = session.scalars(select(ProcessDraft)).one()
    assert imported.headers["Location"].endswith(f"/admin/drafts/{draft.id}")
    page = admin.get(f"/admin/drafts/{draft.id}").get_data(as_text=True)
    assert "modeler.bundle.js" in page and '["write_reply", "办理并书面答复"]' in page
    assert admin.get(f"/admin/drafts/{draft.id}.bpmn").data == draft.bpmn_xml

    broken = edit.set_property(PATH_XML, "write_reply", "clock", "soon")
    no_token = admin.client.put(f"/admin/drafts/{draft.id}.bpmn", data=broken, content_type="application/xml")
    assert no_token.status_code == 400, "the modeler's saves need the CSRF token"
    headers = {"X-CSRFToken": admin.token}
    saved = admin.client.put(f"/admin/drafts/{draft.id}.bpmn", data=broken, headers=headers)
    assert saved.get_json()["saved"] is True
    checked = admin.client.post(f"/admin/drafts/{draft.id}/validate", headers=headers).get_json()
    assert checked["valid"] is False
    assert checked["problems"][0]["element_id"] == "write_reply"
    hostile = (CORPUS / "external_entity.bpmn").read_bytes()
    refused = admin.client.put(f"/admin/drafts/{draft.id}.bpmn", data=hostile, headers=headers)
    assert refused.status_code == 422 and "DOCTYPE" in refused.get_json()["message"]
    admin.client.put(f"/admin/drafts/{draft.id}.bpmn", data=edit.set_property(PATH_XML, "write_reply", "clock", "2m"),
                     headers=headers)

    deployed = admin.post(f"/admin/drafts/{draft.id}/deploy", {"note": "书面反馈两个月", "bind_to": ["tianning"]})
    v2 = version_of(session, "topic_path v2")
    assert deployed.headers["Location"].endswith(f"/admin/versions/{v2.id}")
    assert v2.status is VersionStatus.PENDING and v2.bind_on_approval == ["tianning"]
    assert 'data-testid="own-deployment"' in admin.get(f"/admin/versions/{v2.id}").get_data(as_text=True)
    admin.post(f"/admin/versions/{v2.id}/approve", {"note": "self"})
    fresh(session)
    assert session.get(ProcessVersion, v2.id).status is VersionStatus.PENDING

    reviewer = web("admin2")
    reviewer.get(f"/admin/versions/{v2.id}")
    reviewer.post(f"/admin/versions/{v2.id}/approve", {"note": "同意"})
    fresh(session)
    assert session.get(ProcessVersion, v2.id).status is VersionStatus.APPROVED
    v1 = version_of(session, "topic_path v1")
    diff = reviewer.get(f"/admin/diff?from={v1.id}&to={v2.id}").get_data(as_text=True)
    assert "write_reply" in diff and "3m → 2m" in diff


def test_dry_run_then_migrate_from_the_page(web, session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning")[:10], NOW)
    v2 = edit.set_property(PATH_XML, "write_reply", "clock", "2m")
    from tests.factories import writes
    from workflows.administration import review
    from workflows.demo.world import user_named

    review = writes(review, "submit", "approve")
    version = review.submit(session, user_named(session, "admin"), v2, bind_to=("tianning",))
    review.approve(session, user_named(session, "admin2"), version.id)
    admin = web("admin")
    assert "topic_path v2" in admin.get("/admin/migrations").get_data(as_text=True)
    dry = admin.get(f"/admin/versions/{version.id}/migrate").get_data(as_text=True)
    assert f'name="topic_id" value="{topic.id}"' in dry
    done = admin.post(f"/admin/versions/{version.id}/migrate", {"topic_id": [str(topic.id)]})
    assert "已迁移" in done.get_data(as_text=True)
    fresh(session)
    assert open_task(session, topic, "write_reply").context["clock"] == "2m"


def test_operations_from_the_topic_page_reach_the_audit_log(web, session):
    topic = start_topic(session, NOW)
    admin = web("admin")
    page = admin.get(f"/admin/topics/{topic.id}").get_data(as_text=True)
    assert topic.title in page
    assert '<option value="unit:tianning-urban">天宁区城市管理局</option>' in page and "wujin-urban" not in page
    admin.post(f"/admin/topics/{topic.id}/suspend", {"reason": "等待部署"})
    fresh(session)
    assert session.get(type(topic), topic.id).status is TopicStatus.SUSPENDED
    missing = admin.post(f"/admin/topics/{topic.id}/terminate", {"reason": ""}, follow_redirects=True)
    assert "a reason is required" in missing.get_data(as_text=True)
    assert admin.post(f"/admin/topics/{topic.id}/explode", {}).status_code == 404
    item = open_task(session, topic, "submit_proposal")
    admin.post(f"/admin/tasks/{item.id}/reassign", {"target": "user:office_tianning", "reason": "专人"})
    admin.post(f"/admin/topics/{topic.id}/resume", {})
    fresh(session)
    actions = [e.action for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-3:] == ["suspend", "reassign", "resume"]
    log = web("supervisor_city").get("/admin/audit?action=suspend&since=2000-01-01").get_data(as_text=True)
    assert f"议题 #{topic.id}" in log and 'data-action="suspend">暂停议题<' in log
    assert '<span class="muted">理由：</span>等待部署' in log and '"reason"' not in log  # in words, not JSON
    bad = web("supervisor_city").get("/admin/audit?since=yesterday").get_data(as_text=True)
    assert "请填写日期，格式为 年-月-日" in bad

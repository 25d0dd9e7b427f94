"""Process administration through the JSON API: hostile diagrams refused, round trips, review, diff, migration."""
from pathlib import Path

import pytest

from engine.diagrams import diff as diagram_diff
from tests import diagram_edits as edit
from tests.webui.test_api import auth, error_of
from webui import create_app
from workflows.demo.world import district_path

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"
PATH_XML = (BPMN / "topic_path.bpmn").read_bytes()
XML = {"Content-Type": "application/xml"}


@pytest.fixture
def client(db_url):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    with app.test_client() as client:
        yield client
    app.extensions["db_engine"].dispose()

REFUSED = [
    ("unsupported_element.bpmn", 422, "send_mail (发送邮件): sendTask is not supported by shangliang"),
    ("lane_without_role.bpmn", 422, "lies in lane 'secretariat', which is not mapped to a role"),
    ("missing_end.bpmn", 422, "note_receipt (登记): no path leads from here to an end event"),
    ("dtd.bpmn", 422, "a DOCTYPE or entity declaration is not allowed in a diagram"),
    ("external_entity.bpmn", 422, "a DOCTYPE or entity declaration is not allowed in a diagram"),
    ("entity_expansion.bpmn", 422, "a DOCTYPE or entity declaration is not allowed in a diagram"),
    ("script_with_import.bpmn", 422, "read_secrets (读取): scripts are not allowed"),
    ("condition_escape.bpmn", 422, "flow_2: expression refused"),
    ("consultation_without_research.bpmn", 422, "consultation without the research gate"),
    ("bad_clock.bpmn", 422, "note_receipt (登记): property clock: bad clock 'soon'"),
    ("not_well_formed.bpmn", 422, "not well-formed XML"),
    ("two_processes.bpmn", 422, "a diagram holds exactly one process; this one has 2: corpus_minimal, second"),
    ("xhtml_script.bpmn", 422, "note_receipt (登记): element script of http://www.w3.org/1999/xhtml is not part"),
    ("xml_stylesheet.bpmn", 422, "processing instruction <?xml-stylesheet?> is not allowed"),
]


@pytest.mark.parametrize(("name", "status", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_every_broken_or_hostile_diagram_is_refused_with_its_reason(client, name, status, message):
    data = (CORPUS / name).read_bytes()
    error = error_of(client.post("/api/v1/processes", data=data, headers={**auth("admin"), **XML}), status)
    assert message in error["message"]
    checked = client.post("/api/v1/processes/validate", data=data, headers={**auth("admin"), **XML})
    assert checked.status_code == status and message in checked.get_json()["error"]["message"]
    assert "/etc/passwd" not in checked.get_data(as_text=True).replace("file:///etc/passwd", "")
    assert client.get("/api/v1/processes?process_id=corpus_minimal", headers=auth("admin")).get_json()["versions"] == []


def test_problems_name_their_elements_for_the_modeler(client):
    data = (CORPUS / "missing_end.bpmn").read_bytes()
    checked = client.post("/api/v1/processes/validate", data=data, headers=auth("admin"))
    problems = checked.get_json()["error"]["problems"]
    assert {(p["element_id"], p["element_name"]) for p in problems} == {("start", "开始"), ("note_receipt", "登记")}


def test_a_20_mb_file_is_refused_before_it_is_parsed(client):
    minimal = (CORPUS / "minimal.bpmn").read_bytes()
    huge = minimal.replace(b"</bpmn:process>", b"<bpmn:documentation>" + b"x" * (20 * 1024 * 1024)
                           + b"</bpmn:documentation></bpmn:process>")
    for url in ("/api/v1/processes", "/api/v1/processes/validate", "/api/v1/drafts"):
        error = error_of(client.post(url, data=huge, headers={**auth("admin"), **XML}), 413)
        assert error["message"] == "the diagram is larger than 2 MB"
    assert client.post("/api/v1/processes/validate", data=minimal, headers=auth("admin")).get_json()["valid"]


@pytest.mark.parametrize("path", sorted(BPMN.rglob("*.bpmn")), ids=lambda p: p.name)
def test_every_bundled_diagram_imports_and_exports_unchanged(client, path):
    data = path.read_bytes()
    draft = client.post(f"/api/v1/drafts?title={path.stem}", data=data, headers={**auth("admin"), **XML}).get_json()
    exported = client.get(f"/api/v1/drafts/{draft['id']}/bpmn", headers=auth("admin"))
    assert exported.data == data
    assert client.post(f"/api/v1/drafts/{draft['id']}/validate", headers=auth("admin")).get_json()["valid"]
    version = next(v for v in client.get("/api/v1/processes", headers=auth("admin")).get_json()["versions"]
                   if v["source_name"].endswith(path.name))
    download = client.get(f"/api/v1/processes/{version['id']}/bpmn", headers=auth("admin"))
    assert download.data == data
    filename = f'{version["process_id"]}_v{version["number"]}.bpmn'
    assert download.headers["Content-Disposition"] == f'attachment; filename="{filename}"'
    deployed_again = client.post(f"/api/v1/drafts/{draft['id']}/deploy", json={}, headers=auth("admin"))
    assert "already deployed as" in error_of(deployed_again, 409)["message"]


def test_a_diagram_reformatted_by_another_tool_is_equivalent(client):
    from lxml import etree

    reformatted = etree.tostring(etree.fromstring(PATH_XML, etree.XMLParser(remove_blank_text=True)),
                                 xml_declaration=True, encoding="UTF-8")
    draft = client.post("/api/v1/drafts", data=reformatted, headers={**auth("admin"), **XML}).get_json()
    assert draft["process_id"] == "topic_path"
    back = client.get(f"/api/v1/drafts/{draft['id']}/bpmn", headers=auth("admin")).data
    assert diagram_diff.diff(PATH_XML, back).same and not diagram_diff.diff(PATH_XML, back).layout_changed


def deploy(client, data: bytes, bind: str = "tianning") -> dict:
    response = client.post(f"/api/v1/processes?note=test&bind={bind}", data=data, headers={**auth("admin"), **XML})
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_review_diff_bindings_and_migration_through_the_api(client):
    topic = client.post("/api/v1/topics", json={"title": "加装电梯", "category": "livelihood", "source": "public",
                                                "platform_level": "district", "district": "tianning"},
                        headers=auth("office_tianning")).get_json()
    for task_id, username, data in district_path("tianning")[:10]:
        task = next(t for t in client.get("/api/v1/tasks", headers=auth(username)).get_json()["tasks"]
                    if t["topic_id"] == topic["id"] and t["task"] == task_id)
        assert client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data},
                           headers=auth(username)).status_code == 200
    version = deploy(client, edit.set_property(PATH_XML, "write_reply", "clock", "2m"))
    assert (version["status"], version["bind_on_approval"]) == ("pending", ["tianning"])
    error_of(client.post(f"/api/v1/processes/{version['id']}/approve", headers=auth("admin")), 403)
    error_of(client.post(f"/api/v1/processes/{version['id']}/approve", headers=auth("office_tianning")), 403)
    approved = client.post(f"/api/v1/processes/{version['id']}/approve", json={"note": "同意"}, headers=auth("admin2"))
    assert approved.get_json()["status"] == "approved" and approved.get_json()["reviewed_by"] == "admin2"

    v1 = next(v for v in client.get("/api/v1/processes?process_id=topic_path", headers=auth("admin")).get_json()[
        "versions"] if v["number"] == 1)
    changes = client.get(f"/api/v1/processes/diff?from={v1['id']}&to={version['id']}", headers=auth("admin")).get_json()
    assert changes["added"] == [] and changes["removed"] == []
    assert changes["changed"] == [{"element_id": "write_reply", "name": "办理并书面答复", "kind": "userTask",
                                   "changes": [{"aspect": "property clock", "old": "3m", "new": "2m"}]}]
    rows = client.get("/api/v1/bindings", headers=auth("admin")).get_json()["bindings"]
    assert {"process_id": "topic_path", "district": "tianning", "label": "topic_path v2"}.items() <= next(
        r for r in rows if r["district"] == "tianning").items()

    dry = client.post("/api/v1/migrations", json={"version_id": version["id"]}, headers=auth("admin")).get_json()
    assert [(v["topic_id"], v["can_move"]) for v in dry["verdicts"]] == [(topic["id"], True)]
    before = client.get("/api/v1/tasks", headers=auth("housing_tianning")).get_json()["tasks"][0]["due_at"]
    done = client.post("/api/v1/migrations", json={"version_id": version["id"], "topic_ids": [topic["id"]],
                                                   "dry_run": False}, headers=auth("admin")).get_json()
    assert done["verdicts"][0]["moved"] is True
    reply = client.get("/api/v1/tasks", headers=auth("housing_tianning")).get_json()["tasks"][0]
    assert (reply["task"], reply["context"]["clock"]) == ("write_reply", "2m") and reply["due_at"] < before
    history = client.get(f"/api/v1/topics/{topic['id']}/history", headers=auth("office_tianning")).get_json()["events"]
    assert history[-1]["kind"] == "topic_migrated"


def test_migration_and_binding_input_errors_are_4xx(client):
    headers = auth("admin")
    assert "version_id" in error_of(client.post("/api/v1/migrations", json={"version_id": "x"}, headers=headers),
                                    422)["fields"]
    error_of(client.post("/api/v1/migrations", json={"version_id": 999}, headers=headers), 404)
    error_of(client.post("/api/v1/migrations", json={"version_id": 1, "dry_run": False}, headers=headers), 422)
    error_of(client.post("/api/v1/migrations", json={"version_id": 1}, headers=auth("office_tianning")), 403)
    error_of(client.put("/api/v1/bindings", json={"version_id": 1, "district": "atlantis"}, headers=headers), 422)
    error_of(client.delete("/api/v1/bindings?process_id=topic_path&district=jintan", headers=headers), 404)
    error_of(client.get("/api/v1/processes/diff?from=1", headers=headers), 422)
    error_of(client.post("/api/v1/processes/1/reject", json={"note": "x"}, headers=auth("admin2")), 409)
    error_of(client.post("/api/v1/drafts", data=b"", headers={**headers, **XML}), 422)


def test_topic_operations_land_in_history_and_a_filterable_audit_log(client):
    topic = client.post("/api/v1/topics", json={"title": "停车难", "category": "livelihood", "source": "public",
                                                "platform_level": "district", "district": "tianning"},
                        headers=auth("office_tianning")).get_json()
    task = topic["open_tasks"][0]
    error_of(client.post(f"/api/v1/topics/{topic['id']}/suspend", json={}, headers=auth("admin")), 422)
    suspended = client.post(f"/api/v1/topics/{topic['id']}/suspend", json={"reason": "待定"}, headers=auth("admin"))
    assert suspended.get_json()["status"] == "suspended"
    data = district_path("tianning")[0][2]
    blocked = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": data}, headers=auth("office_tianning"))
    assert "suspended" in error_of(blocked, 409)["message"]
    client.post(f"/api/v1/topics/{topic['id']}/resume", json={}, headers=auth("admin"))
    moved = client.post(f"/api/v1/tasks/{task['id']}/reassign", json={"user": "office_tianning", "reason": "专人负责"},
                        headers=auth("admin"))
    assert moved.get_json()["assignee"] == "office_tianning"
    error_of(client.post(f"/api/v1/topics/{topic['id']}/retry", headers=auth("admin")), 409)
    ended = client.post(f"/api/v1/topics/{topic['id']}/terminate", json={"reason": "重复议题"}, headers=auth("admin"))
    assert (ended.get_json()["status"], ended.get_json()["open_tasks"]) == ("terminated", [])

    log = client.get(f"/api/v1/audit?target=topic:{topic['id']}", headers=auth("supervisor_city")).get_json()
    assert [e["action"] for e in log["entries"]] == ["terminate", "reassign", "resume", "suspend"]
    assert {e["address"] for e in log["entries"]} == {"127.0.0.1"} and log["total"] == 4
    only = client.get("/api/v1/audit?action=suspend&actor=admin&since=2020-01-01T00:00:00%2B08:00",
                      headers=auth("admin2")).get_json()
    assert [e["payload"] for e in only["entries"]] == [{"reason": "待定"}]
    error_of(client.get("/api/v1/audit", headers=auth("office_tianning")), 403)
    error_of(client.get("/api/v1/audit?since=yesterday", headers=auth("supervisor_city")), 422)
    error_of(client.get("/api/v1/audit?since=2026-01-01T00:00:00", headers=auth("supervisor_city")), 422)
    history = client.get(f"/api/v1/topics/{topic['id']}/history", headers=auth("office_tianning")).get_json()["events"]
    assert [e["kind"] for e in history if e["kind"].startswith("admin_")] == [
        "admin_suspend", "admin_resume", "admin_reassign", "admin_terminate"]


def test_every_admin_route_is_in_the_openapi_document(client):
    from webui.api import admin as admin_api
    from webui.api import operations as ops_api

    documented = set(client.get("/api/v1/openapi.json").get_json()["paths"])
    for blueprint in (admin_api.bp, ops_api.bp):
        rules = [r.rule for r in client.application.url_map.iter_rules() if r.endpoint.startswith(blueprint.name + ".")]
        for rule in rules:
            path = rule.removeprefix("/api/v1").replace("<int:", "{").replace(">", "}")
            assert path in documented, path

"""The JSON API: the happy path and every error path answer JSON with the right 4xx, never a 500."""

from pathlib import Path

import pytest

from webui import create_app
from workflows.demo.world import district_path

BPMN = Path(__file__).resolve().parents[2] / "bpmn"
NEW_TOPIC = {
    "title": "背街小巷停车难",
    "description": "居民反映",
    "category": "livelihood",
    "source": "member",
    "platform_level": "district",
    "district": "tianning",
}


@pytest.fixture
def client(db_url):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    with app.test_client() as client:
        yield client
    app.extensions["db_engine"].dispose()


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    return response.get_json()["error"]


def start(client) -> dict:
    response = client.post("/api/v1/topics", json=NEW_TOPIC, headers=auth("office_tianning"))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def complete(client, task_id: int, username: str, data: dict):
    return client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": data}, headers=auth(username))


def test_a_topic_runs_from_proposal_to_closed_through_the_api(client):
    topic = start(client)
    for task_id, username, data in district_path("tianning", sensitive=True):
        tasks = client.get("/api/v1/tasks", headers=auth(username)).get_json()["tasks"]
        task = next(t for t in tasks if t["topic_id"] == topic["id"] and t["task"] == task_id)
        response = complete(client, task["id"], username, data)
        assert response.status_code == 200, response.get_json()
    final = client.get(f"/api/v1/topics/{topic['id']}", headers=auth("supervisor_city")).get_json()
    assert (final["status"], final["open_tasks"]) == ("closed", [])
    history = client.get(f"/api/v1/topics/{topic['id']}/history", headers=auth("office_tianning")).get_json()
    assert history["events"][-1]["kind"] == "topic_closed"


def test_task_shows_its_form(client):
    task = start(client)["open_tasks"][0]
    shown = client.get(f"/api/v1/tasks/{task['id']}", headers=auth("office_tianning")).get_json()
    assert [f["name"] for f in shown["form"]["fields"]] == ["rationale", "committee", "sensitive"]


def test_missing_or_bad_token_is_401(client):
    assert error_of(client.get("/api/v1/tasks"), 401)["message"] == "a valid bearer token is required"
    error_of(client.get("/api/v1/tasks", headers={"Authorization": "Bearer nope"}), 401)


def test_unknown_topic_and_route_are_json_404(client):
    assert "no topic 999" in error_of(client.get("/api/v1/topics/999", headers=auth("office_tianning")), 404)["message"]
    error_of(client.get("/api/v1/nowhere", headers=auth("office_tianning")), 404)
    error_of(client.delete("/api/v1/topics/1", headers=auth("office_tianning")), 405)


def test_another_districts_topic_is_not_found(client):
    topic = start(client)
    error_of(client.get(f"/api/v1/topics/{topic['id']}", headers=auth("office_wujin")), 404)
    error_of(client.get(f"/api/v1/tasks/{topic['open_tasks'][0]['id']}", headers=auth("office_wujin")), 404)


def test_wrong_role_is_403(client):
    task = start(client)["open_tasks"][0]
    error_of(complete(client, task["id"], "chair_tianning", district_path("tianning")[0][2]), 403)


def test_missing_field_is_422_naming_it(client):
    task = start(client)["open_tasks"][0]
    body = error_of(complete(client, task["id"], "office_tianning", {"committee": "tianning-cmt-social"}), 422)
    assert body["fields"] == {"rationale": "required (必填)"}


def test_bad_json_is_400(client):
    task = start(client)["open_tasks"][0]
    response = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        data="{not json",
        headers={**auth("office_tianning"), "Content-Type": "application/json"},
    )
    assert "JSON object" in error_of(response, 400)["message"]
    error_of(
        client.post(f"/api/v1/tasks/{task['id']}/complete", json={"data": [1]}, headers=auth("office_tianning")), 422
    )
    error_of(client.get("/api/v1/tasks?status=sideways", headers=auth("office_tianning")), 422)


def test_task_already_completed_is_409(client):
    task = start(client)["open_tasks"][0]
    data = district_path("tianning")[0][2]
    assert complete(client, task["id"], "office_tianning", data).status_code == 200
    assert "already completed" in error_of(complete(client, task["id"], "office_tianning", data), 409)["message"]


def test_bad_topic_fields_are_422(client):
    body = error_of(
        client.post(
            "/api/v1/topics",
            json={**NEW_TOPIC, "category": "x", "district": "nowhere"},
            headers=auth("office_tianning"),
        ),
        422,
    )
    assert set(body["fields"]) == {"category", "district"}


def test_deploy_needs_a_process_admin_and_refuses_hostile_diagrams(client):
    diagram = (BPMN / "topic_path.bpmn").read_bytes()
    error_of(client.post("/api/v1/processes", data=diagram, headers=auth("office_tianning")), 403)
    evil = diagram.replace(
        b"<bpmn:definitions", b'<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><bpmn:definitions', 1
    )
    assert "DOCTYPE" in error_of(client.post("/api/v1/processes", data=evil, headers=auth("admin")), 422)["message"]
    changed = diagram.replace("深入调研".encode(), "深入调研（新）".encode(), 1)
    response = client.post("/api/v1/processes?note=rename", data=changed, headers=auth("admin"))
    assert response.status_code == 201
    assert (response.get_json()["process_id"], response.get_json()["number"]) == ("topic_path", 2)


def test_openapi_document_lists_every_route(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert {"/topics", "/tasks/{task_id}/complete", "/processes"} <= set(document["paths"])

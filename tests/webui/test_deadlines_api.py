"""The deadline API: authentication, permissions, bad and hostile input answered with 4xx."""
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.deadline_helpers import sh, sweep_at, topic_waiting_for_signature
from webui import create_app


@pytest.fixture
def client(db_url):
    app = create_app({"DATABASE_URL": db_url, "TESTING": True})
    yield app.test_client()
    app.extensions["db_engine"].dispose()


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


def test_due_dates_and_their_bad_queries(client):
    ok = client.get("/api/v1/deadline?start=2026-02-13&working_days=2", headers=auth("office_tianning"))
    assert ok.status_code == 200 and ok.json == {"due": "2026-02-24", "provisional": False,
                                                 "due_at": "2026-02-24T15:59:59+00:00"}
    assert client.get("/api/v1/deadline?start=2026-12-15&months=2", headers=auth("office_tianning")).json[
        "provisional"] is True
    for query in ("start=2026-02-30&months=1", "start=2026-02-13&working_days=-1", "start=2026-02-13",
                  "start=2026-02-13&months=1&working_days=1", "start=2026-02-13&months=99999"):
        response = client.get(f"/api/v1/deadline?{query}", headers=auth("office_tianning"))
        assert response.status_code == 422 and response.json["error"]["fields"], query
    assert client.get("/api/v1/deadline?start=2026-02-13&months=1").status_code == 401


def test_entering_a_year_by_csv(client):
    csv = "date,is_workday,note\n2027-02-05,false,春节\n2027-02-20,true,调休上班\n"
    refused = client.put("/api/v1/calendar/years/2027", data=csv, headers=auth("office_tianning"),
                         content_type="text/csv")
    assert refused.status_code == 403
    entered = client.put("/api/v1/calendar/years/2027?source=test", data=csv, headers=auth("admin"),
                         content_type="text/csv")
    assert entered.status_code == 200 and entered.json["official"] is True
    shown = client.get("/api/v1/calendar/years/2027", headers=auth("office_tianning")).json
    assert shown["source"] == "staff" and not shown["provisional"] and len(shown["days"]) == 2
    assert client.get("/api/v1/calendar/years/2026", headers=auth("admin")).json["source"] == "package"
    as_json = client.put("/api/v1/calendar/years/2028", json={"days": [{"date": "2028-01-03", "is_workday": False}]},
                         headers=auth("admin"))
    assert as_json.status_code == 200 and as_json.json["days"] == 1


@pytest.mark.parametrize("body", [b"2027-13-01,false", b"2026-12-31,false", b"x" * 70_000, b"\xff\xfe",
                                  b'2027-01-01,false,"=HYPERLINK(""http://evil"")' + b"x" * 200 + b'"'])
def test_bad_and_hostile_calendar_files_get_422(client, body):
    response = client.put("/api/v1/calendar/years/2027", data=body, headers=auth("admin"), content_type="text/csv")
    assert response.status_code == 422 and response.json["error"]["message"]


def test_days_are_set_and_cleared(client):
    set_ = client.put("/api/v1/calendar/days/2026-03-10", json={"is_workday": False, "note": "停电"},
                      headers=auth("admin"))
    assert set_.status_code == 200
    assert client.put("/api/v1/calendar/days/2026-03-10", json={"is_workday": "no"},
                      headers=auth("admin")).status_code == 422
    tomorrow = client.put("/api/v1/calendar/days/tomorrow", json={"is_workday": True}, headers=auth("admin"))
    assert tomorrow.status_code == 422
    assert client.delete("/api/v1/calendar/days/2026-03-10", headers=auth("admin")).status_code == 200


def test_clocks_are_shown_and_overridden_per_district(client):
    listed = client.get("/api/v1/clocks?district=wujin", headers=auth("admin")).json["clocks"]
    reply = next(c for c in listed if c["task"] == "write_reply")
    assert (reply["clock"], reply["warn"], reply["clock_start"], reply["district"]) == ("3m", "10wd", "signed", None)
    path = "/api/v1/clocks/wujin/topic_path/write_reply"
    assert client.put(path, json={"clock": "2m", "warn": "5wd"}, headers=auth("office_wujin")).status_code == 403
    assert client.put(path, json={"clock": "2 months", "warn": "5wd"}, headers=auth("admin")).status_code == 422
    assert client.put("/api/v1/clocks/wujin/topic_path/nope", json={"clock": "2m", "warn": "5wd"},
                      headers=auth("admin")).status_code == 404
    assert client.put(path, json={"clock": "2m", "warn": "5wd"}, headers=auth("admin")).status_code == 200
    listed = client.get("/api/v1/clocks?district=wujin", headers=auth("admin")).json["clocks"]
    assert next(c for c in listed if c["task"] == "write_reply")["clock"] == "2m"
    assert client.delete(path, headers=auth("admin")).status_code == 200
    assert client.delete(path, headers=auth("admin")).status_code == 404
    assert client.get("/api/v1/clocks?district=nowhere", headers=auth("admin")).status_code == 404


def test_sign_return_and_extension_through_the_api(client, sessions):
    with sessions() as session:  # the API runs on the real clock, so the topic starts now
        _, item = topic_waiting_for_signature(session, start=datetime.now(UTC))
        task_id = item.id
    unit = auth("housing_tianning")
    assert client.post(f"/api/v1/tasks/{task_id}/return", json={"reason": ""}, headers=unit).status_code == 422
    assert client.post(f"/api/v1/tasks/{task_id}/sign", headers=auth("housing_wujin")).status_code == 404
    far = client.post(f"/api/v1/tasks/{task_id}/extensions", json={"requested_to": "2999-01-01", "reason": "x"},
                      headers=unit)
    assert far.status_code == 422 and "requested_to" in far.json["error"]["fields"]
    wanted = (date.today() + timedelta(days=40)).isoformat()
    asked = client.post(f"/api/v1/tasks/{task_id}/extensions", json={"requested_to": wanted, "reason": "人员不足"},
                        headers=unit)
    assert asked.status_code == 201 and asked.json["state"] == "pending"
    pending = client.get("/api/v1/extensions", headers=auth("office_tianning")).json["extensions"]
    assert [e["id"] for e in pending] == [asked.json["id"]]
    decision = f"/api/v1/extensions/{asked.json['id']}/decision"
    assert client.post(decision, json={"approve": True}, headers=auth("office_wujin")).status_code == 404
    assert client.post(decision, json={"approve": "yes"}, headers=auth("office_tianning")).status_code == 422
    approved = client.post(decision, json={"approve": True, "note": "同意"}, headers=auth("office_tianning"))
    assert approved.status_code == 200 and approved.json["task"]["extended_to"] == approved.json["granted_to"]
    again = client.post(decision, json={"approve": False, "note": "x"}, headers=auth("office_tianning"))
    assert again.status_code == 409
    listed = client.get(f"/api/v1/tasks/{task_id}/extensions", headers=unit).json["extensions"]
    assert [e["state"] for e in listed] == ["approved"]
    signed = client.post(f"/api/v1/tasks/{task_id}/sign", json={"note": "收到"}, headers=unit)
    assert signed.status_code == 200 and signed.json["signed_at"] and signed.json["status"] == "completed"


def test_notifications_and_their_owner(client, sessions):
    with sessions() as session:
        _, item = topic_waiting_for_signature(session)
        sweep_at(session, sh(date(2026, 3, 20)))
    mine = client.get("/api/v1/notifications", headers=auth("leader_housing_tianning")).json["notifications"]
    assert [n["kind"] for n in mine] == ["reminder"] and mine[0]["task_id"] == item.id
    assert client.post(f"/api/v1/notifications/{mine[0]['id']}/read", headers=auth("housing_wujin")).status_code == 404
    read = client.post(f"/api/v1/notifications/{mine[0]['id']}/read", headers=auth("leader_housing_tianning"))
    assert read.status_code == 200 and read.json["read_at"]
    assert client.get("/api/v1/notifications", headers=auth("leader_housing_tianning")).json["notifications"] == []
    task = client.get(f"/api/v1/tasks/{item.id}", headers=auth("housing_tianning")).json
    assert (task["warning"], task["chase"]) == ("red", "escalated")


HOUSING = {"unit": "tianning-housing", "purpose": "reminder"}


@pytest.mark.parametrize("route, field", [
    ({**HOUSING, "channel": "wecom", "address": "file:///etc/passwd"}, "address"),
    ({**HOUSING, "channel": "dingtalk", "address": "javascript:alert(1)"}, "address"),
    ({**HOUSING, "channel": "email", "address": "a@b.c\r\nBcc: x@y.z"}, "address"),
    ({**HOUSING, "purpose": "spam", "channel": "email", "address": "a@b.example"}, "purpose"),
    ({"purpose": "reminder", "channel": "email", "address": "a@b.example"}, "unit"),
    ({"unit": "tianning-housing", "purpose": "reminder", "channel": "fax", "address": "1"}, "channel"),
])
def test_routes_refuse_bad_addresses(client, route, field):
    response = client.post("/api/v1/routes", json=route, headers=auth("admin"))
    assert response.status_code == 422 and field in response.json["error"]["fields"]


def test_routes_and_the_delivery_log_are_for_administrators(client):
    route = {"unit": "tianning-housing", "purpose": "reminder", "channel": "dingtalk",
             "address": "https://oapi.dingtalk.com/robot/send?access_token=t", "secret": "SECx"}
    assert client.post("/api/v1/routes", json=route, headers=auth("office_tianning")).status_code == 403
    created = client.post("/api/v1/routes", json=route, headers=auth("admin"))
    assert created.status_code == 201 and created.json["signed"] is True and "secret" not in created.json
    assert [r["id"] for r in client.get("/api/v1/routes", headers=auth("admin")).json["routes"]] == [created.json["id"]]
    assert client.delete(f"/api/v1/routes/{created.json['id']}", headers=auth("admin")).json["active"] is False
    assert client.get("/api/v1/deliveries", headers=auth("housing_tianning")).status_code == 403
    assert client.get("/api/v1/deliveries?status=lost", headers=auth("supervisor_city")).status_code == 422
    log = client.get("/api/v1/deliveries", headers=auth("supervisor_city")).json
    assert (log["deliveries"], log["total"], log["links"]["next"]) == ([], 0, None)


def test_the_openapi_document_lists_the_deadline_routes(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/deadline", "/calendar/years/{year}", "/tasks/{task_id}/extensions", "/routes"} <= set(paths)

"""The JSON API of the public results, following and the one-time code look-up, and the office's publication marks:
no token where public, the same rules as the pages, documented in OpenAPI with ``security: []``.
"""
import re
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from models import Topic
from tests.receivers import Mailbox, mailbox  # noqa: F401  (fixture)
from tests.webui.test_public_proposals import _propose
from tests.webui.test_public_results import SCRIPT, answered  # noqa: F401  (fixture)
from tests.webui.test_public_tracking import _deliver, _number

OFFICE = {"Authorization": "Bearer demo-office_tianning"}


def test_a_field_the_body_leaves_out_keeps_its_stored_value(app: Flask, answered: Topic) -> None:  # noqa: F811
    client, url = app.test_client(), f"/api/v1/publication/{answered.id}"
    body = {"published": True, "summary": "编辑过的摘要", "typical": True, "typical_note": "先议后办"}
    assert client.put(url, json=body, headers=OFFICE).status_code == 200
    withdrawn = client.put(url, json={"typical": False}, headers=OFFICE).get_json()
    assert (withdrawn["published"], withdrawn["typical"], withdrawn["summary"], withdrawn["typical_note"]) == (
        True, False, "编辑过的摘要", "先议后办")
    assert client.put(url, json={"published": True}, headers=OFFICE).get_json()["summary"] == "编辑过的摘要"
    assert client.put(url, json={"summary": ""}, headers=OFFICE).get_json()["summary"] == ""  # sent: replaced
    assert client.get(f"/api/v1/public/results/{answered.id}").get_json()["summary"] == ""
    described = client.get("/api/v1/openapi.json").get_json()["paths"]["/publication/{topic_id}"]["put"]
    assert "keeps its stored value" in described["summary"] + described.get("description", "")


def test_the_office_publishes_through_the_api_and_anyone_reads_the_results(
        app: Flask, answered: Topic) -> None:  # noqa: F811
    client = app.test_client()
    assert client.get(f"/api/v1/public/results/{answered.id}").status_code == 404
    marks = client.get("/api/v1/publication", headers=OFFICE).get_json()["items"]
    assert any(m["topic"] == answered.id and m["published"] is False for m in marks)
    body = {"published": True, "summary": "摘要" + SCRIPT, "typical": True, "typical_note": "先议后办"}
    saved = client.put(f"/api/v1/publication/{answered.id}", json=body, headers=OFFICE)
    assert saved.status_code == 200 and saved.get_json()["typical"] is True
    listed = client.get("/api/v1/public/results?q=电梯").get_json()["items"]
    assert [t["id"] for t in listed] == [answered.id]
    one = client.get(f"/api/v1/public/results/{answered.id}").get_json()
    assert one["summary"] == "摘要" + SCRIPT and one["replies"][0]["reply_class"] == "B"
    assert one["suggestions"][0]["progress"] == 40 and one["plan_year"] == 2026 and one["planned_month"] == 6
    assert answered.id in [t["id"] for t in client.get("/api/v1/public/results?typical=1").get_json()["items"]]
    assert client.get("/api/v1/public/results?q=" + "x" * 51).status_code == 422
    assert client.put(f"/api/v1/publication/{answered.id}", json={"published": "yes"}, headers=OFFICE) \
        .status_code == 422
    assert client.put(f"/api/v1/publication/{answered.id}", json={"published": False, "typical": True},
                      headers=OFFICE).status_code == 422  # a typical case must stay published
    assert client.put(f"/api/v1/publication/{answered.id}", json={"published": True}).status_code == 401
    assert client.put(f"/api/v1/publication/{answered.id}", json={"published": True},
                      headers={"Authorization": "Bearer demo-member_tianning"}).status_code == 403
    assert client.put(f"/api/v1/publication/{answered.id}", json={"published": True},
                      headers={"Authorization": "Bearer demo-office_wujin"}).status_code == 404


def test_following_and_the_code_look_up_through_the_api(
        app: Flask, session: Session, mailbox: tuple[Mailbox, int]) -> None:  # noqa: F811
    box, port = mailbox
    app.config["EMAIL_CODES"] = True
    client = app.test_client()
    number = _number(_propose(client, contact="me@example.org"))
    assert client.post(f"/api/v1/public/proposals/{number}/follow", json={"email": "f@example.org"}).status_code == 202
    assert client.post(f"/api/v1/public/proposals/{number}/follow", json={"email": 3}).status_code == 422
    assert client.post("/api/v1/public/proposals/GZ-AAAAAAAAAA/follow", json={"email": "f@example.org"}) \
        .status_code == 404
    sent = client.post("/api/v1/public/lookup/code", json={"contact": "me@example.org"})
    assert sent.status_code == 202 and "验证码已发送" in sent.get_json()["message"]
    _deliver(session, port)
    assert box.wait_for(2, timeout=20)  # the follower's confirmation link and the proposer's code
    mailed = next(m for m in box.messages if m["To"] == "me@example.org")
    found = re.search(r"\b(\d{6})\b", mailed.get_content())
    assert found
    wrong = client.post("/api/v1/public/lookup", json={"contact": "me@example.org", "code": "000000"
                                                       if found.group(1) != "000000" else "111111"})
    assert wrong.status_code == 422
    right = client.post("/api/v1/public/lookup", json={"contact": "me@example.org", "code": found.group(1)})
    items: list[dict[str, Any]] = right.get_json()["items"]
    assert right.status_code == 200 and [i["number"] for i in items] == [number] and "contact" not in items[0]


def test_the_new_paths_are_documented_and_public_ones_need_no_token(app: Flask) -> None:
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/public/results", "/public/results/{topic_id}", "/public/proposals/{number}/follow",
                 "/public/lookup/code", "/public/lookup"):
        for operation in paths[path].values():
            assert operation["security"] == []
    assert "put" in paths["/publication/{topic_id}"] and "get" in paths["/publication"]

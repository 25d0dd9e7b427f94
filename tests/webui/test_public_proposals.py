"""Public proposals: the form without sign-in, the tracking number that shows only its proposal, the contact
kept from every public page and answer, inert script, the human check, the rate limit, the office's answer.
"""
import json
import re
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import AuditEntry, ProposalStatus, PublicProposal
from tests.webui.test_browser import server  # noqa: F401  (fixture)

SCRIPT = "<script>alert('x')</script>"
CONTACT = "13812345678"
QUESTION = re.compile(r"(\d) \+ (\d) = \?")
TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _form(client: FlaskClient, place: str = "zhenglu-c1") -> tuple[str, dict[str, str]]:
    page = client.get(f"/public/propose?place={place}").get_data(as_text=True)
    question = QUESTION.search(page)
    token, csrf = TOKEN.search(page), CSRF.search(page)
    assert question and token and csrf
    answer = str(int(question.group(1)) + int(question.group(2)))
    return page, {"csrf_token": csrf.group(1), "token": token.group(1), "answer": answer}


def _propose(client: FlaskClient, **fields: str) -> Any:
    _, check = _form(client)
    data = {"title": "小区门口路灯不亮", "description": "晚上出行不便，希望协商解决。", "category": "livelihood",
            "place": "zhenglu-c1", "contact": CONTACT, **check, **fields}
    return client.post("/public/propose", data=data)


def test_a_resident_proposes_without_signing_in_and_looks_it_up_by_number(app: Flask, session: Session) -> None:
    client = app.test_client()
    page, _ = _form(client)
    assert 'value="zhenglu-c1" selected' in page  # the room's or district's link preselects the place
    sent = _propose(client)
    assert sent.status_code == 302
    number = sent.headers["Location"].split("/public/proposals/")[1].split("?")[0]
    assert re.fullmatch(r"GZ-[A-Z0-9]{10}", number)
    shown = client.get(f"/public/proposals/{number}?new=1").get_data(as_text=True)
    assert number in shown and "小区门口路灯不亮" in shown and "郑陆镇第一社区" in shown and "已收到" in shown
    assert CONTACT not in shown
    stored = session.scalar(select(PublicProposal).where(PublicProposal.number == number))
    assert stored is not None and stored.contact == CONTACT and stored.status is ProposalStatus.RECEIVED


def test_a_number_shows_only_its_own_proposal(app: Flask) -> None:
    client = app.test_client()
    first = _propose(client, title="第一件事").headers["Location"].split("/public/proposals/")[1].split("?")[0]
    second = _propose(client, title="第二件事").headers["Location"].split("/public/proposals/")[1].split("?")[0]
    assert first != second
    shown = client.get(f"/public/proposals/{first}").get_data(as_text=True)
    assert "第一件事" in shown and "第二件事" not in shown
    for guess in ("GZ-AAAAAAAAAA", "1", "GZ-' OR 1=1 --", first.lower()):
        assert client.get(f"/public/proposals/{guess}").status_code == 404
        assert client.get(f"/api/v1/public/proposals/{guess}").status_code == 404


def test_script_in_every_field_is_inert_and_the_contact_never_shows(app: Flask, web) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    sent = _propose(client, title=SCRIPT, description=SCRIPT)
    number = sent.headers["Location"].split("/public/proposals/")[1].split("?")[0]
    shown = client.get(f"/public/proposals/{number}").get_data(as_text=True)
    assert SCRIPT not in shown and "&lt;script&gt;" in shown
    api = client.get(f"/api/v1/public/proposals/{number}").get_json()
    assert "contact" not in api and CONTACT not in str(api) and api["title"] == SCRIPT
    office = web("office_tianning")
    queue = office.get("/proposals").get_data(as_text=True)
    assert SCRIPT not in queue and number in queue and CONTACT not in queue  # the list only says there is one
    item = office.get(f"/proposals/{number}").get_data(as_text=True)
    assert CONTACT in item and SCRIPT not in item  # the office alone sees the contact, on the item's page
    bad = _propose(app.test_client(), contact=SCRIPT)
    assert bad.status_code == 422 and SCRIPT not in bad.get_data(as_text=True)
    assert "请填写手机号或电子邮箱" in bad.get_data(as_text=True)


def test_the_human_check_refuses_a_missing_wrong_or_forged_answer_and_a_filled_trap(app: Flask,
                                                                                     session: Session) -> None:
    client = app.test_client()
    for override in ({"answer": ""}, {"answer": "99"}, {"token": "forged"}, {"website": "http://spam"}):
        refused = _propose(client, title="机器人", **override)
        assert refused.status_code == 422
        assert "请正确回答验证问题 (please answer the check question correctly)" in refused.get_data(as_text=True)
        assert "机器人" in refused.get_data(as_text=True)  # what the resident typed stays
    assert session.scalar(select(PublicProposal).where(PublicProposal.title == "机器人")) is None
    api = client.post("/api/v1/public/proposals", json={"title": "机器人", "description": "x",
                                                        "category": "reform", "place": "tianning"})
    assert api.status_code == 422 and "check question" in api.get_json()["error"]["message"]


def test_bad_fields_get_messages_in_chinese_and_english(app: Flask) -> None:
    client = app.test_client()
    refused = _propose(client, title="", description="长" * 4001, category="nonsense", place="nowhere")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422
    for message in ("必填 (required)", "不得超过 4000 个字 (at most 4000 characters)",
                    "请选择类别 (choose a category)", "请选择所在地 (choose a place)"):
        assert message in text
    client.post("/locale", data={"locale": "en", "csrf_token": CSRF.search(text).group(1)})  # type: ignore[union-attr]
    english = client.get("/public/propose").get_data(as_text=True)
    assert "Propose a topic" in english and "Check question" in english
    hostile = _propose(app.test_client(), title="路灯\u202e不亮")
    assert hostile.status_code == 422


def test_a_flood_from_one_address_gets_429_with_a_clear_message(app: Flask) -> None:
    client = app.test_client()
    codes = [_propose(client, title=f"第{i}件").status_code for i in range(8)]  # bounded loop on loopback
    assert codes[:5] == [302] * 5 and codes[5:] == [429] * 3
    refused = _propose(client, title="又一件")
    assert "提交过于频繁" in refused.get_data(as_text=True) and "Too many proposals" in refused.get_data(as_text=True)
    assert "又一件" in refused.get_data(as_text=True)
    challenge = client.get("/api/v1/public/challenge").get_json()
    a, b = QUESTION.fullmatch(challenge["question"]).groups()  # type: ignore[union-attr]
    api = client.post("/api/v1/public/proposals", json={
        "title": "API", "description": "x", "category": "reform", "place": "tianning",
        "token": challenge["token"], "answer": str(int(a) + int(b))})
    assert api.status_code == 429 and "Too many proposals" in api.get_json()["error"]["message"]


def test_the_api_proposes_and_looks_up_without_a_token_and_keeps_the_contact(app: Flask) -> None:
    client = app.test_client()
    challenge = client.get("/api/v1/public/challenge").get_json()
    a, b = QUESTION.fullmatch(challenge["question"]).groups()  # type: ignore[union-attr]
    sent = client.post("/api/v1/public/proposals", json={
        "title": "公园健身器材老化", "description": "请协商更新。", "category": "livelihood", "place": "tianning",
        "contact": "resident@example.org", "token": challenge["token"], "answer": str(int(a) + int(b))})
    assert sent.status_code == 201, sent.get_json()
    body = sent.get_json()
    assert body["status"] == "received" and body["place"] == "天宁区" and "contact" not in body
    again = client.get(f"/api/v1/public/proposals/{body['number']}").get_json()
    assert again == body and "resident@example.org" not in str(again)
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["paths"]["/public/proposals"]["post"]["security"] == []
    assert "/public/proposals/{number}" in spec["paths"]


def test_the_district_office_answers_or_rejects_and_the_proposer_sees_it(app: Flask, web,  # type: ignore[no-untyped-def]
                                                                          session: Session) -> None:
    client = app.test_client()
    answered = _propose(client, title="路灯").headers["Location"].split("/public/proposals/")[1].split("?")[0]
    rejected = _propose(client, title="重复").headers["Location"].split("/public/proposals/")[1].split("?")[0]
    other = web("office_wujin")
    assert answered not in other.get("/proposals").get_data(as_text=True)  # another district's office
    assert other.post(f"/proposals/{answered}/respond", {"answer": "x"}).status_code == 404
    assert web("member_tianning").get("/proposals").status_code == 403
    office = web("office_tianning")
    office.get("/proposals")
    empty = office.post(f"/proposals/{answered}/respond", {"answer": " ", "decision": "answer"})
    assert empty.status_code == 422 and "请填写答复或理由" in empty.get_data(as_text=True)
    assert office.post(f"/proposals/{answered}/respond",
                       {"answer": "已转镇政府，本月修复。", "decision": "answer"}).status_code == 302
    assert office.post(f"/proposals/{rejected}/respond",
                       {"answer": "与已受理议题重复。", "decision": "reject"}).status_code == 302
    shown = client.get(f"/public/proposals/{answered}").get_data(as_text=True)
    assert "已答复" in shown and "已转镇政府，本月修复。" in shown
    state = client.get(f"/api/v1/public/proposals/{rejected}").get_json()
    assert state["status"] == "rejected" and state["answer"] == "与已受理议题重复。"
    logged = session.scalars(select(AuditEntry).where(AuditEntry.target == f"proposal:{rejected}")).all()
    assert [(e.action, e.actor and e.actor.username, e.payload) for e in logged] == [
        ("proposal_rejected", "office_tianning", {"reason": "与已受理议题重复。"})]


def test_a_room_page_offers_a_qr_code_of_the_form_with_its_place(app: Flask, web) -> None:  # type: ignore[no-untyped-def]
    office = web("office_tianning")
    made = app.test_client().post("/api/v1/rooms", json={"organization": "zhenglu", "name": "郑陆镇协商议事室"},
                                  headers={"Authorization": "Bearer demo-office_tianning"})
    code = made.get_json()["code"]
    page = office.get(f"/platform/rooms/{code}").get_data(as_text=True)
    assert "/public/propose?place=zhenglu" in page
    svg = office.get(f"/proposals/rooms/{code}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_a_flood_over_loopback_http_is_throttled(server: str) -> None:  # noqa: F811
    def send(title: str) -> tuple[int, dict[str, Any]]:
        with urlopen(f"{server}/api/v1/public/challenge", timeout=10) as response:
            challenge = json.load(response)
        a, b = QUESTION.fullmatch(challenge["question"]).groups()  # type: ignore[union-attr]
        body = json.dumps({"title": title, "description": "x", "category": "governance", "place": "qinglong",
                           "token": challenge["token"], "answer": str(int(a) + int(b))}).encode()
        request = Request(f"{server}/api/v1/public/proposals", body, {"Content-Type": "application/json"})
        try:
            with urlopen(request, timeout=10) as response:
                return response.status, json.load(response)
        except HTTPError as refused:
            return refused.code, json.load(refused)

    answers = [send(f"洪水{i}") for i in range(12)]  # bounded: twelve requests from 127.0.0.1
    assert [code for code, _ in answers] == [201] * 5 + [429] * 7
    assert answers[-1][1]["error"]["message"] == (
        "提交过于频繁，请十分钟后再试 (Too many proposals from this address; try again in ten minutes)")


def test_a_town_office_triages_what_is_placed_in_its_town_and_nothing_else(app: Flask, web) -> None:  # type: ignore[no-untyped-def]
    client = app.test_client()
    in_town = _number_of(_propose(client, title="郑陆镇路灯不亮", place="zhenglu-c1"))
    at_town = _number_of(_propose(client, title="郑陆镇集市占道", place="zhenglu"))
    next_town = _number_of(_propose(client, title="青龙街道停车难", place="qinglong-c1"))
    town = web("office_zhenglu")
    queue = town.get("/proposals").get_data(as_text=True)
    assert in_town in queue and at_town in queue and next_town not in queue
    assert town.get(f"/proposals/{in_town}").status_code == 200
    assert town.get(f"/proposals/{next_town}").status_code == 404
    assert town.post(f"/proposals/{in_town}/respond", {"answer": "已转镇政府，本周修复。",
                                                       "decision": "answer"}).status_code == 302
    assert client.get(f"/api/v1/public/proposals/{in_town}").get_json()["answer"] == "已转镇政府，本周修复。"
    listed = client.get("/api/v1/proposals", headers={"Authorization": "Bearer demo-office_zhenglu"}).get_json()
    assert {p["number"] for p in listed["items"]} == {in_town, at_town}
    district = web("office_tianning").get("/proposals").get_data(as_text=True)
    assert all(n in district for n in (in_town, at_town, next_town))  # the district's office still sees them all


def _number_of(response: Any) -> str:
    return str(response.headers["Location"].split("/public/proposals/")[1].split("?")[0])


def test_the_office_lists_and_answers_through_the_api_and_others_cannot(app: Flask) -> None:
    client = app.test_client()
    number = _propose(client, title="API 答复").headers["Location"].split("/public/proposals/")[1].split("?")[0]
    office = {"Authorization": "Bearer demo-office_tianning"}
    listed = client.get("/api/v1/proposals?status=received", headers=office).get_json()["items"]
    assert [(p["number"], p["contact"]) for p in listed] == [(number, CONTACT)]
    assert client.get("/api/v1/proposals").status_code == 401
    assert client.get("/api/v1/proposals", headers={"Authorization": "Bearer demo-member_tianning"}).status_code == 403
    assert client.get("/api/v1/proposals?status=nonsense", headers=office).status_code == 422
    wujin = {"Authorization": "Bearer demo-office_wujin"}
    assert client.post(f"/api/v1/proposals/{number}/respond", json={"decision": "answer", "answer": "好"},
                       headers=wujin).status_code == 404
    assert client.post(f"/api/v1/proposals/{number}/respond", json={"decision": "maybe", "answer": "好"},
                       headers=office).status_code == 422
    done = client.post(f"/api/v1/proposals/{number}/respond", json={"decision": "reject", "answer": "不属于协商范围"},
                       headers=office)
    assert done.status_code == 200 and done.get_json()["status"] == "rejected"
    assert client.get(f"/api/v1/public/proposals/{number}").get_json()["answer"] == "不属于协商范围"

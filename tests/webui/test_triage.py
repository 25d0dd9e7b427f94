"""The triage pages and API: members, leaders and residents all land in the office's one queue with their source;
the office merges duplicates the search suggests and starts a topic that keeps its origin and every merged item,
and each proposer's public state follows; who may do what; bad and hostile input.
"""
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Delivery, ProposalSource, ProposalStatus, PublicProposal, Topic
from models.database import writing
from tests.conftest import NOW
from tests.webui.test_public_proposals import _propose
from workflows.demo.world import user_named
from workflows.platform import rooms

SCRIPT = "<script>alert('x')</script>"
PARKING = {"title": "小区停车难", "description": "小区停车位太少，电动车乱停，希望协商解决停车难。",
           "category": "livelihood", "place": "zhenglu-c1"}
BEARER = {name: {"Authorization": f"Bearer demo-{name}"} for name in
          ("office_tianning", "office_wujin", "member_tianning", "party_tianning")}


def _number(response: Any) -> str:
    return str(response.headers["Location"].split("/public/proposals/")[1].split("?")[0])


def _recommend(web, username: str = "member_tianning", **fields: str) -> Any:  # type: ignore[no-untyped-def]
    actor = web(username)
    actor.get("/recommendations")
    return actor, actor.post("/recommendations", {"source": "member", **PARKING, **fields})


def _newest(session: Session, source: ProposalSource) -> PublicProposal:
    session.rollback()  # end the test's read transaction: the app committed since
    found = session.scalars(select(PublicProposal).where(PublicProposal.source == source)
                            .order_by(PublicProposal.id.desc())).first()
    assert found is not None
    return found


def test_every_source_lands_in_the_one_queue_with_its_source(app: Flask, session: Session, web) -> None:  # type: ignore[no-untyped-def]
    with writing(session):
        room = rooms.register(session, user_named(session, "office_tianning"), "zhenglu-c1",
                              {"name": "郑陆一社区议事室", "functions": ["opinion_point"]}, now=NOW)
    _propose(app.test_client(), title="路灯不亮")
    member, sent = _recommend(web)
    assert sent.status_code == 302
    assert "已提交" in member.get(sent.headers["Location"]).get_data(as_text=True)
    reported = member.post("/recommendations", {"source": "opinion", **PARKING, "title": "菜场噪音", "place": "",
                                                "room": room.code})
    assert reported.status_code == 302
    leader, _ = _recommend(web, "party_tianning", source="assigned", place="tianning", title="老旧小区加装电梯")
    assert "老旧小区加装电梯" in leader.get("/recommendations").get_data(as_text=True)
    office = web("office_tianning")
    queue = office.get("/proposals").get_data(as_text=True)
    for title, label in (("路灯不亮", "群众建议"), ("小区停车难", "委员荐题"), ("菜场噪音", "社情民意"),
                         ("老旧小区加装电梯", "党委政府点题")):
        assert title in queue and label in queue
    assert "郑陆一社区议事室" in queue and "天宁区政协委员" in queue
    heard = office.get(f"/platform/rooms/{room.code}").get_data(as_text=True).split('data-testid="room-opinions"')[1]
    assert "菜场噪音" in heard and "小区停车难" not in heard  # the room lists the opinion reports heard in it
    only = office.get("/proposals?source=opinion").get_data(as_text=True)
    assert "菜场噪音" in only and "小区停车难" not in only
    listed = app.test_client().get("/api/v1/proposals?source=assigned", headers=BEARER["office_tianning"])
    assert [i["title"] for i in listed.get_json()["items"]] == ["老旧小区加装电梯"]
    assert listed.get_json()["items"][0]["submitted_by"] == "party_tianning"
    assert app.test_client().get("/api/v1/proposals?source=x", headers=BEARER["office_tianning"]).status_code == 422


def test_who_may_submit_and_who_may_triage(app: Flask, session: Session, web) -> None:  # type: ignore[no-untyped-def]
    number = _number(_propose(app.test_client()))
    assert app.test_client().get("/recommendations").status_code == 302  # sign in first
    assert web("office_tianning").get("/recommendations").status_code == 403
    member, refused = _recommend(web, source="assigned")
    assert refused.status_code == 403  # a member cannot assign a topic
    assert member.get(f"/proposals/{number}").status_code == 404
    assert member.get("/proposals").status_code == 403
    assert member.post(f"/proposals/{number}/topic", {"platform_level": "district"}).status_code == 404
    other = web("office_wujin")
    assert other.get(f"/proposals/{number}").status_code == 404
    assert other.post(f"/proposals/{number}/merge", {"numbers": number}).status_code == 404
    client = app.test_client()
    assert client.get(f"/api/v1/proposals/{number}", headers=BEARER["office_wujin"]).status_code == 404
    assert client.post(f"/api/v1/proposals/{number}/topic", json={"platform_level": "district"},
                       headers=BEARER["member_tianning"]).status_code == 404
    assert client.post("/api/v1/recommendations", json={"source": "assigned", **PARKING},
                       headers=BEARER["member_tianning"]).status_code == 403
    assert client.get(f"/api/v1/proposals/{number}").status_code == 401
    session.rollback()
    assert session.scalar(select(PublicProposal.status).where(PublicProposal.number == number)) \
        is ProposalStatus.RECEIVED


def test_the_office_merges_and_starts_a_topic_that_keeps_its_origin(app: Flask, session: Session, web) -> None:  # type: ignore[no-untyped-def]
    resident = app.test_client()
    first = _number(_propose(resident, title="小区停车难，电动车乱停", description="停车位不够，希望协商解决停车难。"))
    _propose(resident, title="路灯不亮", description="河边步道的路灯坏了。")
    _recommend(web)
    member_item = _newest(session, ProposalSource.MEMBER).number
    office = web("office_tianning")
    page = office.get(f"/proposals/{first}").get_data(as_text=True)
    similar = page.split('data-testid="similar"')[1]
    assert member_item in similar and "路灯不亮" not in similar  # the search found the duplicate, not the lamp
    assert office.post(f"/proposals/{first}/merge", {"numbers": member_item}).status_code == 302
    assert member_item in office.get(f"/proposals/{first}").get_data(as_text=True).split('data-testid="merged"')[1]
    started = office.post(f"/proposals/{first}/topic", {"platform_level": "district", "title": "", "town": ""})
    assert started.status_code == 302 and "/topics/" in started.headers["Location"]
    topic_id = int(started.headers["Location"].rstrip("/").split("/")[-1])
    case = office.get(f"/topics/{topic_id}").get_data(as_text=True)
    origin = case.split('data-testid="topic-origin"')[1].split("</div>")[0]
    assert first in origin and member_item in origin and "群众建议" in origin and "委员荐题" in origin
    assert "13812345678" not in case  # the resident's contact stays in the queue
    shown = resident.get(f"/public/proposals/{first}").get_data(as_text=True)
    assert "已立为议题" in shown and f"#{topic_id}" not in shown  # the topic is named once it is published
    state = resident.get(f"/api/v1/public/proposals/{first}").get_json()
    assert state["status"] == "became_topic" and state["topic"] is None and "contact" not in state
    office.get(f"/publication/{topic_id}")
    assert office.post(f"/publication/{topic_id}", {"published": "1", "summary": "纪要摘要"}).status_code == 302
    assert resident.get(f"/api/v1/public/proposals/{first}").get_json()["topic"] == topic_id
    assert f"#{topic_id}" in resident.get(f"/public/proposals/{first}").get_data(as_text=True)
    mine = app.test_client().get("/api/v1/recommendations", headers=BEARER["member_tianning"]).get_json()["items"]
    assert mine[0]["status"] == "became_topic" and mine[0]["topic"] == topic_id
    session.rollback()
    topic = session.get(Topic, topic_id)
    assert topic is not None and topic.title == "小区停车难，电动车乱停" and topic.source.value == "public"


def test_bad_input_keeps_what_was_typed_and_script_stays_text(app: Flask, session: Session, web) -> None:  # type: ignore[no-untyped-def]
    member, sent = _recommend(web, title=SCRIPT, description=SCRIPT)
    assert sent.status_code == 302
    number = _newest(session, ProposalSource.MEMBER).number
    _, empty = _recommend(web, title="", description="写了一半的内容")
    body = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "必填" in body and "写了一半的内容" in body
    _, nowhere = _recommend(web, source="opinion", room="no-such-room")
    assert nowhere.status_code == 422 and "议事室" in nowhere.get_data(as_text=True)
    _, unknown = _recommend(web, source="anything")
    assert unknown.status_code == 422
    office = web("office_tianning")
    for page in (office.get("/proposals"), office.get(f"/proposals/{number}"), member.get("/recommendations")):
        text = page.get_data(as_text=True)
        assert SCRIPT not in text and "&lt;script&gt;" in text
    town = office.post(f"/proposals/{number}/topic", {"platform_level": "town", "title": "改好的名称", "town": ""})
    text = town.get_data(as_text=True)
    assert town.status_code == 422 and "改好的名称" in text and "town" in text
    nothing = office.post(f"/proposals/{number}/merge", {"number": ""})
    assert nothing.status_code == 422 and "请选择要合并的建议" in nothing.get_data(as_text=True)
    assert office.post(f"/proposals/{number}/merge", {"number": "GZ-' OR 1=1"}).status_code == 404
    client = app.test_client()
    assert client.post(f"/api/v1/proposals/{number}/merge", json={"numbers": "GZ-A"},
                       headers=BEARER["office_tianning"]).status_code == 422
    assert client.post(f"/api/v1/proposals/{number}/topic", json={"platform_level": "district", "x": 1},
                       headers=BEARER["office_tianning"]).status_code == 422
    # opened by its office (under review), and nothing the refused requests sent changed it
    assert _newest(session, ProposalSource.MEMBER).status is ProposalStatus.UNDER_REVIEW
    started = office.post(f"/proposals/{number}/topic", {"platform_level": "district"})
    case = office.get(started.headers["Location"]).get_data(as_text=True)
    origin = case.split('data-testid="topic-origin"')[1].split("</div>")[0]
    assert SCRIPT not in case and "&lt;script&gt;" in origin  # the origin block on the case page escapes it too


def test_the_office_takes_a_wrongly_merged_item_out_again_on_its_page_and_through_the_api(
        app: Flask, session: Session, web) -> None:  # type: ignore[no-untyped-def]
    resident = app.test_client()
    first = _number(_propose(resident, title="小区停车难，电动车乱停", description="停车位不够，希望协商解决停车难。"))
    second = _number(_propose(resident, title="路灯不亮", description="河边步道的路灯坏了。"))
    office = web("office_tianning")
    office.get(f"/proposals/{first}")
    assert office.post(f"/proposals/{first}/merge", {"number": second}).status_code == 302
    page = office.get(f"/proposals/{second}").get_data(as_text=True)
    assert first in page.split('data-testid="unmerge"')[1].split("</form>")[0]
    assert office.post(f"/proposals/{second}/unmerge").status_code == 302
    page = office.get(f"/proposals/{second}").get_data(as_text=True)
    assert 'data-testid="unmerge"' not in page and 'data-testid="merged"' not in office.get(
        f"/proposals/{first}").get_data(as_text=True)
    again = office.post(f"/proposals/{second}/unmerge")
    assert again.status_code == 422 and "只能撤销已合并的建议" in again.get_data(as_text=True)
    assert web("office_wujin").post(f"/proposals/{second}/unmerge").status_code == 404
    client = app.test_client()
    assert client.post(f"/api/v1/proposals/{first}/merge", json={"numbers": [second]},
                       headers=BEARER["office_tianning"]).status_code == 200
    out = client.post(f"/api/v1/proposals/{second}/unmerge", headers=BEARER["office_tianning"])
    assert out.status_code == 200 and out.get_json() == {"unmerged": second, "out_of": first}
    refused = client.post(f"/api/v1/proposals/{second}/unmerge", headers=BEARER["office_tianning"])
    assert refused.status_code == 422 and "number" in refused.get_json()["error"]["fields"]
    # an unknown number is a 404; a right-to-left override is a refused character, a 422
    for number, status in (("GZ-NOSUCHITEM", 404), ("' OR 1=1 --", 404), ("%E2%80%AE" * 50, 422)):
        api = client.post(f"/api/v1/proposals/{number}/unmerge", headers=BEARER["office_tianning"])
        assert (api.status_code, office.post(f"/proposals/{number}/unmerge").status_code) == (status, status)
    session.rollback()
    item = session.scalars(select(PublicProposal).where(PublicProposal.number == second)).one()
    assert (item.status, item.merged_into_id) == (ProposalStatus.UNDER_REVIEW, None)


def test_the_api_triages_like_the_pages(app: Flask, session: Session) -> None:
    client = app.test_client()
    sent = client.post("/api/v1/recommendations", json={"source": "member", **PARKING},
                       headers=BEARER["member_tianning"])
    assert sent.status_code == 201 and sent.get_json()["source"] == "member"
    assigned = client.post("/api/v1/recommendations", json={"source": "assigned", **PARKING, "place": "tianning"},
                           headers=BEARER["party_tianning"])
    target, duplicate = assigned.get_json()["number"], sent.get_json()["number"]
    item = client.get(f"/api/v1/proposals/{target}", headers=BEARER["office_tianning"]).get_json()
    assert item["source"] == "assigned" and item["submitted_by"] == "party_tianning"
    assert [s["number"] for s in item["similar"]] == [duplicate]
    merged = client.post(f"/api/v1/proposals/{target}/merge", json={"numbers": [duplicate]},
                         headers=BEARER["office_tianning"])
    assert merged.status_code == 200 and merged.get_json()["merged"] == [duplicate]
    started = client.post(f"/api/v1/proposals/{target}/topic", json={"platform_level": "town", "town": "zhenglu"},
                          headers=BEARER["office_tianning"])
    assert started.status_code == 201
    session.rollback()
    topic = session.get(Topic, started.get_json()["topic"])
    assert topic is not None and topic.source.value == "assigned" and topic.town is not None
    again = client.post(f"/api/v1/proposals/{target}/topic", json={"platform_level": "district"},
                        headers=BEARER["office_tianning"])
    assert again.status_code == 422
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/proposals/{number}", "/proposals/{number}/merge", "/proposals/{number}/topic",
            "/recommendations"} <= set(paths)


def test_the_item_page_in_english(app: Flask, web) -> None:  # type: ignore[no-untyped-def]
    number = _number(_propose(app.test_client()))
    office = web("office_tianning")
    office.post("/locale", {"locale": "en", "next": "/"})
    page = office.get(f"/proposals/{number}").get_data(as_text=True)
    assert "Similar proposals" in page and "Start a topic" in page and "Merge into this one" in page


def test_merging_and_starting_a_topic_tell_each_proposer_who_left_an_e_mail(  # type: ignore[no-untyped-def]
        app: Flask, session: Session, web) -> None:
    resident = app.test_client()
    target = _number(_propose(resident, title="停车难", contact="a@example.org"))
    duplicate = _number(_propose(resident, title="停车位不够", contact="b@example.org"))
    office = web("office_tianning")
    office.get(f"/proposals/{target}")
    assert office.post(f"/proposals/{target}/merge", {"numbers": duplicate}).status_code == 302
    assert office.post(f"/proposals/{target}/topic", {"platform_level": "district"}).status_code == 302
    session.rollback()
    told = {(d.address, d.subject.split("：")[-1]) for d in session.scalars(select(Delivery))}
    assert {("b@example.org", "已合并"), ("a@example.org", "已立为议题"), ("b@example.org", "已立为议题")} <= told

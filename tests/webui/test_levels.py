"""The linked levels over HTTP: the city's own topics, raising a topic and deciding on it, joint topics; who may."""
import pytest
from flask import Flask
from sqlalchemy import select

from models import Event, Notification, Topic
from tests.conftest import NOW
from tests.factories import open_task, start_topic


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


@pytest.fixture
def api(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_client()


def _town_topic(api) -> int:  # type: ignore[no-untyped-def]
    response = api.post("/api/v1/topics", headers=auth("office_zhenglu"), json={
        "title": "跨镇河道整治", "category": "governance", "source": "public", "platform_level": "town",
        "district": "tianning", "town": "zhenglu"})
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["id"])


def test_the_city_office_starts_a_city_topic_through_the_api(api) -> None:  # type: ignore[no-untyped-def]
    body = {"title": "全市养老服务", "category": "livelihood", "source": "assigned", "platform_level": "city",
            "district": "changzhou"}
    made = api.post("/api/v1/topics", headers=auth("office_changzhou"), json=body)
    assert made.status_code == 201, made.get_json()
    links = api.get(f"/api/v1/topics/{made.get_json()['id']}/links", headers=auth("office_changzhou")).get_json()
    assert (links["topic"]["platform_level"], links["topic"]["platform"]) == ("city", "changzhou")
    assert api.post("/api/v1/topics", headers=auth("office_tianning"), json=body).status_code == 403
    wrong = api.post("/api/v1/topics", headers=auth("office_changzhou"), json={**body, "district": "tianning"})
    assert wrong.status_code == 422 and "district" in wrong.get_json()["error"]["fields"]


def test_raise_and_decide_through_the_api(api) -> None:  # type: ignore[no-untyped-def]
    topic_id = _town_topic(api)
    path = f"/api/v1/topics/{topic_id}/raise"
    assert api.post(path, json={"reason": "x"}).status_code == 401
    assert api.post(path, json={"reason": "x"}, headers=auth("office_tianning")).status_code == 403
    assert api.post(path, json={"reason": "x"}, headers=auth("office_hutang")).status_code == 404
    assert api.post(path, json={"reason": ""}, headers=auth("office_zhenglu")).status_code == 422
    assert api.post(path, data="reason", headers=auth("office_zhenglu")).status_code == 400
    raised = api.post(path, json={"reason": "涉及三个镇"}, headers=auth("office_zhenglu"))
    assert raised.status_code == 201 and raised.get_json()["to"] == "tianning"
    assert api.post(path, json={"reason": "再来"}, headers=auth("office_zhenglu")).status_code == 409
    raise_id = raised.get_json()["id"]
    listed = api.get("/api/v1/raises", headers=auth("office_tianning")).get_json()
    assert [r["id"] for r in listed["raises"]] == [raise_id] and listed["box"] == "received"
    assert api.get("/api/v1/raises?box=sent", headers=auth("office_tianning")).get_json()["raises"] == []
    decision = f"/api/v1/raises/{raise_id}/decision"
    assert api.post(decision, json={"accept": True}, headers=auth("office_zhenglu")).status_code == 403
    assert api.post(decision, json={"accept": True}, headers=auth("office_xinbei")).status_code == 404
    assert api.post(decision, json={"accept": True}, headers=auth("chair_tianning")).status_code == 403
    assert api.post(decision, json={"accept": "yes"}, headers=auth("office_tianning")).status_code == 422
    assert api.post(decision, json={"accept": False}, headers=auth("office_tianning")).status_code == 422
    accepted = api.post(decision, json={"accept": True}, headers=auth("office_tianning"))
    assert accepted.status_code == 200 and accepted.get_json()["status"] == "accepted"
    new = accepted.get_json()["raised_topic"]
    assert (new["platform_level"], new["platform"], new["title"]) == ("district", "tianning", "跨镇河道整治")
    assert api.post(decision, json={"accept": True}, headers=auth("office_tianning")).status_code == 409
    back = api.get(f"/api/v1/topics/{new['id']}/links", headers=auth("office_zhenglu")).get_json()
    assert back["raised_from"]["topic"]["id"] == topic_id and back["co_platforms"][0]["platform"] == "zhenglu"
    history = api.get(f"/api/v1/topics/{new['id']}/history", headers=auth("office_tianning")).get_json()
    assert "raised_from" in str(history)


def test_joint_topics_through_the_api(api, session) -> None:  # type: ignore[no-untyped-def]
    topic: Topic = start_topic(session, NOW, title="两区交界道路")
    path = f"/api/v1/topics/{topic.id}/co-platforms"
    assert api.get(f"/api/v1/topics/{topic.id}/links", headers=auth("office_xinbei")).status_code == 404
    assert api.post(path, json={"platform": "xinbei"}, headers=auth("office_xinbei")).status_code == 404
    assert api.post(path, json={"platform": "xinbei"}, headers=auth("chair_tianning")).status_code == 403
    assert api.post(path, json={"platform": "nowhere"}, headers=auth("office_tianning")).status_code == 422
    assert api.post(path, json={"platform": ["xinbei"]}, headers=auth("office_tianning")).status_code == 422
    assert api.post(path, json={"platform": "xinbei"}, headers=auth("office_tianning")).status_code == 201
    assert api.post(path, json={"platform": "xinbei"}, headers=auth("office_tianning")).status_code == 409
    assert api.get(path, headers=auth("office_xinbei")).get_json()["co_platforms"][0]["name"] == "新北区"
    joint = api.get("/api/v1/joint-topics", headers=auth("supervisor_xinbei")).get_json()
    assert [(t["id"], t["co_platforms"]) for t in joint["topics"]] == [(topic.id, ["新北区"])] and joint["total"] == 1
    second: Topic = start_topic(session, NOW, title="第二个联合议题")
    assert api.post(f"/api/v1/topics/{second.id}/co-platforms", json={"platform": "xinbei"},
                    headers=auth("office_tianning")).status_code == 201
    paged = api.get("/api/v1/joint-topics?per_page=1&page=2", headers=auth("office_xinbei")).get_json()
    assert (paged["total"], [t["id"] for t in paged["topics"]]) == (2, [topic.id])  # newest first
    assert api.get("/api/v1/joint-topics?per_page=0", headers=auth("office_xinbei")).status_code in (400, 422)
    assert api.get("/api/v1/joint-topics", headers=auth("housing_xinbei")).status_code == 403
    assert api.delete(f"{path}/xinbei", headers=auth("office_xinbei")).status_code == 403
    assert api.delete(f"{path}/xinbei", headers=auth("office_tianning")).status_code == 204
    assert api.delete(f"{path}/xinbei", headers=auth("office_tianning")).status_code == 404
    assert api.get(path, headers=auth("office_xinbei")).status_code == 404


def test_the_city_gets_bindings_of_its_own(api) -> None:  # type: ignore[no-untyped-def]
    versions = api.get("/api/v1/processes?process_id=topic_district", headers=auth("admin")).get_json()
    version_id = versions["versions"][0]["id"]
    bound = api.put("/api/v1/bindings", json={"version_id": version_id, "district": "changzhou"},
                    headers=auth("admin"))
    assert bound.status_code == 200, bound.get_json()
    rows = bound.get_json()["bindings"]
    assert [row["district_name"] for row in rows if row["district"] == "changzhou"] == ["常州市"]
    town = api.put("/api/v1/bindings", json={"version_id": version_id, "district": "zhenglu"}, headers=auth("admin"))
    assert town.status_code == 422
    assert api.put("/api/v1/bindings", json={"version_id": version_id, "district": "changzhou"},
                   headers=auth("office_changzhou")).status_code == 403


def test_pages_of_the_levels_and_who_sees_them(web, session) -> None:  # type: ignore[no-untyped-def]
    town = web("office_zhenglu")
    topic: Topic = start_topic(session, NOW, level="town", town="zhenglu", title="跨镇河道整治")
    page = town.get(f"/platform/levels/topics/{topic.id}").get_data(as_text=True)
    assert 'data-testid="raise-form"' in page and "天宁区" in page
    refused = town.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "   "})
    assert refused.status_code == 422 and "此项必填" in refused.get_data(as_text=True)
    done = town.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "涉及三个镇"})
    assert done.status_code == 302
    again = town.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "又一次提交"})
    assert again.status_code == 409 and "又一次提交" in again.get_data(as_text=True)
    district = web("office_tianning")
    listing = district.get("/platform/levels/").get_data(as_text=True)
    assert "跨镇河道整治" in listing and "涉及三个镇" in listing
    raise_id = int(listing.split('data-raise="')[1].split('"')[0])
    kept = district.post(f"/platform/levels/raises/{raise_id}/decision", {"decision": "decline", "note": " "})
    assert kept.status_code == 422 and "此项必填" in kept.get_data(as_text=True)
    assert web("office_zhenglu").post(f"/platform/levels/raises/{raise_id}/decision",
                                      {"decision": "accept"}).status_code == 403
    declined = district.post(f"/platform/levels/raises/{raise_id}/decision",
                             {"decision": "decline", "note": "属镇职权范围"})
    assert declined.status_code == 302
    panel = town.get(f"/platform/levels/topics/{topic.id}/panel").get_data(as_text=True)
    assert "未予受理" in panel and "属镇职权范围" in panel
    assert web("office_xinbei").get(f"/platform/levels/topics/{topic.id}").status_code == 404
    assert web("housing_tianning").get("/platform/levels/").status_code == 403
    assert web("housing_tianning").get("/platform/levels/joint-summary").status_code == 403
    assert web().get("/platform/levels/").status_code in (302, 401)
    summary = web("supervisor_tianning").get("/platform/levels/joint-summary")
    assert summary.status_code == 200 and 'data-testid="joint-count">0<' in summary.get_data(as_text=True)


def test_the_joint_topic_pages_and_the_topic_list(web, session) -> None:  # type: ignore[no-untyped-def]
    topic: Topic = start_topic(session, NOW, title="两区交界道路")
    office = web("office_tianning")
    office.get(f"/platform/levels/topics/{topic.id}")
    bad = office.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "tianning"})
    assert bad.status_code == 422 and "不能选择本平台" in bad.get_data(as_text=True)
    assert office.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "xinbei"}).status_code == 302
    xinbei = web("office_xinbei")
    assert "两区交界道路" in xinbei.get("/topics/").get_data(as_text=True)
    assert xinbei.get(f"/topics/{topic.id}").status_code == 200
    assert 'data-testid="joint-count">1<' in web("supervisor_xinbei").get("/platform/levels/joint-summary") \
        .get_data(as_text=True)
    assert xinbei.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "jintan"}).status_code == 403
    office.post("/locale", {"locale": "en"})
    shown = office.get(f"/platform/levels/topics/{topic.id}").get_data(as_text=True)
    assert "Co-organizing platforms" in shown and "Raise to the level above" in shown


def test_every_levels_page_refuses_who_may_not_and_hostile_input(web, session) -> None:  # type: ignore[no-untyped-def]
    topic: Topic = start_topic(session, NOW, level="town", town="zhenglu", title="村道修缮")
    town, outsider = web("office_zhenglu"), web("office_xinbei")
    assert outsider.get(f"/platform/levels/topics/{topic.id}/panel").status_code == 404
    assert outsider.get("/platform/levels/topics/99999999999").status_code == 404
    assert web("chair_tianning").post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "x"}).status_code == 403
    assert town.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "x"}, csrf=False).status_code == 400
    town.get(f"/platform/levels/topics/{topic.id}")
    long = "长" * 2001
    refused = town.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": long})
    assert refused.status_code == 422 and long in refused.get_data(as_text=True)  # what was typed is kept
    assert town.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "a\x00b"}).status_code == 422
    assert town.post(f"/platform/levels/topics/{topic.id}/raise", {"reason": "需区级协调"}).status_code == 302
    notices = session.scalars(select(Notification.title).where(Notification.kind == "topic_raised")).all()
    assert notices == ["下级平台提交议题：村道修缮"]  # to the district's office, the one that decides
    district = web("office_tianning")
    page = district.get("/platform/levels/").get_data(as_text=True)
    raise_id = int(page.split('data-raise="')[1].split('"')[0])
    odd = district.post(f"/platform/levels/raises/{raise_id}/decision", {"decision": "maybe"})
    assert odd.status_code == 422
    assert district.post("/platform/levels/raises/99999999999/decision", {"decision": "accept"}).status_code == 404
    assert district.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "xinbei"}).status_code == 403
    town.get(f"/platform/levels/topics/{topic.id}")
    assert town.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "xinbei"}).status_code == 302
    assert district.post(f"/platform/levels/topics/{topic.id}/co-platforms/xinbei/remove").status_code == 403
    assert outsider.post(f"/platform/levels/topics/{topic.id}/co-platforms/xinbei/remove").status_code == 403
    assert town.post(f"/platform/levels/topics/{topic.id}/co-platforms/hutang/remove").status_code == 404
    assert town.post(f"/platform/levels/topics/{topic.id}/co-platforms/xinbei/remove").status_code == 302
    assert outsider.get(f"/topics/{topic.id}").status_code == 404


def test_a_co_organizer_lists_the_joint_topics_open_tasks(web, session) -> None:  # type: ignore[no-untyped-def]
    topic: Topic = start_topic(session, NOW, title="两区交界道路")
    watcher = web("supervisor_xinbei")
    assert "两区交界道路" not in watcher.get("/supervision/tasks").get_data(as_text=True)
    office = web("office_tianning")
    office.get(f"/platform/levels/topics/{topic.id}")
    assert office.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "xinbei"}).status_code == 302
    listed = watcher.get("/supervision/tasks").get_data(as_text=True)
    assert "两区交界道路" in listed and "提交议题建议" in listed
    assert "两区交界道路" not in web("supervisor_jintan").get("/supervision/tasks").get_data(as_text=True)


def test_a_co_organizer_escalates_the_joint_topics_ticked_task(web, session) -> None:  # type: ignore[no-untyped-def]
    topic: Topic = start_topic(session, NOW, title="两区交界道路")
    item = open_task(session, topic, "submit_proposal")
    office = web("office_tianning")
    office.get(f"/platform/levels/topics/{topic.id}")
    assert office.post(f"/platform/levels/topics/{topic.id}/co-platforms", {"platform": "xinbei"}).status_code == 302
    watcher = web("supervisor_xinbei")
    listed = watcher.get("/supervision/tasks").get_data(as_text=True)
    assert f'name="task" value="{item.id}"' in listed  # the row has its tick box
    done = watcher.post("/supervision/tasks/escalate", {"task": str(item.id), "reason": "请两区协同办结"})
    assert done.status_code == 302
    assert "以下任务未能督办" not in watcher.get("/supervision/tasks").get_data(as_text=True)
    session.commit()
    escalated = session.scalars(select(Event).where(Event.kind == "escalated", Event.task_item_id == item.id)).all()
    assert [e.payload["reason"] for e in escalated] == ["请两区协同办结"]
    assert watcher.post(f"/supervision/tasks/{item.id}/escalate", {"reason": "再次督办"}).status_code == 302
    outsider = web("supervisor_jintan")
    outsider.get("/supervision/tasks")
    assert outsider.post(f"/supervision/tasks/{item.id}/escalate", {"reason": "越权督办"}).status_code == 404


def test_the_administrator_binds_a_version_for_the_city_on_the_version_page(web, api) -> None:  # type: ignore[no-untyped-def]
    versions = api.get("/api/v1/processes?process_id=topic_district", headers=auth("admin")).get_json()["versions"]
    admin = web("admin")
    page = admin.get(f"/admin/versions/{versions[0]['id']}").get_data(as_text=True)
    assert '<option value="changzhou">常州市</option>' in page  # the city first, then the districts
    assert page.index('value="changzhou"') < page.index('value="tianning"')
    admin.post("/admin/bindings", {"version_id": versions[0]["id"], "district": "changzhou",
                                   "next": "/admin/"})
    table = api.get("/api/v1/bindings", headers=auth("admin")).get_json()["bindings"]
    assert [(r["process_id"], r["district_name"]) for r in table if r["district"] == "changzhou"] == [
        ("topic_district", "常州市")]


def test_the_openapi_document_describes_the_levels(api) -> None:  # type: ignore[no-untyped-def]
    paths = api.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/topics/{topic_id}/links", "/topics/{topic_id}/raise", "/raises", "/raises/{raise_id}/decision",
                 "/topics/{topic_id}/co-platforms", "/topics/{topic_id}/co-platforms/{code}", "/joint-topics"):
        assert path in paths, path
    new_topic = paths["/topics"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "city" in new_topic["properties"]["platform_level"]["enum"]

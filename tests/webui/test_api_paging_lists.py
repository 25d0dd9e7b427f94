"""The public results, the publication marks, a member's own items, the raises and a deliberation's opinions come
a page at a time like every other list of the API, and the OpenAPI document says so."""
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from models import TopicPublication
from models.database import writing
from tests.conftest import NOW
from tests.factories import start_topic
from tests.webui.test_api import auth, client, error_of  # noqa: F401  (client is a fixture)
from tests.webui.test_api_paging import walk
from tests.webui.test_triage import PARKING
from workflows.demo.world import user_named
from workflows.platform import levels


def _published(session: Session, count: int) -> list[int]:
    ids = []
    for n in range(count):
        topic = start_topic(session, NOW, title=f"公开议题{n}")
        with writing(session):
            session.add(TopicPublication(topic_id=topic.id, published=True, typical=False, summary=f"摘要{n}",
                                         typical_note="", set_at=NOW + timedelta(hours=n)))
        ids.append(topic.id)
    return ids[::-1]  # newest first


def test_the_public_results_reach_their_second_page(client, session: Session) -> None:  # noqa: F811
    ids = _published(session, 3)
    first = client.get("/api/v1/public/results?per_page=2").get_json()
    assert [t["id"] for t in first["items"]] == ids[:2] and first["total"] == 3
    second = client.get(first["links"]["next"]).get_json()
    assert [t["id"] for t in second["items"]] == ids[2:] and second["links"]["next"] is None
    assert [t["id"] for t in walk(client, "/api/v1/public/results?per_page=1&q=公开", "items")] == ids
    assert client.get("/api/v1/public/results?page=²").status_code == 422


def test_the_publication_marks_page_by_number(client, session: Session) -> None:  # noqa: F811
    _published(session, 2)
    start_topic(session, NOW, title="未公开议题")
    whole = client.get("/api/v1/publication", headers=auth("office_tianning")).get_json()
    assert whole["total"] == len(whole["items"]) == 3 and whole["links"]["next"] is None
    assert walk(client, "/api/v1/publication?per_page=2", "items") == whole["items"]


def test_a_members_own_items_page_by_number(client) -> None:  # noqa: F811
    for n in range(3):
        sent = client.post("/api/v1/recommendations", json={"source": "member", **PARKING, "title": f"停车难{n}"},
                           headers=auth("member_tianning"))
        assert sent.status_code == 201, sent.get_json()
    titles = [i["title"] for i in walk(client, "/api/v1/recommendations?per_page=2", "items", "member_tianning")]
    assert titles == ["停车难2", "停车难1", "停车难0"]


def test_the_raises_page_by_number_per_box(client, session: Session) -> None:  # noqa: F811
    town_office = user_named(session, "office_zhenglu")
    for n in range(3):
        topic = start_topic(session, NOW + timedelta(hours=n), level="town", town="zhenglu", title=f"镇议题{n}")
        with writing(session):
            levels.raise_topic(session, town_office, topic.id, "需区级协调", NOW + timedelta(hours=n))
    received = walk(client, "/api/v1/raises?per_page=2", "raises")
    assert [r["topic"]["title"] for r in received] == ["镇议题2", "镇议题1", "镇议题0"]
    assert received[0]["topic"]["platform"] == "zhenglu"
    sent = walk(client, "/api/v1/raises?box=sent&per_page=1", "raises", "office_zhenglu")
    assert [r["id"] for r in sent] == [r["id"] for r in received]
    assert walk(client, "/api/v1/raises?box=sent", "raises") == []
    assert error_of(client.get("/api/v1/raises?box=all", headers=auth("office_tianning")), 422)["fields"] == {
        "box": "received or sent"}


@pytest.mark.parametrize("path", ["/public/results", "/publication", "/recommendations", "/raises",
                                  "/deliberations/{code}", "/public/deliberation/{token}"])
def test_the_openapi_document_describes_their_paging(client, path: str) -> None:  # noqa: F811
    listed = client.get("/api/v1/openapi.json").get_json()["paths"][path]["get"]
    assert {"page", "per_page"} <= {p.get("name") for p in listed["parameters"]}
    assert {"total", "links"} <= set(listed["responses"]["200"]["content"]["application/json"]["schema"]["properties"])

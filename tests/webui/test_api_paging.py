"""The API's lists come a page at a time with their total and the links to the other pages; bad paging is a 422."""
import base64

import pytest
from sqlalchemy import create_engine, text

from tests.webui.test_api import auth, client, complete, error_of, start  # noqa: F401  (client is a fixture)
from workflows.demo.world import district_path

OFFICE = "office_tianning"


def walk(client, url: str, key: str, username: str = OFFICE) -> list[dict]:  # noqa: F811
    """Follow the next links from ``url``; check every page's total and Link header; return all rows."""
    rows, totals = [], set()
    while url:
        response = client.get(url, headers=auth(username))
        assert response.status_code == 200, response.get_data(as_text=True)
        page = response.get_json()
        rows += page[key]
        totals.add(page["total"])
        url = page["links"]["next"]
        assert (f'<{url}>; rel="next"' in response.headers["Link"]) == bool(url)
    assert totals == {len(rows)}
    return rows


def test_the_task_list_pages_by_cursor_through_every_task_once_in_order(client, db_url):  # noqa: F811
    for _ in range(7):
        start(client)
    # Two tasks without a deadline: they come last, and the cursor crosses into them.
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE task_item SET due_at = NULL, warn_at = NULL WHERE id IN "
                                "(SELECT id FROM task_item ORDER BY id LIMIT 2)"))
    engine.dispose()
    whole = client.get("/api/v1/tasks", headers=auth(OFFICE)).get_json()
    assert (whole["total"], len(whole["tasks"]), whole["next_cursor"], whole["links"]["next"]) == (7, 7, None, None)
    for limit in (1, 2, 3, 6):
        paged = walk(client, f"/api/v1/tasks?limit={limit}", "tasks")
        assert [t["id"] for t in paged] == [t["id"] for t in whole["tasks"]]
    assert [t["due_at"] for t in whole["tasks"]][-2:] == [None, None]


def test_the_next_page_keeps_the_other_query_parameters(client):  # noqa: F811
    first = start(client)["open_tasks"][0]
    complete(client, first["id"], OFFICE, district_path("tianning")[0][2])
    start(client), start(client)
    page = client.get("/api/v1/tasks?status=completed&limit=1", headers=auth(OFFICE)).get_json()
    assert page["total"] == 1 and page["links"]["next"] is None and page["tasks"][0]["id"] == first["id"]
    ready = client.get("/api/v1/tasks?status=ready&limit=1", headers=auth(OFFICE)).get_json()
    assert "status=ready" in ready["links"]["next"] and "limit=1" in ready["links"]["next"]


@pytest.mark.parametrize("query", [
    "limit=0", "limit=201", "limit=-1", "limit=abc", "limit=%EF%BC%93", "limit=99999999999999999999",
    "cursor=!!!", "cursor=" + base64.urlsafe_b64encode(b'["tomorrow",1]').decode(),
    "cursor=" + base64.urlsafe_b64encode(b'[null,99999999999999999999]').decode(),
    "cursor=" + base64.urlsafe_b64encode(b'["2026-03-01T00:00:00",1]').decode(),
    "cursor=" + base64.urlsafe_b64encode(b'{"a":1}').decode(), "cursor=" + "A" * 5000,
])
def test_bad_paging_of_the_task_list_is_refused_with_the_parameter_named(client, query):  # noqa: F811
    error = error_of(client.get(f"/api/v1/tasks?{query}", headers=auth(OFFICE)), 422)
    assert error["message"] == "bad query" and set(error["fields"]) == {query.split("=")[0]}


def test_a_topics_history_pages_by_number(client):  # noqa: F811
    topic = start(client)
    task = topic["open_tasks"][0]
    complete(client, task["id"], OFFICE, district_path("tianning")[0][2])
    url = f"/api/v1/topics/{topic['id']}/history"
    whole = client.get(url, headers=auth(OFFICE)).get_json()
    assert whole["total"] == len(whole["events"]) >= 2 and whole["links"]["next"] is None
    paged = walk(client, f"{url}?per_page=1", "events")
    assert [e["id"] for e in paged] == [e["id"] for e in whole["events"]]
    last = client.get(f"{url}?per_page=1&page=2", headers=auth(OFFICE)).get_json()
    assert last["links"]["prev"].endswith("page=1") and last["links"]["first"].endswith("page=1")
    beyond = client.get(f"{url}?per_page=1&page=50", headers=auth(OFFICE)).get_json()
    assert (beyond["events"], beyond["total"], beyond["links"]["next"]) == ([], whole["total"], None)
    error_of(client.get(f"{url}?page=0", headers=auth(OFFICE)), 422)
    error_of(client.get(f"{url}?per_page=500", headers=auth(OFFICE)), 422)


def test_the_openapi_document_describes_the_paging(client):  # noqa: F811
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    tasks = paths["/tasks"]["get"]
    assert {"limit", "cursor", "status"} <= {p["name"] for p in tasks["parameters"]}
    history = paths["/topics/{topic_id}/history"]["get"]
    assert {"page", "per_page"} <= {p["name"] for p in history["parameters"]}
    for path in ("/notifications", "/deliveries", "/extensions", "/routes", "/processes", "/drafts", "/bindings"):
        listed = paths[path]["get"]
        assert {"page", "per_page"} <= {p.get("name") for p in listed.get("parameters", [])}, path

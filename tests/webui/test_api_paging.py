"""The API's lists come a page at a time with their total and the links to the other pages; bad paging is a 422."""
import base64

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import NOW
from tests.webui.test_api import auth, client, complete, error_of, start  # noqa: F401  (client is a fixture)
from tests.workflows.platform import known
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


def test_the_audit_log_pages_by_offset_with_links(client):  # noqa: F811
    for n in range(5):
        made = client.post("/api/v1/users", json={"username": f"paged{n}", "display_name": f"分页{n}"},
                           headers=auth("sysadmin"))
        assert made.status_code == 201, made.get_json()
    whole = client.get("/api/v1/audit", headers=auth("auditor")).get_json()
    assert whole["total"] == len(whole["entries"]) >= 5 and whole["links"]["next"] is None
    paged = walk(client, "/api/v1/audit?limit=2", "entries", "auditor")
    assert [e["id"] for e in paged] == [e["id"] for e in whole["entries"]]
    second = client.get("/api/v1/audit?limit=2&offset=2", headers=auth("auditor")).get_json()
    assert second["links"]["prev"].endswith("offset=0") and "limit=2" in second["links"]["last"]


@pytest.mark.parametrize(("path", "key", "username"), [
    ("/api/v1/organizations", "organizations", "sysadmin"), ("/api/v1/units", "units", "sysadmin"),
    ("/api/v1/users", "users", "sysadmin"), ("/api/v1/members", "members", "sysadmin"),
    ("/api/v1/points?year=2026", "members", "supervisor_city"),
    ("/api/v1/assessment?year=2026", "units", "supervisor_city"),
])
def test_the_directory_and_platform_lists_page_by_number(client, session, path, key, username):  # noqa: F811
    if key == "members":
        known.members(session, NOW)
    whole = client.get(path, headers=auth(username)).get_json()
    assert whole["total"] == len(whole[key]) >= 3 and whole["links"]["next"] is None
    paged = walk(client, f"{path}{'&' if '?' in path else '?'}per_page=2", key, username)
    assert paged == whole[key]
    if "rank" in whole[key][0]:  # ranks run on across the pages
        assert [row["rank"] for row in paged] == list(range(1, len(paged) + 1))


def test_rooms_and_activities_page_with_their_year(client):  # noqa: F811
    for n in range(3):
        made = client.post("/api/v1/rooms", json={"organization": "zhenglu", "name": f"议事室{n}", "address": "人民路",
                                                  "host": "党群服务中心", "functions": ["member_home"]},
                           headers=auth("office_tianning"))
        assert made.status_code == 201, made.get_json()
    page = client.get("/api/v1/rooms?year=2026&per_page=2", headers=auth("supervisor_city")).get_json()
    assert (page["year"], page["total"], len(page["rooms"])) == (2026, 3, 2) and "year=2026" in page["links"]["next"]
    assert [r["name"] for r in walk(client, "/api/v1/rooms?per_page=1", "rooms", "supervisor_city")] == [
        "议事室0", "议事室1", "议事室2"]
    activities = client.get("/api/v1/activities?year=2026", headers=auth("supervisor_city")).get_json()
    assert activities["year"] == 2026 and activities["total"] == len(activities["activities"])


def test_the_office_proposal_list_pages_newest_first(client):  # noqa: F811
    from tests.webui.test_public_proposals import _propose

    for n in range(3):
        assert _propose(client, title=f"路灯{n}").status_code == 302
    office = "office_tianning"
    whole = client.get("/api/v1/proposals", headers=auth(office)).get_json()
    assert whole["total"] == 3 and [p["title"] for p in whole["items"]] == ["路灯2", "路灯1", "路灯0"]
    assert walk(client, "/api/v1/proposals?status=received&per_page=2", "items", office) == whole["items"]


@pytest.mark.parametrize(("url", "username", "name"), [
    ("/api/v1/audit?limit=0", "auditor", "limit"), ("/api/v1/audit?limit=501", "auditor", "limit"),
    ("/api/v1/audit?offset=-1", "auditor", "offset"), ("/api/v1/audit?offset=1" + "0" * 20, "auditor", "offset"),
    ("/api/v1/audit?limit=%EF%BC%93", "auditor", "limit"), ("/api/v1/users?page=0", "sysadmin", "page"),
    ("/api/v1/organizations?per_page=201", "sysadmin", "per_page"), ("/api/v1/units?page=x", "sysadmin", "page"),
    ("/api/v1/members?per_page=", "sysadmin", "per_page"), ("/api/v1/rooms?page=-2", "supervisor_city", "page"),
    ("/api/v1/activities?per_page=0", "supervisor_city", "per_page"),
    ("/api/v1/points?page=9999999999", "supervisor_city", "page"),
    ("/api/v1/assessment?per_page=1e3", "supervisor_city", "per_page"),
    ("/api/v1/topics/1/suggestions?page=0", "supervisor_city", "page"),
    ("/api/v1/proposals?per_page=abc", "office_tianning", "per_page"),
])
def test_bad_paging_of_the_other_lists_is_a_422_naming_the_parameter(client, url, username, name):  # noqa: F811
    if "suggestions" in url:
        start(client)
    error = error_of(client.get(url, headers=auth(username)), 422)
    assert error["message"] == "bad query" and set(error["fields"]) == {name}


def test_the_openapi_document_describes_the_paging_of_every_list(client):  # noqa: F811
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"limit", "offset"} <= {p["name"] for p in paths["/audit"]["get"]["parameters"]}
    for path in ("/organizations", "/units", "/users", "/members", "/rooms", "/activities", "/points",
                 "/assessment", "/topics/{topic_id}/suggestions", "/proposals"):
        listed = paths[path]["get"]
        assert {"page", "per_page"} <= {p.get("name") for p in listed["parameters"]}, path
        assert {"total", "links"} <= set(listed["responses"]["200"]["content"]["application/json"]["schema"][
            "properties"]), path

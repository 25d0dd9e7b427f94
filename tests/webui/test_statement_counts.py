"""The list pages and the supervisors' dashboard send as many SQL statements at 100 topics as at 10."""
from tests.counting import add_topics, counted

PAGES = {
    "office_tianning": ("/", "/topics/", "/lists/inbox/export.csv"),
    "housing_tianning": ("/?warning=normal",),
    "supervisor_tianning": ("/supervision/", "/supervision/tasks?page=2", "/supervision/replies"),
    "supervisor_city": ("/supervision/",),
}


def statements(app, actors) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Count the statements of each page, each a request of its own."""
    found = {}
    for username, urls in PAGES.items():
        for url in urls:
            with counted(app.extensions["db_engine"]) as seen:
                assert actors[username].get(url).status_code == 200, url
            found[f"{username} {url}"] = len(seen)
    return found


def test_the_pages_cost_the_same_statements_at_10_and_100_topics(app, web, session):
    actors = {username: web(username) for username in PAGES}
    add_topics(session, 0, 10)
    at_10 = statements(app, actors)
    add_topics(session, 10, 100)
    assert statements(app, actors) == at_10

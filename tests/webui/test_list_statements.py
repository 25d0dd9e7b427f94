"""Lists read in a fixed number of statements and bounded in SQL: the leader's plans whatever the number of
districts, the supervisors' joint-topics panel (ten rows read, not all), the levels index a page at a time."""
import re
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from models import Organization, OrgKind
from models.database import writing
from tests.conftest import NOW
from tests.counting import counted
from tests.factories import start_topic
from webui.pages import levels as levels_pages
from workflows.demo.world import user_named
from workflows.platform import levels


def _statements(app: Any, actor: Any, url: str) -> int:
    with counted(app.extensions["db_engine"]) as seen:
        assert actor.get(url).status_code == 200, url
    return len(seen)


def test_the_city_leaders_page_costs_the_same_statements_whatever_the_number_of_districts(
        app: Any, web: Any, session: Session) -> None:
    leader = web("party_changzhou")
    before = _statements(app, leader, "/platform/leader?year=2026")
    city = session.scalar(select(Organization).where(Organization.code == "changzhou"))
    assert city is not None
    with writing(session):
        for n in range(3):
            session.add(Organization(code=f"new-district-{n}", name=f"新区{n}", kind=OrgKind.DISTRICT,
                                     parent_id=city.id))
    page = leader.get("/platform/leader?year=2026").get_data(as_text=True)
    assert page.count('data-district="new-district-') == 3
    assert _statements(app, leader, "/platform/leader?year=2026") == before


def _joint(session: Session, count: int) -> list[int]:
    office = user_named(session, "office_tianning")
    ids = []
    for n in range(count):
        topic = start_topic(session, NOW, title=f"联合议题{n}")
        with writing(session):
            levels.add_co_platform(session, office, topic.id, "xinbei", NOW)
        ids.append(topic.id)
    return ids


def _limit_and_offset(statement: str, parameters: Any) -> tuple[Any, ...]:
    """Return the values bound to LIMIT and OFFSET: named on PostgreSQL, the last two positions on SQLite."""
    if isinstance(parameters, dict):
        return tuple(parameters[name] for name in re.findall(r"(?:LIMIT|OFFSET) %\((\w+)\)s", statement))
    return tuple(parameters)[-2:]


def test_the_joint_panel_reads_ten_topics_in_sql(app: Any, web: Any, session: Session) -> None:
    _joint(session, 12)
    supervisor, limits = web("supervisor_tianning"), []

    def seen(_connection: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "FROM topic" in statement and "topic_co_platform" in statement and "count(" not in statement:
            limits.append(_limit_and_offset(statement, parameters))

    event.listen(app.extensions["db_engine"], "before_cursor_execute", seen)
    try:
        panel = supervisor.get("/platform/levels/joint-summary").get_data(as_text=True)
    finally:
        event.remove(app.extensions["db_engine"], "before_cursor_execute", seen)
    assert 'data-testid="joint-count">12<' in panel and panel.count("联合议题") == 10
    assert limits[0] == (10, 0)  # ten topics asked of the database, not all of them sliced to ten


def test_the_levels_index_pages_its_joint_topics(web: Any, session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(levels_pages, "JOINT_PAGE", 2)
    newest_first = _joint(session, 3)[::-1]
    office = web("office_tianning")
    first = office.get("/platform/levels/").get_data(as_text=True)
    assert [f"#{i} " in first for i in newest_first] == [True, True, False] and 'data-testid="joint-next"' in first
    second = office.get("/platform/levels/?page=2").get_data(as_text=True)
    assert f"#{newest_first[2]} " in second and 'data-testid="joint-next"' not in second
    assert 'data-testid="joint-prev"' in second and office.get("/platform/levels/?page=²").status_code == 200

"""The inbox, the supervision list and the supervisors' dashboard cost as many SQL statements at 100 topics as at 10."""
from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.counting import LATER, add_topics, counted
from workflows.demo.world import user_named
from workflows.supervision import escalation
from workflows.supervision.dashboard import dashboard
from workflows.topics import inbox, worklist
from workflows.topics.lifecycle import load_calendar
from workflows.topics.worklist import Filters


def task_list(username: str, conditions: Callable[[Session, Any], list[Any]],
              filters: Filters) -> Callable[[Session], object]:
    """Return a read of one page of a task list with its filter choices, as the page makes it."""
    def read(session: Session) -> object:
        user = user_named(session, username)
        mine = conditions(session, user)
        page = worklist.task_page(session, mine, filters, user, LATER, load_calendar(session))
        assert page.rows, "the list shows tasks"
        return [(r.left.label, r.waiting_label, r.item.topic.platform.name, r.escalated) for r in page.rows], \
            worklist.org_choices(session, mine, worklist.PLATFORM_ID), worklist.waiting_choices(session, mine)
    return read


def the_dashboard(username: str) -> Callable[[Session], object]:
    """Return a read of the supervisors' dashboard of one user."""
    def read(session: Session) -> object:
        figures = dashboard(session, user_named(session, username), LATER)
        assert figures.totals["open"] > 0
        return figures
    return read


READS = {
    "inbox of a district office": task_list("office_tianning", inbox.inbox_conditions, Filters()),
    "inbox of a unit, red only": task_list("housing_tianning", inbox.inbox_conditions, Filters(warning="red")),
    "supervision list": task_list("supervisor_tianning", escalation.open_task_conditions, Filters(page=2)),
    "district dashboard": the_dashboard("supervisor_tianning"),
    "city dashboard": the_dashboard("supervisor_city"),
}


def statements(engine: Engine, sessions: sessionmaker[Session]) -> dict[str, int]:
    """Count the statements of each read, each in a fresh session as a request has."""
    found = {}
    for name, read in READS.items():
        with sessions() as session, counted(engine) as seen:
            read(session)
        found[name] = len(seen)
    return found


def test_lists_and_the_dashboard_cost_the_same_statements_at_10_and_100_topics(db_engine, sessions):
    with sessions() as session:
        add_topics(session, 0, 10)
        at_10 = statements(db_engine, sessions)
        add_topics(session, 10, 100)
    assert statements(db_engine, sessions) == at_10
    assert all(count <= 12 for count in at_10.values()), at_10

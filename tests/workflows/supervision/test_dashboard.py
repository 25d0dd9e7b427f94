"""The overdue dashboard: open, yellow and red counts by district, unit and stage."""
from dataclasses import replace
from datetime import timedelta

from models import Organization
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.demo.world import district_path
from workflows.supervision.dashboard import DashboardRow, overdue_counts


def test_counts_follow_the_due_dates(session):
    first = start_topic(session, NOW, title="一")
    start_topic(session, NOW, title="二")
    due = open_task(session, first, "submit_proposal").due_at
    assert overdue_counts(session, NOW) == [DashboardRow("tianning", "tianning", "proposal", 2, 0, 0)]
    row = DashboardRow("tianning", "tianning", "proposal", 2, 0, 0)
    assert overdue_counts(session, due - timedelta(days=1)) == [replace(row, yellow=2)]
    assert overdue_counts(session, due + timedelta(hours=1)) == [replace(row, red=2)]


def test_rows_split_by_district_unit_and_stage_and_finished_tasks_drop_out(session):
    handled = start_topic(session, NOW)
    path = district_path("tianning", assisting=False)
    sign = next(i for i, s in enumerate(path) if s[0] == "sign_receipt")
    drive(session, handled, path[:sign], NOW)
    start_topic(session, NOW, district="wujin")
    rows = {(r.district, r.unit, r.stage): r.open for r in overdue_counts(session, NOW)}
    assert rows == {("tianning", "tianning-housing", "handling"): 1, ("wujin", "wujin", "proposal"): 1}
    drive(session, handled, path[sign:], NOW)
    assert [(r.district, r.open) for r in overdue_counts(session, NOW)] == [("wujin", 1)]


def test_a_district_scope_leaves_other_districts_out(session):
    start_topic(session, NOW)
    start_topic(session, NOW, district="wujin")
    wujin = session.query(Organization).filter_by(code="wujin").one()
    assert [r.district for r in overdue_counts(session, NOW, district_ids={wujin.id})] == ["wujin"]
    red = overdue_counts(session, NOW + timedelta(days=60), district_ids={wujin.id})
    assert [(r.open, r.yellow, r.red) for r in red] == [(1, 0, 1)]

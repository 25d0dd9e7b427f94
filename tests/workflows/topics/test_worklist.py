"""Lists filter by the warning rule in SQL exactly as rows show it, page in SQL, and agree with the dashboard."""
from collections import Counter
from datetime import timedelta

from sqlalchemy import select

from engine.time.timeleft import level, level_is
from models import TaskItem, TaskStatus
from tests.conftest import NOW
from tests.counting import add_topics
from workflows.demo.world import user_named
from workflows.supervision import escalation
from workflows.supervision.dashboard import dashboard
from workflows.topics import worklist
from workflows.topics.lifecycle import load_calendar
from workflows.topics.worklist import PAGE_SIZE, Filters


def test_the_sql_levels_are_the_row_levels_at_every_moment_even_on_the_edges(session):
    add_topics(session, 0, 10)
    items = session.scalars(select(TaskItem).where(TaskItem.status == TaskStatus.READY)).all()
    items[0].due_at = None
    session.commit()
    moments = {NOW, NOW + timedelta(days=60), *(i.due_at for i in items if i.due_at), *(i.warn_at for i in items
                                                                                         if i.warn_at)}
    for now in sorted(moments):
        for name in ("none", "normal", "yellow", "red"):
            in_sql = set(session.scalars(select(TaskItem.id).where(
                TaskItem.status == TaskStatus.READY, level_is(name, TaskItem.due_at, TaskItem.warn_at, now))))
            assert in_sql == {i.id for i in items if level(i.due_at, i.warn_at, now) == name}, (now, name)


def test_a_page_holds_the_rows_of_the_whole_list_in_order(session):
    add_topics(session, 0, 45)
    user, calendar, now = user_named(session, "supervisor_city"), load_calendar(session), NOW + timedelta(days=9)
    scope = escalation.open_task_conditions(session, user)
    everything = worklist.all_task_rows(session, scope, Filters(), user, now, calendar)
    pages = [worklist.task_page(session, scope, Filters(page=n), user, now, calendar) for n in (1, 2, 3, 99)]
    assert [p.total for p in pages] == [len(everything)] * 4 and len(everything) > 2 * PAGE_SIZE
    assert [r.item.id for p in pages[:3] for r in p.rows] == [r.item.id for r in everything]
    assert pages[3].number == pages[3].pages == 3 and pages[3].rows == pages[2].rows
    red = worklist.task_page(session, scope, Filters(warning="red", district="tianning"), user, now, calendar)
    assert red.total == sum(r.left.level == "red" and r.item.topic.district.code == "tianning" for r in everything)


def test_the_dashboard_counts_what_the_list_shows(session):
    add_topics(session, 0, 30)
    for user in (user_named(session, "supervisor_city"), user_named(session, "supervisor_tianning")):
        for now in (NOW, NOW + timedelta(days=9), NOW + timedelta(days=40)):
            rows = worklist.all_task_rows(session, escalation.open_task_conditions(session, user), Filters(), user,
                                          now, load_calendar(session))
            figures = dashboard(session, user, now)
            expected: Counter[str] = Counter(open=len(rows))
            expected.update(r.left.level for r in rows if r.left.level in ("yellow", "red"))
            assert +figures.totals == expected, (user.username, now)
            assert {stage: +c for stage, c in figures.by_stage.items()} == {
                stage: +Counter(open=sum(r.item.stage == stage for r in rows),
                                yellow=sum(r.item.stage == stage and r.left.level == "yellow" for r in rows),
                                red=sum(r.item.stage == stage and r.left.level == "red" for r in rows))
                for stage in {r.item.stage for r in rows}}

"""The open task tally follows every change of task_item, rolls back with it, and can be rebuilt."""
import contextlib
import importlib.util
import threading

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import delete, select, text

from engine.errors import Conflict, InvalidInput
from models import FeedbackTally, OpenTaskTally
from models.database import MIGRATIONS
from tests.bpmn.test_topic_district import with_loops
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic, writes
from workflows.demo.world import district_path, town_path, user_named
from workflows.supervision import tally
from workflows.topics import lifecycle as topics

topics = writes(topics, "start_topic", "complete_task", "fire_timers")


def counts(session) -> dict[tuple, int]:
    """Return the tally rows with open tasks."""
    rows = session.scalars(select(OpenTaskTally).where(OpenTaskTally.open_count > 0))
    return {(r.district_id, r.candidate_unit_id, r.candidate_org_id, r.stage, r.due_at): r.open_count for r in rows}


def rebuilt(session) -> dict[tuple, int]:
    """Return what the tally holds after counting task_item again (the transaction is rolled back)."""
    tally.rebuild(session)
    result = counts(session)
    session.rollback()
    return result


def test_the_tally_matches_a_recount_after_every_kind_of_change(session):
    closed = start_topic(session, NOW, title="办结")
    drive(session, closed, with_loops(district_path("tianning"), 2, 1), NOW)
    parallel = start_topic(session, NOW, title="两个协办单位")
    path = district_path("tianning")
    minutes = [s[0] for s in path].index("submit_minutes")
    data = {**path[minutes][2], "assisting_units": ["tianning-civil", "tianning-urban"]}
    drive(session, parallel, path[:minutes] + [("submit_minutes", path[minutes][1], data),
                                               ("sign_receipt", "housing_tianning", {})], NOW)
    rejected = start_topic(session, NOW, level="town", district="tianning", town="zhenglu")
    drive(session, rejected, [town_path("tianning", "zhenglu")[0], ("town_committee_review", "committee_zhenglu",
                                                                   {"approved": False, "opinion": "条件不成熟"})], NOW)
    start_topic(session, NOW, district="wujin")
    assert sum(counts(session).values()) == 3
    assert counts(session) == rebuilt(session)


def test_a_refused_completion_leaves_the_tally_as_it_was(session):
    topic = start_topic(session, NOW)
    before = counts(session)
    item = open_task(session, topic, "submit_proposal")
    with pytest.raises(InvalidInput):
        topics.complete_task(session, user_named(session, "office_tianning"), item.id, {"rationale": ""}, now=NOW)
    assert counts(session) == before


def test_two_people_completing_the_same_task_count_it_once(sessions):
    with sessions() as session:
        item_id = open_task(session, start_topic(session, NOW), "submit_proposal").id
    data = district_path("tianning")[0][2]
    barrier = threading.Barrier(2)

    def attempt() -> None:
        with sessions() as own:
            user = user_named(own, "office_tianning")
            barrier.wait()
            with contextlib.suppress(Conflict):  # the loser's Conflict is the point of the race
                topics.complete_task(own, user, item_id, data, now=NOW)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with sessions() as session:
        assert counts(session) == rebuilt(session)
        assert [key[3] for key in counts(session)] == ["approval"]


def migration(pattern: str):  # type: ignore[no-untyped-def]
    """Return the migration module whose file name matches ``pattern``."""
    path = next((MIGRATIONS / "versions").glob(pattern))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_counts_the_tasks_open_before_it(db_engine, session):
    start_topic(session, NOW)
    start_topic(session, NOW, district="wujin")
    expected = counts(session)
    session.close()
    with db_engine.begin() as connection:
        connection.execute(text("DROP TABLE open_task_tally"))  # as before the migration, with tasks open
        connection.execute(text("DROP INDEX ix_task_item_assignee_open"))
        with Operations.context(MigrationContext.configure(connection)):
            for name in ("0004_bench_*.py", "0008_tally_*.py"):  # the tally, then its key of today
                migration(name).upgrade()
    assert counts(session) == expected
    session.execute(delete(OpenTaskTally))
    assert counts(session) == {}
    assert rebuilt(session) == expected


def feedback(session) -> dict[tuple, int]:
    """Return the feedback tally rows that count something."""
    rows = session.scalars(select(FeedbackTally).where(FeedbackTally.count != 0))
    return {(r.district_id, r.platform_id, r.measure): r.count for r in rows}


def test_replies_and_ratings_are_counted_as_given_and_match_a_recount(session):
    topic = start_topic(session, NOW)
    path = district_path("tianning", assisting=False)
    rate = next(i for i, s in enumerate(path) if s[0] == "rate_reply")
    unsatisfied = ("rate_reply", "office_tianning", {"rating": "unsatisfied", "rating_note": "不具体"})
    drive(session, topic, path[:rate] + [unsatisfied, path[rate - 1], path[rate]], NOW)
    start_topic(session, NOW, district="wujin")
    district = topic.district_id
    given = feedback(session)
    assert given == {(district, district, "reply"): 2, (district, district, "reply_on_time"): 2,
                     (district, district, "rating:unsatisfied"): 1,
                     (district, district, f"rating:{path[rate][2]['rating']}"): 1}
    tally.rebuild(session)
    assert feedback(session) == given
    session.rollback()

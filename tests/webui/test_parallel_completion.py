"""Two different parallel tasks of one topic completed at once both succeed; one task completed twice is a 409.

On PostgreSQL both completions read the topic's workflow state and the second update finds its
version gone; the loser is redone inside the server when its own task is still ready. SQLite's
write lock serializes the two requests, so the race is reproduced there by a session holding
the state it read before the other completion committed, exactly what the slower transaction
holds on PostgreSQL.
"""
import threading

import pytest
from sqlalchemy import select

from engine.errors import Conflict
from models import TaskItem, TaskStatus, WorkflowState
from models.database import writing, writing_retried
from tests.conftest import NOW
from tests.factories import drive, open_tasks, start_topic
from webui.database import task_still_ready
from workflows.demo.world import district_path, user_named
from workflows.topics import lifecycle as topics

OPINION = {"unit_opinion": "同意主办单位意见，配合推进。"}


def auth(username: str) -> dict[str, str]:
    return {"Authorization": f"Bearer demo-{username}"}


def parallel_opinions(session) -> dict[str, int]:
    """Return a topic's two open 协办 opinions (civil, urban), by the user who gives each."""
    path = district_path("tianning")
    minutes = [s[0] for s in path].index("submit_minutes")
    data = {**path[minutes][2], "assisting_units": ["tianning-civil", "tianning-urban"]}
    topic = start_topic(session, NOW, title="两个协办单位")
    drive(session, topic, [*path[:minutes], ("submit_minutes", path[minutes][1], data),
                           ("sign_receipt", "housing_tianning", {})], NOW)
    opinions = {i.candidate_unit.code: i for i in open_tasks(session, topic) if i.bpmn_id == "assist_opinion"}
    with writing(session):  # the demo has no user at the urban management bureau: its task is given to one
        opinions["tianning-urban"].assignee = user_named(session, "housing_tianning")
    return {"civil_tianning": opinions["tianning-civil"].id, "housing_tianning": opinions["tianning-urban"].id}


def complete(session, username: str, task_id: int):  # type: ignore[no-untyped-def]
    return topics.complete_task(session, user_named(session, username), task_id, OPINION, now=NOW)


def lose_the_race(sessions, attempt):  # type: ignore[no-untyped-def]
    """Complete one opinion while a slower session holds the state it read before; return the slower one's result."""
    with sessions() as setup:
        opinions = parallel_opinions(setup)
    (first, first_id), (second, second_id) = opinions.items()
    with sessions() as slow, sessions() as fast:
        # read before the other completion commits (and kept: the identity map holds its objects weakly)
        read_before = slow.get(WorkflowState, slow.get(TaskItem, second_id).topic_id)
        with writing(fast):
            complete(fast, first, first_id)
        assert read_before is not None
        return attempt(slow, second, second_id)


def test_without_a_redo_a_completion_loses_the_race_on_its_topic(sessions):
    def once(slow, username, task_id):  # type: ignore[no-untyped-def]
        with writing(slow):
            return complete(slow, username, task_id)

    with pytest.raises(Conflict):  # a false conflict: its own task still waits
        lose_the_race(sessions, once)


def test_a_completion_that_lost_the_race_on_its_topic_is_redone(sessions):
    def redone(slow, username, task_id):  # type: ignore[no-untyped-def]
        return writing_retried(slow, lambda: complete(slow, username, task_id), lambda: task_still_ready(slow, task_id))

    assert lose_the_race(sessions, redone).item.status is TaskStatus.COMPLETED
    with sessions() as check:
        statuses = check.scalars(select(TaskItem.status).where(TaskItem.bpmn_id == "assist_opinion")).all()
        assert statuses == [TaskStatus.COMPLETED] * 2


def test_the_same_task_completed_twice_is_still_a_conflict(sessions):
    with sessions() as setup:
        opinions = parallel_opinions(setup)
    task_id = opinions["civil_tianning"]
    with sessions() as slow, sessions() as fast:
        read_before = slow.get(WorkflowState, slow.get(TaskItem, task_id).topic_id)
        with writing(fast):
            complete(fast, "civil_tianning", task_id)
        with pytest.raises(Conflict):
            writing_retried(slow, lambda: complete(slow, "civil_tianning", task_id),
                            lambda: task_still_ready(slow, task_id))
        assert read_before is not None


def test_different_parallel_tasks_completed_at_once_through_the_api_both_succeed(app):
    with app.extensions["db_sessions"]() as setup:
        opinions = parallel_opinions(setup)
    barrier = threading.Barrier(len(opinions))
    answers: dict[str, int] = {}

    def attempt(username: str, task_id: int) -> None:
        client = app.test_client()
        barrier.wait()
        answers[username] = client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": OPINION},
                                         headers=auth(username)).status_code

    threads = [threading.Thread(target=attempt, args=pair) for pair in opinions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == {username: 200 for username in opinions}


def test_one_task_completed_twice_at_once_through_the_api_gives_one_409(app):
    with app.extensions["db_sessions"]() as setup:
        task_id = parallel_opinions(setup)["civil_tianning"]
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def attempt() -> None:
        client = app.test_client()
        barrier.wait()
        answers.append(client.post(f"/api/v1/tasks/{task_id}/complete", json={"data": OPINION},
                                   headers=auth("civil_tianning")).status_code)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [200, 409]

"""The topic service: the research gate, concurrent completion, permissions, bad form input."""

import threading

import pytest
from sqlalchemy import select

from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from models import Event, TaskItem, TaskStatus, WorkflowState
from tests.conftest import NOW
from tests.factories import drive, open_ids, open_task, start_topic, writes
from workflows.demo.world import district_path, user_named
from workflows.topics import lifecycle as topics
from workflows.topics.timeline import due_then

topics = writes(topics, "start_topic", "complete_task", "fire_timers")


def test_no_research_no_consultation(session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning")[:4], NOW)
    research = open_task(session, topic, "research")
    committee = user_named(session, "committee_tianning")
    with pytest.raises(InvalidInput) as caught:
        topics.complete_task(session, committee, research.id, {"research_report": "   "}, now=NOW)
    assert caught.value.fields == {"research_report": "required (必填)"}
    assert open_ids(session, topic) == ["research"]


def test_missing_and_unknown_fields_are_named(session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    office = user_named(session, "office_tianning")
    with pytest.raises(InvalidInput) as caught:
        topics.complete_task(session, office, item.id, {"committee": "nowhere", "__builtins__": 1}, now=NOW)
    assert caught.value.fields == {
        "__builtins__": "not a field of this form",
        "committee": "unknown unit 'nowhere'",
        "rationale": "required (必填)",
    }


def test_rejection_without_a_reason_is_refused(session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning")[:1], NOW)
    item = open_task(session, topic, "chairs_review")
    with pytest.raises(InvalidInput) as caught:
        topics.complete_task(session, user_named(session, "chair_tianning"), item.id, {"approved": False}, now=NOW)
    assert "opinion" in caught.value.fields


def test_a_completed_task_cannot_be_completed_again(session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    step = district_path("tianning")[0]
    drive(session, topic, [step], NOW)
    with pytest.raises(Conflict, match="already completed"):
        topics.complete_task(session, user_named(session, "office_tianning"), item.id, step[2], now=NOW)


def test_wrong_role_is_forbidden_and_another_districts_task_is_not_found(session):
    topic = start_topic(session, NOW)
    item = open_task(session, topic, "submit_proposal")
    data = district_path("tianning")[0][2]
    with pytest.raises(Forbidden):
        topics.complete_task(session, user_named(session, "chair_tianning"), item.id, data, now=NOW)
    with pytest.raises(NotFound):
        topics.complete_task(session, user_named(session, "office_wujin"), item.id, data, now=NOW)
    with pytest.raises(NotFound):
        topics.complete_task(session, user_named(session, "housing_tianning"), item.id, data, now=NOW)


def test_only_the_platforms_office_starts_topics(session):
    fields = {
        "title": "t",
        "category": "livelihood",
        "source": "public",
        "platform_level": "district",
        "district": "tianning",
    }
    with pytest.raises(Forbidden):
        topics.start_topic(session, user_named(session, "office_wujin"), fields, now=NOW)


def test_bad_topic_fields_are_named(session):
    with pytest.raises(InvalidInput) as caught:
        topics.start_topic(
            session,
            user_named(session, "office_tianning"),
            {
                "title": "",
                "category": "x",
                "platform_level": "town",
                "district": "tianning",
                "town": "hutang",
                "colour": "red",
            },
            now=NOW,
        )
    assert set(caught.value.fields) == {"title", "category", "source", "town", "colour"}


def test_two_people_completing_the_same_task_at_once_exactly_one_wins(sessions):
    with sessions() as session:
        topic = start_topic(session, NOW)
        item_id = open_task(session, topic, "submit_proposal").id
        topic_id = topic.id
    data = district_path("tianning")[0][2]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def attempt() -> None:
        with sessions() as own:
            user = user_named(own, "office_tianning")
            barrier.wait()
            try:
                topics.complete_task(own, user, item_id, data, now=NOW)
                outcomes.append("ok")
            except Conflict:
                outcomes.append("conflict")

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "ok"]
    with sessions() as session:
        completed = session.scalars(
            select(Event).where(Event.topic_id == topic_id, Event.kind == "task_completed")
        ).all()
        assert len(completed) == 1
        assert session.get(WorkflowState, topic_id).version == 2
        assert [
            i.bpmn_id
            for i in session.scalars(
                select(TaskItem).where(TaskItem.topic_id == topic_id, TaskItem.status == TaskStatus.READY)
            )
        ] == ["chairs_review"]


def test_stored_state_leaves_the_spec_out(session):
    topic = start_topic(session, NOW)
    stored = session.get(WorkflowState, topic.id)
    assert '"spec"' not in stored.state_json[:200]
    assert len(stored.state_json) < 8000


def test_a_completion_writes_its_row_and_an_event_that_keeps_the_deadline_of_the_moment(session):
    # The completion's row and event are statements outside the unit of work: no listener stamps them.
    steps = district_path("tianning", assisting=False)
    sign = [step[0] for step in steps].index("sign_receipt")
    topic = start_topic(session, NOW)
    drive(session, topic, steps[:sign], NOW)
    item = open_task(session, topic, "sign_receipt")
    due = item.due_at
    assert due is not None
    drive(session, topic, [steps[sign]], NOW)
    session.expire_all()
    signer = user_named(session, steps[sign][1])
    row = session.get(TaskItem, item.id)
    assert row is not None
    assert (row.status, row.completed_by_id, row.assignee_id) == (TaskStatus.COMPLETED, signer.id, signer.id)
    event = session.scalars(select(Event).where(Event.task_item_id == item.id, Event.kind == "task_completed")).one()
    assert (event.actor_id, event.payload["task"], event.at) == (signer.id, "sign_receipt", row.completed_at)
    assert due_then(event.payload) == due

"""Moving running topics to a newer version: a dry run with reasons, topics at several stages, all or nothing."""
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.errors import Conflict
from engine.store import projection
from engine.store import versions as processes
from engine.time.calendar import SHANGHAI
from models import Event, TaskItem, TaskStatus, Topic, TopicStatus, WorkflowState
from tests import diagram_edits as edit
from tests.conftest import NOW
from tests.factories import drive, open_ids, open_task, start_topic, writes
from workflows.administration import migration, review
from workflows.demo.world import district_path, user_named
from workflows.topics import lifecycle as topics

review = writes(review, "submit", "approve", "reject")
topics = writes(topics, "start_topic", "complete_task", "fire_timers")

PATH_XML_DIR = Path(__file__).resolve().parents[3] / "bpmn"
PATH_XML = (PATH_XML_DIR / "topic_path.bpmn").read_bytes()
STAGES = {"approval": 1, "research": 4, "handling": 9, "feedback": 10, "rating": 11}


def deployed(session, data: bytes, bind_to=("tianning",)):
    """Deploy as one administrator, approve as the other: the version is bound where asked."""
    version = review.submit(session, user_named(session, "admin"), data, source_name="topic_path.bpmn",
                            note="test change", bind_to=bind_to, now=NOW)
    return review.approve(session, user_named(session, "admin2"), version.id, now=NOW)


def topics_at_every_stage(session, district: str = "tianning") -> dict[str, Topic]:
    path = district_path(district)
    found = {}
    for stage, steps in STAGES.items():
        topic = start_topic(session, NOW, district=district, title=f"{district} {stage}")
        drive(session, topic, path[:steps], NOW)
        found[stage] = topic
    return found


def pinned(session, topic: Topic) -> dict[str, int]:
    return dict(session.get(WorkflowState, topic.id).subprocess_versions)


def test_a_shorter_written_feedback_clock_reaches_running_topics_of_one_district(session):
    here = topics_at_every_stage(session)
    elsewhere = start_topic(session, NOW, district="wujin", title="wujin feedback")
    drive(session, elsewhere, district_path("wujin")[:10], NOW)
    before = open_task(session, here["feedback"], "write_reply").due_at
    v2 = deployed(session, edit.set_property(PATH_XML, "write_reply", "clock", "2m"))
    admin = user_named(session, "admin")

    dry = {v.topic_id: v for v in migration.plan(session, admin, v2.id, [*(t.id for t in here.values()), elsewhere.id])}
    assert all(dry[t.id].can_move for t in here.values()), [dry[t.id].reasons for t in here.values()]
    assert dry[elsewhere.id].reasons == ["new topics of 武进区 use topic_path v1; bind topic_path v2 for it first"]
    assert "open task write_reply (办理并书面答复) takes the new properties" in dry[here["feedback"].id].notes
    assert pinned(session, here["feedback"])["topic_path"] != v2.id, "a dry run changes nothing"

    moved = migration.migrate(session, admin, v2.id, [t.id for t in here.values()], address="127.0.0.1", now=NOW)
    assert [v.moved for v in moved] == [True] * len(here)
    for topic in here.values():
        assert pinned(session, topic)["topic_path"] == v2.id
    after = open_task(session, here["feedback"], "write_reply").due_at
    signed = open_task(session, here["feedback"], "write_reply").created_at.astimezone(SHANGHAI).date()
    calendar = topics.load_calendar(session)
    assert before == calendar.add_months(signed, 3).end_at()
    assert after == calendar.add_months(signed, 2).end_at() < before
    assert open_task(session, elsewhere, "write_reply").due_at == before

    # a topic that moved at research later meets the new clock, and every moved topic can finish
    path = district_path("tianning")
    drive(session, here["research"], path[4:10], NOW)
    reply = open_task(session, here["research"], "write_reply")
    assert reply.context["clock"] == "2m"
    for stage, topic in here.items():
        drive(session, topic, path[len(_done(session, topic)):], NOW)
        session.refresh(topic)
        assert topic.status is TopicStatus.CLOSED, stage
    events = session.scalars(select(Event).where(Event.kind == "topic_migrated")).all()
    assert {e.topic_id for e in events} == {t.id for t in here.values()}
    assert events[0].payload == {"process": "topic_path", "from": "topic_path v1", "to": "topic_path v2"}


def _done(session, topic: Topic) -> list[TaskItem]:
    return session.scalars(select(TaskItem).where(
        TaskItem.topic_id == topic.id, TaskItem.status == TaskStatus.COMPLETED)).all()


def test_an_added_task_is_met_by_topics_that_have_not_passed_it(session):
    here = topics_at_every_stage(session)
    added = edit.insert_task_after(PATH_XML, "write_reply", "check_reply", "答复审核", "cppcc_office", {
        "stage": "feedback", "form": "sign_receipt", "candidate": "platform", "clock": "5wd", "warn": "2wd"})
    v2 = deployed(session, added)
    admin = user_named(session, "admin")
    verdicts = migration.migrate(session, admin, v2.id, [t.id for t in here.values()], now=NOW)
    assert all(v.moved for v in verdicts), [v.reasons for v in verdicts]

    path = district_path("tianning")
    check = ("check_reply", "office_tianning", {"note": "答复内容已核对"})
    for stage in ("approval", "research", "handling", "feedback"):
        topic = here[stage]
        drive(session, topic, path[STAGES[stage]:11], NOW)
        assert open_ids(session, topic) == ["check_reply"], stage
        drive(session, topic, [check, *path[11:]], NOW)
        session.refresh(topic)
        assert topic.status is TopicStatus.CLOSED
    rating = here["rating"]
    assert open_ids(session, rating) == ["rate_reply"], "a topic past the new task does not go back to it"
    drive(session, rating, path[11:], NOW)
    assert session.get(Topic, rating.id).status is TopicStatus.CLOSED


def test_a_removed_task_blocks_topics_that_reached_it(session):
    sensitive = district_path("tianning", sensitive=True)
    waiting = start_topic(session, NOW, title="waiting at briefing")
    drive(session, waiting, sensitive[:5], NOW)
    briefed = start_topic(session, NOW, title="briefed already")
    drive(session, briefed, sensitive[:6], NOW)
    early = start_topic(session, NOW, title="still researching")
    drive(session, early, sensitive[:4], NOW)
    v2 = deployed(session, edit.remove_task(PATH_XML, "brief_leadership"))

    verdicts = {v.topic_id: v for v in migration.plan(session, user_named(session, "admin"), v2.id)}
    assert verdicts[waiting.id].reasons == [
        "brief_leadership (向党委政府通报) does not exist in topic_path v2, but the topic is waiting at it"]
    assert verdicts[briefed.id].reasons == [
        "brief_leadership (向党委政府通报) does not exist in topic_path v2, but the topic has done it"]
    assert verdicts[early.id].can_move
    state_before = session.get(WorkflowState, waiting.id).state_json
    results = migration.migrate(session, user_named(session, "admin"), v2.id, [waiting.id, early.id], now=NOW)
    assert [r.moved for r in results] == [False, True]
    assert session.get(WorkflowState, waiting.id).state_json == state_before


def test_a_migration_that_fails_midway_leaves_the_topic_exactly_as_it_was(session, monkeypatch):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning")[:10], NOW)
    v2 = deployed(session, edit.set_property(PATH_XML, "write_reply", "clock", "2m"))
    stored = session.get(WorkflowState, topic.id)
    before = (stored.state_json, dict(stored.subprocess_versions), stored.version,
              open_task(session, topic, "write_reply").due_at)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(projection, "refresh", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        migration.migrate(session, user_named(session, "admin"), v2.id, [topic.id], now=NOW)
    session.expire_all()
    stored = session.get(WorkflowState, topic.id)
    after = (stored.state_json, dict(stored.subprocess_versions), stored.version,
             open_task(session, topic, "write_reply").due_at)
    assert after == before
    assert session.scalar(select(Event.id).where(Event.kind == "topic_migrated")) is None


def test_only_an_approved_bound_newer_version_is_a_target(session):
    topic = start_topic(session, NOW)
    admin = user_named(session, "admin")
    pending = review.submit(session, admin, edit.rename(PATH_XML, "research", "调研"), bind_to=("tianning",), now=NOW)
    with pytest.raises(Conflict, match="pending"):
        migration.plan(session, admin, pending.id, [topic.id])
    v1 = processes.bound_version(session, "topic_path", topic.district)
    assert migration.plan(session, admin, v1.id, [topic.id])[0].reasons == ["the topic already runs on topic_path v1"]
    assert migration.candidates(session, v1) == []


def test_a_new_main_version_moves_the_topic_and_keeps_its_called_pins(session):
    topic = start_topic(session, NOW)
    drive(session, topic, district_path("tianning")[:4], NOW)
    district_xml = (PATH_XML_DIR / "topic_district.bpmn").read_bytes()
    v2 = review.submit(session, user_named(session, "admin"), edit.rename(district_xml, "closed", "议题办结"),
                       bind_to=(None,), now=NOW)
    review.approve(session, user_named(session, "admin2"), v2.id, now=NOW)
    pins = pinned(session, topic)
    [verdict] = migration.migrate(session, user_named(session, "admin"), v2.id, [topic.id], now=NOW)
    assert verdict.moved, verdict.reasons
    session.refresh(topic)
    assert topic.process_version.label == "topic_district v2"
    assert pinned(session, topic) == pins
    drive(session, topic, district_path("tianning")[4:], NOW)
    assert session.get(Topic, topic.id).status is TopicStatus.CLOSED


def test_a_town_topic_moves_inside_its_running_approval_subprocess(session):
    from workflows.demo.world import town_path

    topic = start_topic(session, NOW, level="town", town="zhenglu", title="村道路灯修复")
    drive(session, topic, town_path("tianning", "zhenglu")[:1], NOW)
    assert open_ids(session, topic) == ["town_committee_review"]
    approval_xml = (PATH_XML_DIR / "approval" / "town_approval_default.bpmn").read_bytes()
    v_new = deployed(session, edit.set_property(approval_xml, "district_filing", "clock", "3wd"), bind_to=(None,))
    [verdict] = migration.migrate(session, user_named(session, "admin"), v_new.id, [topic.id], now=NOW)
    assert verdict.moved, verdict.reasons
    assert pinned(session, topic)["town_approval"] == v_new.id
    drive(session, topic, town_path("tianning", "zhenglu")[1:4], NOW)
    assert open_task(session, topic, "research").context["clock"] == "30wd"
    filing = session.scalar(
        select(TaskItem).where(TaskItem.topic_id == topic.id, TaskItem.bpmn_id == "district_filing"))
    assert filing.context["clock"] == "3wd"
    drive(session, topic, town_path("tianning", "zhenglu")[4:], NOW)
    assert session.get(Topic, topic.id).status is TopicStatus.CLOSED

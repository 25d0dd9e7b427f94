"""The district platform topic, from proposal to closed or rejected, saved and restored at every step."""

from typing import Any

from sqlalchemy import func, select

from models import Event, TaskItem, TaskStatus, TopicStatus
from tests.conftest import NOW
from tests.factories import drive, open_ids, start_topic
from workflows.demo.world import district_path

Steps = list[tuple[str, str, dict[str, Any]]]


def with_loops(steps: Steps, unsatisfied: int, reinspections: int) -> Steps:
    """Insert unsatisfied ratings (退回重办) and kept-open re-inspections into a happy path."""
    rate = next(i for i, s in enumerate(steps) if s[0] == "rate_reply")
    reply, rating = steps[rate - 1], steps[rate]
    loop: Steps = []
    for n in range(unsatisfied):
        loop += [("rate_reply", rating[1], {"rating": "unsatisfied", "rating_note": f"第{n + 1}次：措施不具体"}), reply]
    close = next(i for i, s in enumerate(steps) if s[0] == "chairs_close")
    follow_up, closing = steps[close - 1], steps[close]
    keep_open: Steps = []
    for _ in range(reinspections):
        keep_open += [("chairs_close", closing[1], {"close_topic": False, "opinion": "再视察一次"}), follow_up]
    return steps[:rate] + loop + steps[rate:close] + keep_open + steps[close:]


def test_whole_lifecycle_with_two_rehandling_loops_and_a_reinspection_loop(session):
    topic = start_topic(session, NOW)
    assert open_ids(session, topic) == ["submit_proposal"]
    assert topic.stage == "proposal"

    drive(session, topic, with_loops(district_path("tianning", sensitive=True), 2, 1), NOW)

    session.refresh(topic)
    assert topic.status is TopicStatus.CLOSED
    assert topic.stage == "reinspection"
    assert open_ids(session, topic) == []
    replies = session.scalars(select(TaskItem).where(TaskItem.topic_id == topic.id, TaskItem.bpmn_id == "write_reply"))
    assert [r.status for r in replies] == [TaskStatus.COMPLETED] * 3
    follow_ups = session.scalar(
        select(func.count()).where(TaskItem.topic_id == topic.id, TaskItem.bpmn_id == "follow_up")
    )
    assert follow_ups == 2
    kinds = session.scalars(select(Event.kind).where(Event.topic_id == topic.id).order_by(Event.id)).all()
    assert kinds[0] == "topic_started" and kinds[-1] == "topic_closed"
    assert kinds.count("task_completed") == len(with_loops(district_path("tianning", sensitive=True), 2, 1))


def test_stages_follow_the_mandated_order(session):
    topic = start_topic(session, NOW)
    seen = []
    for task_id, user, data in district_path("tianning", sensitive=True):
        seen.append(topic.stage)
        drive(session, topic, [(task_id, user, data)], NOW)
    order = ["proposal", "approval", "research", "consultation", "minutes", "handling", "feedback", "reinspection"]
    assert list(dict.fromkeys(seen)) == order


def test_sensitive_topic_is_briefed_and_others_are_not(session):
    sensitive = start_topic(session, NOW, title="敏感议题")
    plain = start_topic(session, NOW, title="一般议题")
    path = district_path("tianning", sensitive=True)
    drive(session, sensitive, path[:5], NOW)
    drive(session, plain, district_path("tianning", sensitive=False)[:5], NOW)
    assert open_ids(session, sensitive) == ["brief_leadership"]
    assert open_ids(session, plain) == ["send_materials"]


def test_lead_and_assisting_units_work_in_parallel(session):
    topic = start_topic(session, NOW)
    path = district_path("tianning")
    minutes = next(i for i, s in enumerate(path) if s[0] == "submit_minutes")
    data = {**path[minutes][2], "assisting_units": ["tianning-civil", "tianning-urban"]}
    drive(session, topic, path[:minutes] + [("submit_minutes", path[minutes][1], data)], NOW)
    drive(session, topic, [("sign_receipt", "housing_tianning", {})], NOW)
    assert open_ids(session, topic) == ["assist_opinion", "assist_opinion"]
    units = sorted(
        i.candidate_unit.code
        for i in session.scalars(
            select(TaskItem).where(TaskItem.topic_id == topic.id, TaskItem.status == TaskStatus.READY)
        )
    )
    assert units == ["tianning-civil", "tianning-urban"]


def test_without_assisting_units_the_lead_unit_replies_after_signing(session):
    topic = start_topic(session, NOW)
    path = district_path("tianning", assisting=False)
    sign = next(i for i, s in enumerate(path) if s[0] == "sign_receipt")
    drive(session, topic, path[: sign + 1], NOW)
    assert open_ids(session, topic) == ["write_reply"]


def test_rejection_by_the_chairs_meeting_ends_the_topic_with_its_reason(session):
    topic = start_topic(session, NOW)
    steps = district_path("tianning")[:1] + [
        ("chairs_review", "chair_tianning", {"approved": False, "opinion": "不属于协商范围"})
    ]
    drive(session, topic, steps, NOW)
    session.refresh(topic)
    assert topic.status is TopicStatus.REJECTED
    assert topic.status_reason == "不属于协商范围"
    assert open_ids(session, topic) == []


def test_rejection_by_the_party_committee_ends_the_topic(session):
    topic = start_topic(session, NOW)
    steps = district_path("tianning")[:2] + [
        ("party_approval", "office_tianning", {"approved": False, "opinion": "暂缓"})
    ]
    drive(session, topic, steps, NOW)
    session.refresh(topic)
    assert (topic.status, topic.status_reason) == (TopicStatus.REJECTED, "暂缓")

"""Instance.save is the one save cycle: a step that fails after a timer fires is recorded like any other."""
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from engine import WorkflowEngine
from models import Event, WorkflowState
from tests.conftest import NOW
from tests.factories import drive, open_ids, start_topic, writes
from workflows.administration import review
from workflows.demo.world import district_path, user_named
from workflows.topics import lifecycle as topics

review = writes(review, "submit", "approve")
topics = writes(topics, "fire_timers")

TIMER_XML = (Path(__file__).resolve().parents[2] / "bpmn" / "data" / "topic_district_timer.bpmn").read_bytes()
# After the timer, a gateway asks for a field no form collects: the step fails when the timer fires.
FAILING_AFTER_TIMER = TIMER_XML.replace(
    b'<bpmn:sequenceFlow id="f3" sourceRef="wait_two_days" targetRef="chairs_review" />',
    b'<bpmn:sequenceFlow id="f3" sourceRef="wait_two_days" targetRef="after_wait" />'
    b'<bpmn:exclusiveGateway id="after_wait" name="still wanted?" default="f3b" />'
    b'<bpmn:sequenceFlow id="f3a" sourceRef="after_wait" targetRef="chairs_review">'
    b'<bpmn:conditionExpression>never_collected == "yes"</bpmn:conditionExpression></bpmn:sequenceFlow>'
    b'<bpmn:sequenceFlow id="f3b" sourceRef="after_wait" targetRef="done" />',
).replace(b"<bpmn:incoming>f3</bpmn:incoming>", b"<bpmn:incoming>f3a</bpmn:incoming>")  # f3a enters chairs_review


def waiting_topic(session):
    """Return a 金坛 topic on the failing diagram, waiting on its two-day timer."""
    version = review.submit(session, user_named(session, "admin"), FAILING_AFTER_TIMER, source_name="timer.bpmn",
                            bind_to=("jintan",), now=NOW)
    review.approve(session, user_named(session, "admin2"), version.id, now=NOW)
    topic = start_topic(session, NOW, district="jintan")
    drive(session, topic, district_path("jintan")[:1], NOW)
    assert open_ids(session, topic) == []
    return topic


def step_failures(session, topic) -> list[Event]:
    return list(session.scalars(select(Event).where(Event.topic_id == topic.id, Event.kind == "step_failed")))


def test_a_step_failing_after_a_timer_fires_records_step_failed(session):
    topic = waiting_topic(session)
    assert topics.fire_timers(session, topic.id, NOW + timedelta(days=3)) == ["wait_two_days"]
    [failed] = step_failures(session, topic)
    stored = session.get(WorkflowState, topic.id)
    assert failed.payload == stored.failure and stored.failure["bpmn_id"] == "after_wait"
    assert "'never_collected' is not in the task data" in failed.payload["message"]
    assert failed.actor_id is None
    topics.fire_timers(session, topic.id, NOW + timedelta(days=4))
    assert len(step_failures(session, topic)) == 1, "the same failure is recorded once"


def test_an_instance_reports_the_failure_and_keeps_it_until_the_step_is_repaired(session):
    topic = waiting_topic(session)
    instance = WorkflowEngine.of(session).load(session, topic.id, topic.process_version_id)
    later = NOW + timedelta(days=3)
    assert list(instance.due_timers(later).values()) == [("wait_two_days", NOW + timedelta(hours=1, days=2))]
    failure = instance.fire_timers(later)
    assert failure is not None and failure["bpmn_id"] == "after_wait"
    saved = instance.save(later, None)
    assert not saved.ended
    assert session.get(WorkflowState, topic.id).failure == failure
    again = WorkflowEngine.of(session).load(session, topic.id, topic.process_version_id)
    assert again.failure == failure and again.pending_failure() == failure

"""A BPMN timer is fired by the sweep through the topic service, once, at the injected time."""
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from models import DeadlineAction, Event, TimerDue
from tests.conftest import NOW
from tests.factories import drive, open_ids, start_topic, writes
from workflows.administration import review
from workflows.deadlines.sweep import sweep
from workflows.demo.world import district_path, user_named
from workflows.topics import lifecycle as topics

review = writes(review, "submit", "approve", "reject")
topics = writes(topics, "start_topic", "complete_task", "fire_timers")

DIAGRAM = Path(__file__).with_name("data") / "topic_district_timer.bpmn"


def bind_timer_diagram(session) -> None:
    """Deploy the timer diagram through the normal checks and bind it for 金坛 only."""
    version = review.submit(session, user_named(session, "admin"), DIAGRAM.read_bytes(), source_name=DIAGRAM.name,
                            bind_to=("jintan",))
    review.approve(session, user_named(session, "admin2"), version.id)


def test_the_sweep_fires_a_due_timer_once_and_the_topic_moves_on(sessions):
    with sessions() as session:
        bind_timer_diagram(session)
        topic = start_topic(session, NOW, district="jintan")
        drive(session, topic, district_path("jintan")[:1], NOW)
        assert open_ids(session, topic) == []
        timer = session.scalar(select(TimerDue).where(TimerDue.topic_id == topic.id))
        assert (timer.bpmn_id, timer.fires_at) == ("wait_two_days", NOW + timedelta(hours=1, days=2))
        assert sweep(session, NOW + timedelta(days=1)).timers == 0
        assert open_ids(session, topic) == []
        assert sweep(session, NOW + timedelta(days=3)).timers == 1
        assert open_ids(session, topic) == ["chairs_review"]
        assert session.scalar(select(func.count()).select_from(TimerDue)) == 0
        assert sweep(session, NOW + timedelta(days=4)).timers == 0
        assert topics.fire_timers(session, topic.id, NOW + timedelta(days=5)) == []
        fired = session.scalars(select(Event).where(Event.topic_id == topic.id, Event.kind == "timer_fired")).all()
        assert [e.payload["timer"] for e in fired] == ["wait_two_days"]
        assert session.scalar(select(func.count()).select_from(DeadlineAction)) == 1


def test_other_districts_keep_the_bundled_diagram(sessions):
    with sessions() as session:
        bind_timer_diagram(session)
        topic = start_topic(session, NOW, district="tianning")
        drive(session, topic, district_path("tianning")[:1], NOW)
        assert open_ids(session, topic) == ["chairs_review"]

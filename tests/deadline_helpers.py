"""Helpers for deadline tests: Shanghai times, a topic waiting for its lead unit, sweeps at a time."""
from datetime import date, datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.time.calendar import SHANGHAI
from models import Event, TaskItem, Topic
from tests.conftest import NOW
from tests.factories import drive, open_task, start_topic
from workflows.deadlines.sweep import SweepReport, SweepSettings, sweep
from workflows.demo.world import district_path

SETTINGS = SweepSettings(remind_after_wd=2, escalate_after_wd=5)


def sh(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """Return an aware datetime at ``hour`` o'clock in Shanghai on ``day``."""
    return datetime.combine(day, time(hour, minute), tzinfo=SHANGHAI)


def topic_waiting_for_signature(session: Session, title: str = "老旧小区加装电梯", assisting: bool = False,
                                district: str = "tianning", start: datetime = NOW) -> tuple[Topic, TaskItem]:
    """Start a topic (on Monday 2 March 2026 09:00) and drive it to the lead unit's signing task, opened that day."""
    topic = start_topic(session, start, district=district, title=title)
    path = district_path(district, assisting=assisting)
    drive(session, topic, path[: [s[0] for s in path].index("sign_receipt")], start)
    return topic, open_task(session, topic, "sign_receipt")


def sweep_at(session: Session, moment: datetime, settings: SweepSettings = SETTINGS) -> SweepReport:
    """Sweep as of ``moment``."""
    return sweep(session, moment, settings)


def kinds(session: Session, topic: Topic, prefix: tuple[str, ...] = ("warning", "task_re", "task_esc")) -> list[str]:
    """Return the kinds of the topic's deadline events, oldest first."""
    rows = session.scalars(select(Event.kind).where(Event.topic_id == topic.id).order_by(Event.id))
    return [k for k in rows if k.startswith(prefix)]

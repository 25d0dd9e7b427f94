"""Plain functions that build topics for tests, through the engine as a person would."""
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from models import TaskItem, Topic
from workflows.demo.world import run_steps, user_named
from workflows.topics import lifecycle as topics
from workflows.topics.inbox import open_tasks


def start_topic(session: Session, at: datetime, level: str = "district", district: str = "tianning",
                town: str | None = None, title: str = "老旧小区加装电梯") -> Topic:
    """Start a topic as the platform's CPPCC office."""
    office = f"office_{town or district}"
    fields = {"title": title, "description": "群众反映强烈", "category": "livelihood", "source": "public",
              "platform_level": level, "district": district, "town": town}
    return topics.start_topic(session, user_named(session, office), fields, now=at)


def drive(session: Session, topic: Topic, steps: list[tuple[str, str, dict[str, Any]]], at: datetime) -> None:
    """Complete the steps in order, failing the test if one is not open."""
    run_steps(session, topic, steps, at)


def open_ids(session: Session, topic: Topic) -> list[str]:
    """Return the BPMN ids of the topic's open tasks, sorted."""
    return sorted(i.bpmn_id for i in open_tasks(session, topic))


def open_task(session: Session, topic: Topic, bpmn_id: str) -> TaskItem:
    """Return the topic's open task with this BPMN id."""
    return next(i for i in open_tasks(session, topic) if i.bpmn_id == bpmn_id)

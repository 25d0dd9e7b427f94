"""Plain functions that build topics for tests, through the engine as a person would.

Services run inside their caller's write transaction; ``writes`` stands in for the route or
command that opens it, so tests call services as before.
"""
import functools
from collections.abc import Callable
from datetime import datetime
from types import ModuleType
from typing import Any

from sqlalchemy.orm import Session

from models import TaskItem, Topic
from models.database import writing
from workflows.demo.world import run_steps, user_named
from workflows.topics import lifecycle as topics
from workflows.topics.inbox import open_tasks


def start_topic(session: Session, at: datetime, level: str = "district", district: str = "tianning",
                town: str | None = None, title: str = "老旧小区加装电梯") -> Topic:
    """Start a topic as the platform's CPPCC office."""
    office = f"office_{town or district}"
    fields = {"title": title, "description": "群众反映强烈", "category": "livelihood", "source": "public",
              "platform_level": level, "district": district, "town": town}
    with writing(session):
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


def writes(module: ModuleType, *names: str) -> Any:
    """Return ``module`` with its named functions each run in one write transaction, as a route would open it."""
    return _Written(module, set(names))


class _Written:
    def __init__(self, module: ModuleType, names: set[str]) -> None:
        self._module, self._names = module, names

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._module, name)
        return _in_writing(found) if name in self._names else found


def _in_writing(service: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(service)
    def call(session: Session, *args: Any, **kwargs: Any) -> Any:
        with writing(session):
            return service(session, *args, **kwargs)
    return call

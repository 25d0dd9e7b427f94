"""The topics the synthetic load is cloned from: real topics run once through the engine.

Used by bench/__main__.py. For every district and town platform one topic is driven through
the whole path (three re-handling loops and a re-inspection loop) and a snapshot of its rows
(topic, workflow_state, task_item, event) is kept after every step; bench/bulk.py clones them.
"""
import enum
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from bench.timing import Steps, to_reply, with_loops
from models import Event, TaskItem, Topic, WorkflowState
from models.database import writing
from workflows.demo.world import DISTRICTS, TOWNS, district_path, town_path, user_named
from workflows.topics import lifecycle as topics
from workflows.topics.inbox import open_tasks

TABLES: tuple[Table, ...] = (Topic.__table__, WorkflowState.__table__, TaskItem.__table__, Event.__table__)


@dataclass
class Snapshot:
    """The rows of one topic at one moment, by table name, as the driver takes them."""

    columns: dict[str, list[str]]
    rows: dict[str, list[list[Any]]]
    label: str

    def column(self, table: str, row: list[Any], name: str) -> Any:
        """Return one value of a row."""
        return row[self.columns[table].index(name)]

    def state_json(self) -> str:
        """Return the stored workflow JSON."""
        return str(self.column("workflow_state", self.rows["workflow_state"][0], "state_json"))


def plain(value: Any) -> Any:
    """Return a value as the drivers take it: enums as their text, JSON columns as JSON text."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def capture(session: Session, topic_id: int, label: str) -> Snapshot:
    """Copy the rows of one topic as plain dictionaries."""
    connection = session.connection()
    columns, rows = {}, {}
    for table in TABLES:
        key = table.c.id if table.name == "topic" else table.c.topic_id
        columns[table.name] = [c.name for c in table.columns]
        rows[table.name] = [[plain(v) for v in r] for r in connection.execute(select(table).where(key == topic_id))]
    return Snapshot(columns, rows, label)


def drive(session: Session, steps: Steps, level: str, district: str, town: str | None, at: datetime,
          title: str) -> list[Snapshot]:
    """Run one topic through ``steps``, snapshotting it at the start and after every step."""
    fields = {"title": title, "description": "群众关心的身边事", "category": "livelihood", "source": "public",
              "platform_level": level, "district": district, "town": town}
    with writing(session):
        topic = topics.start_topic(session, user_named(session, f"office_{town or district}"), fields, now=at)
    snapshots = [capture(session, topic.id, "start")]
    for hour, (bpmn_id, username, data) in enumerate(steps, start=1):
        item = next(i for i in open_tasks(session, topic) if i.bpmn_id == bpmn_id)
        with writing(session):
            topics.complete_task(session, user_named(session, username), item.id, data, now=at + timedelta(hours=hour))
        snapshots.append(capture(session, topic.id, bpmn_id))
    session.commit()
    return snapshots


def population(session: Session, at: datetime) -> list[Snapshot]:
    """Return snapshots of every stage of a topic on every district and town platform."""
    snapshots = []
    for code, _name in DISTRICTS:
        steps = with_loops(district_path(code), 3)
        snapshots += drive(session, steps, "district", code, None, at, f"{code} 议题")
    for district, town, _name, _kind in TOWNS:
        if district == "wujin":
            continue  # 武进's own approval variant has other steps; its district topics stand for it
        steps = with_loops(town_path(district, town), 3)
        snapshots += drive(session, steps, "town", district, town, at, f"{town} 议题")
    return snapshots


def at_reply(session: Session, loops: int, at: datetime) -> Snapshot:
    """Return a district topic with write_reply ready after ``loops`` unsatisfied ratings."""
    steps = to_reply(district_path("tianning", assisting=False), loops)
    return drive(session, steps, "district", "tianning", None, at, f"待答复 {loops} 次重办")[-1]


def closed(session: Session, loops: int, at: datetime) -> Snapshot:
    """Return a district topic closed after ``loops`` re-handling loops."""
    steps = with_loops(district_path("tianning"), loops)
    return drive(session, steps, "district", "tianning", None, at, f"办结 {loops} 次重办")[-1]

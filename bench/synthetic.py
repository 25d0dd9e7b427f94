"""The deterministic synthetic load: real topics run once through the engine, then cloned in bulk.

Used by bench/__main__.py. For every district and town platform one topic is driven through
the whole path (three re-handling loops and a re-inspection loop) and a snapshot of its rows
(topic, workflow_state, task_item, event) is kept after every step. A case of the load is a
snapshot picked by a seeded random generator, with fresh ids, fresh task UUIDs (in the rows and
in the workflow JSON alike, so every clone can still be completed) and its times shifted.
"""
import enum
import json
import random
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.orm import Session

from engine import topics
from engine.inbox import open_tasks
from models import Event, TaskItem, Topic, WorkflowState
from webui.demo import TOWNS, DISTRICTS, district_path, town_path, user_named

from .timing import Steps, to_reply, with_loops

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TABLES: tuple[Table, ...] = (Topic.__table__, WorkflowState.__table__, TaskItem.__table__, Event.__table__)
DATETIME_COLUMNS = {"created_at", "closed_at", "updated_at", "signed_at", "completed_at", "due_at", "at"}
MAX_SHIFT_DAYS = 120


@dataclass
class Snapshot:
    """The rows of one topic at one moment, by table name."""

    rows: dict[str, list[dict[str, Any]]]
    label: str


@dataclass
class IdCounters:
    """The next free id of every table with a generated key."""

    next_id: dict[str, int] = field(default_factory=dict)

    def take(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value


def capture(session: Session, topic_id: int, label: str) -> Snapshot:
    """Copy the rows of one topic as plain dictionaries."""
    connection = session.connection()
    rows = {}
    for table in TABLES:
        key = table.c.id if table.name == "topic" else table.c.topic_id
        rows[table.name] = [dict(r) for r in connection.execute(select(table).where(key == topic_id)).mappings()]
    return Snapshot(rows, label)


def drive(session: Session, steps: Steps, level: str, district: str, town: str | None, at: datetime,
          title: str) -> list[Snapshot]:
    """Run one topic through ``steps``, snapshotting it at the start and after every step."""
    fields = {"title": title, "description": "群众关心的身边事", "category": "livelihood", "source": "public",
              "platform_level": level, "district": district, "town": town}
    topic = topics.start_topic(session, user_named(session, f"office_{town or district}"), fields, now=at)
    snapshots = [capture(session, topic.id, "start")]
    for hour, (bpmn_id, username, data) in enumerate(steps, start=1):
        item = next(i for i in open_tasks(session, topic) if i.bpmn_id == bpmn_id)
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


def start_ids(connection: Connection) -> IdCounters:
    """Return counters starting after the largest id of every cloned table."""
    counters = IdCounters()
    for table in (Topic.__table__, TaskItem.__table__, Event.__table__):
        counters.next_id[table.name] = (connection.scalar(select(func.max(table.c.id))) or 0) + 1
    return counters


def clone(snapshot: Snapshot, ids: IdCounters, rng: random.Random, shift: timedelta) -> dict[str, list[dict[str, Any]]]:
    """Return the rows of a new topic copied from ``snapshot``: new ids and UUIDs, times moved by ``shift``."""
    uuids: dict[str, str] = {}

    def new_uuid(match: re.Match[str]) -> str:
        old = match.group(0)
        if old not in uuids:
            uuids[old] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        return uuids[old]

    topic_id = ids.take("topic")
    item_ids: dict[int, int] = {}
    out: dict[str, list[dict[str, Any]]] = {}
    for name, rows in snapshot.rows.items():
        out[name] = []
        for row in rows:
            new = {k: (v + shift if k in DATETIME_COLUMNS and v is not None else v) for k, v in row.items()}
            if name == "topic":
                new["id"] = topic_id
            else:
                new["topic_id"] = topic_id
            if name == "task_item":
                item_ids[row["id"]] = new["id"] = ids.take("task_item")
                new["task_uuid"] = UUID_RE.sub(new_uuid, row["task_uuid"])
            elif name == "event":
                new["id"] = ids.take("event")
                new["task_item_id"] = item_ids.get(row["task_item_id"]) if row["task_item_id"] else None
            elif name == "workflow_state":
                new["state_json"] = UUID_RE.sub(new_uuid, row["state_json"])
            out[name].append(new)
    return out


def cases(snapshots: list[Snapshot], count: int, ids: IdCounters, seed: int) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """Yield ``count`` cases, each a snapshot picked and shifted by a generator seeded with ``seed``."""
    rng = random.Random(seed)
    for _ in range(count):
        shift = timedelta(minutes=-rng.randrange(MAX_SHIFT_DAYS * 24 * 60))
        yield clone(rng.choice(snapshots), ids, rng, shift)


def insert(connection: Connection, batch: list[dict[str, list[dict[str, Any]]]]) -> None:
    """Insert a batch of cases; PostgreSQL through COPY, SQLite through executemany."""
    for table in TABLES:
        rows = [row for case in batch for row in case[table.name]]
        if not rows:
            continue
        if connection.dialect.name == "postgresql":
            _copy(connection, table, rows)
        else:
            connection.execute(table.insert(), rows)


def _copy(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    columns = list(rows[0])
    cursor = connection.connection.driver_connection.cursor()
    with cursor.copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([_plain(row[c]) for c in columns])


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False)
    return value


def reset_sequences(connection: Connection) -> None:
    """Move PostgreSQL's id sequences past the ids the clones took."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("topic", "task_item", "event"):
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))

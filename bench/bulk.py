"""Cloning snapshots into many cases and writing them in bulk, straight through the drivers.

Used by bench/scale.py. A case is a snapshot picked by a seeded random generator, with fresh
ids, fresh task UUIDs (in the rows and in the workflow JSON alike, so every clone can still be
completed through the engine) and its times moved back by up to MAX_SHIFT_DAYS. Rows written
here bypass the ORM, so the caller rebuilds the open task tally afterwards.
"""
import random
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection, func, select, text

from bench.synthetic import TABLES, Snapshot
from models import Event, TaskItem, Topic

UUID_RE = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})")
MAX_SHIFT_DAYS = 120
Case = dict[str, list[list[Any]]]


class Cloner:
    """Makes cases from snapshots, numbering them after the ids already in the database."""

    def __init__(self, connections: list[Connection], seed: int) -> None:
        self.rng = random.Random(seed)
        self.next_id = {t.name: max((c.scalar(select(func.max(t.c.id))) or 0) for c in connections) + 1
                        for t in (Topic.__table__, TaskItem.__table__, Event.__table__)}
        self._parts: dict[int, list[str]] = {}
        self._dates: dict[tuple[int, str], list[int]] = {}

    def take(self, table: str) -> int:
        """Return the next id of a table."""
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def cases(self, snapshots: list[Snapshot], count: int) -> Iterator[Case]:
        """Yield ``count`` cases, each from a snapshot picked at random and shifted back in time."""
        for _ in range(count):
            shift = timedelta(days=-self.rng.randrange(MAX_SHIFT_DAYS))  # whole days: due times stay ends of days
            yield self.clone(self.rng.choice(snapshots), shift)

    def clone(self, snapshot: Snapshot, shift: timedelta) -> Case:
        """Return the rows of a new topic copied from ``snapshot``."""
        parts = self._parts.get(id(snapshot))
        if parts is None:
            parts = self._parts[id(snapshot)] = UUID_RE.split(snapshot.state_json())
        uuids = {old: self._uuid() for old in parts[1::2]}
        topic_id = self.take("topic")
        items: dict[int, int] = {}
        case: Case = {}
        for table, rows in snapshot.rows.items():
            at = {c: i for i, c in enumerate(snapshot.columns[table])}
            dated = self._dated(snapshot, table)
            case[table] = []
            for row in rows:
                new = list(row)
                for i in dated:
                    if new[i] is not None:
                        new[i] += shift
                new[at["id" if table == "topic" else "topic_id"]] = topic_id
                if table == "task_item":
                    items[row[at["id"]]] = new[at["id"]] = self.take("task_item")
                    new[at["task_uuid"]] = uuids.get(row[at["task_uuid"]]) or self._uuid()
                elif table == "event":
                    new[at["id"]] = self.take("event")
                    new[at["task_item_id"]] = items.get(row[at["task_item_id"]])
                elif table == "workflow_state":
                    new[at["state_json"]] = "".join(uuids[p] if i % 2 else p for i, p in enumerate(parts))
                case[table].append(new)
        return case

    def _dated(self, snapshot: Snapshot, table: str) -> list[int]:
        """Return the positions of a snapshot table's date and time columns (found once; datetimes are dates)."""
        key = (id(snapshot), table)
        if key not in self._dates:
            rows = snapshot.rows[table]
            self._dates[key] = [i for i in range(len(snapshot.columns[table]))
                                if any(isinstance(row[i], date) for row in rows)]
        return self._dates[key]

    def _uuid(self) -> str:
        digits = f"{self.rng.getrandbits(128):032x}"
        return f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-{digits[16:20]}-{digits[20:]}"


def insert(connection: Connection, columns: dict[str, list[str]], batch: list[Case]) -> None:
    """Write a batch of cases: COPY on PostgreSQL, executemany on SQLite."""
    driver = connection.connection.driver_connection
    for table in TABLES:
        rows = [row for case in batch for row in case[table.name]]
        if not rows:
            continue
        names = ", ".join(f'"{c}"' for c in columns[table.name])
        if connection.dialect.name == "postgresql":
            with driver.cursor().copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns[table.name]))
            driver.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})',
                               [[_sqlite_text(v) if isinstance(v, date) else v for v in row] for row in rows])


@lru_cache(maxsize=100_000)
def _sqlite_text(value: date) -> str:
    """Return a date or timestamp as the text SQLAlchemy's SQLite dialect writes (UTC, microseconds)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value.isoformat()


def reset_sequences(connection: Connection) -> None:
    """Move PostgreSQL's id sequences past the ids the clones took."""
    if connection.dialect.name != "postgresql":
        return
    for table in ("topic", "task_item", "event"):
        sequence = f"pg_get_serial_sequence('{table}', 'id')"
        connection.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))


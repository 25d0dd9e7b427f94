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
        self.uuid_prefix = ""  # eight hex digits every new UUID starts with (the cases bulk.replicate copies)
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
        digits = self.uuid_prefix + f"{self.rng.getrandbits(128):032x}"[len(self.uuid_prefix):]
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



# The columns of a case that hold other rows' ids, moved with them when a case is replicated.
_MOVED = {"topic": {"id": "topic"}, "workflow_state": {"topic_id": "topic"},
          "task_item": {"id": "task_item", "topic_id": "topic"},
          "event": {"id": "event", "topic_id": "topic", "task_item_id": "task_item"}}
TEMPLATE_PREFIX = "00000000"  # the first eight hex digits of every UUID of the cases replicate copies


def replicate(connection: Connection, columns: dict[str, list[str]], first: dict[str, int], span: dict[str, int],
              copy: int) -> None:
    """Copy the cases whose ids start at ``first`` (``span`` ids per table) once more, inside PostgreSQL.

    Copy number ``copy`` (1, 2, ...) takes the ids ``copy * span`` above the originals, so its
    rows point at its own topic and tasks. The originals were cloned with UUIDs that all start with
    TEMPLATE_PREFIX; in a copy every UUID, in its task rows and in its workflow JSON alike, starts
    with the copy number instead (a plain text replace, no regular expression): unique, and still
    consistent within the case, so a copy can be completed through the engine like its original.
    Each case moves back by whole days (0 to MAX_SHIFT_DAYS - 1) picked from its new topic id.
    This writes a million cases in minutes where cloning them one by one in Python takes an hour.
    """
    tag = f"{copy:08x}"
    # The copies are consistent by construction: no foreign-key trigger per row (half the time of a copy).
    connection.execute(text("SET LOCAL session_replication_role = replica"))
    shift = f"make_interval(days => ((t.topic_new::bigint * 7919) % {MAX_SHIFT_DAYS})::integer)"
    dated = _dated_columns(connection)
    for table in TABLES:
        moved = _MOVED[table.name]
        key = "id" if table.name == "topic" else "topic_id"
        values = []
        for name in columns[table.name]:
            if name in moved:
                base = f'"{name}" + {copy * span[moved[name]]}'
                values.append(f'CASE WHEN "{name}" IS NULL THEN NULL ELSE {base} END' if name == "task_item_id"
                              else base)
            elif name in dated.get(table.name, set()):
                values.append(f'"{name}" - {shift}')
            elif name == "task_uuid":
                values.append(f"'{tag}' || substr(task_uuid, 9)")
            elif name == "state_json":
                values.append(f"replace(state_json, '{TEMPLATE_PREFIX}-', '{tag}-')")
            else:
                values.append(f'"{name}"')
        names = ", ".join(f'"{c}"' for c in columns[table.name])
        low = first["topic"]
        connection.execute(text(
            f'INSERT INTO "{table.name}" ({names}) SELECT {", ".join(values)} FROM '
            f'(SELECT *, "{key}" + {copy * span["topic"]} AS topic_new FROM "{table.name}" '
            f'WHERE "{key}" >= {low} AND "{key}" < {low + span["topic"]}) AS t'))


def _dated_columns(connection: Connection) -> dict[str, set[str]]:
    """Return the date and time columns of each table (as the database declares them)."""
    found: dict[str, set[str]] = {}
    for table, column in connection.execute(text(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' "
            "AND (data_type = 'date' OR data_type LIKE 'timestamp%')")):
        found.setdefault(table, set()).add(column)
    return found


def drop_indexes(connection: Connection, tables: tuple[str, ...]) -> list[str]:
    """Drop the tables' indexes that back no constraint; return the statements that make them again.

    Building an index once over ten million rows is faster than keeping a dozen up to date row by row.
    """
    found = list(connection.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(:tables) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)"), {"tables": list(tables)}))
    for name, _definition in found:
        connection.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _name, definition in found]


def create_indexes(connection: Connection, definitions: list[str]) -> None:
    """Make the indexes drop_indexes dropped, each sorted in memory where it fits."""
    connection.execute(text("SET LOCAL maintenance_work_mem = '256MB'"))
    for definition in definitions:
        connection.execute(text(definition))

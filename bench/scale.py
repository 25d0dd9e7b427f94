"""Measurements against one database: load, inboxes, the dashboard, the sweep, completions, bytes.

Used by bench/__main__.py, once for SQLite and once for PostgreSQL, with the same snapshots
and the same seed, so both databases hold the same cases.
"""
import itertools
import statistics
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, func, select, text, update
from sqlalchemy.event import listen, remove
from sqlalchemy.orm import Session, sessionmaker

from bench import bulk
from bench.bulk import Cloner
from bench.floor import REPLY
from bench.synthetic import Snapshot
from bench.timing import Stats, measure, stats
from engine.time.timeleft import level_case
from models import Chase, OpenTaskTally, Organization, TaskItem, TaskStatus, Topic, User
from models.database import make_engine, migrate, writing
from workflows.deadlines import sweep as deadlines
from workflows.deadlines.sweep import SweepSettings, overdue_cutoff
from workflows.demo.world import load_world, user_named
from workflows.supervision import tally
from workflows.supervision.dashboard import dashboard
from workflows.topics import lifecycle as topics
from workflows.topics.inbox import inbox
from workflows.wiring import session_factory

BATCH = 2000
REPLICATE_FROM = 50_000  # cases loaded into PostgreSQL alone from which a batch is copied in SQL
BUSY_UNIT_USER = "housing_tianning"  # 天宁区住建局: lead unit of every 天宁 district topic
SUPERVISOR = "supervisor_tianning"
CITY_SUPERVISOR = "supervisor_city"  # the city guidance group: every district on one dashboard
SQLITE_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


class Database:
    """One benchmark database and its session factory."""

    def __init__(self, url: str) -> None:
        migrate(url)
        self.url = url
        self.engine: Engine = make_engine(url)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        with self.sessions() as session:
            load_world(session)

    @property
    def name(self) -> str:
        """Return ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    def world_key(self) -> list[tuple[int, str]]:
        """Return the ids and codes of the organizations and users (must match across databases)."""
        with self.sessions() as session:
            orgs = session.execute(select(Organization.id, Organization.code).order_by(Organization.id)).tuples()
            users = session.execute(select(User.id, User.username).order_by(User.id)).tuples()
            return [*orgs, *users]

    def insert(self, columns: dict[str, list[str]], batch: list[bulk.Case]) -> None:
        """Write a batch of cloned cases in one transaction."""
        with self.engine.begin() as connection:
            bulk.insert(connection, columns, batch)

    def recount(self) -> None:
        """Rebuild the open task tally after bulk writes, then refresh the planner's statistics."""
        with self.sessions() as session:
            tally.rebuild(session)
            session.commit()
        with self.engine.begin() as connection:
            connection.execute(text("ANALYZE"))

    def durability(self) -> dict[str, str]:
        """Return the settings that decide whether a commit is on disk when it returns."""
        with self.engine.connect() as connection:
            if self.name == "postgresql":
                return {k: str(connection.exec_driver_sql(f"SHOW {k}").scalar())
                        for k in ("fsync", "synchronous_commit", "full_page_writes")}
            return {"journal_mode": str(connection.exec_driver_sql("PRAGMA journal_mode").scalar()),
                    "synchronous": SQLITE_SYNCHRONOUS.get(int(connection.exec_driver_sql(
                        "PRAGMA synchronous").scalar() or 0), "?")}

    def wire(self, repeat: int) -> dict[str, Any]:
        """Time what each statement and each commit costs before any work: the database's own floor.

        A round trip is ``SELECT 1``; a synced commit is a one-row UPDATE committed, which waits
        for the log to reach the disk (WAL sync on SQLite, WAL flush on PostgreSQL).
        """
        with self.engine.connect() as connection:
            connection.exec_driver_sql("CREATE TABLE IF NOT EXISTS bench_probe (id INTEGER PRIMARY KEY, n INTEGER)")
            connection.exec_driver_sql("INSERT INTO bench_probe (id, n) VALUES (1, 0) ON CONFLICT (id) DO NOTHING")
            connection.commit()
            trip = measure(lambda: connection.exec_driver_sql("SELECT 1").scalar(), repeat)
            connection.commit()

            def synced() -> None:
                connection.exec_driver_sql("UPDATE bench_probe SET n = n + 1 WHERE id = 1")
                connection.commit()
            return {"round_trip": trip.as_json(), "synced_commit": measure(synced, repeat).as_json()}

    def counts(self) -> dict[str, int]:
        """Return how many topics and open tasks the database holds."""
        with self.sessions() as session:
            return {"topics": session.scalar(select(func.count()).select_from(Topic)) or 0,
                    "tally_rows": session.scalar(select(func.count()).select_from(OpenTaskTally)) or 0,
                    "open_tasks": session.scalar(select(func.count()).select_from(TaskItem).where(
                        TaskItem.status == TaskStatus.READY)) or 0}

    def timed_in_session(self, fn: Callable[[Session], object], repeat: int) -> Stats:
        """Time ``fn`` with a fresh session each run, as a web request would have."""
        def once() -> None:
            with self.sessions() as session:
                fn(session)
        return measure(once, repeat)

    def inbox_stats(self, repeat: int) -> Stats:
        """Time the inbox of the busiest handling unit (its user loaded per request)."""
        return self.timed_in_session(lambda s: inbox(s, user_named(s, BUSY_UNIT_USER)), repeat)

    def dashboard_stats(self, now: datetime, repeat: int) -> Stats:
        """Time the city-wide supervisors' dashboard: the function the page calls (its user loaded per request)."""
        return self.timed_in_session(lambda s: dashboard(s, user_named(s, CITY_SUPERVISOR), now), repeat)

    def settle(self, yesterday: datetime) -> None:
        """Give every open task the warning and chase step the sweeps up to ``yesterday`` left (bulk SQL)."""
        settings = SweepSettings()
        with self.sessions() as session:
            calendar = topics.load_calendar(session)
            remind = min(yesterday, overdue_cutoff(calendar, yesterday, settings.remind_after_wd))
            escalate = min(yesterday, overdue_cutoff(calendar, yesterday, settings.escalate_after_wd))
            due = TaskItem.due_at
            session.execute(update(TaskItem).where(TaskItem.status == TaskStatus.READY, due.is_not(None)).values(
                warning=level_case(due, TaskItem.warn_at, yesterday),
                chase=case((due < escalate, Chase.ESCALATED.value), (due < remind, Chase.REMINDED.value),
                           else_=Chase.NONE.value)))
            session.commit()
        if self.name == "postgresql":
            # One UPDATE of every open task leaves as many dead index entries as there are open tasks, which
            # the first sweep would step over; the daily sweeps it stands for change a few thousand rows a
            # day, and autovacuum clears up behind them. VACUUM stands in for those days' upkeep.
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(text("VACUUM ANALYZE task_item"))

    def sweep(self, now: datetime) -> dict[str, Any]:
        """Time one deadline sweep at ``now`` and a second one right after it (nothing left to do)."""
        out: dict[str, Any] = {}
        for key in ("sweep_s", "idle_sweep_s"):
            with self.sessions() as session:
                began = time.perf_counter()
                report = deadlines.sweep(session, now)
                out[key] = round(time.perf_counter() - began, 3)
            out.setdefault("changed", vars(report))
        return out

    def completion_stats(self, snapshot: Snapshot, count: int, now: datetime, seed: int) -> dict[str, Any]:
        """Complete write_reply on ``count`` clones of ``snapshot`` through the engine service.

        Returns the latencies and the SQL statements each completion sent (median, BEGIN included, as
        tests/counting.py counts them).
        """
        item_ids = self.reply_items(snapshot, count, seed)
        with self.sessions() as session:
            user_id = user_named(session, BUSY_UNIT_USER).id
        samples, statements = [], []
        sent: list[str] = []

        def collect(*args: Any) -> None:
            sent.append(args[2])

        listen(self.engine, "before_cursor_execute", collect)
        for item_id in item_ids:
            with self.sessions() as session:
                user = session.get(User, user_id)
                assert user is not None and user.roles
                sent.clear()
                began = time.perf_counter()
                with writing(session):
                    topics.complete_task(session, user, item_id, REPLY, now=now)
                samples.append(time.perf_counter() - began)
                statements.append(len(sent))
        remove(self.engine, "before_cursor_execute", collect)
        return {**stats(samples[3:]).as_json(), "statements": int(statistics.median(statements[3:]))}

    def reply_items(self, snapshot: Snapshot, count: int, seed: int) -> list[int]:
        """Insert ``count`` clones of a topic waiting for write_reply; return their task ids."""
        with self.engine.begin() as connection:
            batch = list(Cloner([connection], seed).cases([snapshot], count))
            bulk.insert(connection, snapshot.columns, batch)
            bulk.reset_sequences(connection)
        self.recount()
        columns = snapshot.columns["task_item"]
        at = {c: columns.index(c) for c in ("id", "bpmn_id", "status")}
        return [r[at["id"]] for case in batch for r in case["task_item"]
                if r[at["bpmn_id"]] == "write_reply" and r[at["status"]] == TaskStatus.READY.value]


def load_cases(databases: list[Database], snapshots: list[Snapshot], count: int, seed: int) -> float:
    """Add ``count`` cases to every database alike; return the seconds it took.

    Each database writes a batch in its own thread while the next batch is being cloned.
    """
    began = time.perf_counter()
    connections = [d.engine.connect() for d in databases]
    cloner = Cloner(connections, seed)
    for connection in connections:
        connection.close()
    if all(d.name == "postgresql" for d in databases) and count >= REPLICATE_FROM:
        count -= _replicated(databases, cloner, snapshots, count)
    cases = cloner.cases(snapshots, count)
    pending: list[Future[None]] = []
    with ThreadPoolExecutor(max_workers=len(databases)) as pool:
        while batch := list(itertools.islice(cases, BATCH)):
            for future in pending:
                future.result()
            pending = [pool.submit(d.insert, snapshots[0].columns, batch) for d in databases]
        for future in pending:
            future.result()
    for database in databases:
        with database.engine.begin() as connection:
            bulk.reset_sequences(connection)
        database.recount()
    return time.perf_counter() - began


def _replicated(databases: list[Database], cloner: Cloner, snapshots: list[Snapshot], count: int) -> int:
    """Write one batch of cloned cases, then copies of it inside the database; return how many cases that made.

    For the sizes beyond SQLite's (PostgreSQL alone): cloning in Python costs about a millisecond a
    case, copying in SQL a few microseconds a row. The cases keep their times here; each copy moves its
    cases back by whole days as the clones are (bench/bulk.replicate).
    """
    first = dict(cloner.next_id)
    cloner.uuid_prefix = bulk.TEMPLATE_PREFIX
    batch = [cloner.clone(cloner.rng.choice(snapshots), timedelta(0)) for _ in range(BATCH)]
    cloner.uuid_prefix = ""
    span = {table: cloner.next_id[table] - first[table] for table in first}
    copies = count // BATCH - 1
    for database in databases:
        database.insert(snapshots[0].columns, batch)
        with database.engine.begin() as connection:
            indexes = bulk.drop_indexes(connection, ("task_item", "event"))
        for copy in range(1, copies + 1):
            with database.engine.begin() as connection:
                bulk.replicate(connection, snapshots[0].columns, first, span, copy)
        with database.engine.begin() as connection:
            bulk.create_indexes(connection, indexes)
    for table in first:
        cloner.next_id[table] = first[table] + (copies + 1) * span[table]
    return (copies + 1) * BATCH


def bytes_per_case(url: str, snapshot: Snapshot, count: int, seed: int) -> float:
    """Return the database bytes (rows, indexes, TOAST) each clone of ``snapshot`` adds, in a fresh database."""
    database = Database(url)
    before = _size(database.engine)
    with database.engine.begin() as connection:
        bulk.insert(connection, snapshot.columns, list(Cloner([connection], seed).cases([snapshot], count)))
    after = _size(database.engine)
    database.engine.dispose()
    return (after - before) / count


def _size(engine: Engine) -> int:
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("CHECKPOINT"))
            return int(connection.scalar(text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r'")))
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(connection.exec_driver_sql("PRAGMA page_count").scalar()) * int(
            connection.exec_driver_sql("PRAGMA page_size").scalar())


"""Connecting to the database and bringing its schema up to date; used by every entry point."""
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, Table, TextClause, bindparam, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from .base import utcnow

T = TypeVar("T")
MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_S = 15


def make_engine(url: str, **kwargs: object) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and write transactions that begin at once."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, **kwargs)
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, **kwargs)
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Let SQLAlchemy, not the driver, decide when transactions begin (see _sqlite_begin_immediate).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit returns only after the WAL is synced, so an acknowledged completion survives a power cut.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_begin(connection) -> None:  # type: ignore[no-untyped-def]
    # Readers begin deferred and never block anyone (WAL); writers ask for IMMEDIATE through
    # begin_write, so two writers queue on the busy timeout instead of one failing later with
    # "database is locked" when it upgrades a read transaction.
    connection.exec_driver_sql("BEGIN " + connection.get_execution_options().get("sqlite_begin", ""))


def insert_or_update(dialect: str, model: Any) -> postgresql.Insert | sqlite.Insert:
    """Return the dialect's INSERT, which offers ON CONFLICT: both databases have it, spelled alike."""
    return postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)


def adding_to(table: Table, counter: str) -> TextClause:
    """Return the INSERT that adds a row's ``counter`` to the stored row of its primary key, or makes that row.

    Written as text because SQLAlchemy compiles its dialects' ON CONFLICT statements anew on every
    execution (they have no cache key); the text is the same on both databases and compiled once.
    """
    keys = [column.name for column in table.primary_key]
    names = [*keys, counter]
    sql = (f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join(':' + n for n in names)}) "
           f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {counter} = {table.name}.{counter} + excluded.{counter}")
    return text(sql).bindparams(*(bindparam(name, type_=table.c[name].type) for name in names))


def begin_write(session: Session) -> None:
    """Start the session's transaction as a writer: on SQLite it takes the write lock at once.

    On SQLite a read-only transaction already open is committed first (it has nothing to write, and
    SQLite cannot make it a writer), so the write sees everything committed before it took the lock.
    On PostgreSQL it goes on as the write's transaction: under READ COMMITTED every statement sees
    what was committed before it began, and a commit would only cost a round trip.
    """
    if session.in_transaction():
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("begin_write called with unflushed changes in the session")
        if session.get_bind().dialect.name != "sqlite":
            return
        session.commit()
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


OPEN_WRITE = "shangliang.writing"  # session.info key: present while writing() holds a write transaction
CLOCK = "shangliang.clock"  # session.info key: the application's clock (use_clock), read by session_now


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """Run the block as one write transaction: commit at the end, roll back on any error.

    The route, command or batch that owns the unit of work opens it; the services it calls only
    check that it is open (require_writing). A writing() block inside an open one joins it: it
    neither begins nor commits, and an error leaving it rolls back the outer block, so only the
    outermost block ever commits.
    """
    if in_writing(session):
        yield session
        return
    begin_write(session)
    undo: list[Callable[[], None]] = []
    session.info[OPEN_WRITE] = undo
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        for step in reversed(undo):
            step()
        raise
    finally:
        session.info.pop(OPEN_WRITE, None)


def lost_version_race(error: BaseException) -> bool:
    """Tell whether the error came from a version check: another transaction changed the row first."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, StaleDataError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def writing_retried(session: Session, work: Callable[[], T], worth_retrying: Callable[[], bool],
                    attempts: int = 3) -> T:
    """Run ``work`` as one write transaction, and again from the start when it lost a version race.

    The owner of a unit of work calls this instead of ``writing`` when a lost race may concern
    the whole topic rather than what the work is about (two different parallel tasks of one topic
    completed at once: on PostgreSQL both read the topic's workflow state, and the second update
    finds its version gone). After the rollback ``worth_retrying`` is asked, in a fresh read, whether
    the work still makes sense (its task is still ready); a real double completion is not retried.
    Inside an open write transaction nothing can be redone, so it joins the open one like writing().
    """
    if in_writing(session):
        return work()
    for attempt in range(1, attempts + 1):
        try:
            with writing(session):
                return work()
        except Exception as exc:
            if attempt == attempts or not lost_version_race(exc) or not worth_retrying():
                raise
            session.rollback()  # end the read of worth_retrying: the next attempt takes the write lock afresh
    raise AssertionError("unreachable")


def use_clock(session: Session, clock: Callable[[], datetime]) -> None:
    """Give the session the application's clock, for work that runs inside a flush and has no ``now`` passed in."""
    session.info[CLOCK] = clock


def session_now(session: Session) -> datetime:
    """Return the moment by the session's clock (the application's), else the wall clock."""
    clock = session.info.get(CLOCK)
    return clock() if callable(clock) else utcnow()


def in_writing(session: Session) -> bool:
    """Tell whether a writing() block is open on the session."""
    return OPEN_WRITE in session.info


def require_writing(session: Session) -> None:
    """Raise RuntimeError, naming the caller, unless a writing() block is open on the session."""
    if not in_writing(session):
        raise RuntimeError(f"{_caller()} changes the database outside a write transaction: its caller "
                           "(the route, command or batch) must open `with writing(session):` around it")


def require_no_writing(session: Session) -> None:
    """Raise RuntimeError, naming the caller, if a writing() block is open: the caller commits step by step itself."""
    if in_writing(session):
        raise RuntimeError(f"{_caller()} opens its own write transactions (one per step, each committed): "
                           "call it outside `with writing(session):`")


def _caller() -> str:
    """Name the function that called the check calling this (module.qualified name)."""
    frame = sys._getframe(2)
    return f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_qualname}"


def on_rollback(session: Session, undo: Callable[[], None]) -> None:
    """Run ``undo`` if the open write transaction rolls back (for effects outside the database, such as files)."""
    if not in_writing(session):
        raise RuntimeError("on_rollback needs an open write transaction: `with writing(session):`")
    session.info[OPEN_WRITE].append(undo)


def make_session_factory(engine: Engine, info: dict[str, Any] | None = None) -> sessionmaker[Session]:
    """Return the session factory every caller uses; objects stay readable after commit.

    ``info`` is copied into every session's ``info`` (workflows/wiring.py puts the WorkflowEngine there).
    """
    return sessionmaker(engine, expire_on_commit=False, info=info or {})


def alembic_config(url: str) -> Config:
    """Return an Alembic configuration pointing at this package's migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


SEARCH_INDEX = "proposal_search"  # the full-text index of proposals, built by SQL the models do not declare


def declared_by_models(name: str | None, type_: str, parent_names: Any) -> bool:
    """Tell Alembic's comparison to skip the full-text index (an FTS5 table and its shadow tables, a GIN index)."""
    return not (name or "").startswith(SEARCH_INDEX)


def migrate(url: str) -> None:
    """Bring the database at ``url`` to the newest schema."""
    command.upgrade(alembic_config(url), "heads")

"""The database session of a request or a command: opened on first use, closed at the end.

The route or command owns the write transaction: API views take ``@writes``, pages and commands
open ``with writing(db_session()):`` around the service calls of one unit of work.
"""
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

from flask import current_app, g
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import TaskItem, TaskStatus
from models.database import make_engine, use_clock, writing, writing_retried
from workflows.wiring import session_factory

DEFAULT_DATABASE = Path("instance") / "shangliang.sqlite3"


def default_attachment_dir() -> Path:
    """Return the folder of uploaded files: SHANGLIANG_ATTACHMENT_DIR, else instance/attachments."""
    return Path(os.environ.get("SHANGLIANG_ATTACHMENT_DIR") or Path("instance") / "attachments").resolve()


def default_database_url() -> str:
    """Return the database URL from SHANGLIANG_DATABASE_URL, else the embedded SQLite file."""
    return os.environ.get("SHANGLIANG_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE.resolve()}"


@contextmanager
def database_sessions() -> Iterator[sessionmaker[Session]]:
    """Yield a session factory on SHANGLIANG_DATABASE_URL for a command, closing its connections after."""
    engine = make_engine(default_database_url())
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


@contextmanager
def command_session() -> Iterator[Session]:
    """Yield one session on SHANGLIANG_DATABASE_URL for a CLI command; the command opens its own transaction."""
    with database_sessions() as sessions, sessions() as session:
        yield session


def db_session() -> Session:
    """Return this request's database session, opening it on first use."""
    if "db" not in g:
        g.db = current_app.extensions["db_sessions"]()
        use_clock(g.db, current_app.config["CLOCK"])  # what a flush stamps goes by the app's time (tests move it)
    return g.db


def close_session(_exc: BaseException | None) -> None:
    """Close this request's session, if it opened one (Flask's app-context teardown)."""
    session = g.pop("db", None)
    if session is not None:
        session.close()


def writes(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run the view in one write transaction on the request's session: committed if it returns, else rolled back."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with writing(db_session()):
            return view(*args, **kwargs)

    return wrapped


def writes_while_task_ready(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run a task view like ``@writes``, redoing it once or twice if it lost a race on the topic, not the task.

    The view takes ``task_id``; see models.database.writing_retried for when a lost race is redone.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        session = db_session()
        return writing_retried(session, lambda: view(*args, **kwargs),
                               lambda: task_still_ready(session, kwargs["task_id"]))

    return wrapped


def task_still_ready(session: Session, task_id: int) -> bool:
    """Tell, from a fresh read, whether the task still waits for input (so a lost race was not about it)."""
    return session.scalar(select(TaskItem.status).where(TaskItem.id == task_id)) is TaskStatus.READY

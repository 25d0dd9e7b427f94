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
from sqlalchemy.orm import Session, sessionmaker

from models.database import make_engine, writing
from workflows.wiring import session_factory

DEFAULT_DATABASE = Path("instance") / "shangliang.sqlite3"


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


def db_session() -> Session:
    """Return this request's database session, opening it on first use."""
    if "db" not in g:
        g.db = current_app.extensions["db_sessions"]()
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

"""The database session of a request or a command: opened on first use, closed at the end."""
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import current_app, g
from sqlalchemy.orm import Session, sessionmaker

from models.database import make_engine, make_session_factory

DEFAULT_DATABASE = Path("instance") / "shangliang.sqlite3"


def default_database_url() -> str:
    """Return the database URL from SHANGLIANG_DATABASE_URL, else the embedded SQLite file."""
    return os.environ.get("SHANGLIANG_DATABASE_URL") or f"sqlite:///{DEFAULT_DATABASE.resolve()}"


@contextmanager
def database_sessions() -> Iterator[sessionmaker[Session]]:
    """Yield a session factory on SHANGLIANG_DATABASE_URL for a command, closing its connections after."""
    engine = make_engine(default_database_url())
    try:
        yield make_session_factory(engine)
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

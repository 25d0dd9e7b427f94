"""Fixtures shared by every test: a real database file with the demo world, and its sessions.

The schema is migrated and the demo organizations, users and diagrams are loaded once per
test run into a template file; each test gets its own copy of that file.
"""
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.database import make_engine, make_session_factory, migrate
from webui import demo

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Shanghai


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Return a database file migrated to head with the demo world (no topics) loaded."""
    path = tmp_path_factory.mktemp("template") / "world.sqlite3"
    url = f"sqlite:///{path}"
    migrate(url)
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        demo.load_world(session)
    engine.dispose()
    return path


@pytest.fixture
def db_url(template_db: Path, tmp_path: Path) -> str:
    """Return the URL of this test's own copy of the template database."""
    path = tmp_path / "test.sqlite3"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """Return an engine on this test's database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(db_engine: Engine) -> sessionmaker[Session]:
    """Return the session factory of this test's database."""
    return make_session_factory(db_engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Return a session on this test's database."""
    with sessions() as session:
        yield session

"""Fixtures shared by every test: a real database with the demo world, and its sessions.

The schema is migrated and the demo organizations, users and diagrams are loaded once per
test run into a template database; each test gets its own copy. SHANGLIANG_TEST_DATABASE_URL
runs the suite on a PostgreSQL server instead of SQLite files (tests/databases.py).
"""
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from models.database import make_engine
from tests.databases import PostgresTemplates, SqliteTemplates, server_url
from workflows.wiring import session_factory

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # a Monday, 09:00 in Shanghai


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteTemplates | PostgresTemplates]:
    """Return the template database with the demo world (no topics), on SQLite or PostgreSQL."""
    server = server_url()
    store = PostgresTemplates(server) if server else SqliteTemplates(tmp_path_factory.mktemp("template"))
    yield store
    store.close()


@pytest.fixture
def db_url(templates: SqliteTemplates | PostgresTemplates, tmp_path: Path) -> Iterator[str]:
    """Return the URL of this test's own copy of the template database, dropped afterwards."""
    url = templates.copy(tmp_path)
    yield url
    templates.drop(url)


@pytest.fixture
def db_engine(db_url: str) -> Iterator[Engine]:
    """Return an engine on this test's database."""
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(db_engine: Engine) -> sessionmaker[Session]:
    """Return the session factory of this test's database (its sessions carry the WorkflowEngine)."""
    return session_factory(db_engine)


@pytest.fixture
def session(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """Return a session on this test's database."""
    with sessions() as session:
        yield session

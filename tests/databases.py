"""Test databases on SQLite or PostgreSQL: one template with the demo world, one fresh copy per test.

Used by tests/conftest.py. SHANGLIANG_TEST_DATABASE_URL chooses PostgreSQL (a server URL, whose
own database is only used to create and drop others); without it every database is a SQLite file.
"""
import itertools
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, make_url, text

from models.database import make_engine, migrate
from workflows.demo import world as demo
from workflows.wiring import session_factory

SERVER_URL_VARIABLE = "SHANGLIANG_TEST_DATABASE_URL"


def server_url() -> str:
    """Return the PostgreSQL server the tests use, or "" for SQLite."""
    return os.environ.get(SERVER_URL_VARIABLE, "")


def load_template(url: str) -> None:
    """Migrate the database at ``url`` to head and load the demo world (no topics)."""
    migrate(url)
    engine = make_engine(url)
    with session_factory(engine)() as session:
        demo.load_world(session)
    engine.dispose()


class SqliteTemplates:
    """Template and copies as files in a temporary directory."""

    def __init__(self, directory: Path, source: "SqliteTemplates | None" = None) -> None:
        self.template = directory / "world.sqlite3"
        if source is None:
            load_template(f"sqlite:///{self.template}")
        else:
            shutil.copy(source.template, self.template)

    def derive(self, directory: Path, prepare: Callable[[str], None]) -> "SqliteTemplates":
        """Return a second template: a copy of this one that ``prepare`` (given its URL) changed."""
        derived = SqliteTemplates(directory, source=self)
        prepare(f"sqlite:///{derived.template}")
        return derived

    def copy(self, directory: Path) -> str:
        """Return the URL of a fresh copy of the template."""
        path = directory / "test.sqlite3"
        shutil.copy(self.template, path)
        return f"sqlite:///{path}"

    def empty(self, directory: Path) -> str:
        """Return the URL of a database that does not exist yet (a restore creates it)."""
        return f"sqlite:///{directory / 'empty.sqlite3'}"

    def drop(self, url: str) -> None:
        """Nothing to do: the test's temporary directory goes away by itself."""

    def close(self) -> None:
        """Nothing to do: the template lies in pytest's temporary directory."""


class PostgresTemplates:
    """Template and copies as databases on one server, named after this process (xdist workers differ)."""

    def __init__(self, url: str, name: str = "template", source: "PostgresTemplates | None" = None) -> None:
        self.server = make_url(url)
        self.admin: Engine = source.admin if source else make_engine(url, isolation_level="AUTOCOMMIT")
        self.prefix = f"shangliang_test_{os.getpid()}"
        self.template = f"{self.prefix}_{name}"
        self.counter = source.counter if source else itertools.count(1)
        self.owns_admin = source is None
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        if source is None:
            self._execute(f'CREATE DATABASE "{self.template}"')
            load_template(self.url_of(self.template))
        else:
            self._execute(f'CREATE DATABASE "{self.template}" TEMPLATE "{source.template}" STRATEGY FILE_COPY')

    def derive(self, directory: Path, prepare: Callable[[str], None]) -> "PostgresTemplates":
        """Return a second template: a copy of this one that ``prepare`` (given its URL) changed."""
        derived = PostgresTemplates(self.server.render_as_string(hide_password=False), directory.name, source=self)
        prepare(derived.url_of(derived.template))
        return derived

    def url_of(self, database: str) -> str:
        """Return the URL of a database on the test server."""
        return self.server.set(database=database).render_as_string(hide_password=False)

    def copy(self, _directory: Path) -> str:
        """Create a database from the template (a file-level copy) and return its URL."""
        name = f"{self.prefix}_{next(self.counter)}"
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}" STRATEGY FILE_COPY')
        return self.url_of(name)

    def empty(self, _directory: Path) -> str:
        """Create an empty database (no tables) and return its URL; drop it like a copy."""
        name = f"{self.prefix}_{next(self.counter)}"
        self._execute(f'CREATE DATABASE "{name}"')
        return self.url_of(name)

    def drop(self, url: str) -> None:
        """Drop a test's database, closing connections a failed test may have left."""
        self._execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        """Drop the template and, unless it was derived from another, let go of the server."""
        self._execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        if self.owns_admin:
            self.admin.dispose()

    def _execute(self, sql: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(sql))

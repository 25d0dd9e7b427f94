"""Fixtures of the web tests: the demo world with its passwords, an app on a movable clock, actors.

``db_url`` is overridden so the root fixtures (``session``, ``sessions``) and the app share one
database per test (SQLite or PostgreSQL, as tests/databases.py decides), in which every demo
user has the demo password.
"""
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyotp
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from models.database import make_engine
from tests.conftest import NOW
from tests.databases import PostgresTemplates, SqliteTemplates
from webui import create_app
from webui.cli.commands import main
from workflows.demo import world as demo
from workflows.wiring import session_factory

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class MovableClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        """Move the clock forward."""
        self.at += timedelta(**delta)


def _set_credentials(url: str) -> None:
    engine = make_engine(url)
    with session_factory(engine)() as session:
        demo.set_demo_credentials(session)
    engine.dispose()


@pytest.fixture(scope="session")
def web_templates(templates: SqliteTemplates | PostgresTemplates,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteTemplates | PostgresTemplates]:
    """Return the template database with the demo passwords and TOTP secrets set."""
    derived = templates.derive(tmp_path_factory.mktemp("web_template"), _set_credentials)
    yield derived
    derived.close()


@pytest.fixture
def db_url(web_templates: SqliteTemplates | PostgresTemplates, tmp_path: Path) -> Iterator[str]:
    """Return this test's own copy of the web template database, dropped afterwards."""
    url = web_templates.copy(tmp_path)
    yield url
    web_templates.drop(url)


@pytest.fixture
def clock() -> MovableClock:
    """Return the app's clock, standing at NOW."""
    return MovableClock(NOW)


@pytest.fixture
def app(db_url: str, clock: MovableClock, tmp_path: Path) -> Iterator[Flask]:
    """Return the app on this test's database, in demo mode, with plain-HTTP cookies for the test client."""
    app = create_app({"DATABASE_URL": db_url, "TESTING": True, "DEMO": True, "SESSION_COOKIE_SECURE": False,
                      "CLOCK": clock, "ATTACHMENT_DIR": str(tmp_path / "attachments"), "SECRET_KEY": "test"})
    yield app
    app.extensions["db_engine"].dispose()


class Actor:
    """A test client that signs in as a demo user and sends the CSRF token with every form."""

    def __init__(self, client: FlaskClient, clock: MovableClock) -> None:
        self.client, self.clock, self.token = client, clock, ""

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        response = self.client.get(url, **kwargs)
        found = CSRF.search(response.get_data(as_text=True)) if response.mimetype == "text/html" else None
        self.token = found.group(1) if found else self.token
        return response

    def post(self, url: str, data: dict[str, Any] | None = None, csrf: bool = True, **kwargs: Any) -> TestResponse:
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.token)
        return self.client.post(url, data=data, **kwargs)

    def code(self, username: str) -> str:
        """Return a demo user's TOTP code at the app's time."""
        return pyotp.TOTP(demo.demo_totp_secret(username)).at(self.clock())

    def login(self, username: str, password: str = "Demo-2026-pass") -> TestResponse:
        self.get("/login")
        response = self.post("/login", {"username": username, "password": password})
        location = response.headers.get("Location", "")
        if location.endswith("/login/code"):
            self.get("/login/code")
            response = self.post("/login/code", {"code": self.code(username)})
            if response.status_code == 401:  # this code was used already: wait for the next one, as a person would
                self.clock.advance(seconds=30)
                response = self.post("/login/code", {"code": self.code(username)})
        self.get("/")
        return response


@pytest.fixture
def web(app: Flask, clock: MovableClock):  # type: ignore[no-untyped-def]
    """Return a factory of signed-in actors: ``web("office_tianning")``."""
    def make(username: str | None = None) -> Actor:
        actor = Actor(app.test_client(), clock)
        if username:
            actor.login(username)
        return actor

    return make


@pytest.fixture
def shangliang(db_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Return a runner of the `shangliang` command on this test's database: output, and the exit code checked."""
    monkeypatch.setenv("SHANGLIANG_DATABASE_URL", db_url)
    runner = CliRunner()

    def run(*args: str, code: int = 0) -> str:
        result = runner.invoke(main, list(args))
        assert result.exit_code == code, result.output
        return result.output

    return run

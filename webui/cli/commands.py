"""The `shangliang` command: set up the database, load demo data, deploy, and drive topics.

Commands act as a named user (``--as``) because the CLI runs on the server, where whoever can
run it can read the database anyway; the API and the web pages authenticate instead.
"""

import json
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import click

from engine.errors import ShangliangError
from engine.time.calendar import SHANGHAI, WorkCalendar
from models import utcnow
from models.database import migrate, writing, writing_retried
from webui import create_app
from webui.cli import backup as cli_backup
from webui.cli import deadlines as cli_deadlines
from webui.database import command_session, default_database_url, task_still_ready
from workflows.demo import world as demo
from workflows.people.access import require_topic
from workflows.topics import inbox
from workflows.topics import lifecycle as topics


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(2)


class _Group(click.Group):
    """Turns the engine's errors into one line on stderr and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ShangliangError as exc:
            details = exc.details.get("fields") or exc.details.get("problems") or ""
            _fail(f"{exc.message} {json.dumps(details, ensure_ascii=False) if details else ''}".strip())


@click.group(cls=_Group)
def main() -> None:
    """Case tracking for the CPPCC 有事好商量 consultation platform (database: SHANGLIANG_DATABASE_URL)."""


@main.command("init-db")
def init_db() -> None:
    """Create the database or bring its schema up to date."""
    url = default_database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    migrate(url)
    click.echo("database is up to date")


@main.command("demo")
def load_demo() -> None:
    """Load the demo organizations, users and topics (only into a database without organizations)."""
    with command_session() as session:
        demo.load(session, utcnow())
    click.echo(
        "demo data loaded; each demo user's API token is demo-<username>; "
        "web password Demo-2026-pass (accepted only when SHANGLIANG_DEMO=1)"
    )


@main.command()
@click.option("--as", "username", required=True)
@click.option("--title", required=True)
@click.option("--description", default="")
@click.option("--category", required=True, help="central_work | reform | livelihood | governance")
@click.option("--source", required=True, help="assigned | member | public")
@click.option("--level", "platform_level", required=True, help="district | town")
@click.option("--district", required=True, help="district code")
@click.option("--town", default=None, help="town, street or park code (town platform)")
def start(username: str, **fields: Any) -> None:
    """Start a topic and print its id and first task."""
    with command_session() as session, writing(session):
        started = topics.start(session, demo.user_named(session, username), fields)
        click.echo(f"topic {started.topic.id} started on {started.topic.process_version.label}")
        _print_tasks(list(started.open_rows))


@main.command()
@click.option("--as", "username", required=True)
@click.option("--status", default="ready", type=click.Choice(["ready", "completed", "cancelled"]))
def tasks(username: str, status: str) -> None:
    """List the tasks a user may act on, least time left first."""
    from models import TaskStatus

    with command_session() as session:
        _print_tasks(inbox.inbox(session, demo.user_named(session, username), TaskStatus(status)))


def _print_tasks(items: list[Any]) -> None:
    for item in items:
        due = item.due_at.astimezone(SHANGHAI).date().isoformat() if item.due_at else "-"
        where = item.candidate_unit.code if item.candidate_unit else item.candidate_org.code
        click.echo(
            f"task {item.id}\ttopic {item.topic_id}\t{item.bpmn_id}\t{item.name}\t{item.role.value}@{where}\tdue {due}"
        )


@main.command()
@click.argument("task_id", type=int)
@click.option("--as", "username", required=True)
@click.option("--data", default="{}", help="the form as JSON, e.g. '{\"approved\": true}'")
def complete(task_id: int, username: str, data: str) -> None:
    """Complete a task with form data and print what is open next."""
    try:
        form = json.loads(data)
    except json.JSONDecodeError as exc:
        _fail(f"--data is not valid JSON: {exc}")
    if not isinstance(form, dict):
        _fail("--data must be a JSON object")
    with command_session() as session:
        done = writing_retried(
            session, lambda: topics.complete_task(session, demo.user_named(session, username), task_id, form),
            lambda: task_still_ready(session, task_id))
        topic = done.item.topic
        click.echo(f"task {task_id} completed; topic {topic.id} is {topic.status.value} at stage {topic.stage}")
        _print_tasks(list(done.open_rows))


@main.command()
@click.argument("topic_id", type=int)
@click.option("--as", "username", required=True)
def history(topic_id: int, username: str) -> None:
    """Print a topic's history, oldest first."""
    with command_session() as session:
        topic = require_topic(session, demo.user_named(session, username), topic_id)
        click.echo(f"topic {topic.id} {topic.title} — {topic.status.value}, stage {topic.stage}")
        for event in topics.history(session, topic):
            actor = event.actor.username if event.actor else "-"
            payload = json.dumps(event.payload, ensure_ascii=False)
            click.echo(f"{event.at.isoformat(timespec='seconds')}\t{actor}\t{event.kind}\t{payload}")


@main.command("set-password")
@click.argument("username")
def set_password(username: str) -> None:
    """Set a user's web password (asked twice, checked against the policy)."""
    from workflows.people import accounts, audit

    password = click.prompt("new password", hide_input=True, confirmation_prompt=True)
    with command_session() as session, writing(session):
        user = demo.user_named(session, username)
        accounts.set_password(session, user, password)
        audit.record(session, "password_set", None, target=f"user:{user.id}", via="cli")
    click.echo(f"password of {username} set")


@main.command("totp-code")
@click.argument("username")
def totp_code(username: str) -> None:
    """Print a demo user's current TOTP code (demo mode only: SHANGLIANG_DEMO=1)."""
    import os

    import pyotp

    if os.environ.get("SHANGLIANG_DEMO") != "1":
        _fail("totp-code works only in demo mode (SHANGLIANG_DEMO=1)")
    with command_session() as session:
        user = demo.user_named(session, username)
        if not user.totp_secret:
            _fail(f"{username} has no TOTP secret")
        click.echo(pyotp.TOTP(user.totp_secret).now())


@main.command()
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
@click.option("--scheduler/--no-scheduler", default=True, help="run the deadline sweep inside this server")
def serve(host: str, port: int, scheduler: bool) -> None:
    """Serve the web app and API (development server; see README for production)."""
    create_app({"SCHEDULER": "embedded" if scheduler else "off"}).run(host=host, port=port)


@main.command()
@click.argument("start_date")
@click.option("--working-days", type=int, default=None)
@click.option("--months", type=int, default=None)
def deadline(start_date: str, working_days: int | None, months: int | None) -> None:
    """Print the due date START + N working days or months (with `provisional` when it is)."""
    try:
        start_day = date.fromisoformat(start_date)
    except ValueError:
        _fail(f"{start_date!r} is not a date written YYYY-MM-DD")
    if (working_days is None) == (months is None):
        _fail("give exactly one of --working-days N or --months N")
    calendar = _calendar()
    try:
        due = (
            calendar.add_working_days(start_day, working_days)
            if working_days is not None
            else calendar.add_months(start_day, months or 0)
        )
    except ValueError as exc:
        _fail(str(exc))
    click.echo(f"{due.date.isoformat()}{' provisional' if due.provisional else ''}")


def _calendar() -> WorkCalendar:
    """Return the calendar with staff-entered days, or the packaged one where no database exists yet."""
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        with command_session() as session:
            return topics.load_calendar(session)
    except (OperationalError, ProgrammingError):
        return WorkCalendar()


from webui.cli import admin as admin_cli  # noqa: E402  (adds the administration commands to `main`)
from webui.cli import directory as directory_cli  # noqa: E402  (adds the go-live commands to `main`)

cli_deadlines.register(main)
cli_backup.register(main)
admin_cli.register(main)
directory_cli.register(main)

if __name__ == "__main__":
    main()

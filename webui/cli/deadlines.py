"""`shangliang` commands for deadlines: sweep, scheduler, calendar, clocks and notification routes.

Registered on the main command group by webui/cli.py; like the other commands they act as a
named user (``--as``) where the action needs a role, and fail with one line and exit status 2.
"""
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.time import clocks, scheduler
from models import Organization, OrgKind
from models.database import writing
from webui.database import command_session, database_sessions
from webui.operations import install_json_logging
from workflows.deadlines import calendar_edits as workdays
from workflows.deadlines.recurring import SweepAndDeliver
from workflows.demo import world as demo
from workflows.notifications import notify_routes as routes


def _job() -> SweepAndDeliver:
    try:
        return SweepAndDeliver.from_env()
    except ValueError as exc:
        click.echo(f"error: bad SHANGLIANG_* setting: {exc}", err=True)
        sys.exit(2)


def _district(session: Session, code: str) -> Organization:
    org = session.scalar(select(Organization).where(Organization.code == code, Organization.kind == OrgKind.DISTRICT))
    if org is None:
        click.echo(f"error: unknown district {code!r}", err=True)
        sys.exit(2)
    return org


@click.command()
@click.option("--now", "at", default=None, help="sweep as of this ISO time (default: now)")
def sweep(at: str | None) -> None:
    """Run one deadline sweep and deliver what is due, then print what changed."""
    try:
        now = datetime.fromisoformat(at) if at else datetime.now(UTC)
    except ValueError:
        click.echo(f"error: --now {at!r} is not an ISO date-time", err=True)
        sys.exit(2)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    with database_sessions() as sessions:
        swept, delivered = scheduler.run_once(sessions, _job(), now=now)
    click.echo(f"swept {json.dumps(vars(swept))}; delivered {json.dumps(vars(delivered))}")


@click.command("scheduler")
@click.option("--interval", default=scheduler.DEFAULT_INTERVAL_SECONDS, type=click.IntRange(min=1),
              help="seconds between sweeps")
def run_scheduler(interval: int) -> None:
    """Run the deadline sweep every INTERVAL seconds in this process (use beside several web workers)."""
    install_json_logging(everything=True)  # one JSON line per sweep (and per APScheduler run)
    job = _job()
    click.echo(f"scheduler started: sweeping every {interval} s", err=True)
    with database_sessions() as sessions:
        scheduler.build(sessions, job, interval_seconds=interval, blocking=True).start()


@click.group()
def calendar() -> None:
    """The working-day calendar: official schedules and staff-entered days."""


@calendar.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", required=True, type=int)
@click.option("--as", "username", required=True, help="the process administrator entering it")
@click.option("--provisional", is_flag=True, help="enter the days without marking the year's schedule official")
@click.option("--source", default="", help="the notice it comes from, e.g. 国办发明电〔2026〕N号")
def import_year(path: Path, year: int, username: str, provisional: bool, source: str) -> None:
    """Enter a year's holidays and make-up days from a CSV file (date,is_workday,note)."""
    with command_session() as session, writing(session):
        entries = workdays.parse_csv(path.read_bytes())
        moved = workdays.enter_year(session, demo.user_named(session, username), year, entries,
                                    official=not provisional, source=source)
    state = "provisional" if provisional else "official"
    click.echo(f"{year}: {len(entries)} days entered, schedule {state}; {moved} open deadlines recomputed")


@calendar.command("show")
@click.argument("year", type=int)
def show_year(year: int) -> None:
    """Print a year's staff-entered days."""
    with command_session() as session:
        official = {y.year for y in workdays.official_years(session)}
        click.echo(f"{year}: {'official (entered)' if year in official else 'package or provisional'}")
        for day in workdays.days_of(session, year):
            click.echo(f"{day.day.isoformat()}\t{'workday' if day.is_workday else 'holiday'}\t{day.note}")


@click.group("clocks", invoke_without_command=True)
@click.option("--district", default=None, help="show this district's clocks, overrides included")
@click.pass_context
def clocks_group(ctx: click.Context, district: str | None) -> None:
    """List every user task's clock, or change one district's."""
    if ctx.invoked_subcommand is not None:
        return
    with command_session() as session:
        org = _district(session, district) if district else None
        for row in clocks.clock_table(session, org):
            clock, warn = row.effective
            origin = "district" if row.override else "diagram"
            columns = (row.process_id, row.bpmn_id, row.name, clock, f"warn {warn}", f"from {row.clock_start}", origin)
            click.echo("\t".join(columns))


@clocks_group.command("set")
@click.option("--as", "username", required=True)
@click.option("--district", required=True)
@click.option("--process", "process_id", required=True)
@click.option("--task", "bpmn_id", required=True)
@click.option("--clock", required=True, help="e.g. 15wd or 2m")
@click.option("--warn", required=True, help="e.g. 3wd")
@click.option("--note", default="")
def set_clock(username: str, district: str, process_id: str, bpmn_id: str, clock: str, warn: str, note: str) -> None:
    """Give one district its own clock for one task (new tasks use it)."""
    with command_session() as session, writing(session):
        row = clocks.set_override(session, demo.user_named(session, username), _district(session, district),
                                  process_id, bpmn_id, clock, warn, note)
        click.echo(f"{district} {process_id}/{bpmn_id}: {row.clock}, warn {row.warn}")


@click.group("route")
def route_group() -> None:
    """Outside notification routes (e-mail, DingTalk and WeCom robots)."""


@route_group.command("add")
@click.option("--as", "username", required=True)
@click.option("--unit", default="")
@click.option("--organization", default="")
@click.option("--purpose", required=True, type=click.Choice(["reminder", "escalation", "any"]))
@click.option("--channel", required=True, type=click.Choice(["email", "dingtalk", "wecom"]))
@click.option("--address", required=True)
@click.option("--secret", default="")
@click.option("--label", default="")
@click.option("--locale", default="zh", type=click.Choice(["zh", "en"]), help="the language of its messages")
def add_route(username: str, **fields: str) -> None:
    """Add a route for a unit or an organization."""
    with command_session() as session, writing(session):
        route = routes.add(session, demo.user_named(session, username), {k: v for k, v in fields.items() if v})
        click.echo(f"route {route.id}: {route.purpose} via {route.channel.value} to {route.address}")


def register(main: click.Group) -> None:
    """Add these commands to the `shangliang` group."""
    for command in (sweep, run_scheduler, calendar, clocks_group, route_group):
        main.add_command(command)

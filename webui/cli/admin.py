"""Process administration from the `shangliang` command: deploy and review versions, bindings, migrations,
operations on running topics and the audit log. ``register`` adds these commands to the main group.

Like the rest of the CLI, commands act as a named user (``--as``); audit entries record the
address ``cli``.
"""
import json
import sys
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.diagrams import diff as diagram_diff
from models import ProcessVersion
from models.database import writing
from webui.database import command_session
from workflows.administration import bindings, migration, operations, review
from workflows.administration.reassign import where
from workflows.demo import world as demo
from workflows.people import audit
from workflows.people.access import require

CLI = "cli"


def _version(session: Session, version_id: int) -> ProcessVersion:
    return require(session, ProcessVersion, version_id, "process version")


def _as() -> Any:
    return click.option("--as", "username", required=True, help="the user acting")


@click.command()
@click.option("--process", "process_id", default=None, help="only this process id")
def versions(process_id: str | None) -> None:
    """List deployed versions with their review state, newest first."""
    with command_session() as session:
        for v in session.scalars(select(ProcessVersion).order_by(ProcessVersion.id.desc())):
            if process_id in (None, v.definition.process_id):
                by = v.deployed_by.username if v.deployed_by else "-"
                click.echo(f"{v.id}\t{v.label}\t{v.status.value}\t{by}\t{v.deployed_at:%Y-%m-%d}\t{v.note}")


@click.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_as()
@click.option("--note", default="", help="what changed in this version")
@click.option("--bind", "bind_to", multiple=True, help="district code to bind on approval ('default': all others)")
def deploy(path: Path, username: str, note: str, bind_to: tuple[str, ...]) -> None:
    """Validate a BPMN file and deploy it as a pending version; a second administrator approves it."""
    with command_session() as session, writing(session):
        districts = [None if code == "default" else code for code in bind_to]
        version = review.submit(session, demo.user_named(session, username), path.read_bytes(),
                                source_name=path.name, note=note, bind_to=districts, address=CLI)
        click.echo(f"deployed {version.label} (version {version.id}) sha256 {version.sha256[:12]}, "
                   "pending approval by a second process administrator")


@click.command()
@click.argument("version_id", type=int)
@_as()
@click.option("--note", default="")
def approve(version_id: int, username: str, note: str) -> None:
    """Approve a pending version; it is bound where its deployer asked."""
    with command_session() as session, writing(session):
        version = review.approve(session, demo.user_named(session, username), version_id, note, CLI)
        places = ", ".join(c or "default" for c in version.bind_on_approval) or "-"
        click.echo(f"approved {version.label}; bound for {places}")


@click.command()
@click.argument("version_id", type=int)
@_as()
@click.option("--note", required=True, help="why")
def reject(version_id: int, username: str, note: str) -> None:
    """Reject a pending version with a reason."""
    with command_session() as session, writing(session):
        version = review.reject(session, demo.user_named(session, username), version_id, note, CLI)
        click.echo(f"rejected {version.label}")


@click.command()
@click.argument("from_id", type=int)
@click.argument("to_id", type=int)
def diff(from_id: int, to_id: int) -> None:
    """Print the elements added, removed and changed between two versions."""
    with command_session() as session:
        result = diagram_diff.diff(_version(session, from_id).bpmn_xml, _version(session, to_id).bpmn_xml)
    for element in result.added:
        click.echo(f"+ {element.element_id} ({element.name}) {element.kind}")
    for element in result.removed:
        click.echo(f"- {element.element_id} ({element.name}) {element.kind}")
    for element in result.changed:
        for change in element.changes:
            click.echo(f"~ {element.element_id} ({element.name}) {change.aspect}: {change.old!r} -> {change.new!r}")
    if result.layout_changed:
        click.echo("~ the drawing changed")


@click.command()
@click.argument("version_id", type=int)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def export(version_id: int, output: Path | None) -> None:
    """Write a version's BPMN file (to stdout without -o)."""
    with command_session() as session:
        data = _version(session, version_id).bpmn_xml
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)


@click.command("bindings")
def list_bindings() -> None:
    """Print which version each district's new topics use."""
    with command_session() as session:
        for row in bindings.table(session):
            click.echo(f"{row.process_id}\t{row.district or 'default'}\t{row.label}")


@click.command()
@click.argument("version_id", type=int)
@_as()
@click.option("--district", default=None, help="district code (omit for the default binding)")
def bind(version_id: int, username: str, district: str | None) -> None:
    """Bind an approved version for a district, or as the default."""
    with command_session() as session, writing(session):
        bindings.set_binding(session, demo.user_named(session, username), version_id, district, CLI)
        click.echo(f"bound version {version_id} for {district or 'default'}")


@click.command()
@click.argument("process_id")
@click.argument("district")
@_as()
def unbind(process_id: str, district: str, username: str) -> None:
    """Remove a district's own binding; it uses the default again."""
    with command_session() as session, writing(session):
        bindings.remove_binding(session, demo.user_named(session, username), process_id, district, CLI)
        click.echo(f"{district} uses the default {process_id} again")


@click.command()
@click.argument("version_id", type=int)
@_as()
@click.option("--topic", "topic_ids", type=int, multiple=True, help="topic id (default: every candidate)")
@click.option("--apply", is_flag=True, help="move the topics (without it: a dry run)")
def migrate(version_id: int, username: str, topic_ids: tuple[int, ...], apply: bool) -> None:
    """Say for each topic whether it can move to a newer version, and why; with --apply, move them."""
    with command_session() as session:
        actor = demo.user_named(session, username)
        if apply:
            ids = list(topic_ids) or [t.id for t in migration.candidates(session, migration.target_version(
                session, actor, version_id))]
            verdicts = migration.migrate(session, actor, version_id, ids, CLI)
        else:
            verdicts = migration.plan(session, actor, version_id, list(topic_ids) or None)
        for v in verdicts:
            state = "moved" if v.moved else "can move" if v.can_move else "cannot move"
            click.echo(f"topic {v.topic_id}\t{v.current} -> {v.target}\t{state}\t{'; '.join(v.reasons + v.notes)}")


def _topic_command(name: str, needs_reason: bool) -> click.Command:
    @click.command(name)
    @click.argument("topic_id", type=int)
    @_as()
    @click.option("--reason", default="", required=needs_reason)
    def command(topic_id: int, username: str, reason: str) -> None:
        with command_session() as session, writing(session):
            actor = demo.user_named(session, username)
            operation, takes_reason = operations.TOPIC_OPERATIONS[name]
            topic = operation(session, actor, topic_id, *((reason,) if takes_reason else ()), address=CLI)
            click.echo(f"topic {topic.id} is {topic.status.value} at stage {topic.stage}")

    command.help = {"suspend": "Suspend a topic: its tasks cannot be completed until resumed.",
                    "resume": "Resume a suspended topic.", "terminate": "End a topic for good, with a reason.",
                    "retry": "Run a topic's failed step again.",
                    "skip": "Pass over a topic's failed step (a gateway takes its default flow)."}[name]
    return command


@click.command()
@click.argument("task_id", type=int)
@_as()
@click.option("--unit", default=None)
@click.option("--organization", default=None)
@click.option("--user", default=None)
@click.option("--reason", default="")
def reassign(task_id: int, username: str, unit: str | None, organization: str | None, user: str | None,
             reason: str) -> None:
    """Give an open task to another unit, organization or one user."""
    with command_session() as session, writing(session):
        item = operations.reassign(session, demo.user_named(session, username), task_id, unit=unit,
                                   organization=organization, user=user, reason=reason, address=CLI)
        click.echo(f"task {item.id} now lies with {json.dumps(where(item), ensure_ascii=False)}")


@click.command("audit")
@_as()
@click.option("--action", default="")
@click.option("--actor", default="")
@click.option("--target", default="")
@click.option("--limit", default=50, type=int)
def audit_log(username: str, action: str, actor: str, target: str, limit: int) -> None:
    """Print the audit log, newest first."""
    with command_session() as session:
        entries, total = audit.search(session, demo.user_named(session, username),
                                      audit.Filter(action=action, actor=actor, target=target), limit)
        for e in entries:
            who = e.actor.username if e.actor else "-"
            click.echo(f"{e.at.isoformat(timespec='seconds')}\t{who}\t{e.action}\t{e.target}\t{e.address}\t"
                       f"{json.dumps(e.payload, ensure_ascii=False)}")
        click.echo(f"{len(entries)} of {total}")


def register(group: click.Group) -> None:
    """Add every administration command to the main command group."""
    for command in (versions, deploy, approve, reject, diff, export, list_bindings, bind, unbind, migrate, reassign,
                    audit_log, *(_topic_command(n, n in ("suspend", "terminate", "skip"))
                                 for n in ("suspend", "resume", "terminate", "retry", "skip"))):
        group.add_command(command)

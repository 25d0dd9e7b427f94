"""Going live from the `shangliang` command: the first administrator, the bundled diagrams, the
organization tree, people and the XLSX import and export. ``register`` adds these commands.

``create-admin`` needs no ``--as``: it works only while no system administrator exists. The
other commands act as a named system administrator (``--as``); audit entries record ``cli``.
"""
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidInput, NotFound
from models import Organization, OrgKind, ProcessVersion, Unit, User
from models.database import writing
from webui.database import command_session
from workflows.demo import world as bundled
from workflows.organizations import bulk, tree
from workflows.people import directory

CLI = "cli"


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username}")
    return user


def _as() -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option("--as", "actor_name", required=True, help="the system administrator acting")


@click.command("create-admin")
@click.option("--username", default="sysadmin", show_default=True)
@click.option("--name", "display_name", default="系统管理员", show_default=True)
@click.option("--password-stdin", is_flag=True, help="read the password from the first line of stdin")
def create_admin(username: str, display_name: str, password_stdin: bool) -> None:
    """Create the first system administrator of an empty installation (asks for the password twice)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("password", hide_input=True, confirmation_prompt=True)
    with command_session() as session, writing(session):
        user = directory.create_first_admin(session, username, display_name, password)
    click.echo(f"system administrator {user.username} created; sign in at /login")


@click.command("install-diagrams")
def install_diagrams() -> None:
    """Deploy the bundled diagrams (approved) into a database that has none yet."""
    with command_session() as session, writing(session):
        if session.scalar(select(ProcessVersion.id).limit(1)) is not None:
            click.echo("diagrams are deployed already; use `shangliang deploy` for new versions")
            return
        bundled.deploy_bundled(session)
        count = len(session.scalars(select(ProcessVersion.id)).all())
    click.echo(f"{count} bundled diagrams deployed and bound")


@click.command("template")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def write_template(path: Path) -> None:
    """Write the empty XLSX import template."""
    path.write_bytes(bulk.template())
    click.echo(f"template written to {path}")


@click.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_as()
@click.option("--dry-run", is_flag=True, help="list every row's problem and write nothing")
def import_workbook(path: Path, actor_name: str, dry_run: bool) -> None:
    """Import organizations, units, people, sectors, liaison groups and members from XLSX, all or nothing."""
    sheets = bulk.read(path.read_bytes())
    with command_session() as session, writing(session):  # checked first: a workbook with problems writes nothing
        actor = _user(session, actor_name)
        report = bulk.dry_run(session, actor, sheets) if dry_run else bulk.apply(session, actor, sheets, CLI)
    for problem in report.problems:
        click.echo(str(problem), err=True)
    if report.problems:
        click.echo(f"error: {len(report.problems)} problems; nothing was imported", err=True)
        sys.exit(2)
    for sheet, counts in report.counts.items():
        click.echo(f"{sheet}\tcreated {counts['created']}\tchanged {counts['changed']}\t"
                   f"unchanged {counts['unchanged']}")
    click.echo("check passed; nothing written (dry run)" if dry_run else "imported")


@click.command("export-directory")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_directory(path: Path) -> None:
    """Write the tree, units, people, sectors, liaison groups and members as XLSX (the template's layout)."""
    with command_session() as session:
        path.write_bytes(bulk.export(session))
    click.echo(f"written to {path}")


@click.group("org")
def org() -> None:
    """The organization tree: list, add, rename, move, merge, deactivate, delete."""


@org.command("list")
@click.option("--all", "show_all", is_flag=True, help="include deactivated and merged organizations")
def org_list(show_all: bool) -> None:
    """Print the tree, indented by level."""
    with command_session() as session:
        orgs = list(session.scalars(select(Organization).order_by(Organization.id)))
        children: dict[int | None, list[Organization]] = {}
        for o in orgs:
            children.setdefault(o.parent_id, []).append(o)

        def show(node: Organization, depth: int) -> None:
            if node.active or show_all:
                state = "" if node.active else ("\tmerged into " + node.merged_into.code if node.merged_into
                                                 else "\tinactive")
                click.echo(f"{'  ' * depth}{node.code}\t{node.name}\t{tree.KIND_LABELS[node.kind]}{state}")
            for child in children.get(node.id, []):
                show(child, depth + 1)

        for root in children.get(None, []):
            show(root, 0)


@org.command("add")
@click.argument("code")
@click.argument("name")
@click.option("--kind", required=True, help="city district town street park village community enterprise (或中文)")
@click.option("--parent", default=None, help="the parent's code")
@_as()
def org_add(code: str, name: str, kind: str, parent: str | None, actor_name: str) -> None:
    """Add an organization under its parent."""
    org_kind = tree.kind_of(kind, tree.KIND_LABELS, OrgKind)
    if org_kind is None:
        raise InvalidInput("unknown kind", {"kind": f"类型 {kind} 无法识别"})
    with command_session() as session, writing(session):
        node = tree.create(session, _user(session, actor_name), code, name, org_kind,
                           tree.by_code(session, parent) if parent else None, CLI)
    click.echo(f"organization {node.code} added")


def _org_command(name: str, help_text: str, needs_target: bool):  # type: ignore[no-untyped-def]
    @org.command(name, help=help_text)
    @click.argument("code")
    @click.argument("target", required=needs_target)
    @_as()
    def command(code: str, target: str | None, actor_name: str) -> None:
        with command_session() as session, writing(session):
            actor, node = _user(session, actor_name), tree.by_code(session, code)
            if name == "rename":
                tree.rename(session, actor, node, target or "", CLI)
            elif name == "move":
                tree.move(session, actor, node, tree.by_code(session, target or ""), CLI)
            elif name == "merge":
                tree.merge(session, actor, node, tree.by_code(session, target or ""), CLI)
            elif name == "deactivate":
                tree.deactivate(session, actor, node, CLI)
            elif name == "delete":
                tree.delete(session, actor, node, CLI)
        click.echo(f"organization {code}: {name} done")

    return command


for _name, _help, _target in (("rename", "Rename CODE to the name TARGET.", True),
                              ("move", "Move CODE under the organization TARGET.", True),
                              ("merge", "Merge CODE into TARGET; CODE keeps its topics and history.", True),
                              ("deactivate", "Stop using CODE (nothing is deleted).", False),
                              ("delete", "Delete CODE entered by mistake (never one with topics).", False)):
    _org_command(_name, _help, _target)


@click.group("user")
def user_group() -> None:
    """People: add, give a role, deactivate, reset a password or a second factor."""


@user_group.command("add")
@click.argument("username")
@click.argument("display_name")
@click.option("--phone", default="")
@click.option("--email", default="")
@_as()
def user_add(username: str, display_name: str, phone: str, email: str, actor_name: str) -> None:
    """Add a person (no password yet: a security administrator resets one)."""
    with command_session() as session, writing(session):
        directory.create_user(session, _user(session, actor_name), username=username,
                              display_name=display_name, phone=phone, email=email, address=CLI)
    click.echo(f"user {username} added")


@user_group.command("role")
@click.argument("username")
@click.argument("role")
@click.option("--org", "org_code", default=None)
@click.option("--unit", "unit_code", default=None)
@click.option("--from", "starts_on", default=None, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--until", "ends_on", default=None, type=click.DateTime(["%Y-%m-%d"]))
@_as()
def user_role(username: str, role: str, org_code: str | None, unit_code: str | None, starts_on: object,
              ends_on: object, actor_name: str) -> None:
    """Give USERNAME the ROLE at an organization or unit, optionally between two days."""
    chosen = directory.role_of(role)
    if chosen is None:
        raise InvalidInput("unknown role", {"role": f"角色 {role} 无法识别"})
    with command_session() as session, writing(session):
        unit = session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
        if unit_code and unit is None:
            raise NotFound(f"no unit {unit_code}")
        directory.assign_role(session, _user(session, actor_name), _user(session, username), chosen,
                              tree.by_code(session, org_code) if org_code else None, unit,
                              _date(starts_on), _date(ends_on), CLI)
    click.echo(f"{username} is {chosen.value}")


def _date(value: object) -> date | None:
    return value.date() if hasattr(value, "date") else None


@user_group.command("deactivate")
@click.argument("username")
@_as()
def user_deactivate(username: str, actor_name: str) -> None:
    """Deactivate a person; their claimed open tasks go back to their unit."""
    with command_session() as session, writing(session):
        handed = directory.deactivate(session, _user(session, actor_name), _user(session, username), CLI)
    click.echo(f"user {username} deactivated; {handed} open tasks handed back")


@user_group.command("reset-password")
@click.argument("username")
@click.option("--as", "actor_name", default=None, help="the security administrator (default: the server itself)")
def user_reset_password(username: str, actor_name: str | None) -> None:
    """Give a person a one-time password to change at the next sign-in, and print it."""
    with command_session() as session, writing(session):
        actor = _user(session, actor_name) if actor_name else None
        password = directory.reset_password(session, actor, _user(session, username), CLI)
    click.echo(f"one-time password of {username}: {password}")


@user_group.command("reset-totp")
@click.argument("username")
@click.option("--as", "actor_name", default=None, help="the security administrator (default: the server itself)")
def user_reset_totp(username: str, actor_name: str | None) -> None:
    """Forget a person's second factor; they enrol again at the next sign-in."""
    with command_session() as session, writing(session):
        actor = _user(session, actor_name) if actor_name else None
        directory.reset_totp(session, actor, _user(session, username), CLI)
    click.echo(f"second factor of {username} reset")


def register(group: click.Group) -> None:
    """Add the go-live commands to the main command group."""
    for command in (create_admin, install_diagrams, write_template, import_workbook, export_directory, org,
                    user_group):
        group.add_command(command)


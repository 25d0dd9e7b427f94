"""Process administration pages for running topics: migration with a dry run, topic operations, the audit log.

Process administrators migrate and operate; supervisors and process administrators read the
audit log. Each action is an engine call that writes the topic's history and the audit log.
"""
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from werkzeug.wrappers import Response

from engine.diagrams.loading import BPMN, NS, parse_xml
from engine.errors import NotFound, ShangliangError
from engine.time import clocks
from engine.time.calendar import SHANGHAI, WorkCalendar
from models import (
    ProcessVersion,
    Role,
    TaskItem,
    TaskStatus,
    Topic,
    TopicStatus,
    VersionStatus,
    WorkflowState,
)
from models.database import writing
from webui.database import db_session
from webui.pages.admin import address, attempt
from webui.pages.messages import in_words
from webui.security import clock, roles_required
from workflows.administration import migration, operations
from workflows.administration import reassign as reassign_rules
from workflows.people import audit
from workflows.people.access import require
from workflows.rules.stages import STAGE_LABELS
from workflows.topics import inbox
from workflows.topics import lifecycle as topics

bp = Blueprint("admin_ops", __name__, url_prefix="/admin")
ADMIN = Role.PROCESS_ADMIN
PAGE = 50
MAX_PAGES = 100_000  # beyond any log; a larger page number would overflow the OFFSET on SQLite


@bp.get("/migrations")
@login_required
@roles_required(ADMIN)
def migrations() -> str:
    """List the approved versions that running topics could move to."""
    versions = [v for v in db_session().scalars(select(ProcessVersion).where(
        ProcessVersion.status == VersionStatus.APPROVED).order_by(ProcessVersion.id.desc()))]
    counts = {v.id: len(migration.candidates(db_session(), v)) for v in versions}
    return render_template("admin/migrations.html", versions=[v for v in versions if counts[v.id]], counts=counts)


@bp.get("/versions/<int:version_id>/migrate", endpoint="migration")
@login_required
@roles_required(ADMIN)
def migration_page(version_id: int) -> str:
    """Dry run: every topic that could move to this version, whether it can, and why not."""
    session = db_session()
    target = migration.target_version(session, current_user, version_id)
    verdicts = migration.plan(session, current_user, version_id)
    return render_template("admin/migrate.html", target=target, verdicts=verdicts, results=None,
                           **_open_tasks_of(verdicts, target))


@bp.post("/versions/<int:version_id>/migrate")
@login_required
@roles_required(ADMIN)
def migrate(version_id: int) -> str | Response:
    """Move the chosen topics; show what happened to each."""
    session = db_session()
    chosen = [int(i) for i in request.form.getlist("topic_id") if i.isascii() and i.isdigit() and len(i) < 10]
    if not chosen:
        flash(_("请选择要迁移的议题"), "error")
        return redirect(url_for("admin_ops.migration", version_id=version_id))
    target = migration.target_version(session, current_user, version_id)
    results = migration.migrate(session, current_user, version_id, chosen, address())
    moved = sum(r.moved for r in results)
    flash(_("已迁移 %(moved)s / %(total)s 个议题", moved=moved, total=len(results)),
          "success" if moved == len(results) else "warning")
    verdicts = migration.plan(session, current_user, version_id)
    return render_template("admin/migrate.html", target=target, verdicts=verdicts, results=results,
                           **_open_tasks_of(verdicts, target))


def _open_tasks_of(verdicts: list[migration.Verdict], target: ProcessVersion) -> dict[str, Any]:
    """Return the verdicts' topics' open tasks (one statement), each deadline under the target, and stage labels."""
    session = db_session()
    ids = [v.topic_id for v in verdicts]
    found: dict[int, list[TaskItem]] = {}
    for item in session.scalars(select(TaskItem).where(TaskItem.topic_id.in_(ids), TaskItem.status == TaskStatus.READY)
                                .options(joinedload(TaskItem.topic)).order_by(TaskItem.id)):
        found.setdefault(item.topic_id, []).append(item)
    properties = _task_properties(target.bpmn_xml)
    calendar = topics.load_calendar(session)
    new_due = {item.id: _due_under(session, calendar, item, target.definition.process_id, properties)
               for items in found.values() for item in items}
    return {"open_tasks": found, "new_due": new_due, "stage_labels": STAGE_LABELS}


def _task_properties(xml: bytes) -> dict[str, dict[str, str]]:
    """Return each user task's spiffworkflow properties in a version's diagram (stored versions are safe XML)."""
    found = {}
    for task in parse_xml(xml).iter(f"{{{BPMN}}}userTask"):
        found[task.get("id", "")] = {p.get("name", ""): p.get("value", "")
                                     for p in task.iterfind(".//spiffworkflow:property", NS)}
    return found


def _due_under(session: Session, calendar: WorkCalendar, item: TaskItem, process_id: str,
               properties: dict[str, dict[str, str]]) -> datetime | None:
    """Return the deadline an open task would have under the target version (a granted extension still wins)."""
    if item.process_id != process_id or item.bpmn_id not in properties:
        return item.due_at  # a task of another process, or one the target drops: the migration says which
    if item.extended_to is not None or item.clock_started_at is None:
        return item.due_at
    clock = clocks.task_clock(session, item.topic.district_id, process_id, item.bpmn_id, properties[item.bpmn_id])
    return clocks.deadline_from(calendar, clock, item.clock_started_at).due.end_at() if clock else None


@bp.get("/topics", endpoint="topics")
@login_required
@roles_required(ADMIN)
def topics_page() -> str:
    """List running topics: failed steps first, then suspended, then the rest (newest first)."""
    session = db_session()
    rows = session.execute(select(Topic, WorkflowState).join(WorkflowState, WorkflowState.topic_id == Topic.id)
                           .where(Topic.status.in_((TopicStatus.ACTIVE, TopicStatus.SUSPENDED)))
                           .order_by(Topic.id.desc())).all()
    ordered = sorted(rows, key=lambda r: (r[1].failure is None, r[0].status is not TopicStatus.SUSPENDED))
    return render_template("admin/topics.html", rows=ordered)


@bp.get("/topics/<int:topic_id>")
@login_required
@roles_required(ADMIN)
def topic(topic_id: int) -> tuple[str, int]:
    """Operate on one topic: suspend, resume, terminate, retry or skip its failed step, reassign its tasks."""
    return _topic_page(topic_id)


def _topic_page(topic_id: int, refused: dict[str, Any] | None = None, status: int = 200) -> tuple[str, int]:
    """Render a topic's operations; ``refused`` is a reassignment sent back to its form (task, values, message)."""
    session = db_session()
    shown = require(session, Topic, topic_id, "topic")
    stored = session.get(WorkflowState, topic_id)
    return render_template("admin/topic.html", topic=shown, failure=stored.failure if stored else None,
                           open_tasks=inbox.open_tasks(session, shown), history=topics.history(session, shown)[-12:],
                           choices=reassign_rules.choices(session, shown, clock()), refused=refused or {}), status


def _allowed(choices: dict[str, Any], item: TaskItem, target: str) -> bool:
    """Tell whether ``target`` is one the task's form offered."""
    offered = choices["units"] + choices["organizations"] + choices["people"].get(item.role, [])
    return target in {value for value, _name in offered}


@bp.post("/topics/<int:topic_id>/<action>")
@login_required
@roles_required(ADMIN)
def operate(topic_id: int, action: str) -> Response:
    """Run one operation on a topic from its page."""
    if action not in operations.TOPIC_OPERATIONS:
        raise NotFound(f"no operation {action!r}")
    service, takes_reason = operations.TOPIC_OPERATIONS[action]
    reason = (request.form.get("reason", ""),) if takes_reason else ()
    attempt(lambda: service(db_session(), current_user, topic_id, *reason, address()), "已执行 (done)")
    return redirect(url_for("admin_ops.topic", topic_id=topic_id))


@bp.post("/tasks/<int:task_id>/reassign")
@login_required
@roles_required(ADMIN)
def reassign(task_id: int) -> Response | tuple[str, int]:
    """Give an open task to another unit, organization or user."""
    session = db_session()
    item = require(session, TaskItem, task_id, "task")
    target, reason = request.form.get("target", "").strip(), request.form.get("reason", "")
    kept = {"task": item.id, "target": target, "reason": reason}
    if not _allowed(reassign_rules.choices(session, item.topic, clock()), item, target):
        shown = (target.partition(":")[2] or target)[:60]
        message = _("请从列表中选择转办对象：本区的单位、组织或能办理该任务的人员") if not target else \
            _("“%(value)s”不在可选列表中：请从列表中选择本区的单位、组织或能办理该任务的人员", value=shown)
        return _topic_page(item.topic_id, {**kept, "message": message}, 422)
    kind, _colon, code = target.partition(":")
    try:
        with writing(session):
            operations.reassign(session, current_user, task_id, reason=reason, address=address(), now=clock(),
                                unit=code if kind == "unit" else None,
                                organization=code if kind == "organization" else None,
                                user=code if kind == "user" else None)
    except ShangliangError as exc:
        return _topic_page(item.topic_id, {**kept, "message": in_words(exc.message)}, exc.status)
    flash(_("已转办"), "success")
    return redirect(url_for("admin_ops.topic", topic_id=item.topic_id))


@bp.get("/audit", endpoint="audit")
@login_required
@roles_required(*audit.READERS)
def audit_page() -> str:
    """Read the audit log with filters: action, actor, target, address and a date range (Beijing time)."""
    args = request.args
    errors: dict[str, str] = {}
    where = audit_filter(args, errors)
    page = min(max(args.get("page", 1, type=int) or 1, 1), MAX_PAGES)
    try:
        entries, total = audit.search(db_session(), current_user, where, PAGE, (page - 1) * PAGE)
    except ShangliangError as exc:
        flash(exc.message, "error")
        entries, total = [], 0
    return render_template("admin/audit.html", entries=entries, total=total, page=page,
                           pages=max((total - 1) // PAGE + 1, 1), args=args, errors=errors,
                           actions=audit.actions(db_session()), query=args.to_dict(),
                           is_admin=current_user.has_role(ADMIN))


def audit_filter(args: Any, errors: dict[str, str]) -> Any:
    """Read the filter from the query string; a bad date is named in ``errors`` and ignored."""
    return audit.Filter(action=args.get("action", ""), actor=args.get("actor", "").strip(),
                        target=args.get("target", "").strip(), address=args.get("address", "").strip(),
                        since=_day(args.get("since"), "since", errors),
                        until=_day(args.get("until"), "until", errors, next_day=True))


def _day(raw: str | None, name: str, errors: dict[str, str], next_day: bool = False) -> datetime | None:
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").replace(tzinfo=SHANGHAI)
    except ValueError:
        errors[name] = "must be a date written YYYY-MM-DD"  # said in words by the page
        return None
    return day + timedelta(days=1) if next_day else day

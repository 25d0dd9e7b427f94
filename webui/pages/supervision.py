"""Supervision pages (督查督办): the dashboard, the lists behind its figures, escalation."""
from collections import Counter
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import ShangliangError
from models import Role, Topic
from models.database import writing
from webui.database import db_session, writes
from webui.pages.lists import filters_from_request, list_context
from webui.security import clock, roles_required, safe_next
from workflows.deadlines import heartbeat
from workflows.rules.stages import STAGE_LABELS
from workflows.supervision import dashboard as overview
from workflows.supervision import escalation as supervision
from workflows.topics import filters as saved
from workflows.topics import lifecycle as topics
from workflows.topics import worklist

bp = Blueprint("supervision", __name__, url_prefix="/supervision")
supervising = roles_required(*supervision.SUPERVISING_ROLES)
MAX_REASON = 500  # the escalation service's limit, said in the message


@bp.get("/")
@login_required
@supervising
def dashboard() -> str:
    """Show open, yellow and red counts by group, unit and stage, and the feedback rates."""
    figures = overview.dashboard(db_session(), current_user, clock())
    stages = [s for s in list_context()["stages"] if s in figures.by_stage]
    groups = sorted(((code, name, c) for (code, name), c in figures.by_group.items()), key=lambda g: g[1])
    units = sorted(((code, name, c) for (code, name), c in figures.by_unit.items()),
                   key=lambda u: (-u[2]["red"], -u[2]["yellow"], -u[2]["open"], u[1]))
    key = "district" if figures.grouped_by == "district" else "platform"
    chart = {
        "groups": _series([(c, n, f) for c, n, f in groups], key),
        "stages": _series([(s, _(STAGE_LABELS[s]), figures.by_stage[s]) for s in stages], "stage"),
        "labels": {"open": _("在办"), "yellow": _("黄牌"), "red": _("红牌")}, "list": url_for("supervision.tasks"),
    }
    sweep = heartbeat.freshness(db_session(), clock(), heartbeat.stale_after())  # a stopped scheduler shows here
    return render_template("supervision/dashboard.html", figures=figures, stage_labels=STAGE_LABELS, stages=stages,
                           groups=groups, units=units, chart=chart, sweep=sweep)


def _series(entries: list[tuple[str, str, Counter[str]]], key: str) -> dict[str, object]:
    """Return one chart's categories and counts; ``key`` is the list filter a bar links to."""
    return {"codes": [e[0] for e in entries], "names": [e[1] for e in entries], "key": key,
            **{level: [e[2][level] for e in entries] for level in ("open", "yellow", "red")}}


@bp.get("/tasks")
@login_required
@supervising
def tasks() -> str:
    """List the open tasks behind a figure, with filters, paging and escalation."""
    return _tasks_page()


def _tasks_page(refused: dict[str, Any] | None = None) -> str:
    """Render the list (its filters from the query string); ``refused`` is a bulk 督办 sent back with its ticks."""
    session, filters = db_session(), filters_from_request()
    in_scope = supervision.open_task_conditions(session, current_user)
    page = worklist.task_page(session, in_scope, filters, current_user, clock(), topics.load_calendar(session))
    grouped_by = supervision.grouping(session, current_user)
    group = Topic.district_id if grouped_by == "district" else worklist.PLATFORM_ID
    return render_template(
        "supervision/tasks.html", rows=page.rows, total=page.total, pages=page.pages, filters=filters,
        grouped_by=grouped_by, groups=worklist.org_choices(session, in_scope, group, by_name=True),
        waiting=worklist.waiting_choices(session, in_scope), saved=saved.list_for(session, current_user, "supervision"),
        may_escalate=current_user.has_role(Role.SUPERVISOR), list_endpoint="supervision.tasks",
        export_endpoint="lists.export", view="supervision", refused=refused or {}, **list_context(),
    )


@bp.post("/tasks/escalate")
@login_required
@supervising
def escalate_many() -> Response | tuple[str, int]:
    """Escalate the ticked tasks with one reason (批量督办); each is its own transaction, failures are named."""
    ids = [int(i) for i in request.form.getlist("task") if i.isascii() and i.isdigit() and len(i) < 10][:100]
    reason = request.form.get("reason", "").strip()
    back = safe_next(request.form.get("next"), "supervision.tasks")
    if not ids or not reason or len(reason) > MAX_REASON:
        message = (_("请先勾选要督办的任务。") if not ids else
                   _("请填写督办意见（最多 %(limit)s 字），勾选的任务已保留。", limit=MAX_REASON))
        return _tasks_page({"ticked": set(ids), "reason": request.form.get("reason", ""), "message": message}), 422
    session, done, failed = db_session(), 0, []
    for task_id in ids:
        try:
            with writing(session):
                supervision.escalate(session, current_user, task_id, reason, now=clock(),
                                     address=request.remote_addr or "")
            done += 1
        except ShangliangError:
            failed.append(f"#{task_id}")
    flash(_("已督办 %(done)s 项任务。", done=done), "success")
    if failed:
        flash(_("以下任务未能督办：%(ids)s", ids="、".join(failed)), "error")
    return redirect(back)


@bp.get("/replies")
@login_required
@supervising
def replies() -> str:
    """List the written replies and ratings behind the on-time and satisfaction rates."""
    session = db_session()
    return render_template("supervision/replies.html", replies=supervision.replies(session, current_user),
                           ratings=supervision.ratings(session, current_user))


@bp.post("/tasks/<int:task_id>/escalate")
@login_required
@supervising
@writes
def escalate(task_id: int) -> Response:
    """Escalate a task (督办) with a reason (none given: 422 naming the field)."""
    supervision.escalate(db_session(), current_user, task_id, request.form.get("reason", ""), now=clock(),
                         address=request.remote_addr or "")
    flash(_("已督办"), "success")
    return redirect(safe_next(request.form.get("next"), "supervision.tasks"))

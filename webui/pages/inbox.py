"""The inbox: my tasks and my unit's unclaimed tasks, least time left first; claim, release, transfer."""
from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import InvalidInput, ShangliangError
from models import Topic
from models.database import writing
from webui.database import db_session, writes
from webui.pages.lists import filters_from_request, list_context
from webui.security import clock, safe_next
from workflows.deadlines import extension_requests as extensions
from workflows.topics import claims, handling, worklist
from workflows.topics import filters as saved
from workflows.topics import inbox as engine_inbox
from workflows.topics import lifecycle as topics

bp = Blueprint("inbox", __name__)
# What a ticked set of tasks may have done to it at once (批量认领 / 批量签收), each task in its own transaction.
BULK: dict[str, Callable[..., object]] = {"claim": claims.claim, "sign": handling.sign}
MAX_BULK = 100


@bp.get("/")
@login_required
def index() -> str | tuple[str, int]:
    """Show the user's inbox with its filters and paging (the table alone for htmx requests)."""
    return inbox_page()


def inbox_page(decision: tuple[int, Any, dict[str, str]] | None = None, status: int = 200) -> str | tuple[str, int]:
    """Render the inbox; ``decision`` is a refused extension decision for its form: (request id, values, errors)."""
    session, filters = db_session(), filters_from_request()
    mine = engine_inbox.inbox_conditions(session, current_user)
    page = worklist.task_page(session, mine, filters, current_user, clock(), topics.load_calendar(session))
    shown = dict(rows=page.rows, total=page.total, pages=page.pages, filters=filters, list_endpoint="inbox.index",
                 **list_context())
    if request.headers.get("HX-Request"):
        return render_template("inbox/_table.html", **shown)
    return render_template(
        "inbox/index.html", **shown, districts=worklist.org_choices(session, mine, Topic.district_id),
        waiting=worklist.waiting_choices(session, mine), saved=saved.list_for(session, current_user, "inbox"),
        export_endpoint="lists.export", view="inbox",
        pending=extensions.pending_for(session, current_user), decision=decision,
    ), status


@bp.post("/tasks/<int:task_id>/claim")
@login_required
@writes
def claim(task_id: int) -> Response:
    """Claim a task for oneself."""
    claims.claim(db_session(), current_user, task_id, now=clock())
    if request.form.get("next"):
        return redirect(safe_next(request.form.get("next")))
    return redirect(url_for("tasks.detail", task_id=task_id))


@bp.post("/tasks/<int:task_id>/transfer")
@login_required
@writes
def transfer(task_id: int) -> Response:
    """Transfer a task to a colleague of the same unit (转办)."""
    to = request.form.get("to", "")
    if not (to.isascii() and to.isdigit() and len(to) < 10):
        raise InvalidInput("choose a colleague", {"to": "请选择同事 (choose a colleague)"})
    claims.transfer(db_session(), current_user, task_id, int(to), now=clock())
    flash(_("已转办"), "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<int:task_id>/release")
@login_required
@writes
def release(task_id: int) -> Response:
    """Give a claimed task back to the unit."""
    claims.release(db_session(), current_user, task_id, now=clock())
    return redirect(safe_next(request.form.get("next")))


@bp.post("/tasks/bulk")
@login_required
def bulk() -> Response:
    """Claim or sign for the ticked tasks; each one is its own transaction, and what could not be done is named."""
    action = request.form.get("bulk", "")
    ids = [int(i) for i in request.form.getlist("task") if i.isascii() and i.isdigit() and len(i) < 10][:MAX_BULK]
    back = safe_next(request.form.get("next"), "inbox.index")
    if action not in BULK or not ids:
        flash(_("请先勾选要处理的任务。"), "error")
        return redirect(back)
    session, done, failed = db_session(), 0, []
    for task_id in ids:
        try:
            with writing(session):
                BULK[action](session, current_user, task_id, now=clock())
            done += 1
        except ShangliangError:
            failed.append(f"#{task_id}")
    verb = _("认领") if action == "claim" else _("签收")
    flash(_("已%(verb)s %(done)s 项任务。", verb=verb, done=done), "success")
    if failed:
        flash(_("以下任务未能%(verb)s（可能已被他人处理或不在签收期内）：%(ids)s", verb=verb, ids="、".join(failed)),
              "error")
    return redirect(back)

"""The inbox: my tasks and my unit's unclaimed tasks, least time left first; claim, release, transfer."""
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from models import Topic
from webui.database import db_session, writes
from webui.pages.lists import filters_from_request, list_context
from webui.security import clock, safe_next
from workflows.deadlines import extension_requests as extensions
from workflows.topics import claims, worklist
from workflows.topics import filters as saved
from workflows.topics import inbox as engine_inbox
from workflows.topics import lifecycle as topics

bp = Blueprint("inbox", __name__)


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
    if not to.isdigit():
        raise InvalidInput("choose a colleague", {"to": "请选择同事 (choose a colleague)"})
    claims.transfer(db_session(), current_user, task_id, int(to), now=clock())
    flash("已转办 (transferred)", "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tasks/<int:task_id>/release")
@login_required
@writes
def release(task_id: int) -> Response:
    """Give a claimed task back to the unit."""
    claims.release(db_session(), current_user, task_id, now=clock())
    return redirect(safe_next(request.form.get("next")))

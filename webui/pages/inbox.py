"""The inbox: my tasks and my unit's unclaimed tasks, least time left first; claim, release, transfer."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from webui.database import db_session
from webui.pages.lists import filters_from_request, list_context
from webui.security import clock, safe_next
from workflows.deadlines import extension_requests as extensions
from workflows.topics import claims, worklist
from workflows.topics import filters as saved
from workflows.topics import inbox as engine_inbox
from workflows.topics import lifecycle as topics

bp = Blueprint("inbox", __name__)


def inbox_rows() -> tuple[list[worklist.Row], list[worklist.Row], worklist.Filters]:
    """Return every row of the user's inbox, the rows the filters keep, and the filters."""
    session, filters = db_session(), filters_from_request()
    items = [i for i in engine_inbox.inbox(session, current_user, limit=2000)
             if i.assignee_id in (None, current_user.id)]
    rows = worklist.rows_for(session, items, clock(), topics.load_calendar(session))
    return rows, worklist.narrow(rows, filters, current_user), filters


@bp.get("/")
@login_required
def index() -> str:
    """Show the user's inbox with its filters and paging (the table alone for htmx requests)."""
    rows, kept, filters = inbox_rows()
    shown, pages = worklist.page(kept, filters.page)
    template = "inbox/_table.html" if request.headers.get("HX-Request") else "inbox/index.html"
    return render_template(
        template, rows=shown, total=len(kept), pages=pages, filters=filters,
        districts=sorted({(r.item.topic.district.code, r.item.topic.district.name) for r in rows}),
        waiting=worklist.waiting_choices(rows), saved=saved.list_for(db_session(), current_user, "inbox"),
        list_endpoint="inbox.index", export_endpoint="lists.export", view="inbox",
        pending=extensions.pending_for(db_session(), current_user), **list_context(),
    )


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int) -> Response:
    """Claim a task for oneself."""
    claims.claim(db_session(), current_user, task_id, now=clock())
    if request.form.get("next"):
        return redirect(safe_next(request.form.get("next")))
    return redirect(url_for("tasks.detail", task_id=task_id))


@bp.post("/tasks/<int:task_id>/transfer")
@login_required
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
def release(task_id: int) -> Response:
    """Give a claimed task back to the unit."""
    claims.release(db_session(), current_user, task_id, now=clock())
    return redirect(safe_next(request.form.get("next")))

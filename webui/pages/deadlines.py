"""Deadline actions on the web pages: signing for receipt, returning, extension requests and
their decisions, and the in-app notifications. Each view calls the deadline service's engine
functions (engine/handling.py, engine/extensions.py, engine/notify.py)."""
from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import InvalidInput, NotFound
from models import TaskItem
from models.database import writing
from webui.database import db_session, writes
from webui.i18n import select_locale
from webui.pages.inbox import inbox_page
from webui.pages.tasks import task_page
from webui.security import clock, safe_next
from webui.verbs import route_verbs
from workflows.deadlines import extension_requests as extensions
from workflows.notifications import notify
from workflows.people.access import require_task
from workflows.topics import handling

bp = Blueprint("deadline_pages", __name__)


# The two answers to a signing task, by endpoint name: the service and the form field it passes on.
SIGNING: dict[str, tuple[Callable[..., TaskItem], str]] = {
    "sign": (handling.sign, "note"),  # 签收: the reply's clock starts now
    "return_": (handling.return_topic, "reason"),  # 退回 a misassigned topic, within the signing period
}


@login_required
@writes
def answer_signing(task_id: int, answer: str) -> Response:
    """Sign for a topic, or return it with a reason."""
    service, field = SIGNING[answer]
    service(db_session(), current_user, task_id, request.form.get(field, ""), now=clock())
    return redirect(url_for("tasks.done", task_id=task_id))


route_verbs(bp, "/tasks/<int:task_id>/{verb}", answer_signing, SIGNING, "answer", urls={"return_": "return"})


@bp.post("/tasks/<int:task_id>/extensions")
@login_required
def request_extension(task_id: int) -> Response | tuple[str, int]:
    """Ask the district CPPCC office for a later deadline (延期申请); a refused request comes back on its form."""
    session = db_session()
    try:
        with writing(session):
            extensions.request(session, current_user, task_id, request.form.get("requested_to", ""),
                               request.form.get("reason", ""), now=clock())
    except InvalidInput as exc:
        item = require_task(session, current_user, task_id)
        return task_page(item, {}, {}, 422, extension=(request.form, exc.fields))
    flash(_("延期申请已提交"), "success")
    return redirect(url_for("tasks.detail", task_id=task_id))


@bp.post("/extensions/<int:request_id>/decision")
@login_required
def decide_extension(request_id: int) -> Response | str | tuple[str, int]:
    """Approve (optionally to another date) or refuse an extension request; a refusal comes back on its form."""
    choice = request.form.get("approve", "")
    session = db_session()
    try:
        if choice not in ("true", "false"):
            raise InvalidInput("approve or refuse", {"approve": "must be true or false"})
        with writing(session):
            extensions.decide(session, current_user, request_id, choice == "true", request.form.get("note", ""),
                              request.form.get("granted_to") or None, now=clock())
    except InvalidInput as exc:
        return inbox_page(decision=(request_id, request.form, exc.fields), status=422)
    flash(_("已处理延期申请"), "success")
    return redirect(safe_next(request.form.get("next")))


@bp.get("/notifications")
@login_required
def notifications() -> str:
    """List the user's unread notifications, newest first."""
    locale = select_locale()
    notes = [(note, *notify.wording(note, locale)) for note in notify.unread(db_session(), current_user)]
    return render_template("notifications.html", notes=notes)


@bp.post("/notifications/read")
@login_required
@writes
def read() -> Response:
    """Mark one notification (``id``) or all of them read."""
    raw = request.form.get("id", "")
    if raw and not (raw.isascii() and raw.isdigit()):
        raise InvalidInput("bad notification id", {"id": "must be a number"})
    count = notify.mark_read(db_session(), current_user, int(raw) if raw else None, clock())
    if raw and count == 0:
        raise NotFound(f"no unread notification {raw} of yours")
    return redirect(url_for("deadline_pages.notifications"))

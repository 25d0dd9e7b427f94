"""The task page: the task's form, validated on the server; attachments; drafts; what comes next."""
from pathlib import Path
from typing import Any
from uuid import uuid4

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from engine.errors import Conflict, InvalidInput
from engine.time.timeleft import warning_level
from models import TaskItem, TaskStatus
from models.database import writing, writing_retried
from webui.database import db_session, task_still_ready
from webui.pages.layout import local_time
from webui.security import clock
from workflows.deadlines import extension_requests as extensions
from workflows.participation import deliberation
from workflows.people.access import may_act, require_task, require_topic
from workflows.rules.forms import FORMS, Form
from workflows.rules.stages import STAGE_LABELS
from workflows.topics import attachments, claims, handling, inbox, steps, taskforms
from workflows.topics import lifecycle as topics
from workflows.topics.labels import STATUS_LABELS

bp = Blueprint("tasks", __name__, url_prefix="/tasks")
MINUTES_TASKS = ("hold_meeting", "submit_minutes")  # their page shows the opinions taken from online deliberation


def form_of(item: TaskItem) -> Form:
    """Return the form schema of a task."""
    return FORMS[item.context.get("form", item.bpmn_id)]


def raw_input(form: Form, submitted: MultiDict[str, Any]) -> dict[str, Any]:
    """Return the submitted values of the form's own fields (lists for multi-choice fields)."""
    raw: dict[str, Any] = {}
    for field in form.fields:
        if field.kind == "units":
            raw[field.name] = submitted.getlist(field.name)
        elif field.kind == "suggestions":  # rows of two inputs: <name>_text and <name>_unit, in order
            pairs = zip(submitted.getlist(f"{field.name}_text"), submitted.getlist(f"{field.name}_unit"), strict=False)
            raw[field.name] = [{"text": text, "unit": unit} for text, unit in pairs]
        elif field.kind != "file" and field.name in submitted:
            raw[field.name] = submitted.get(field.name)
    return raw


def task_page(item: TaskItem, values: dict[str, Any], errors: dict[str, str], status: int = 200,
              extension: tuple[Any, dict[str, str]] | None = None, upload_error: str = "") -> tuple[str, int]:
    """Render a task's page: its form with ``values`` and ``errors``, and the extension form's (values, errors)."""
    session = db_session()
    form = form_of(item)
    units = {f.name: taskforms.unit_choices(session, item, f.name) for f in form.fields
             if f.kind in ("unit", "units", "suggestions")}
    earlier = steps.of_topic(session, item.topic, before=item)
    return render_template(
        "tasks/detail.html", item=item, form=form, values=values, errors=errors, units=units,
        left=warning_level(item, clock(), topics.load_calendar(session)),
        files=attachments.for_task(session, item), takes_files=item.bpmn_id in attachments.KIND_BY_TASK,
        kind_labels=attachments.KIND_LABELS, stage_labels=STAGE_LABELS,
        draft=taskforms.load_draft(session, current_user, item),
        colleagues=claims.colleagues(session, item, exclude=current_user),
        extension_requests=extensions.of_task(session, item), signing=handling.is_signing(item),
        submission=request.form.get("submission") or uuid4().hex,
        earlier=earlier, rehandling=_rehandling(item, earlier),
        ext_values=extension[0] if extension else {}, ext_errors=extension[1] if extension else {},
        upload_error=upload_error, taken_opinions=_taken_opinions(item),
    ), status


def _taken_opinions(item: TaskItem) -> list[deliberation.Entry]:
    """Return the online opinions taken into the minutes, for the tasks that write or hold the meeting's minutes."""
    return deliberation.taken_for_topic(db_session(), item.topic_id) if item.bpmn_id in MINUTES_TASKS else []


def _rehandling(item: TaskItem, earlier: list[steps.Step]) -> tuple[steps.Step, steps.Step] | None:
    """Return the unsatisfied rating and the reply it sent back, when this reply task is a re-handling (退回重办)."""
    ratings = [s for s in earlier if s.item.bpmn_id == "rate_reply"]
    replies = [s for s in earlier if s.item.bpmn_id == item.bpmn_id]
    if item.bpmn_id != "write_reply" or not ratings or not replies or ratings[-1].at < replies[-1].at:
        return None
    return ratings[-1], replies[-1]


@bp.get("/<int:task_id>")
@login_required
def detail(task_id: int) -> tuple[str, int] | Response:
    """Show a task's form, filled from the user's draft if there is one."""
    item = require_task(db_session(), current_user, task_id)
    if item.status is not TaskStatus.READY:
        return redirect(url_for("topics.detail", topic_id=item.topic_id))
    draft = taskforms.load_draft(db_session(), current_user, item)
    return task_page(item, dict(draft.data) if draft else {}, {})


@bp.post("/<int:task_id>")
@login_required
def submit(task_id: int) -> tuple[str, int] | Response:
    """Save a draft, or complete the task with its uploads in one transaction.

    Field errors come back on the form with a 422, and nothing of the submission is kept: no
    attachment row, no stored file.
    """
    session = db_session()
    item = require_task(session, current_user, task_id)
    form = form_of(item)
    raw = raw_input(form, request.form)
    submission = request.form.get("submission", "")
    if topics.completed_by_submission(session, current_user, task_id, submission):
        return redirect(url_for("tasks.done", task_id=task_id))  # the same form sent again: answer as the first time
    if request.form.get("action") == "draft":
        with writing(session):
            draft = taskforms.save_draft(session, current_user, item, form, raw, now=clock())
        if request.headers.get("HX-Request"):
            return render_template("tasks/_draft_status.html", draft=draft), 200
        flash(_("草稿已保存"), "success")
        return redirect(url_for("tasks.detail", task_id=task_id))
    def complete() -> None:
        for upload in request.files.values():
            upload.stream.seek(0)  # a redone attempt stores the files again (the rollback removed them)
        topics.complete_task(session, current_user, task_id, raw | _store_files(item, form), now=clock(),
                             submission=submission)
        taskforms.drop_drafts(session, item)

    try:
        writing_retried(session, complete, lambda: task_still_ready(session, task_id))
    except Conflict:
        if topics.completed_by_submission(session, current_user, task_id, submission):
            return redirect(url_for("tasks.done", task_id=task_id))
        return _conflict(task_id)
    except attachments.UploadRefused as exc:
        return task_page(item, raw, {str(exc.details.get("field", "file")): exc.message}, exc.status)
    except InvalidInput as exc:
        return task_page(item, raw, exc.fields, 422)
    return redirect(url_for("tasks.done", task_id=task_id))


def _conflict(task_id: int) -> tuple[str, int]:
    """Say in words that someone else finished the task first (409), and where to see what they did."""
    item = db_session().get(TaskItem, task_id)
    if item is not None and item.status is TaskStatus.COMPLETED:
        who = item.completed_by.display_name if item.completed_by else _("系统")
        when = local_time(item.completed_at)
        message = _("该事项已由%(who)s于%(when)s办理完毕，您的提交未被采用。", who=who, when=when)
    else:
        message = _("该事项已不在待办状态（可能已被撤销或转办），您的提交未被采用。")
    link = url_for("topics.detail", topic_id=item.topic_id) if item is not None else None
    return render_template("error.html", status=409, message=message, link=link, link_label=_("查看议题办理情况")), 409


def _store_files(item: TaskItem, form: Form) -> dict[str, str]:
    """Store the files uploaded in the form's file fields; return each field's value (the file names)."""
    values: dict[str, str] = {}
    session = db_session()
    for field in (f for f in form.fields if f.kind == "file"):
        upload = request.files.get(field.name)
        if upload is None or not upload.filename:
            earlier = attachments.for_task(session, item)
            if earlier:
                values[field.name] = f"{earlier[-1].filename} (#{earlier[-1].id})"
            continue
        try:
            stored = attachments.store(session, _files_dir(), current_user, item, upload.filename, upload.stream,
                                       now=clock())
        except attachments.UploadRefused as exc:
            exc.details["field"] = field.name
            raise
        values[field.name] = f"{stored.filename} (#{stored.id})"
    return values


@bp.post("/<int:task_id>/attachments")
@login_required
def upload(task_id: int) -> tuple[str, int] | Response:
    """Attach a file (research report, minutes, reply letter) to a task; a refused file is said on the form."""
    session = db_session()
    item = require_task(session, current_user, task_id)
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return task_page(item, {}, {}, 422, upload_error="请选择文件 (choose a file)")
    try:
        with writing(session):
            attachments.store(session, _files_dir(), current_user, item, upload_file.filename, upload_file.stream,
                              now=clock())
    except attachments.UploadRefused as exc:
        return task_page(item, {}, {}, exc.status, upload_error=exc.message)
    flash(_("附件已上传"), "success")
    return redirect(url_for("tasks.detail", task_id=task_id))


@bp.get("/<int:task_id>/done")
@login_required
def done(task_id: int) -> str:
    """Show what the completed task led to: the topic's next steps and who has them."""
    session = db_session()
    item = session.get(TaskItem, task_id)
    topic = require_topic(session, current_user, item.topic_id if item else -1)
    calendar = topics.load_calendar(session)
    following = [(i, warning_level(i, clock(), calendar), may_act(current_user, i))
                 for i in inbox.open_tasks(session, topic)]
    return render_template("tasks/done.html", item=item, topic=topic, following=following, stage_labels=STAGE_LABELS,
                           status_labels=STATUS_LABELS)


def _files_dir() -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"])

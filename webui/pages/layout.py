"""What every HTML page shares: error pages, template filters and the navigation context."""
from datetime import datetime
from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from engine.errors import ShangliangError
from engine.time.calendar import SHANGHAI
from models import Role
from webui.database import db_session
from webui.i18n import select_locale
from webui.pages import audit_words
from webui.pages.messages import in_words
from workflows.notifications import notify
from workflows.people import audit
from workflows.rules.task_names import TASK_NAMES
from workflows.topics.attachments import KIND_BY_TASK

SUPERVISING = (Role.SUPERVISOR, Role.CHAIR, Role.CPPCC_OFFICE)


def init_app(app: Flask) -> None:
    """Register the error pages, filters and context of the HTML pages."""
    app.register_error_handler(ShangliangError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.add_template_filter(local_time, "local")
    app.add_template_filter(local_date, "local_date")
    app.add_template_filter(lambda task_id: KIND_BY_TASK.get(task_id, ""), "attachment_kind")
    app.add_template_filter(field_label, "field_label")
    app.add_template_filter(task_name, "task_name")
    app.add_template_filter(in_words, "in_words")
    app.add_template_filter(audit_words.action_words, "action_words")
    app.add_template_filter(audit_words.target_words, "target_words")
    app.add_template_filter(audit_words.detail_words, "detail_words")
    app.context_processor(_navigation)


def task_name(name: str) -> str:
    """Show a bundled diagram's task name in the page's language; a name an administrator typed, as typed."""
    return gettext(name) if name in TASK_NAMES else name


def field_label(label: str) -> str:
    """Show the half of a bilingual form label (``同意 Approved``) that fits the page's language."""
    chinese, _, english = label.partition(" ")
    if not english or not english.isascii():
        return label
    return english if select_locale() == "en" else chinese


def local_time(value: datetime | None) -> str:
    """Write a stored UTC time as Beijing time, to the minute."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if value else "—"


def local_date(value: datetime | None) -> str:
    """Write a stored UTC time as a Beijing date."""
    return value.astimezone(SHANGHAI).strftime("%Y-%m-%d") if value else "—"


def _navigation() -> dict[str, Any]:
    user = current_user
    return {
        "unread": notify.unread_count(db_session(), user) if user.is_authenticated else 0,
        "locale": select_locale(),
        "may_supervise": user.is_authenticated and any(user.has_role(r) for r in SUPERVISING),
        "may_start_topic": user.is_authenticated and user.has_role(Role.CPPCC_OFFICE),
        "may_recommend": user.is_authenticated and any(user.has_role(r) for r in (Role.MEMBER, Role.PARTY_LEADER)),
        "may_deliberate": user.is_authenticated and any(user.has_role(r) for r in (Role.MEMBER, Role.CPPCC_OFFICE)),
        "may_administer": user.is_authenticated and user.has_role(Role.PROCESS_ADMIN),
        "may_audit": user.is_authenticated and any(user.has_role(r) for r in audit.READERS),
        "may_manage_people": user.is_authenticated and any(
            user.has_role(r) for r in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN)),
    }


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _json_error(status: int, message: str) -> Any:
    return jsonify(error={"status": status, "message": message}), status


def _domain_error(exc: ShangliangError) -> Any:
    if _wants_json():
        return _json_error(exc.status, exc.message)
    return render_template("error.html", status=exc.status, message=exc.message), exc.status


def _csrf_error(exc: CSRFError) -> Any:
    return render_template("error.html", status=400, message="表单已失效，请刷新页面后重试 (CSRF check failed)"), 400


def _http_error(exc: HTTPException) -> Any:
    # the exception's own headers stay: a 405 names the methods it allows (Allow), a 413 or 429 what to do
    headers = [(name, value) for name, value in exc.get_headers() if name.lower() != "content-type"]
    if _wants_json():
        body, status = _json_error(exc.code or 500, exc.description or "")
        return body, status, headers
    return render_template("error.html", status=exc.code, message=exc.description), exc.code or 500, headers

"""The JSON API under /api/v1: the same operations as the CLI, authenticated by a bearer token.

Every error is JSON with a 4xx status and a message naming the problem; the OpenAPI document
describing these routes is served at /api/v1/openapi.json (webui/openapi.py).
"""
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException

from engine.errors import InvalidInput, ShangliangError
from engine.store.versions import label_of
from models import TaskItem, TaskStatus, Topic, User, WorkflowState
from webui.api import paging
from webui.api.openapi import OPENAPI
from webui.database import db_session, writes, writes_while_task_ready
from workflows.people.access import require_task, require_topic
from workflows.rules.forms import FORMS, Form
from workflows.topics import inbox
from workflows.topics import lifecycle as topics

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.errorhandler(ShangliangError)
def _domain_error(exc: ShangliangError) -> tuple[Response, int]:
    return jsonify(error={"status": exc.status, "message": exc.message, **exc.details}), exc.status


@bp.app_errorhandler(HTTPException)
def _http_error(exc: HTTPException) -> Response | HTTPException:
    if not request.path.startswith(bp.url_prefix or ""):
        return exc
    response = jsonify(error={"status": exc.code, "message": exc.description})
    response.status_code = exc.code or 500
    response.headers.extend((name, value) for name, value in exc.get_headers() if name.lower() != "content-type")
    return response


# Built once, as the statements every request runs are (see docs/performance.md, "statements built anew").
# The user's roles come joined: every answer checks them, and their own query was a second round trip.
_USER_BY_TOKEN = (select(User).where(User.api_token_sha256 == bindparam("digest"), User.active.is_(True))
                  .options(joinedload(User.roles)))
_FAILED_STEP = select(WorkflowState.failure).where(WorkflowState.topic_id == bindparam("topic_id"))


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Authenticate the request by ``Authorization: Bearer <token>`` and set ``g.user``."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        token = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        user = None
        if token:
            digest = hashlib.sha256(token.encode()).hexdigest()
            user = db_session().scalars(_USER_BY_TOKEN, {"digest": digest}).unique().first()
        if user is None:
            response = jsonify(error={"status": 401, "message": "a valid bearer token is required"})
            response.status_code = 401
            response.headers["WWW-Authenticate"] = "Bearer"
            return response
        g.user = user
        return view(*args, **kwargs)

    return wrapped


def json_body() -> dict[str, Any]:
    """Return the request's JSON object, or raise a 400 naming what is wrong with it."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ShangliangError("the request body must be a JSON object (Content-Type: application/json)")
    return body


def body_flag(name: str, default: bool | None = None) -> bool:
    """Return a true/false field of the JSON body (``default`` when absent, if given); anything else is a 422."""
    value = json_body().get(name, default)
    if not isinstance(value, bool):
        raise InvalidInput("bad body", {name: "true or false"})
    return value


@bp.get("/openapi.json")
def openapi() -> Response:
    """Serve the OpenAPI description of this API."""
    return jsonify(paging.documented(OPENAPI))


@bp.get("/me")
@token_required
def me() -> Response:
    """Describe the authenticated user and their roles."""
    return jsonify(user_json(g.user))


@bp.post("/topics")
@token_required
@writes
def create_topic() -> tuple[Response, int]:
    """Start a topic on the process bound for its district and platform level."""
    started = topics.start(db_session(), g.user, json_body())
    return jsonify(topic_json(started.topic, started)), 201


@bp.get("/topics/<int:topic_id>")
@token_required
def get_topic(topic_id: int) -> Response:
    """Show a topic with its open tasks."""
    topic = require_topic(db_session(), g.user, topic_id)
    return jsonify(topic_json(topic))


@bp.get("/topics/<int:topic_id>/history")
@token_required
def topic_history(topic_id: int) -> Response:
    """List everything that happened to a topic, oldest first."""
    topic = require_topic(db_session(), g.user, topic_id)
    page = paging.page_args(default=paging.MAX_PER_PAGE)
    events, total = paging.paged_query(db_session(), topics.history_query(topic), page)
    return paging.page_json("events", [event_json(e) for e in events], total, page)


@bp.get("/tasks")
@token_required
def list_tasks() -> Response:
    """List the tasks the user may act on (``?status=ready|completed``), least time left first, a page at a time.

    ``?limit=`` rows a page (at most 200); ``next_cursor`` and the ``next`` link lead to the next page.
    """
    raw = request.args.get("status", "ready")
    try:
        status = TaskStatus(raw)
    except ValueError:
        raise InvalidInput("bad query", {"status": "must be ready, completed or cancelled"}) from None
    limit, after = paging.limit_arg(), paging.cursor_arg()
    items = inbox.inbox(db_session(), g.user, status, limit + 1, after)
    more = len(items) > limit
    items = items[:limit]
    return paging.cursor_json("tasks", [task_json(i) for i in items], inbox.inbox_total(db_session(), g.user, status),
                              limit, inbox.After.of(items[-1]) if more else None)


@bp.get("/tasks/<int:task_id>")
@token_required
def get_task(task_id: int) -> Response:
    """Show one task and the form it expects."""
    item = require_task(db_session(), g.user, task_id)
    return jsonify({**task_json(item), "form": form_json(FORMS[item.context.get("form", item.bpmn_id)])})


@bp.post("/tasks/<int:task_id>/complete")
@token_required
@writes_while_task_ready
def complete_task(task_id: int) -> Response:
    """Submit a task's form (``{"data": {...}}``) and move the topic on."""
    body = json_body()
    data = body.get("data")
    if not isinstance(data, dict):
        raise InvalidInput("the body needs a \"data\" object with the form's fields", {"data": "must be an object"})
    done = topics.complete_task(db_session(), g.user, task_id, data)
    return jsonify({**task_json(done.item), "topic": topic_json(done.item.topic, done)})


def user_json(user: User) -> dict[str, Any]:
    """Represent a user and their role assignments."""
    return {
        "id": user.id, "username": user.username, "display_name": user.display_name,
        "roles": [{"role": a.role.value, "organization": a.organization.code if a.organization else None,
                   "unit": a.unit.code if a.unit else None} for a in user.roles],
    }


def topic_json(topic: Topic, outcome: topics.Outcome | None = None) -> dict[str, Any]:
    """Represent a topic with its open tasks; after a start or a completion, as it left them (nothing is read again)."""
    session = db_session()
    open_rows = outcome.open_rows if outcome else inbox.open_tasks(session, topic)
    failed_step = outcome.failed_step if outcome else session.scalar(_FAILED_STEP, {"topic_id": topic.id})
    return {
        "id": topic.id, "title": topic.title, "description": topic.description,
        "category": topic.category.value, "source": topic.source.value,
        "platform_level": topic.platform_level.value, "district": topic.district.code,
        "consultation_kind": topic.consultation_kind.value, "proposal_number": topic.proposal_number,
        "town": topic.town.code if topic.town else None, "stage": topic.stage, "status": topic.status.value,
        "status_reason": topic.status_reason,
        "process_version": label_of(session, topic.process_version_id), "failed_step": failed_step,
        "created_at": topic.created_at.isoformat(),
        "closed_at": topic.closed_at.isoformat() if topic.closed_at else None,
        "open_tasks": [task_json(i) for i in open_rows],
    }


def task_json(item: TaskItem) -> dict[str, Any]:
    """Represent one task row."""
    return {
        "id": item.id, "topic_id": item.topic_id, "task": item.bpmn_id, "name": item.name,
        "stage": item.stage, "role": item.role.value, "status": item.status.value,
        "organization": item.candidate_org.code if item.candidate_org else None,
        "unit": item.candidate_unit.code if item.candidate_unit else None,
        "assignee": item.assignee.username if item.assignee else None,
        "created_at": item.created_at.isoformat(),
        "due_at": item.due_at.isoformat() if item.due_at else None, "due_provisional": item.due_provisional,
        "warn_at": item.warn_at.isoformat() if item.warn_at else None, "warning": item.warning.value,
        "chase": item.chase.value, "signed_at": item.signed_at.isoformat() if item.signed_at else None,
        "extended_to": item.extended_to.isoformat() if item.extended_to else None,
        "completed_at": item.completed_at.isoformat() if item.completed_at else None,
        "context": item.context,
    }


def form_json(form: Form) -> dict[str, Any]:
    """Represent a form schema: what a client must send."""
    return {"key": form.key, "title": form.title, "fields": [
        {"name": f.name, "label": f.label, "kind": f.kind, "required": f.required,
         "choices": [c for c, _ in f.choices]} for f in form.fields]}


def event_json(event: Any) -> dict[str, Any]:
    """Represent one history event."""
    return {"id": event.id, "kind": event.kind, "at": event.at.isoformat(), "task_item_id": event.task_item_id,
            "actor": event.actor.username if event.actor else None, "payload": event.payload}

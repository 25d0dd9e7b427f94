"""The operations part of the JSON API: migrating topics, acting on a running topic, reading the audit log.

Authenticated like the rest of /api/v1 (webui/api.py); the engine checks the roles and writes
each action into the topic's history and the audit log with the request's address.
"""
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from engine.errors import InvalidInput, ShangliangError
from models import AuditEntry, Role
from webui.api import paging
from webui.api.admin import address
from webui.api.topics import _domain_error, json_body, task_json, token_required, topic_json
from webui.database import db_session, writes
from webui.verbs import route_verbs
from workflows.administration import migration, operations
from workflows.people import audit
from workflows.people.access import require_role

bp = Blueprint("ops_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ShangliangError, _domain_error)


@bp.post("/migrations")
@token_required
def migrate() -> Response:
    """Move topics to a newer version: ``{"version_id": 7, "topic_ids": [1, 2], "dry_run": true}``.

    Without ``topic_ids`` a dry run covers every topic that could use the version. Each topic
    gets a verdict: whether it can move (or moved) and why not.
    """
    body = json_body()
    version_id, topic_ids, dry_run = body.get("version_id"), body.get("topic_ids"), body.get("dry_run", True)
    if not isinstance(version_id, int) or not isinstance(dry_run, bool):
        raise InvalidInput("bad migration", {"version_id": "an integer", "dry_run": "true or false"})
    if topic_ids is not None and not (isinstance(topic_ids, list) and all(isinstance(i, int) for i in topic_ids)):
        raise InvalidInput("bad migration", {"topic_ids": "a list of topic ids"})
    if dry_run:
        verdicts = migration.plan(db_session(), g.user, version_id, topic_ids)
    elif not topic_ids:
        raise InvalidInput("choose the topics to move", {"topic_ids": "required when dry_run is false"})
    else:
        verdicts = migration.migrate(db_session(), g.user, version_id, topic_ids, address())
    return jsonify(dry_run=dry_run, verdicts=[verdict_json(v) for v in verdicts])


def verdict_json(verdict: migration.Verdict) -> dict[str, Any]:
    """Represent what a migration does, or would do, to one topic."""
    return {**vars(verdict), "can_move": verdict.can_move}


def _reason() -> str:
    body = request.get_json(silent=True)
    reason = body.get("reason", "") if isinstance(body, dict) else ""
    if not isinstance(reason, str):
        raise InvalidInput("bad reason", {"reason": "text"})
    return reason


@token_required
@writes
def operate(topic_id: int, action: str) -> Response:
    """Suspend, resume or terminate a topic, or retry or skip its failed step (``{"reason": "..."}``)."""
    service, takes_reason = operations.TOPIC_OPERATIONS[action]
    require_role(g.user, Role.PROCESS_ADMIN)  # before the body: a clerk hears 403, not what the body lacks
    reason = (_reason(),) if takes_reason else ()
    return jsonify(topic_json(service(db_session(), g.user, topic_id, *reason, address())))


route_verbs(bp, "/topics/<int:topic_id>/{verb}", operate, operations.TOPIC_OPERATIONS, "action")


@bp.post("/tasks/<int:task_id>/reassign")
@token_required
@writes
def reassign(task_id: int) -> Response:
    """Give an open task to ``{"unit": code}``, ``{"organization": code}`` or ``{"user": username}``."""
    body = json_body()
    targets = {k: body.get(k) for k in ("unit", "organization", "user")}
    if any(v is not None and not isinstance(v, str) for v in targets.values()):
        raise InvalidInput("bad target", {k: "a code or username" for k, v in targets.items() if v is not None})
    item = operations.reassign(db_session(), g.user, task_id, reason=_reason(), address=address(), **targets)
    return jsonify(task_json(item))


@bp.get("/audit")
@token_required
def audit_log() -> Response:
    """Read the audit log, newest first: ``?action=&actor=&target=&address=&since=&until=&limit=&offset=``."""
    where = audit.Filter(
        action=request.args.get("action", ""), actor=request.args.get("actor", ""),
        target=request.args.get("target", ""), address=request.args.get("address", ""),
        since=_time("since"), until=_time("until"),
    )
    limit, offset = paging.window_args(100, audit.MAX_PAGE)
    entries, total = audit.search(db_session(), g.user, where, limit, offset)
    return paging.window_json("entries", [entry_json(e) for e in entries], total, limit, offset)


def _time(name: str) -> datetime | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("bad query", {name: "an ISO 8601 time, e.g. 2026-03-01T00:00:00+08:00"}) from None
    if moment.tzinfo is None:
        raise InvalidInput("bad query", {name: "give the time zone, e.g. +08:00"})
    return moment


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    """Represent one audit entry."""
    return {"id": entry.id, "at": entry.at.isoformat(), "action": entry.action,
            "actor": entry.actor.username if entry.actor else None, "target": entry.target,
            "address": entry.address, "payload": entry.payload}

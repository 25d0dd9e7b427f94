"""JSON API of the linked levels under /api/v1: raising a topic to the level above, the decision, joint topics.

Same bearer-token authentication and error shape as webui/api/topics.py; every write is one transaction.
The services are in workflows/platform/levels.py.
"""
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from engine.errors import Forbidden, InvalidInput, ShangliangError
from models import Topic, TopicCoPlatform, TopicRaise, utcnow
from webui.api import paging
from webui.api.topics import _domain_error, json_body, token_required
from webui.database import db_session, writes
from workflows.people.access import require_topic
from workflows.platform import levels, rooms

bp = Blueprint("levels_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ShangliangError, _domain_error)


def _now() -> Any:
    return current_app.config.get("CLOCK", utcnow)()


def _address() -> str:
    return request.remote_addr or ""


def topic_ref(topic: Topic | None) -> dict[str, Any] | None:
    """Describe a linked topic briefly: number, title, level, platform, stage and status."""
    if topic is None:
        return None
    return {"id": topic.id, "title": topic.title, "platform_level": topic.platform_level.value,
            "platform": topic.platform.code, "platform_name": topic.platform.name, "stage": topic.stage,
            "status": topic.status.value}


def raise_json(raised: TopicRaise) -> dict[str, Any]:
    """Describe a raise: the original, the levels, the reason, the decision and the topic it started."""
    return {"id": raised.id, "topic": topic_ref(raised.topic), "from": raised.from_org.code,
            "from_name": raised.from_org.name, "to": raised.to_org.code, "to_name": raised.to_org.name,
            "reason": raised.reason, "status": raised.status.value, "raised_at": raised.raised_at.isoformat(),
            "decided_at": raised.decided_at.isoformat() if raised.decided_at else None,
            "decision_note": raised.decision_note, "raised_topic": topic_ref(raised.raised_topic)}


def co_json(joined: TopicCoPlatform) -> dict[str, Any]:
    """Describe a co-organizing platform of a topic."""
    return {"platform": joined.organization.code, "name": joined.organization.name,
            "added_at": joined.added_at.isoformat()}


@bp.get("/topics/<int:topic_id>/links")
@token_required
def topic_links(topic_id: int) -> Response:
    """Show where a topic was raised from and to, and its co-organizing platforms."""
    session = db_session()
    topic = require_topic(session, g.user, topic_id)
    found = levels.links(session, topic)
    return jsonify(topic=topic_ref(topic),
                   raised_from=raise_json(found.raised_from) if found.raised_from else None,
                   raised_to=[raise_json(r) for r in found.raised_to],
                   co_platforms=[co_json(c) for c in found.co_platforms])


@bp.post("/topics/<int:topic_id>/raise")
@token_required
@writes
def raise_topic(topic_id: int) -> tuple[Response, int]:
    """Raise a topic to the level above: ``{"reason": "..."}`` (the CPPCC office of its platform)."""
    raised = levels.raise_topic(db_session(), g.user, topic_id, json_body().get("reason"), _now(), _address())
    return jsonify(raise_json(raised)), 201


@bp.get("/raises")
@token_required
def list_raises() -> Response:
    """List the raises the caller's CPPCC offices received (``?box=received``, the default) or sent, a page at a time.

    Pending ones first, then the newest.
    """
    box = request.args.get("box", "received")
    if box not in levels.RAISE_BOXES:
        raise InvalidInput("bad query", {"box": "received or sent"})
    page = paging.page_args()
    rows, total = paging.paged_query(db_session(), levels.raises_query(g.user, box), page)
    return paging.page_json("raises", [raise_json(r) for r in rows], total, page, box=box)


@bp.post("/raises/<int:raise_id>/decision")
@token_required
@writes
def decide(raise_id: int) -> Response:
    """Accept (``{"accept": true}``) or decline with a reason (``{"accept": false, "note": "..."}``)."""
    body = json_body()
    raised = levels.decide(db_session(), g.user, raise_id, body.get("accept"), body.get("note", ""), _now(),
                           _address())
    return jsonify(raise_json(raised))


@bp.get("/topics/<int:topic_id>/co-platforms")
@token_required
def list_co_platforms(topic_id: int) -> Response:
    """List the platforms co-organizing a topic."""
    session = db_session()
    topic = require_topic(session, g.user, topic_id)
    return jsonify(co_platforms=[co_json(c) for c in levels.links(session, topic).co_platforms])


@bp.post("/topics/<int:topic_id>/co-platforms")
@token_required
@writes
def add_co_platform(topic_id: int) -> tuple[Response, int]:
    """Name a co-organizing platform: ``{"platform": code}`` (the CPPCC office of the topic's platform)."""
    joined = levels.add_co_platform(db_session(), g.user, topic_id, json_body().get("platform"), _now(), _address())
    return jsonify(co_json(joined)), 201


@bp.delete("/topics/<int:topic_id>/co-platforms/<code>")
@token_required
@writes
def remove_co_platform(topic_id: int, code: str) -> tuple[str, int]:
    """Take a co-organizing platform off a topic."""
    levels.remove_co_platform(db_session(), g.user, topic_id, code, _now(), _address())
    return "", 204


@bp.get("/joint-topics")
@token_required
def joint_topics() -> Response:
    """List the joint topics run or co-organized by the platforms in the caller's scope, a page at a time."""
    session = db_session()
    orgs = rooms.scope(session, g.user)
    if not orgs:
        raise Forbidden("joint topics are seen by the CPPCC office, chairs, committees and supervisors")
    page = paging.page_args()
    found = levels.joint_topics(session, orgs, page.size, page.offset)
    return paging.page_json("topics", [{**(topic_ref(t) or {}), "co_platforms": names} for t, names in found],
                            levels.count_joint(session, orgs, active_only=False), page)

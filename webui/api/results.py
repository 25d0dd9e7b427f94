"""The JSON API of the public results and of following a proposal (no token) under /api/v1/public, and the
CPPCC office's publication marks under /api/v1/publication (bearer token).

The same services as the pages (webui/pages/results.py and webui/pages/public.py): only published topics,
never a contact, the same rate limits and the same answer for a wrong code as for an unknown contact.
"""
from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from engine.errors import InvalidInput, ShangliangError
from models import Topic, TopicPublication
from models.database import writing
from webui import follow_links
from webui.api import paging
from webui.api.topics import _domain_error, json_body, token_required
from webui.database import db_session, writes
from webui.pages.public import email_ready
from webui.security import clock
from workflows.participation import proposals, results, tracking

bp = Blueprint("results_api", __name__, url_prefix="/api/v1/public")
bp.register_error_handler(ShangliangError, _domain_error)
office = Blueprint("publication_api", __name__, url_prefix="/api/v1/publication")
office.register_error_handler(ShangliangError, _domain_error)


def _topic(found: results.PublicTopic) -> dict[str, Any]:
    state = asdict(found)
    for key in ("updated", "created"):
        state[key] = state[key].isoformat()
    state["replies"] = [{**r, "at": r["at"].isoformat()} for r in state["replies"]]
    return state


@bp.get("/results")
def published() -> Response:
    """Return a page of the published topics with their stage and results, newest first; ``q`` searches their words."""
    words = request.args.get("q", "")
    if len(words) > 50:
        raise InvalidInput("bad query", {"q": "at most 50 characters"})
    typical, page, session = request.args.get("typical", "") in ("1", "true"), paging.page_args(), db_session()
    found, _ = results.page_of(session, words, typical, page.number, page.size)
    return paging.page_json("items", [_topic(t) for t in found], results.count_published(session, words, typical), page)


@bp.get("/results/<int:topic_id>")
def one(topic_id: int) -> Response:
    """Return one published topic's stage and results."""
    return jsonify(_topic(results.one(db_session(), topic_id)))


@bp.post("/proposals/<number>/follow")
def follow(number: str) -> tuple[Response, int]:
    """Send the address a link confirming that it follows the proposal; it follows once its owner opens it."""
    body, session = json_body(), db_session()
    email = body.get("email")
    if not isinstance(email, str):
        raise InvalidInput("bad body", {"email": "an e-mail address"})
    try:
        with writing(session):
            tracking.ask_to_follow(session, proposals.lookup(session, number), email, request.remote_addr or "",
                                   clock(), follow_links.link(number, email[:200]))
    except tracking.TooOften as exc:
        return jsonify(error={"status": 429, "message": str(exc)}), 429
    return jsonify(message="确认邮件已发送 (a confirmation link was sent to the address)"), 202


def _contact(body: dict[str, Any]) -> str:
    contact = body.get("contact")
    if not isinstance(contact, str):
        raise InvalidInput("bad body", {"contact": "the phone number or e-mail address given with the proposals"})
    return contact


@bp.post("/lookup/code")
def send_code() -> tuple[Response, int]:
    """Send a one-time code to the contact if it sent proposals; the answer never says whether it did."""
    body, session = json_body(), db_session()
    try:
        with writing(session):
            message = tracking.request_code(session, _contact(body), request.remote_addr or "", clock(), email_ready())
    except tracking.TooOften as exc:
        return jsonify(error={"status": 429, "message": str(exc)}), 429
    return jsonify(message=message), 202


@bp.post("/lookup")
def lookup() -> tuple[Response, int]:
    """Return the public state of the contact's proposals for a right one-time code (used up), else 422."""
    body, session = json_body(), db_session()
    code = body.get("code")
    if not isinstance(code, str):
        raise InvalidInput("bad body", {"code": "the six digits sent to the contact"})
    try:
        with writing(session):
            found = tracking.verify(session, _contact(body), code, request.remote_addr or "", clock())
            states = [proposals.public_state(p) for p in found] if found is not None else None
    except tracking.TooOften as exc:
        return jsonify(error={"status": 429, "message": str(exc)}), 429
    if states is None:
        return jsonify(error={"status": 422, "message": tracking.BAD_CODE, "fields": {"code": tracking.BAD_CODE}}), 422
    return jsonify(items=states), 200


def _mark(topic: Topic, mark: TopicPublication | None) -> dict[str, Any]:
    return {"topic": topic.id, "title": topic.title, "stage": topic.stage, "status": topic.status.value,
            "published": bool(mark and mark.published), "typical": bool(mark and mark.typical),
            "summary": mark.summary if mark else "", "typical_note": mark.typical_note if mark else "",
            "set_at": mark.set_at.isoformat() if mark else None}


@office.get("")
@token_required
def managed() -> Response:
    """List the topics of the caller's districts with their publication marks, a page at a time (CPPCC office)."""
    page = paging.page_args()
    rows, total = results.managed(db_session(), g.user, page.size, page.offset)
    return paging.page_json("items", [_mark(t, m) for t, m in rows], total, page)


@office.put("/<int:topic_id>")
@token_required
@writes
def mark(topic_id: int) -> Response:
    """Publish or withdraw a topic, set its public summary and its typical-case mark (CPPCC office; audited).

    A field the body leaves out keeps its stored value: ``{"published": true}`` keeps the summary.
    """
    body, session = json_body(), db_session()
    unknown = sorted(set(body) - {"published", "typical", "summary", "typical_note"})
    if unknown or any(not isinstance(body.get(k, False), bool) for k in ("published", "typical")) \
            or any(not isinstance(body.get(k, ""), str) for k in ("summary", "typical_note")):
        raise InvalidInput("bad body", {k: "not a field" for k in unknown} or {
            "published": "true or false", "typical": "true or false", "summary": "text", "typical_note": "text"})
    topic = results.require_publishable(session, g.user, topic_id)
    merged = {**_mark(topic, results.mark_of(session, topic.id)), **body}
    form = {**merged, "published": "1" if merged["published"] else "", "typical": "1" if merged["typical"] else ""}
    found = results.mark(session, g.user, topic, form, clock())
    return jsonify(_mark(topic, found))

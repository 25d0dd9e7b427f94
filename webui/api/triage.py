"""The triage JSON API (bearer token): the CPPCC office reads one queued item with the similar ones, merges
duplicates and starts a topic from it under /api/v1/proposals; members and leaders submit recommendations,
opinion reports and assigned topics, and list their own, under /api/v1/recommendations.
The queue and the answer are in webui/api/public.py; the same services as the pages (webui/pages/triage.py).
"""
from typing import Any

from flask import Blueprint, Response, g, jsonify

from engine.errors import InvalidInput, ShangliangError
from models import ProposalSource, PublicProposal
from webui.api import paging
from webui.api.topics import _domain_error, json_body, token_required
from webui.database import db_session, writes
from webui.security import clock
from workflows.participation import proposals, tracking, triage

office = Blueprint("triage_api", __name__, url_prefix="/api/v1/proposals")
office.register_error_handler(ShangliangError, _domain_error)
submitters = Blueprint("recommendations_api", __name__, url_prefix="/api/v1/recommendations")
submitters.register_error_handler(ShangliangError, _domain_error)
TOPIC_FIELDS = ("title", "description", "category", "platform_level", "town")


def for_office(item: PublicProposal) -> dict[str, Any]:
    """Return what the office sees of an item: its public state, the contact, who sent it and where from."""
    return {**proposals.public_state(item), "contact": item.contact,
            "submitted_by": item.submitted_by.username if item.submitted_by else None,
            "room": item.room.code if item.room else None}


@office.get("/<number>")
@token_required
@writes
def item(number: str) -> Response:
    """Return one item of the caller's queue, the items merged into it, and the similar items to merge.

    Opening a received item puts it under review, and the contact it carries is audited (contact_viewed).
    """
    session = db_session()
    found = proposals.require_for_office(session, g.user, number)
    tracking.open_for_office(session, g.user, found, clock())
    return jsonify(**for_office(found), merged=[m.number for m in triage.merged_into(session, found)],
                   similar=[{"number": s.number, "title": s.title, "status": s.status.value, "source": s.source.value}
                            for s in triage.similar(session, g.user, found)])


@office.post("/<number>/merge")
@token_required
@writes
def merge(number: str) -> Response:
    """Merge the listed items (``numbers``) into this one; answers the merged numbers."""
    numbers = json_body().get("numbers")
    if not isinstance(numbers, list) or not all(isinstance(n, str) for n in numbers) or len(numbers) > 100:
        raise InvalidInput("bad body", {"numbers": "a list of at most 100 tracking numbers"})
    session = db_session()
    target = proposals.require_for_office(session, g.user, number)
    return jsonify(merged=triage.merge(session, g.user, target, numbers, clock()), into=number)


@office.post("/<number>/unmerge")
@token_required
@writes
def unmerge(number: str) -> Response:
    """Take this merged item out of the item it was merged into, back to review; answers both numbers."""
    session = db_session()
    item = proposals.require_for_office(session, g.user, number)
    return jsonify(unmerged=number, out_of=triage.unmerge(session, g.user, item, clock()))


@office.post("/<number>/topic")
@token_required
@writes
def start_topic(number: str) -> tuple[Response, int]:
    """Start a topic from this item (``platform_level``, and ``town`` for a town platform); answers its id."""
    body = json_body()
    wrong = {k: "text" for k in TOPIC_FIELDS if body.get(k) is not None and not isinstance(body.get(k), str)}
    extra = {k: "not a field" for k in set(body) - set(TOPIC_FIELDS)}
    if wrong or extra:
        raise InvalidInput("bad body", {**wrong, **extra})
    session = db_session()
    found = proposals.require_for_office(session, g.user, number)
    topic = triage.start_topic(session, g.user, found, body, clock())
    return jsonify(topic=topic.id, origin=found.number, status=found.status.value), 201


@submitters.get("")
@token_required
def mine() -> Response:
    """List what the caller submitted from their account, newest first, with the state the office gave it.

    The submitter sees the topic their item became, published or not, as on their page.
    """
    page = paging.page_args()
    found, total = paging.paged_query(db_session(), triage.mine_query(g.user), page)
    return paging.page_json("items", [{**proposals.public_state(p), "topic": p.topic_id} for p in found], total, page)


@submitters.post("")
@token_required
@writes
def submit() -> tuple[Response, int]:
    """Send a member's recommendation or opinion report (with ``room``), or a leader's assigned topic."""
    body = json_body()
    raw = body.get("source")
    if raw not in {ProposalSource.MEMBER.value, ProposalSource.OPINION.value, ProposalSource.ASSIGNED.value}:
        raise InvalidInput("bad body", {"source": "member, opinion or assigned"})
    found = triage.submit(db_session(), g.user, ProposalSource(raw), body, clock())
    return jsonify(proposals.public_state(found)), 201

"""Public JSON API under /api/v1/public (no token): a check question, sending a proposal, and looking one up;
and the CPPCC office's list of proposals under /api/v1/proposals (bearer token), where it answers or rejects.

The same human check, rate limit and field rules as the public form (webui/pages/public.py).
"""

from flask import Blueprint, Response, g, jsonify, request

from engine.errors import InvalidInput, ShangliangError
from models import ProposalSource, ProposalStatus, PublicProposal
from models.database import writing
from webui import human_check
from webui.api import paging
from webui.api.topics import _domain_error, json_body, token_required
from webui.api.triage import for_office
from webui.database import db_session, writes
from webui.security import clock
from workflows.participation import proposals, tracking

bp = Blueprint("public_api", __name__, url_prefix="/api/v1/public")
bp.register_error_handler(ShangliangError, _domain_error)
office = Blueprint("proposals_api", __name__, url_prefix="/api/v1/proposals")
office.register_error_handler(ShangliangError, _domain_error)


@bp.get("/challenge")
def challenge() -> Response:
    """Return a check question and its signed token, to send back with the proposal."""
    return jsonify(human_check.challenge())


@bp.post("/proposals")
def propose() -> tuple[Response, int]:
    """Store a proposal and return its tracking number and public state (never the contact)."""
    body = json_body()
    failed = human_check.problem(body)
    if failed:
        raise InvalidInput(failed, {"answer": failed})
    session = db_session()
    try:
        with writing(session):
            found = proposals.propose(session, body, request.remote_addr or "", clock())
            state = proposals.public_state(found)
    except proposals.RateLimited as exc:
        return jsonify(error={"status": 429, "message": str(exc)}), 429
    return jsonify(state), 201


@bp.get("/proposals/<number>")
def proposal(number: str) -> Response:
    """Return a proposal's public state to whoever holds its tracking number."""
    return jsonify(proposals.public_state(proposals.lookup(db_session(), number)))


@office.get("")
@token_required
def queue() -> Response:
    """List the proposals of the caller's districts, newest first, with the contact (CPPCC office only)."""
    raw = request.args.get("status", "")
    if raw and raw not in {s.value for s in ProposalStatus}:
        raise InvalidInput("bad query", {"status": "one of " + ", ".join(s.value for s in ProposalStatus)})
    query = proposals.queue_query(g.user, ProposalStatus(raw) if raw else None)
    source = request.args.get("source", "")
    if source and source not in {s.value for s in ProposalSource}:
        raise InvalidInput("bad query", {"source": "one of " + ", ".join(s.value for s in ProposalSource)})
    if source:
        query = query.where(PublicProposal.source == source)
    page, session = paging.page_args(), db_session()
    found, total = paging.paged_query(session, query, page)
    with writing(session):
        tracking.contacts_listed(session, g.user, found, clock())
    return paging.page_json("items", [for_office(p) for p in found], total, page)


@office.post("/<number>/respond")
@token_required
@writes
def respond(number: str) -> Response:
    """Answer the proposer (``decision: answer``) or reject with the reason (``decision: reject``)."""
    body = json_body()
    answer = body.get("answer")
    if body.get("decision") not in ("answer", "reject") or not isinstance(answer, str):
        raise InvalidInput("bad body", {"decision": "answer or reject", "answer": "the text the proposer sees"})
    session = db_session()
    found = proposals.require_for_office(session, g.user, number)
    proposals.respond(session, g.user, found, answer, body["decision"] == "reject", clock())
    return jsonify(for_office(found))

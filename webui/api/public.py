"""Public JSON API under /api/v1/public (no token): a check question, sending a proposal, and looking one up.

The same human check, rate limit and field rules as the public form (webui/pages/public.py).
"""
from flask import Blueprint, Response, jsonify, request

from engine.errors import InvalidInput, ShangliangError
from models.database import writing
from webui import human_check
from webui.api.topics import _domain_error, json_body
from webui.database import db_session
from webui.security import clock
from workflows.participation import proposals

bp = Blueprint("public_api", __name__, url_prefix="/api/v1/public")
bp.register_error_handler(ShangliangError, _domain_error)


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

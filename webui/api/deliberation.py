"""Online deliberation and remote consultation in the JSON API.

The office opens a topic's deliberation, invites residents, hides and marks opinions taken into the minutes;
members read and post with their bearer token (/api/v1/deliberations); an invited resident reads and posts by the
signed token of the invitation link, without an account (/api/v1/public/deliberation/<token>). The office records
an activity's meeting link and who joined through it (远程协商). The same rules as the pages
(webui/pages/deliberation.py, webui/pages/remote.py).
"""
from typing import Any

from flask import Blueprint, Response, g, jsonify, url_for

from engine.errors import ShangliangError
from models import Deliberation, DeliberationInvitation
from webui import invitation_links
from webui.api import paging
from webui.api.topics import _domain_error, body_flag, json_body, token_required
from webui.database import db_session, writes
from webui.security import clock
from workflows.participation import deliberation as deliberations
from workflows.people.access import require_topic
from workflows.platform import activities, remote

bp = Blueprint("deliberation_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ShangliangError, _domain_error)
public = Blueprint("invited_api", __name__, url_prefix="/api/v1/public/deliberation")
public.register_error_handler(ShangliangError, _domain_error)


def _refused(exc: Exception, status: int) -> tuple[Response, int]:
    return jsonify(error={"status": status, "message": str(exc)}), status


for _blueprint in (bp, public):
    _blueprint.register_error_handler(deliberations.Flooding, lambda exc: _refused(exc, 429))


def _whole(found: Deliberation, moderator: bool = False, **extra: Any) -> Response:
    """Answer the deliberation with a page of its opinions (each with its replies), oldest first."""
    page = paging.page_args()
    entries, total = paging.paged_list(deliberations.thread(db_session(), found, moderator), page)
    return paging.page_json("opinions", [deliberations.public_entry(e) for e in entries], total, page,
                            **deliberations.describe(found, clock()), **extra)


@bp.post("/topics/<int:topic_id>/deliberation")
@token_required
@writes
def open_for(topic_id: int) -> tuple[Response, int]:
    """Open the topic's deliberation, or change its period: ``{"opens_at", "closes_at", "question"}``."""
    session = db_session()
    found = deliberations.open_for(session, g.user, require_topic(session, g.user, topic_id), json_body(), clock())
    return jsonify(deliberations.describe(found, clock())), 201


@bp.get("/deliberations/<code>")
@token_required
def read(code: str) -> Response:
    """Return the deliberation and its opinions; the hidden text only for the office."""
    found = deliberations.require(db_session(), g.user, code)
    return _whole(found, deliberations.may_moderate(g.user, found.topic))


@bp.post("/deliberations/<code>/opinions")
@token_required
@writes
def post(code: str) -> tuple[Response, int]:
    """Post an opinion or a reply (``parent_id``) as a member or the office; 409 after the deadline."""
    session = db_session()
    found = deliberations.require(session, g.user, code)
    opinion = deliberations.post(session, found, deliberations.Author(user=g.user), json_body(), clock())
    return jsonify(id=opinion.id, parent_id=opinion.parent_id), 201


def _invitation(invitation: DeliberationInvitation) -> dict[str, Any]:
    token = invitation_links.token_for(invitation.id)
    return {"id": invitation.id, "name": invitation.name, "invited_at": invitation.invited_at.isoformat(),
            "revoked": invitation.revoked_at is not None,
            "link": url_for("invited.page", token=token, _external=True), "token": token}


@bp.post("/deliberations/<code>/invitations")
@token_required
@writes
def invite(code: str) -> tuple[Response, int]:
    """Invite a resident by name (``{"name"}``); answers the link to send them."""
    session = db_session()
    found = deliberations.require(session, g.user, code)
    invitation = deliberations.invite(session, g.user, found, str(json_body().get("name") or ""), clock())
    return jsonify(_invitation(invitation)), 201


@bp.post("/opinions/<int:opinion_id>/hide")
@token_required
@writes
def hide(opinion_id: int) -> Response:
    """Hide an opinion with a reason (``{"reason"}``); the audit log keeps its text."""
    session = db_session()
    opinion = deliberations.require_opinion(session, g.user, opinion_id)
    deliberations.hide(session, g.user, opinion, str(json_body().get("reason") or ""), clock())
    return jsonify(id=opinion.id, hidden=True)


@bp.post("/opinions/<int:opinion_id>/take")
@token_required
@writes
def take(opinion_id: int) -> Response:
    """Mark an opinion taken into the minutes (``{"taken": true}``) or undo it (``false``)."""
    session = db_session()
    opinion = deliberations.require_opinion(session, g.user, opinion_id)
    deliberations.take(session, g.user, opinion, body_flag("taken", default=True), clock())
    return jsonify(id=opinion.id, taken_into_minutes=opinion.taken_at is not None)


def _by_token(token: str) -> tuple[Deliberation, DeliberationInvitation]:
    session = db_session()
    invitation = deliberations.by_invitation(session, invitation_links.invitation_id(token))
    found = session.get(Deliberation, invitation.deliberation_id)
    assert found is not None  # the foreign key holds it
    return found, invitation


@public.get("/<token>")
def read_invited(token: str) -> Response:
    """Return the deliberation to the invited resident: hidden opinions without their text."""
    found, invitation = _by_token(token)
    return _whole(found, invited=invitation.name)


@public.post("/<token>/opinions")
@writes
def post_invited(token: str) -> tuple[Response, int]:
    """Post an opinion or a reply as the invited resident; 409 after the deadline, 429 when flooding."""
    found, invitation = _by_token(token)
    opinion = deliberations.post(db_session(), found, deliberations.Author(invitation=invitation), json_body(),
                                 clock())
    return jsonify(id=opinion.id, parent_id=opinion.parent_id), 201


def _remote_state(activity_id: int) -> Response:
    found = activities.require_activity(db_session(), g.user, activity_id)
    return jsonify(id=found.id, meeting_link=found.meeting_link,
                   joined_remotely=[p.id for p in found.participants if p.joined_remotely])


@bp.post("/activities/<int:activity_id>/meeting-link")
@token_required
@writes
def meeting_link(activity_id: int) -> Response:
    """Record the activity's video meeting link (``{"meeting_link": "https://…"}``; empty clears it)."""
    session = db_session()
    found = activities.require_activity(session, g.user, activity_id)
    remote.set_link(session, g.user, found, json_body().get("meeting_link"), clock())
    return _remote_state(activity_id)


@bp.post("/activities/<int:activity_id>/participants/<int:participant_id>/remote")
@token_required
@writes
def mark_remote(activity_id: int, participant_id: int) -> Response:
    """Record a participant present through the meeting link (``{"remote": true}``) or in the room (``false``)."""
    session = db_session()
    found = activities.require_activity(session, g.user, activity_id)
    remote.mark(session, g.user, found, participant_id, body_flag("remote"), clock())
    return _remote_state(activity_id)


@bp.post("/activities/check-in/<code>/remote")
@token_required
@writes
def join_remotely(code: str) -> Response:
    """Check the caller in to the activity as joining through its meeting link."""
    person = remote.join(db_session(), g.user, code, clock())
    return jsonify(id=person.id, checked_in_at=person.checked_in_at.isoformat() if person.checked_in_at else None,
                   joined_remotely=person.joined_remotely)

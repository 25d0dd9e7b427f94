"""Online deliberation pages (网络议政): the office opens a topic's deliberation and invites residents, members post
and reply, the office hides with a reason and marks opinions taken into the minutes; an invited resident reads
and posts by a signed link without an account (laid out for a phone).
"""
from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import Conflict, InvalidInput, NotFound
from models import Deliberation, DeliberationInvitation
from models.database import writing
from models.people import BEIJING
from webui import invitation_links
from webui.database import db_session
from webui.security import clock
from workflows.participation import deliberation as deliberations
from workflows.people.access import require_topic

bp = Blueprint("deliberation", __name__, url_prefix="/deliberations")
invited = Blueprint("invited", __name__, url_prefix="/public/deliberation")


def _local(moment: datetime) -> str:
    return moment.astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M")  # what a datetime-local field shows


def _link(invitation: DeliberationInvitation) -> str:
    return url_for("invited.page", token=invitation_links.token_for(invitation.id), _external=True)


@bp.get("")
@login_required
def index() -> str:
    """List the deliberations of the user's areas, open ones first by their deadline."""
    found = deliberations.listed_for(db_session(), current_user)
    return render_template("deliberation/index.html", deliberations=found, now=clock(), is_open=deliberations.is_open)


@bp.route("/topic/<int:topic_id>", methods=["GET", "POST"])
@login_required
def of_topic(topic_id: int) -> Response | tuple[str, int]:
    """Go to the topic's deliberation; the office opens it here (period and question) when there is none."""
    session = db_session()
    topic = require_topic(session, current_user, topic_id)
    found = deliberations.of_topic(session, topic)
    may_open = deliberations.may_moderate(current_user, topic)
    if request.method == "GET":
        if found is not None and not (may_open and request.args.get("change")):
            return redirect(url_for("deliberation.page", code=found.code))
        values = {"question": found.question, "opens_at": _local(found.opens_at),
                  "closes_at": _local(found.closes_at)} if found else {}
        return render_template("deliberation/open.html", topic=topic, values=values, errors={},
                               may_open=may_open), 200
    try:
        with writing(session):
            found = deliberations.open_for(session, current_user, topic, request.form, clock())
            code = found.code
    except InvalidInput as exc:
        return render_template("deliberation/open.html", topic=topic, values=request.form, errors=exc.fields,
                               may_open=True, deliberation=found), 422
    flash(_("网络议政已开启"), "success")
    return redirect(url_for("deliberation.page", code=code))


def _page(found: Deliberation, values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
          status: int = 200) -> tuple[str, int]:
    session = db_session()
    moderator = deliberations.may_moderate(current_user, found.topic)
    links = [(i, _link(i)) for i in deliberations.invitations(session, found)] if moderator else []
    return render_template("deliberation/page.html", deliberation=found, moderator=moderator,
                           may_post=deliberations.may_post(current_user, found.topic),
                           is_open=deliberations.is_open(found, clock()),
                           entries=deliberations.thread(session, found, moderator), invitations=links,
                           values=values or {}, errors=errors or {}, post_url=url_for("deliberation.post",
                                                                                      code=found.code)), status


@bp.get("/<code>")
@login_required
def page(code: str) -> tuple[str, int]:
    """Show the deliberation: the question, the deadline, the opinions with their replies."""
    return _page(deliberations.require(db_session(), current_user, code))


@bp.post("/<code>/opinions")
@login_required
def post(code: str) -> Response | tuple[str, int]:
    """Post an opinion or a reply as the signed-in member or office; refused after the deadline."""
    session = db_session()
    found = deliberations.require(session, current_user, code)
    failed = _posted(found, deliberations.Author(user=current_user))
    return failed or redirect(url_for("deliberation.page", code=code) + "#opinions")


def _posted(found: Deliberation, author: deliberations.Author) -> tuple[str, int] | None:
    """Store the form's opinion; return the page again with the message and the typed text when refused."""
    session = db_session()
    values = {"body": request.form.get("body", ""), "parent_id": request.form.get("parent_id", "")}
    try:
        with writing(session):
            deliberations.post(session, found, author, request.form, clock())
    except InvalidInput as exc:
        return _again(found, author, values, exc.fields, 422)
    except Conflict as exc:
        return _again(found, author, values, {"form": exc.message}, 409)
    except deliberations.Flooding as exc:
        return _again(found, author, values, {"form": str(exc)}, 429)
    return None


def _again(found: Deliberation, author: deliberations.Author, values: dict[str, Any], errors: dict[str, str],
           status: int) -> tuple[str, int]:
    if author.invitation is not None:
        return _resident_page(found, author.invitation, values, errors, status)
    return _page(found, values, errors, status)


@bp.post("/<code>/invitations")
@login_required
def invite(code: str) -> Response | tuple[str, int]:
    """Invite a resident by name; the page then lists the invitation's link to send."""
    session = db_session()
    found = deliberations.require(session, current_user, code)
    try:
        with writing(session):
            deliberations.invite(session, current_user, found, request.form.get("name", ""), clock())
    except InvalidInput as exc:
        return _page(found, {"name": request.form.get("name", "")}, exc.fields, 422)
    flash(_("已生成邀请链接，请发送给受邀居民"), "success")
    return redirect(url_for("deliberation.page", code=code) + "#invitations")


@bp.post("/<code>/invitations/<int:invitation_id>/revoke")
@login_required
def revoke(code: str, invitation_id: int) -> Response:
    """Withdraw an invitation's link."""
    session = db_session()
    with writing(session):
        found = deliberations.require(session, current_user, code)
        deliberations.revoke(session, current_user, found, invitation_id, clock())
    return redirect(url_for("deliberation.page", code=code) + "#invitations")


@bp.post("/opinions/<int:opinion_id>/hide")
@login_required
def hide(opinion_id: int) -> Response | tuple[str, int]:
    """Hide an opinion with a reason (the office only); the audit log keeps the text and the reason."""
    session = db_session()
    opinion = deliberations.require_opinion(session, current_user, opinion_id)
    found = session.get(Deliberation, opinion.deliberation_id)
    assert found is not None
    try:
        with writing(session):
            deliberations.hide(session, current_user, opinion, request.form.get("reason", ""), clock())
    except InvalidInput as exc:
        return _page(found, {}, {f"reason-{opinion_id}": exc.fields["reason"]}, 422)
    return redirect(url_for("deliberation.page", code=found.code) + f"#opinion-{opinion_id}")


@bp.post("/opinions/<int:opinion_id>/take")
@login_required
def take(opinion_id: int) -> Response:
    """Mark an opinion taken into the minutes, or undo the mark (the office only)."""
    session = db_session()
    with writing(session):
        opinion = deliberations.require_opinion(session, current_user, opinion_id)
        deliberations.take(session, current_user, opinion, request.form.get("taken") != "0", clock())
        code = session.get(Deliberation, opinion.deliberation_id).code  # type: ignore[union-attr]
    return redirect(url_for("deliberation.page", code=code) + f"#opinion-{opinion_id}")


def _invitation(token: str) -> tuple[Deliberation, DeliberationInvitation]:
    session = db_session()
    invitation = deliberations.by_invitation(session, invitation_links.invitation_id(token))
    found = session.get(Deliberation, invitation.deliberation_id)
    if found is None:
        raise NotFound(invitation_links.INVALID)
    return found, invitation


def _resident_page(found: Deliberation, invitation: DeliberationInvitation, values: dict[str, Any] | None = None,
                   errors: dict[str, str] | None = None, status: int = 200) -> tuple[str, int]:
    token = invitation_links.token_for(invitation.id)
    return render_template("deliberation/page.html", deliberation=found, moderator=False, may_post=True,
                           is_open=deliberations.is_open(found, clock()), resident=invitation,
                           entries=deliberations.thread(db_session(), found), invitations=[],
                           values=values or {}, errors=errors or {},
                           post_url=url_for("invited.page", token=token)), status


@invited.route("/<token>", methods=["GET", "POST"], endpoint="page")
def page_for_resident(token: str) -> Response | tuple[str, int]:
    """The invited resident's page: read the opinions and post until the deadline, no account needed."""
    found, invitation = _invitation(token)
    if request.method == "GET":
        return _resident_page(found, invitation)
    failed = _posted(found, deliberations.Author(invitation=invitation))
    return failed or redirect(url_for("invited.page", token=token) + "#opinions")


"""Remote consultation pages (远程协商): the office records an activity's meeting link and who joined through it;
an invited participant opens the link from the check-in page and is checked in as joining remotely.
"""
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from models.database import writing
from webui.database import db_session
from webui.pages import platform as platform_pages
from webui.security import clock
from workflows.platform import activities, remote

bp = Blueprint("remote", __name__, url_prefix="/platform")


@bp.post("/activities/<int:activity_id>/meeting-link")
@login_required
def meeting_link(activity_id: int) -> Response | tuple[str, int]:
    """Record or clear the activity's video meeting link; a bad link is said on the page, as typed."""
    session = db_session()
    try:
        with writing(session):
            found = activities.require_activity(session, current_user, activity_id)
            remote.set_link(session, current_user, found, request.form.get("meeting_link", ""), clock())
    except InvalidInput as exc:
        return platform_pages.activity(activity_id, exc.fields, request.form), 422
    flash(_("会议链接已保存"), "success")
    return redirect(url_for("platform.activity", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/participants/<int:participant_id>/remote")
@login_required
def mark(activity_id: int, participant_id: int) -> Response:
    """Let staff record a participant present through the meeting link (``remote=1``) or in the room (``0``)."""
    session = db_session()
    with writing(session):
        found = activities.require_activity(session, current_user, activity_id)
        remote.mark(session, current_user, found, participant_id, request.form.get("remote") == "1", clock())
    return redirect(url_for("platform.activity", activity_id=activity_id))


@bp.post("/check-in/<code>/remote")
@login_required
def join(code: str) -> Response:
    """Check the invited person in as joining through the meeting link."""
    session = db_session()
    with writing(session):
        remote.join(session, current_user, code, clock())
    flash(_("已登记远程参加"), "success")
    return redirect(url_for("platform.check_in", code=code))

"""A follow-up round's own minutes (再调研 / 再视察 / 再协商), kept on the round's activity page.

Services: workflows/platform/rounds.py. A refused entry comes back on the activity page with what
was typed; the suggestions then appear under 成果转化 like the first minutes'.
"""
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from models.database import writing
from webui.database import db_session
from webui.pages import platform
from webui.pages.tasks import raw_input
from webui.security import clock
from workflows.platform import activities, rounds

bp = Blueprint("rounds", __name__, url_prefix="/platform")


@bp.post("/activities/<int:activity_id>/minutes")
@login_required
def minutes(activity_id: int) -> Response | tuple[str, int]:
    """Keep the round's minutes and list their suggestions."""
    session = db_session()
    raw = raw_input(rounds.ROUND_MINUTES, request.form)
    try:
        with writing(session):
            found = activities.require_activity(session, current_user, activity_id)
            rounds.record_minutes(session, current_user, found, raw, now=clock())
    except InvalidInput as exc:
        return platform.activity(activity_id, errors=exc.fields, values=raw), 422
    flash(_("本轮纪要已保存，建议已列入成果转化跟踪"), "success")
    return redirect(url_for("platform.activity", activity_id=activity_id, _anchor="round-minutes"))

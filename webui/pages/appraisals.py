"""Democratic appraisal (民主评议) pages: a topic's appraisals with their averages, opening one, scoring.

The CPPCC office or the committee of a topic holds the appraisal and records each rater's scores; a
handling unit reads the appraisals of its own topics. Services: workflows/platform/appraisal.py.
"""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from models import Unit, UnitKind
from models.appraisal import CRITERIA
from models.database import writing
from webui.database import db_session
from webui.security import clock
from workflows.platform import appraisal
from workflows.platform.suggestions import may_record

bp = Blueprint("appraisals", __name__, url_prefix="/platform")


@bp.route("/topics/<int:topic_id>/appraisals", methods=["GET", "POST"])
@login_required
def topic_appraisals(topic_id: int) -> str | tuple[str, int] | Response:
    """Show a topic's appraisals; the office or committee opens one (POST)."""
    session = db_session()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            with writing(session):
                held = appraisal.open_appraisal(session, current_user, topic_id, request.form, now=clock())
            flash(_("已开始民主评议，请录入评议人的评分"), "success")
            return redirect(url_for("appraisals.topic_appraisals", topic_id=topic_id, _anchor=f"a-{held.id}"))
        except InvalidInput as exc:
            errors = exc.fields
    return _page(topic_id, errors=errors, values=request.form if errors else {})


@bp.post("/appraisals/<int:appraisal_id>/scores")
@login_required
def score(appraisal_id: int) -> str | tuple[str, int] | Response:
    """Record one rater's scores; a refused entry comes back on its form with what was typed."""
    session = db_session()
    try:
        with writing(session):
            row = appraisal.score(session, current_user, appraisal_id, request.form, now=clock())
            topic_id = row.appraisal.topic_id
    except InvalidInput as exc:
        topic_id = appraisal.require_appraisal(session, current_user, appraisal_id).topic_id
        return _page(topic_id, score_errors=(appraisal_id, exc.fields, request.form))
    flash(_("评分已录入"), "success")
    return redirect(url_for("appraisals.topic_appraisals", topic_id=topic_id, _anchor=f"a-{appraisal_id}"))


def _page(topic_id: int, errors: dict[str, str] | None = None, values: object = None,
          score_errors: tuple[int, dict[str, str], object] | None = None) -> str | tuple[str, int]:
    session = db_session()
    topic, found = appraisal.of_topic(session, current_user, topic_id)
    units = session.scalars(select(Unit).where(Unit.organization_id.in_({topic.district_id, topic.town_id}),
                                               Unit.kind != UnitKind.COMMITTEE).order_by(Unit.code)).all()
    page = render_template("platform/appraisals.html", topic=topic, found=found, units=units,
                           errors=errors or {}, values=values or {}, score_errors=score_errors,
                           may_record=may_record(current_user, topic), criteria=CRITERIA,
                           criterion_labels=appraisal.CRITERION_LABELS, today=clock().date())
    return (page, 422) if errors or score_errors else page

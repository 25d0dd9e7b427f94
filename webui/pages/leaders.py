"""Party and government leaders' pages: their area's overview (read-only), and the plan's 请示报告 step.

The plan page itself lives in webui/pages/platform.py; it shows the approval state and the forms
whose posts land here: the district's office or chairs' meeting reports the plan, a party leader of
the district approves it or returns it with a reason.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from models import PlanDecision
from models.database import writing
from webui.database import db_session
from webui.pages import platform as platform_pages
from webui.query_args import plan_year
from webui.security import clock
from workflows.platform import leaders, plan_report, suggestions
from workflows.platform import plan as annual_plan
from workflows.rules.stages import STAGE_LABELS
from workflows.topics.kinds import KIND_LABELS
from workflows.topics.labels import STATUS_LABELS, stage_label

bp = Blueprint("leaders", __name__, url_prefix="/platform")


def _year() -> int:
    return plan_year(request.args.get("year"), clock().date().year)


@bp.get("/leader")
@login_required
def overview() -> str:
    """Show a leader their area: the plans, the topics by stage, the suggestions' outcomes, their activities."""
    if not leaders.is_leader(current_user):
        abort(403)
    session, year = db_session(), _year()
    found = leaders.overview(session, current_user, year)
    reports = plan_report.reports_for(session, found.districts, year)
    plans = [(plan, plan_report.approval(plan, reports[plan.district.id]))
             for plan in annual_plan.plans_of(session, found.districts, year)]
    return render_template("platform/leader.html", found=found, plans=plans, year=year, stage_labels=STAGE_LABELS,
                           stage_label=stage_label, status_labels=STATUS_LABELS, consultation_labels=KIND_LABELS,
                           outcome_labels={o.value: label for o, label in suggestions.OUTCOME_LABELS.items()},
                           state_labels=plan_report.STATE_LABELS)


@bp.post("/plan/<district>/<year:year>/reports")
@login_required
def report(district: str, year: int) -> Response | tuple[str, int]:
    """Report the plan to the party committee (the district's office or chairs' meeting)."""
    session = db_session()
    try:
        with writing(session):
            found = annual_plan.plan_of(session, annual_plan.require_district(session, current_user, district), year)
            plan_report.report(session, current_user, found, request.form.get("note", ""), now=clock())
    except InvalidInput as exc:
        return _plan_again(district, year, exc.fields), 422
    flash(_("计划已报送党委审定"), "success")
    return redirect(url_for("platform.plan_page", district=district, year=year))


@bp.post("/plan/<district>/<year:year>/decision")
@login_required
def decide(district: str, year: int) -> Response | tuple[str, int]:
    """Record the party committee's decision on the latest report (a party leader of the district)."""
    session = db_session()
    try:
        with writing(session):
            found = annual_plan.plan_of(session, annual_plan.require_district(session, current_user, district), year)
            decided = plan_report.decide(session, current_user, found, request.form.get("decision", ""),
                                         request.form.get("reason", ""), now=clock())
    except InvalidInput as exc:
        return _plan_again(district, year, exc.fields), 422
    approved = decided.decision is PlanDecision.APPROVED
    flash(_("已同意该计划") if approved else _("计划已退回修改"), "success")
    return redirect(url_for("platform.plan_page", district=district, year=year))


def _plan_again(district: str, year: int, errors: dict[str, str]) -> str:
    """Show the plan page again with the problems beside the form and what the user typed kept."""
    session = db_session()
    found = annual_plan.plan_of(session, annual_plan.require_district(session, current_user, district), year)
    return platform_pages.render_plan(found, plan_report.reports_of(session, found.district, year), errors,
                                      request.form)

"""Platform pages (协商平台): the room register and its five haves, coverage, activities, and the phone check-in."""
import io
from datetime import date
from pathlib import Path
from typing import Any

import qrcode
import qrcode.image.svg
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select
from werkzeug.wrappers import Response

from engine.errors import InvalidInput
from engine.time.calendar import SHANGHAI
from models import (
    Activity,
    ActivityForm,
    ConsultationKind,
    FollowUpRound,
    Have,
    Member,
    Organization,
    OrgKind,
    Outcome,
    ParticipantKind,
    PointEvent,
    Role,
    Unit,
    UnitKind,
)
from models.database import writing
from webui.database import db_session
from webui.pages import printing
from webui.pages.exports import neutral
from webui.query_args import plan_year
from webui.security import clock
from workflows.participation import proposals, triage
from workflows.platform import activities, assessment, coverage, leaders, plan_report, points, rooms, suggestions
from workflows.platform import plan as annual_plan
from workflows.platform import report as yearly
from workflows.platform import rounds as round_minutes
from workflows.rules.stages import STAGE_LABELS
from workflows.topics.kinds import KIND_LABELS
from workflows.topics.labels import CATEGORY_LABELS

bp = Blueprint("platform", __name__, url_prefix="/platform")
LABELS = {"have_labels": rooms.HAVE_LABELS, "function_labels": rooms.FUNCTIONS,
          "form_labels": activities.FORM_LABELS, "kind_labels": activities.KIND_LABELS,
          "round_labels": activities.ROUND_LABELS, "consultation_labels": KIND_LABELS}


def _evidence_dir() -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"])


def _year() -> int:
    return plan_year(request.args.get("year"), clock().date().year)


def _today() -> date:
    return clock().date()


def _seeing() -> set[int]:
    """Return the user's scope, answering 403 to someone who sees no platform."""
    orgs = rooms.scope(db_session(), current_user)
    if not orgs:
        abort(403)
    return orgs


def _room_orgs(orgs: set[int]) -> list[Organization]:
    query = select(Organization).where(Organization.id.in_(orgs), Organization.kind.in_(rooms.ROOM_KINDS))
    return [o for o in db_session().scalars(query.order_by(Organization.code)) if rooms.may_manage(current_user, o)]


@bp.get("/rooms")
@login_required
def room_list() -> str:
    """List the rooms the user sees, with the haves each meets this year."""
    session, orgs, year = db_session(), _seeing(), _year()
    found = rooms.rooms_in(session, orgs)
    return render_template("platform/rooms.html", rooms=found, year=year, haves=list(Have),
                           status=coverage.statuses(session, found, year, _today()),
                           may_register=bool(_room_orgs(orgs)), **LABELS)


@bp.route("/rooms/new", methods=["GET", "POST"])
@login_required
def register() -> str | tuple[str, int] | Response:
    """Register a room for an organization (政协办公室)."""
    orgs = _room_orgs(_seeing())
    if not orgs:
        abort(403)
    if request.method == "GET":
        return render_template("platform/room_form.html", orgs=orgs, values={}, errors={}, room=None, **LABELS)
    session = db_session()
    try:
        with writing(session):
            room = rooms.register(session, current_user, request.form.get("organization", ""), request.form,
                                  now=clock())
    except InvalidInput as exc:
        values = {**request.form, "functions": request.form.getlist("functions")}
        return render_template("platform/room_form.html", orgs=orgs, values=values, errors=exc.fields, room=None,
                               **LABELS), 422
    flash(_("议事室已登记"), "success")
    return redirect(url_for("platform.room", code=room.code))


@bp.get("/rooms/<code>")
@login_required
def room(code: str, errors: dict[str, str] | None = None) -> str:
    """Show a room: its fields, the five haves with evidence and who verified them, its activities."""
    session = db_session()
    found = rooms.require_room(session, current_user, code)
    year = _year()
    return render_template(
        "platform/room.html", room=found, year=year, haves=list(Have), verified_haves=rooms.VERIFIED_HAVES,
        status=coverage.statuses(session, [found], year, _today())[found.id],
        verifications=rooms.verifications(session, found), evidence=rooms.evidence_of(session, found),
        may_manage=rooms.may_manage(current_user, found.organization),
        may_verify=rooms.may_verify(current_user, found.organization), errors=errors or {},
        opinions=triage.heard_in(session, found), source_labels=triage.SOURCE_LABELS,
        proposal_status_labels=proposals.STATUS_LABELS, **LABELS)


@bp.post("/rooms/<code>/evidence")
@login_required
def upload_evidence(code: str) -> Response | tuple[str, int]:
    """Upload a photo or document proving one have."""
    session = db_session()
    upload = request.files.get("file")
    try:
        with writing(session):
            found = rooms.require_room(session, current_user, code)
            have = rooms.have_of(request.form.get("have", ""))
            if upload is None or not upload.filename:
                raise InvalidInput("no file", {"file": _("请选择文件")})
            rooms.add_evidence(session, _evidence_dir(), current_user, found, have, upload.filename, upload.stream,
                               now=clock())
    except InvalidInput as exc:
        return room(code, exc.fields), 422
    flash(_("佐证材料已上传"), "success")
    return redirect(url_for("platform.room", code=code))


@bp.post("/rooms/<code>/verify")
@login_required
def verify(code: str) -> Response | tuple[str, int]:
    """Verify one have against its evidence (区政协办公室、督查人员或市政协专门指导组)."""
    session = db_session()
    try:
        with writing(session):
            found = rooms.require_room(session, current_user, code)
            rooms.verify(session, current_user, found, rooms.have_of(request.form.get("have", "")),
                         request.form.get("note", ""), now=clock())
    except InvalidInput as exc:
        return room(code, exc.fields), 422
    flash(_("已核验"), "success")
    return redirect(url_for("platform.room", code=code))


@bp.get("/evidence/<int:evidence_id>")
@login_required
def evidence(evidence_id: int) -> Response:
    """Serve an evidence file to a user who sees its room."""
    found, path = rooms.open_evidence(db_session(), _evidence_dir(), current_user, evidence_id)
    return send_file(path, mimetype=found.content_type, download_name=found.filename)


@bp.get("/coverage")
@login_required
def coverage_page() -> str:
    """Show coverage per district (the city guidance group sees all): table, chart, the missing by name."""
    _seeing()
    figures = coverage.coverage(db_session(), current_user, _year(), _today())
    chart = {"names": [d.name for d in figures.districts], "required": [d.required for d in figures.districts],
             "covered": [d.covered for d in figures.districts],
             "labels": {"required": _("应建"), "covered": _("五有达标")}}
    return render_template("platform/coverage.html", figures=figures, total=figures.total, chart=chart)


@bp.get("/activities")
@bp.get("/activities.<any(xlsx):fmt>")
@login_required
def activity_list(fmt: str = "") -> str | Response:
    """List the year's activities with the frequency per platform and the leaders' share (HTML or XLSX)."""
    session, year = db_session(), _year()
    orgs = _seeing()
    kind = request.args.get("kind", "") if request.args.get("kind", "") in KIND_LABELS else ""
    found = activities.activities_in(session, current_user, year, ConsultationKind(kind) if kind else None)
    if fmt == "xlsx":
        return Response(xlsx(_("协商活动"), *_activity_table(found)), mimetype=XLSX, headers={
            "Content-Disposition": f'attachment; filename="activities-{year}.xlsx"'})
    districts = [o for o in session.scalars(select(Organization).where(Organization.id.in_(orgs),
                                                                        Organization.kind == OrgKind.DISTRICT))
                 if rooms.may_manage(current_user, o)]
    return render_template("platform/activities.html", year=year, found=found, kind=kind,
                           figures=activities.figures(session, current_user, year, _today()), districts=districts,
                           may_plan=bool(_platform_choices(orgs)), **LABELS)


def _activity_table(found: list[Activity]) -> tuple[list[str], list[list[object]]]:
    """Return the headers and rows of the activities' spreadsheet: what the page lists, with who came."""
    came = activities.attendance(db_session(), [a.id for a in found])
    headers = [_("日期"), _("编号"), _("活动"), _("平台"), _("会议室"), _("地点"), _("形式"), _("协商形式"),
               _("提案号"), _("议题编号"), _("邀请人数"), _("到场人数"), _("到场党政领导")]
    rows: list[list[object]] = []
    for a in found:
        seen = came.get(a.id, activities.Attendance())
        rows.append([a.held_on, a.code, a.title, a.platform.name, a.room.name if a.room else "", a.place,
                     _(activities.FORM_LABELS[a.form]), _(KIND_LABELS[a.consultation_kind.value]), a.proposal_number,
                     a.topic_id or "", seen.invited, seen.present, seen.leaders_present])
    return headers, rows


def _platform_choices(orgs: set[int]) -> list[tuple[str, str]]:
    """Return the platforms and rooms the user may plan an activity on, as (code, label)."""
    session = db_session()
    query = select(Organization).where(Organization.id.in_(orgs), Organization.kind.in_(activities.PLATFORM_KINDS))
    choices = [(o.code, o.name) for o in session.scalars(query.order_by(Organization.code))
               if rooms.may_manage(current_user, o)]
    choices += [(r.code, f"{r.organization.name} · {r.name}") for r in rooms.rooms_in(session, orgs)
                if rooms.may_manage(current_user, r.organization)]
    return choices


@bp.post("/targets")
@login_required
def set_target() -> Response:
    """Set a district's yearly target of activities per platform."""
    session = db_session()
    district = session.scalar(select(Organization).where(Organization.code == request.form.get("district", "")))
    if district is None or district.id not in _seeing():
        abort(404)
    raw = request.form.get("per_platform", "")
    year_text = request.form.get("year", "")
    year = plan_year(year_text, _today().year)
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput("bad target", {"per_platform": _("请填写 0 到 1000 之间的整数")})
    with writing(session):
        activities.set_target(session, current_user, district, year, int(raw))
    flash(_("频次目标已保存"), "success")
    return redirect(url_for("platform.activity_list", year=year))


@bp.route("/activities/new", methods=["GET", "POST"])
@login_required
def plan() -> str | tuple[str, int] | Response:
    """Plan an activity: platform or room, topic, form, date and place, review and materials dates."""
    choices = _platform_choices(_seeing())
    if not choices:
        abort(403)
    context: dict[str, Any] = dict(choices=choices, forms=list(ActivityForm), rounds=list(FollowUpRound), **LABELS)
    if request.method == "GET":
        return render_template("platform/activity_form.html", values=request.args, errors={}, **context)
    session = db_session()
    try:
        with writing(session):
            activity = activities.plan(session, current_user, request.form, now=clock())
    except InvalidInput as exc:
        return render_template("platform/activity_form.html", values=request.form, errors=exc.fields, **context), 422
    flash(_("活动已登记"), "success")
    return redirect(url_for("platform.activity", activity_id=activity.id))


@bp.get("/activities/<int:activity_id>")
@login_required
def activity(activity_id: int, errors: dict[str, str] | None = None, values: Any = None) -> str:
    """Show an activity: participants by kind, invitations, attendance, the check-in QR code."""
    session = db_session()
    found = activities.require_activity(session, current_user, activity_id)
    members = list(session.scalars(select(Member).where(Member.active.is_(True)).order_by(Member.code).limit(500)))
    units = list(session.scalars(select(Unit).where(Unit.organization_id.in_({found.district_id, found.platform_id}),
                                                    Unit.kind != UnitKind.COMMITTEE).order_by(Unit.code)))
    return render_template("platform/activity.html", activity=found, kinds=list(ParticipantKind), members=members,
                           units=units, leaders=leaders.leaders_for(session, found.platform),
                           may_manage=rooms.may_manage(current_user, found.platform), errors=errors or {},
                           values=values or {}, **round_minutes.context(session, current_user, found),
                           check_in_url=url_for("platform.check_in", code=found.code, _external=True), **LABELS)


@bp.post("/activities/<int:activity_id>/participants")
@login_required
def add_participant(activity_id: int) -> Response | tuple[str, int]:
    """Add a participant by kind."""
    session = db_session()
    try:
        with writing(session):
            found = activities.require_activity(session, current_user, activity_id)
            activities.add_participant(session, current_user, found, request.form)
    except InvalidInput as exc:
        return activity(activity_id, exc.fields, request.form), 422
    return redirect(url_for("platform.activity", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/invite")
@login_required
def invite(activity_id: int) -> Response:
    """Send the invitations not yet sent."""
    session = db_session()
    with writing(session):
        found = activities.require_activity(session, current_user, activity_id)
        sent = activities.invite(session, current_user, found, clock(), request.host_url.rstrip("/"))
    flash(_("已发送 %(n)s 份邀请", n=sent), "success")
    return redirect(url_for("platform.activity", activity_id=activity_id))


@bp.post("/activities/<int:activity_id>/participants/<int:participant_id>/attendance")
@login_required
def attendance(activity_id: int, participant_id: int) -> Response:
    """Let staff tick a participant present, or untick."""
    session = db_session()
    with writing(session):
        found = activities.require_activity(session, current_user, activity_id)
        spoke = request.form.get("spoke")
        activities.tick(session, current_user, found, participant_id, request.form.get("present") == "1", clock(),
                        spoke=None if spoke is None else spoke == "1")
    return redirect(url_for("platform.activity", activity_id=activity_id))


@bp.get("/activities/<int:activity_id>/qr.<any(svg, png):fmt>")
@login_required
def qr(activity_id: int, fmt: str) -> Response:
    """Render the activity's check-in link as a QR code: SVG for the page, PNG to print or send."""
    found = activities.require_activity(db_session(), current_user, activity_id)
    link = url_for("platform.check_in", code=found.code, _external=True)
    factory = qrcode.image.svg.SvgPathImage if fmt == "svg" else None  # None: the Pillow PNG image
    image = qrcode.make(link, image_factory=factory, box_size=12)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), mimetype="image/svg+xml" if fmt == "svg" else "image/png")


@bp.route("/check-in/<code>", methods=["GET", "POST"])
@login_required
def check_in(code: str) -> str | Response:
    """The page a phone opens from the QR code: the activity, and one button to check in."""
    session = db_session()
    found = session.scalar(select(activities.Activity).where(activities.Activity.code == code))
    if found is None:
        abort(404)
    if request.method == "POST":
        with writing(session):
            activities.check_in(session, current_user, code, clock())
        flash(_("签到成功"), "success")
        return redirect(url_for("platform.check_in", code=code))
    mine = next((p for p in found.participants if p.user_id == current_user.id
                 or (p.member is not None and p.member.user_id == current_user.id)), None)
    return render_template("platform/check_in.html", activity=found, mine=mine, **LABELS)


@bp.get("/activities/summary")
@login_required
def activity_summary() -> str:
    """The supervisors' dashboard panel: activities per platform against the target and the leaders' share."""
    _seeing()
    year = _year()
    return render_template("platform/_summary.html", year=year,
                           figures=activities.figures(db_session(), current_user, year, _today()))


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(title: str, headers: list[str], rows: list[list[object]]) -> bytes:
    """Return a one-sheet workbook; text that a spreadsheet would read as a formula is quoted."""
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on one empty worksheet
    sheet.title = title
    sheet.append(headers)
    for row in rows:
        sheet.append([neutral(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pct(value: float | None) -> object:
    return None if value is None else round(100 * value, 1)


@bp.get("/assessment")
@bp.get("/assessment.<any(xlsx):fmt>")
@login_required
def assessment_page(fmt: str = "") -> str | Response:
    """Rank the handling units of a year by the annual assessment's figures (HTML or XLSX)."""
    year = _year()
    ranked = assessment.assess(db_session(), current_user, year)
    if not ranked:
        abort(403)
    if fmt == "xlsx":
        headers = [_("名次"), _("单位"), _("区"), _("签收数"), _("按时签收率%"), _("答复数"), _("按时答复率%"),
                   "A", "B", "C", _("测评数"), _("满意率%"), _("退回重办"), _("超期工作日"), _("得分")]
        rows: list[list[object]] = [
            [i, u.name, u.district, u.signings, _pct(u.signing_rate), u.replies, _pct(u.reply_rate),
             u.reply_classes["A"], u.reply_classes["B"], u.reply_classes["C"], u.ratings, _pct(u.satisfaction_rate),
             u.rehandled, u.overdue_working_days, u.score] for i, u in enumerate(ranked, start=1)]
        return Response(xlsx(_("年度综合考核"), headers, rows), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="assessment-{year}.xlsx"'})
    return render_template("platform/assessment.html", year=year, ranked=ranked)


@bp.get("/points")
@bp.get("/points.<any(xlsx):fmt>")
@login_required
def points_page(fmt: str = "") -> str | Response:
    """Show the members' points of a year ranked per sector or per district, the rules, and the XLSX."""
    session, year = db_session(), _year()
    found = points.statements(session, current_user, year)
    may_set = points.may_set_rules(current_user)
    if not found and not may_set:
        abort(403)
    key = "organization" if request.args.get("by") == "district" else "sector"
    if fmt == "xlsx":
        headers = [_("名次"), _("编号"), _("委员"), _("界别"), _("所属政协")] + [
            _(points.EVENT_LABELS[k]) for k in PointEvent] + [_("积分")]
        rows: list[list[object]] = [[i, s.code, s.name, s.sector, s.organization, *[s.events[k] for k in PointEvent],
                                     s.points] for i, s in enumerate(found, start=1)]
        return Response(xlsx(_("委员履职积分"), headers, rows), mimetype=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="member-points-{year}.xlsx"'})
    return render_template("platform/points.html", year=year, groups=points.ranked_by(found, key), by=key,
                           rules=points.rules_for(session, year), may_set=may_set, events=list(PointEvent),
                           event_labels=points.EVENT_LABELS, total=len(found))


@bp.post("/points/rules")
@login_required
def set_point_rule() -> Response:
    """Set the points of one event kind for a year (the city)."""
    session = db_session()
    year_raw, points_raw = request.form.get("valid_year", ""), request.form.get("points", "")
    if not (year_raw.isascii() and year_raw.isdigit() and points_raw.isascii() and points_raw.isdigit()):
        raise InvalidInput("bad rule", {"points": _("请填写整数")})
    with writing(session):
        points.set_rule(session, current_user, request.form.get("kind", ""), int(year_raw), int(points_raw), clock())
    flash(_("积分规则已保存"), "success")
    return redirect(url_for("platform.points_page", year=year_raw))


@bp.app_context_processor
def _platform_links() -> dict[str, Any]:
    """Tell the navigation which platform pages a member or a unit's staff opens (others use the 协商平台 tab)."""
    user = current_user
    signed_in = bool(getattr(user, "is_authenticated", False))
    return {"may_see_points": signed_in and user.has_role(Role.MEMBER),
            "may_see_leader": signed_in and user.has_role(Role.PARTY_LEADER),
            "may_see_assessment": signed_in and user.has_role(Role.HANDLING_UNIT)}


def _plan_district() -> Organization:
    """Return the district of the plan asked for, or the user's first district."""
    session = db_session()
    code = request.args.get("district", "")
    if not code:
        districts = session.scalars(select(Organization).where(Organization.id.in_(_seeing()),
                                                               Organization.kind == OrgKind.DISTRICT)
                                    .order_by(Organization.code)).first()
        if districts is None:
            abort(403)
        return districts
    return annual_plan.require_district(session, current_user, code)


@bp.get("/plan")
@bp.get("/plan.<any(pdf, xlsx):fmt>")
@login_required
def plan_page(fmt: str = "") -> str | Response:
    """Show a district's annual consultation plan with its history; printable PDF and XLSX."""
    session, year = db_session(), _year()
    found = annual_plan.plan_of(session, _plan_district(), year)
    reports = plan_report.reports_of(session, found.district, year)
    context = _plan_context(found, reports)
    if fmt == "xlsx":
        headers = [_("序号"), _("议题"), _("平台"), _("类别"), _("协商形式"), _("提案号"), _("计划月份"), _("当前阶段"),
                   _("下一期限"), _("说明")]
        rows: list[list[object]] = [
            [i, r.title, r.platform, _(CATEGORY_LABELS[r.category]), _(KIND_LABELS[r.kind]), r.proposal_number,
             r.planned_month, _(STAGE_LABELS[r.stage]),
             r.next_due.astimezone(SHANGHAI).date().isoformat() if r.next_due else "",
             _("已调出") if r.removed else _("镇（街道）备案") if r.filed else ""]
            for i, r in enumerate(found.rows, start=1)]
        return Response(xlsx(_("年度协商计划"), headers, rows), mimetype=XLSX, headers={
            "Content-Disposition": f'attachment; filename="plan-{found.district.code}-{year}.xlsx"'})
    if fmt == "pdf":
        return Response(printing.pdf(render_template("platform/plan_print.html", **context)),
                        mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="plan-{found.district.code}-{year}.pdf"'})
    return render_plan(found, reports)


def _plan_context(found: annual_plan.Plan, reports: list[Any]) -> dict[str, Any]:
    return dict(plan=found, year=found.year, stage_labels=STAGE_LABELS, category_labels=CATEGORY_LABELS,
                consultation_labels=KIND_LABELS, approval=plan_report.approval(found, reports),
                state_labels=plan_report.STATE_LABELS, decision_labels=plan_report.DECISION_LABELS)


def render_plan(found: annual_plan.Plan, reports: list[Any], errors: dict[str, str] | None = None,
                values: Any = None) -> str:
    """Render the plan page: the plan, its approval by the party committee, its whole history."""
    session = db_session()
    context = _plan_context(found, reports)
    districts = session.scalars(select(Organization).where(
        Organization.id.in_(rooms.scope(session, current_user) | {found.district.id}),
        Organization.kind == OrgKind.DISTRICT).order_by(Organization.code)).all()
    return render_template("platform/plan.html", districts=districts,
                           may_adjust=annual_plan.may_adjust(current_user, found.district),
                           may_report=plan_report.may_report(current_user, found.district),
                           may_decide=plan_report.may_decide(current_user, found.district),
                           history=plan_report.history(found, reports), errors=errors or {}, values=values or {},
                           **context)


@bp.post("/plan/<district>/<year:year>/changes")
@login_required
def adjust_plan(district: str, year: int) -> Response:
    """Record the chairs' meeting's change of one topic in the plan."""
    session = db_session()
    month = request.form.get("planned_month", "")
    topic_id = request.form.get("topic_id", "")
    if (month and not (month.isascii() and month.isdigit())) or not (topic_id.isascii() and topic_id.isdigit()):
        raise InvalidInput("bad change", {"planned_month": _("月份为 1 到 12")})
    with writing(session):
        found = annual_plan.require_district(session, current_user, district)
        annual_plan.adjust(session, current_user, found, year, int(topic_id), int(month) if month else None,
                    request.form.get("removed") == "1", request.form.get("note", ""), now=clock())
    flash(_("计划已调整"), "success")
    return redirect(url_for("platform.plan_page", district=district, year=year))


@bp.get("/suggestions")
@login_required
def suggestion_list() -> str:
    """List the suggestions the user follows, the least advanced first."""
    found = suggestions.listed_for(db_session(), current_user)
    if not found and not rooms.scope(db_session(), current_user) and not current_user.has_role(Role.HANDLING_UNIT):
        abort(403)
    return render_template("platform/suggestions.html", found=found, outcome_labels=suggestions.OUTCOME_LABELS)


@bp.route("/topics/<int:topic_id>/suggestions", methods=["GET", "POST"])
@login_required
def topic_suggestions(topic_id: int) -> str | tuple[str, int] | Response:
    """Show a topic's suggestions and their milestones; the office or committee adds them, units report."""
    session = db_session()
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            with writing(session):
                suggestions.add(session, current_user, topic_id, request.form, now=clock())
            return redirect(url_for("platform.topic_suggestions", topic_id=topic_id))
        except InvalidInput as exc:
            errors = exc.fields
    topic, found = suggestions.of_topic(session, current_user, topic_id)
    units = session.scalars(select(Unit).where(Unit.organization_id.in_({topic.district_id, topic.town_id}),
                                               Unit.kind != UnitKind.COMMITTEE).order_by(Unit.code)).all()
    page = render_template("platform/topic_suggestions.html", topic=topic, found=found, units=units, errors=errors,
                           values=request.form if errors else {},
                           may_record=suggestions.may_record(current_user, topic),
                           may_report={s.id: suggestions.may_report(current_user, s) for s in found},
                           outcomes=list(Outcome), outcome_labels=suggestions.OUTCOME_LABELS)
    return (page, 422) if errors else page


@bp.post("/suggestions/<int:suggestion_id>/milestones")
@login_required
def report_milestone(suggestion_id: int) -> Response:
    """Record a milestone of a suggestion (its handling unit)."""
    session = db_session()
    with writing(session):
        milestone = suggestions.report(session, current_user, suggestion_id, request.form, now=clock())
        topic_id = milestone.suggestion.topic_id
    flash(_("进展已报送"), "success")
    return redirect(url_for("platform.topic_suggestions", topic_id=topic_id))


@bp.get("/report")
@bp.get("/report.<any(pdf):fmt>")
@login_required
def report_page(fmt: str = "") -> str | Response:
    """Show the platform's yearly report of a district; `.pdf` prints it with the district's masthead."""
    found = yearly.report(db_session(), current_user, _plan_district(), _year(), _today())
    labels = dict(stage_labels=STAGE_LABELS, category_labels=CATEGORY_LABELS, consultation_labels=KIND_LABELS,
                  outcome_labels={o.value: label for o, label in suggestions.OUTCOME_LABELS.items()})
    if fmt == "pdf":
        html = render_template("platform/report_print.html", report=found, year=found.year, today=_today(), **labels)
        name = f"report-{found.district.code}-{found.year}.pdf"
        return Response(printing.pdf(html), mimetype="application/pdf",
                        headers={"Content-Disposition": f'inline; filename="{name}"'})
    districts = db_session().scalars(select(Organization).where(Organization.id.in_(_seeing()),
                                                                Organization.kind == OrgKind.DISTRICT)
                                     .order_by(Organization.code)).all()
    return render_template("platform/report.html", report=found, year=found.year, districts=districts, **labels)


@bp.route("/rooms/<code>/edit", methods=["GET", "POST"])
@login_required
def edit_room(code: str) -> str | tuple[str, int] | Response:
    """Change a room's name, functions, address, host and contact (政协办公室)."""
    session = db_session()
    found = rooms.require_room(session, current_user, code)
    if not rooms.may_manage(current_user, found.organization):
        abort(403)
    orgs = [found.organization]
    if request.method == "GET":
        values = {k: getattr(found, k) for k in (*rooms.FIELD_LIMITS, "functions")}
        return render_template("platform/room_form.html", orgs=orgs, values=values, errors={}, room=found, **LABELS)
    try:
        with writing(session):
            rooms.update(session, current_user, found, request.form)
    except InvalidInput as exc:
        values = {**request.form, "functions": request.form.getlist("functions")}
        return render_template("platform/room_form.html", orgs=orgs, values=values, errors=exc.fields, room=found,
                                **LABELS), 422
    flash(_("议事室信息已更新"), "success")
    return redirect(url_for("platform.room", code=code))

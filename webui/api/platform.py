"""JSON API of the platform under /api/v1: rooms and their five haves, coverage, activities and their figures.

Same bearer-token authentication and error shape as webui/api/topics.py; every write is one transaction.
"""
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from sqlalchemy import select

from engine.errors import Forbidden, InvalidInput, NotFound, ShangliangError
from models import Activity, ConsultationKind, ConsultationRoom, Organization, Participant, Suggestion, utcnow
from webui.api import paging
from webui.api.topics import _domain_error, body_flag, json_body, token_required
from webui.database import db_session, writes
from webui.query_args import whole_number
from workflows.people.access import require_topic
from workflows.platform import activities, assessment, coverage, leaders, plan_report, points, rooms, suggestions
from workflows.platform import plan as annual_plan
from workflows.platform import report as yearly
from workflows.platform.plan import FIRST_YEAR, LAST_YEAR
from workflows.topics.kinds import KIND_LABELS

bp = Blueprint("platform_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ShangliangError, _domain_error)


def _now() -> Any:
    return current_app.config.get("CLOCK", utcnow)()


def _year() -> int:
    raw = request.args.get("year", "")
    year = whole_number(raw, FIRST_YEAR, LAST_YEAR)
    if raw and year is None:
        raise InvalidInput("bad query", {"year": f"a year between {FIRST_YEAR} and {LAST_YEAR}"})
    return year or _now().date().year


def _scoped() -> set[int]:
    orgs = rooms.scope(db_session(), g.user)
    if not orgs:
        raise Forbidden("the platform is seen by the CPPCC office, chairs, committees and supervisors")
    return orgs


def room_json(room: ConsultationRoom, status: coverage.RoomStatus | None = None) -> dict[str, Any]:
    """Describe a room and, when given, the haves it meets."""
    shaped: dict[str, Any] = {
        "code": room.code, "name": room.name, "organization": room.organization.code,
        "organization_name": room.organization.name, "functions": room.functions, "address": room.address,
        "host": room.host, "contact_name": room.contact_name, "contact_phone": room.contact_phone,
    }
    if status is not None:
        shaped["haves"] = sorted(h.value for h in status.haves)
        shaped["five_haves"] = status.complete
    return shaped


@bp.get("/rooms")
@token_required
def list_rooms() -> Response:
    """List the rooms the caller sees with the haves each meets in ``?year=``."""
    session, year = db_session(), _year()
    page = paging.page_args(default=paging.MAX_PER_PAGE)
    found, total = paging.paged_list(rooms.rooms_in(session, _scoped()), page)
    status = coverage.statuses(session, found, year, _now().date())
    return paging.page_json("rooms", [room_json(r, status[r.id]) for r in found], total, page, year=year)


@bp.post("/rooms")
@token_required
@writes
def create_room() -> tuple[Response, int]:
    """Register a room: ``{"organization": code, "name": ..., "functions": [...], ...}``."""
    body = json_body()
    room = rooms.register(db_session(), g.user, str(body.get("organization") or ""), body, now=_now())
    return jsonify(room_json(room)), 201


@bp.get("/rooms/<code>")
@token_required
def get_room(code: str) -> Response:
    """Show a room, its haves with who verified them, and its evidence files."""
    session, year = db_session(), _year()
    room = rooms.require_room(session, g.user, code)
    shaped = room_json(room, coverage.statuses(session, [room], year, _now().date())[room.id])
    shaped["verifications"] = [{"have": h.value, "verified_by": v.verified_by.username,
                                "verified_at": v.verified_at.isoformat(), "note": v.note}
                               for h, v in rooms.verifications(session, room).items()]
    shaped["evidence"] = [{"id": e.id, "have": e.have.value, "filename": e.filename, "size": e.size,
                           "url": url_for("platform.evidence", evidence_id=e.id)}
                          for e in rooms.evidence_of(session, room)]
    return jsonify(shaped)


@bp.put("/rooms/<code>")
@token_required
@writes
def update_room(code: str) -> Response:
    """Change a room's fields."""
    session = db_session()
    room = rooms.require_room(session, g.user, code)
    rooms.update(session, g.user, room, json_body())
    return jsonify(room_json(room))


@bp.post("/rooms/<code>/evidence")
@token_required
@writes
def upload_evidence(code: str) -> tuple[Response, int]:
    """Upload evidence of one have: multipart ``have`` and ``file``."""
    session = db_session()
    room = rooms.require_room(session, g.user, code)
    have = rooms.have_of(request.form.get("have", ""))
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput("no file", {"file": "a multipart field named file is required"})
    found = rooms.add_evidence(session, Path(current_app.config["ATTACHMENT_DIR"]), g.user, room, have,
                               upload.filename, upload.stream, now=_now())
    return jsonify(id=found.id, have=found.have.value, filename=found.filename, size=found.size), 201


@bp.post("/rooms/<code>/haves/<have>/verify")
@token_required
@writes
def verify_have(code: str, have: str) -> Response:
    """Verify one have of a room against its evidence."""
    session = db_session()
    room = rooms.require_room(session, g.user, code)
    body = request.get_json(silent=True) or {}
    row = rooms.verify(session, g.user, room, rooms.have_of(have), str(body.get("note", "")), now=_now())
    return jsonify(have=row.have.value, verified_by=g.user.username, verified_at=row.verified_at.isoformat())


@bp.get("/coverage")
@token_required
def get_coverage() -> Response:
    """Coverage per district in the caller's scope for ``?year=``, with the missing ones by name."""
    _scoped()
    figures = coverage.coverage(db_session(), g.user, _year(), _now().date())

    def shaped(d: coverage.DistrictCoverage) -> dict[str, Any]:
        return {"code": d.code, "name": d.name, "required": d.required, "covered": d.covered, "rate": d.rate,
                "rooms": d.rooms, "complete_rooms": d.complete_rooms, "missing": d.missing, "no_room": d.no_room}

    whole = shaped(figures.total)
    del whole["code"], whole["name"]
    return jsonify(year=figures.year, districts=[shaped(d) for d in figures.districts], total=whole)


def activity_json(activity: Activity, detail: bool = False) -> dict[str, Any]:
    """Describe an activity; with ``detail`` its participants too."""
    shaped: dict[str, Any] = {
        "id": activity.id, "title": activity.title, "platform": activity.platform.code,
        "room": activity.room.code if activity.room else None, "topic_id": activity.topic_id,
        "form": activity.form.value, "held_on": activity.held_on.isoformat(), "place": activity.place,
        "consultation_kind": activity.consultation_kind.value, "proposal_number": activity.proposal_number,
        "plan_reviewed_on": activity.plan_reviewed_on.isoformat() if activity.plan_reviewed_on else None,
        "materials_sent_on": activity.materials_sent_on.isoformat() if activity.materials_sent_on else None,
        "check_in_url": url_for("platform.check_in", code=activity.code, _external=True),
        "meeting_link": activity.meeting_link,
    }
    if detail:
        shaped["participants"] = [participant_json(p) for p in activity.participants]
    return shaped


def participant_json(p: Participant) -> dict[str, Any]:
    """Describe one participant."""
    return {"id": p.id, "kind": p.kind.value, "name": p.name, "member_id": p.member_id,
            "unit": p.unit.code if p.unit else None, "is_leader": p.is_leader,
            "answered_on_site": p.answered_on_site, "invited_at": p.invited_at.isoformat() if p.invited_at else None,
            "checked_in_at": p.checked_in_at.isoformat() if p.checked_in_at else None,
            "checked_in_by": p.checked_in_by or None, "joined_remotely": p.joined_remotely}


@bp.get("/activities")
@token_required
def list_activities() -> Response:
    """List the activities of ``?year=`` in the caller's scope, of one ``?kind=`` of consultation if given."""
    _scoped()
    year, page = _year(), paging.page_args(default=paging.MAX_PER_PAGE)
    raw_kind = request.args.get("kind", "")
    if raw_kind and raw_kind not in KIND_LABELS:
        raise InvalidInput("bad kind", {"kind": f"must be one of {', '.join(KIND_LABELS)}"})
    kind = ConsultationKind(raw_kind) if raw_kind else None
    found, total = paging.paged_list(activities.activities_in(db_session(), g.user, year, kind), page)
    return paging.page_json("activities", [activity_json(a) for a in found], total, page, year=year)


@bp.post("/activities")
@token_required
@writes
def create_activity() -> tuple[Response, int]:
    """Plan an activity: ``{"title", "platform" (org or room code), "form", "held_on", ...}``."""
    activity = activities.plan(db_session(), g.user, json_body(), now=_now())
    return jsonify(activity_json(activity, detail=True)), 201


@bp.get("/activities/<int:activity_id>")
@token_required
def get_activity(activity_id: int) -> Response:
    """Show an activity with its participants."""
    return jsonify(activity_json(activities.require_activity(db_session(), g.user, activity_id), detail=True))


@bp.post("/activities/<int:activity_id>/participants")
@token_required
@writes
def add_participant(activity_id: int) -> tuple[Response, int]:
    """Add a participant: ``{"kind", "member_id" | "username" | "name", "is_leader", "answered_on_site"}``."""
    session = db_session()
    activity = activities.require_activity(session, g.user, activity_id)
    return jsonify(participant_json(activities.add_participant(session, g.user, activity, json_body()))), 201


@bp.post("/activities/<int:activity_id>/invite")
@token_required
@writes
def invite(activity_id: int) -> Response:
    """Send the invitations not yet sent; answer how many."""
    session = db_session()
    activity = activities.require_activity(session, g.user, activity_id)
    return jsonify(invited=activities.invite(session, g.user, activity, _now(), request.host_url.rstrip("/")))


@bp.post("/activities/<int:activity_id>/participants/<int:participant_id>/attendance")
@token_required
@writes
def attendance(activity_id: int, participant_id: int) -> Response:
    """Tick a participant present (``{"present": true}``) or absent."""
    session = db_session()
    activity = activities.require_activity(session, g.user, activity_id)
    activities.tick(session, g.user, activity, participant_id, body_flag("present"), _now())
    return jsonify(activity_json(activity, detail=True))


@bp.post("/activities/check-in/<code>")
@token_required
@writes
def check_in(code: str) -> Response:
    """Check the caller in to the activity named by its QR code."""
    return jsonify(participant_json(activities.check_in(db_session(), g.user, code, _now())))


@bp.get("/activities/figures")
@token_required
def figures() -> Response:
    """Frequency per platform against the target and the leaders' share of district activities, for ``?year=``."""
    _scoped()
    found = activities.figures(db_session(), g.user, _year(), _now().date())
    return jsonify(year=found.year, district_activities=found.district_activities, with_leaders=found.with_leaders,
                   leader_share=found.leader_share,
                   platforms=[{"code": p.code, "name": p.name, "district": p.district, "held": p.held,
                               "target": p.target, "met": p.met} for p in found.platforms])


@bp.put("/activity-targets/<district>/<year:year>")
@token_required
@writes
def put_target(district: str, year: int) -> Response:
    """Set a district's yearly target of activities per platform: ``{"per_platform": n}``."""
    session = db_session()
    org = session.scalar(select(Organization).where(Organization.code == district))
    if org is None or org.id not in _scoped():
        raise NotFound(f"no district {district} that you can see")
    value = json_body().get("per_platform")
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput("bad body", {"per_platform": "an integer"})
    activities.set_target(session, g.user, org, year, value)
    return jsonify(district=district, year=year, per_platform=value)



@bp.get("/assessment")
@token_required
def get_assessment() -> Response:
    """The handling units' annual assessment for ``?year=``, best first."""
    year = _year()
    ranked = assessment.assess(db_session(), g.user, year)
    if not ranked:
        raise Forbidden("the assessment is seen by the CPPCC, supervisors and each unit for itself")
    page = paging.page_args(default=paging.MAX_PER_PAGE)
    shown, total = paging.paged_list(ranked, page)
    return paging.page_json("units", [{
        "rank": i, "code": u.code, "name": u.name, "district": u.district, "signings": u.signings,
        "signed_on_time": u.signed_on_time, "signing_rate": u.signing_rate, "replies": u.replies,
        "replies_on_time": u.replies_on_time, "reply_rate": u.reply_rate, "reply_classes": dict(u.reply_classes),
        "ratings": u.ratings, "satisfied": u.satisfied, "satisfaction_rate": u.satisfaction_rate,
        "rehandled": u.rehandled, "overdue_working_days": u.overdue_working_days, "score": u.score,
    } for i, u in enumerate(shown, start=page.offset + 1)], total, page, year=year)


@bp.get("/points")
@token_required
def get_points() -> Response:
    """Members' points of ``?year=`` (the caller's scope, or a member's own), highest first, with the rules."""
    session, year = db_session(), _year()
    found = points.statements(session, g.user, year)
    if not found and not points.may_set_rules(g.user):
        raise Forbidden("points are seen by the CPPCC, supervisors and each member for themself")
    page = paging.page_args(default=paging.MAX_PER_PAGE)
    shown, total = paging.paged_list(found, page)
    return paging.page_json("members", [
        {"rank": i, "code": s.code, "name": s.name, "sector": s.sector, "organization": s.organization,
         "events": {k.value: n for k, n in s.events.items()}, "points": s.points}
        for i, s in enumerate(shown, start=page.offset + 1)], total, page,
        year=year, rules={k.value: v for k, v in points.rules_for(session, year).items()})


@bp.put("/point-rules/<year:year>/<kind>")
@token_required
@writes
def put_point_rule(year: int, kind: str) -> Response:
    """Set the points an event kind earns in a year: ``{"points": n}`` (the city)."""
    value = json_body().get("points")
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidInput("bad body", {"points": "an integer"})
    points.set_rule(db_session(), g.user, kind, year, value, now=_now())
    return jsonify(kind=kind, valid_year=year, points=value)


@bp.put("/topics/<int:topic_id>/recommendation")
@token_required
@writes
def put_recommendation(topic_id: int) -> Response:
    """Record the member who recommended a topic: ``{"member_id": n}``."""
    session = db_session()
    topic = require_topic(session, g.user, topic_id)
    member_id = json_body().get("member_id")
    if not isinstance(member_id, int) or isinstance(member_id, bool):
        raise InvalidInput("bad body", {"member_id": "an integer"})
    points.recommend(session, g.user, topic, points.member_by_id(session, member_id), now=_now())
    return jsonify(topic_id=topic_id, member_id=member_id)


def plan_json(found: annual_plan.Plan) -> dict[str, Any]:
    """Describe a district's plan, its history, and where it stands with the party committee (请示报告)."""
    reports = plan_report.reports_of(db_session(), found.district, found.year)
    state = plan_report.approval(found, reports)
    return {"district": found.district.code, "year": found.year, "topics": [
        {"topic_id": r.topic_id, "title": r.title, "platform": r.platform, "category": r.category,
         "consultation_kind": r.kind, "proposal_number": r.proposal_number,
         "planned_month": r.planned_month, "stage": r.stage, "status": r.status, "filed": r.filed,
         "removed": r.removed, "next_due": r.next_due.isoformat() if r.next_due else None} for r in found.rows],
        "changes": [{"topic_id": c.topic_id, "planned_month": c.planned_month, "removed": c.removed, "note": c.note,
                     "changed_by": c.changed_by.username, "changed_at": c.changed_at.isoformat()}
                    for c in found.changes],
        "approval": {"state": state.state, "changes_since_decision": state.changes_since},
        "reports": [{"round": r.round, "topic_count": r.topic_count, "note": r.note,
                     "reported_by": r.reported_by.username, "reported_at": r.reported_at.isoformat(),
                     "decision": r.decision.value if r.decision else None, "reason": r.reason,
                     "decided_by": r.decided_by.username if r.decided_by else None,
                     "decided_at": r.decided_at.isoformat() if r.decided_at else None} for r in reports]}


@bp.get("/plan/<district>/<year:year>")
@token_required
def get_plan(district: str, year: int) -> Response:
    """A district's annual consultation plan with its history."""
    session = db_session()
    return jsonify(plan_json(annual_plan.plan_of(session, annual_plan.require_district(session, g.user, district),
                                                 year)))


@bp.post("/plan/<district>/<year:year>/changes")
@token_required
@writes
def change_plan(district: str, year: int) -> tuple[Response, int]:
    """Record the chairs' meeting's change: ``{"topic_id", "planned_month"?, "removed"?, "note"}``."""
    session = db_session()
    found = annual_plan.require_district(session, g.user, district)
    body = json_body()
    topic_id, month = body.get("topic_id"), body.get("planned_month")
    if not isinstance(topic_id, int) or (month is not None and not isinstance(month, int)):
        raise InvalidInput("bad body", {"topic_id": "an integer", "planned_month": "an integer or null"})
    annual_plan.adjust(session, g.user, found, year, topic_id, month, body.get("removed") is True,
                       str(body.get("note") or ""), now=_now())
    return jsonify(plan_json(annual_plan.plan_of(session, found, year))), 201


@bp.post("/plan/<district>/<year:year>/reports")
@token_required
@writes
def report_plan(district: str, year: int) -> tuple[Response, int]:
    """Report the plan to the party committee (office or chairs' meeting): ``{"note"?}``."""
    session = db_session()
    found = annual_plan.plan_of(session, annual_plan.require_district(session, g.user, district), year)
    plan_report.report(session, g.user, found, _text_field(json_body(), "note"), now=_now())
    return jsonify(plan_json(found)), 201


@bp.post("/plan/<district>/<year:year>/decision")
@token_required
@writes
def decide_plan(district: str, year: int) -> Response:
    """Record the party committee's decision (a party leader of the district): ``{"decision", "reason"?}``."""
    session = db_session()
    found = annual_plan.plan_of(session, annual_plan.require_district(session, g.user, district), year)
    body = json_body()
    plan_report.decide(session, g.user, found, _text_field(body, "decision"), _text_field(body, "reason"),
                       now=_now())
    return jsonify(plan_json(found))


def _text_field(body: dict[str, Any], name: str) -> str:
    """Return a body's text field ("" when absent); anything but text is a 422."""
    value = body.get(name, "")
    if not isinstance(value, str):
        raise InvalidInput("bad body", {name: "must be text"})
    return value


@bp.get("/leader")
@token_required
def leader_overview() -> Response:
    """What a party or government leader reads of their area in ``?year=``: plans, topics, suggestions, activities."""
    found = leaders.overview(db_session(), g.user, _year())
    return jsonify({
        "year": _year(), "districts": [d.code for d in found.districts],
        "topics": [{"id": t.id, "title": t.title, "platform": t.platform.code, "stage": t.stage,
                    "status": t.status.value, "consultation_kind": t.consultation_kind.value,
                    "proposal_number": t.proposal_number} for t in found.topics],
        "stages": dict(found.stages), "outcomes": dict(found.outcomes),
        "suggestions": [{"id": s.id, "topic_id": s.topic_id, "number": s.number, "unit": s.unit.code,
                         "progress": s.progress, "outcome": s.outcome.value if s.outcome else None}
                        for s in found.suggestions],
        "activities": [{"id": a.id, "title": a.title, "held_on": a.held_on.isoformat(), "platform": a.platform.code,
                        "checked_in_at": p.checked_in_at.isoformat() if p.checked_in_at else None}
                       for a, p in found.attended]})

def suggestion_json(s: Suggestion) -> dict[str, Any]:
    """Describe a suggestion and its milestones."""
    return {"id": s.id, "topic_id": s.topic_id, "number": s.number, "text": s.text, "unit": s.unit.code,
            "progress": s.progress, "outcome": s.outcome.value if s.outcome else None,
            "milestones": [{"progress": m.progress, "note": m.note, "reported_by": m.reported_by.username,
                            "reported_at": m.reported_at.isoformat()} for m in s.milestones]}


@bp.get("/topics/<int:topic_id>/suggestions")
@token_required
def list_suggestions(topic_id: int) -> Response:
    """A topic's suggestions with their units, progress, outcome and milestones."""
    _topic, found = suggestions.of_topic(db_session(), g.user, topic_id)
    page = paging.page_args(default=paging.MAX_PER_PAGE)
    shown, total = paging.paged_list(found, page)
    return paging.page_json("suggestions", [suggestion_json(s) for s in shown], total, page, topic_id=topic_id)


@bp.post("/topics/<int:topic_id>/suggestions")
@token_required
@writes
def add_suggestion(topic_id: int) -> tuple[Response, int]:
    """Add a suggestion of the minutes: ``{"text", "unit"}``."""
    session = db_session()
    found = suggestions.add(session, g.user, topic_id, json_body(), now=_now())
    session.refresh(found, ["unit", "milestones"])
    return jsonify(suggestion_json(found)), 201


@bp.post("/suggestions/<int:suggestion_id>/milestones")
@token_required
@writes
def add_milestone(suggestion_id: int) -> tuple[Response, int]:
    """Report a milestone: ``{"progress": 0-100, "note", "outcome"?}`` (the handling unit)."""
    body = {k: str(v) if v is not None else "" for k, v in json_body().items()}
    milestone = suggestions.report(db_session(), g.user, suggestion_id, body, now=_now())
    return jsonify(suggestion_json(milestone.suggestion)), 201


@bp.get("/report/<district>/<year:year>")
@token_required
def get_report(district: str, year: int) -> Response:
    """The platform's yearly report of a district."""
    session = db_session()
    found = yearly.report(session, g.user, annual_plan.require_district(session, g.user, district), year,
                          _now().date())
    c, a = found.coverage, found.activities
    return jsonify(district=district, year=year,
                   coverage={"required": c.required, "covered": c.covered, "rooms": c.rooms,
                             "complete_rooms": c.complete_rooms, "missing": c.missing},
                   activities={"district_activities": a.district_activities, "with_leaders": a.with_leaders,
                               "leader_share": a.leader_share,
                               "platforms": [{"code": p.code, "held": p.held, "target": p.target}
                                             for p in a.platforms]},
                   topics_by_stage=dict(found.topics_by_stage), topics_by_category=dict(found.topics_by_category),
                   topics_by_kind=dict(found.topics_by_kind),
                   suggestions_by_outcome=dict(found.suggestions_by_outcome),
                   members={"total": found.members, "taking_part": found.members_taking_part,
                            "points": found.member_points, "participation": found.participation})

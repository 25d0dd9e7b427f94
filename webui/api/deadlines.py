"""JSON API for deadlines under /api/v1: calendar, task clocks, signing and returns, extensions,
notifications and their outside routes. Same authentication and error shape as webui/api.py.
"""
from datetime import date
from typing import Any

from flask import Blueprint, Response, g, jsonify, request
from sqlalchemy import select

from engine.errors import Forbidden, InvalidInput, NotFound, ShangliangError
from engine.time import clocks
from engine.time.calendar import PACKAGE_YEARS
from models import (
    DeliveryAttempt,
    DeliveryStatus,
    Notification,
    Organization,
    OrgKind,
    Role,
    TaskItem,
    utcnow,
)
from webui.api import paging
from webui.api.deadline_shapes import (
    calendar_json,
    clock_json,
    delivery_json,
    extension_json,
    notification_json,
    route_json,
)
from webui.api.topics import _domain_error, json_body, task_json, token_required
from webui.database import db_session, writes
from workflows.deadlines import calendar_edits as workdays
from workflows.deadlines import extension_requests as extensions
from workflows.notifications import delivery_log, notify
from workflows.notifications import notify_routes as routes
from workflows.people.access import may_see, require
from workflows.topics import handling
from workflows.topics import lifecycle as topics

bp = Blueprint("deadlines_api", __name__, url_prefix="/api/v1")
# The years a working-day calendar can be entered for; any other year is no such resource (404).
MIN_YEAR, MAX_YEAR = 1900, 2200
YEAR_ROUTE = f"/calendar/years/<int(min={MIN_YEAR}, max={MAX_YEAR}):year>"
bp.register_error_handler(ShangliangError, _domain_error)


@bp.get("/deadline")
@token_required
def due_date() -> Response:
    """Compute START + N working days or months: ``?start=&working_days=`` or ``?months=``."""
    start, wd, months = (request.args.get(k) for k in ("start", "working_days", "months"))
    try:
        day = date.fromisoformat(start or "")
    except ValueError:
        raise InvalidInput("bad query", {"start": "must be a date written YYYY-MM-DD"}) from None
    if (wd is None) == (months is None):
        raise InvalidInput("bad query", {"working_days": "give exactly one of working_days or months"})
    amount = _count(wd if wd is not None else months, "working_days" if wd is not None else "months")
    calendar = topics.load_calendar(db_session())
    due = calendar.add_working_days(day, amount) if wd is not None else calendar.add_months(day, amount)
    return jsonify(due=due.date.isoformat(), provisional=due.provisional, due_at=due.end_at().isoformat())


@bp.get(YEAR_ROUTE)
@token_required
def calendar_year(year: int) -> Response:
    """Show a year's staff-entered days and whether its schedule is official."""
    session = db_session()
    entered = {y.year: y for y in workdays.official_years(session)}
    return jsonify(calendar_json(year, year in PACKAGE_YEARS, entered.get(year), workdays.days_of(session, year)))


@bp.put(YEAR_ROUTE)
@token_required
@writes
def enter_calendar_year(year: int) -> Response:
    """Enter a year's schedule: a CSV body (date,is_workday,note) or JSON ``{"days": [...]}``."""
    if request.mimetype == "application/json":
        days = json_body().get("days")
        if not isinstance(days, list) or not all(isinstance(d, dict) for d in days):
            raise InvalidInput("bad body", {"days": "must be a list of {date, is_workday, note}"})
        entries = workdays.parse_csv("\n".join(",".join(_cell(d.get(k)) for k in ("date", "is_workday", "note"))
                                               for d in days))
    else:
        entries = workdays.parse_csv(request.get_data())
    official = request.args.get("official", "true").lower() != "false"
    moved = workdays.enter_year(db_session(), g.user, year, entries, official=official,
                                source=request.args.get("source", ""))
    return jsonify(year=year, days=len(entries), official=official, deadlines_moved=moved)


@bp.put("/calendar/days/<day>")
@token_required
@writes
def set_calendar_day(day: str) -> Response:
    """Set one day as a holiday or a working day: ``{"is_workday": bool, "note": str}``."""
    body = json_body()
    if not isinstance(body.get("is_workday"), bool):
        raise InvalidInput("bad body", {"is_workday": "must be true or false"})
    entry = workdays.DayEntry(_day(day), body["is_workday"], str(body.get("note") or "")[:100])
    return jsonify(day=day, deadlines_moved=workdays.set_day(db_session(), g.user, entry, entry.day))


@bp.delete("/calendar/days/<day>")
@token_required
@writes
def clear_calendar_day(day: str) -> Response:
    """Remove a staff-entered day, returning it to the official or provisional rule."""
    return jsonify(day=day, deadlines_moved=workdays.set_day(db_session(), g.user, None, _day(day)))


@bp.get("/clocks")
@token_required
def list_clocks() -> Response:
    """Every user task's clock, for the defaults or ``?district=code`` (with its overrides)."""
    session = db_session()
    district = _district(request.args["district"]) if request.args.get("district") else None
    return jsonify(district=district.code if district else None,
                   clocks=[clock_json(r) for r in clocks.clock_table(session, district)])


@bp.put("/clocks/<district_code>/<process_id>/<bpmn_id>")
@token_required
@writes
def set_clock(district_code: str, process_id: str, bpmn_id: str) -> Response:
    """Give a district its own clock for a task: ``{"clock": "2m", "warn": "10wd", "note": ""}``."""
    body, session = json_body(), db_session()
    row = clocks.set_override(session, g.user, _district(district_code), process_id, bpmn_id,
                              body.get("clock"), body.get("warn"), str(body.get("note") or ""))
    return jsonify(district=district_code, process_id=process_id, task=bpmn_id, clock=row.clock, warn=row.warn)


@bp.delete("/clocks/<district_code>/<process_id>/<bpmn_id>")
@token_required
@writes
def unset_clock(district_code: str, process_id: str, bpmn_id: str) -> Response:
    """Return a district's task to the diagram's clock."""
    session = db_session()
    clocks.remove_override(session, g.user, _district(district_code), process_id, bpmn_id)
    return jsonify(district=district_code, process_id=process_id, task=bpmn_id, removed=True)


@bp.post("/tasks/<int:task_id>/sign")
@token_required
@writes
def sign_task(task_id: int) -> Response:
    """Sign for a topic (签收): ``{"note": ""}``."""
    body = request.get_json(silent=True) or {}
    item = handling.sign(db_session(), g.user, task_id, str(body.get("note") or "") if isinstance(body, dict) else "")
    return jsonify(task_json(item))


@bp.post("/tasks/<int:task_id>/return")
@token_required
@writes
def return_task(task_id: int) -> Response:
    """Return a misassigned topic (退回) within the signing period: ``{"reason": "..."}``."""
    item = handling.return_topic(db_session(), g.user, task_id, json_body().get("reason", ""))
    return jsonify(task_json(item))


@bp.post("/tasks/<int:task_id>/extensions")
@token_required
@writes
def request_extension(task_id: int) -> tuple[Response, int]:
    """Ask for a later deadline: ``{"requested_to": "YYYY-MM-DD", "reason": "..."}``."""
    body = json_body()
    ext = extensions.request(db_session(), g.user, task_id, body.get("requested_to"), body.get("reason"))
    return jsonify(extension_json(ext)), 201


@bp.get("/tasks/<int:task_id>/extensions")
@token_required
def task_extensions(task_id: int) -> Response:
    """List a task's extension requests (for those who may see its topic)."""
    session = db_session()
    item = _visible_task(task_id)
    page = paging.page_args()
    found, total = paging.paged_list(extensions.of_task(session, item), page)
    return paging.page_json("extensions", [extension_json(e) for e in found], total, page)


@bp.get("/extensions")
@token_required
def pending_extensions() -> Response:
    """List the pending requests the user may decide."""
    page = paging.page_args()
    found, total = paging.paged_list(extensions.pending_for(db_session(), g.user), page)
    return paging.page_json("extensions", [extension_json(e) for e in found], total, page)


@bp.post("/extensions/<int:request_id>/decision")
@token_required
@writes
def decide_extension(request_id: int) -> Response:
    """Approve or refuse: ``{"approve": true, "note": "", "granted_to": "YYYY-MM-DD" (optional)}``."""
    body = json_body()
    ext = extensions.decide(db_session(), g.user, request_id, body.get("approve"), body.get("note"),
                            body.get("granted_to"))
    return jsonify({**extension_json(ext), "task": task_json(ext.task_item)})


@bp.get("/notifications")
@token_required
def list_notifications() -> Response:
    """The user's unread in-app notifications, newest first, a page at a time."""
    page = paging.page_args()
    found, total = paging.paged_query(db_session(), notify.unread_query(g.user), page)
    return paging.page_json("notifications", [notification_json(n, g.user.locale) for n in found], total, page)


@bp.post("/notifications/<int:notification_id>/read")
@token_required
@writes
def read_notification(notification_id: int) -> Response:
    """Mark one of the user's notifications read."""
    note = require(db_session(), Notification, notification_id, "notification", because="of yours",
                   where=lambda n: n.user_id == g.user.id)
    note.read_at = note.read_at or utcnow()
    return jsonify(notification_json(note, g.user.locale))


@bp.get("/routes")
@token_required
def list_routes() -> Response:
    """The active outside notification routes (process administrators)."""
    _admin_only()
    page = paging.page_args()
    found, total = paging.paged_list(routes.active(db_session()), page)
    return paging.page_json("routes", [route_json(r) for r in found], total, page)


@bp.post("/routes")
@token_required
@writes
def add_route() -> tuple[Response, int]:
    """Add a route: ``{"unit"|"organization", "purpose", "channel", "address", "secret", "label", "locale"}``."""
    session = db_session()
    route = routes.add(session, g.user, json_body())
    return jsonify(route_json(route)), 201


@bp.delete("/routes/<int:route_id>")
@token_required
@writes
def remove_route(route_id: int) -> Response:
    """Deactivate a route."""
    session = db_session()
    routes.remove(session, g.user, route_id)
    return jsonify(id=route_id, active=False)


@bp.get("/deliveries")
@token_required
def list_deliveries() -> Response:
    """The delivery log, newest first (``?status=pending|sending|sent|failed``), within the reader's scope."""
    try:
        status = DeliveryStatus(request.args["status"]) if request.args.get("status") else None
    except ValueError:
        raise InvalidInput("bad query", {"status": "must be pending, sending, sent or failed"}) from None
    session, page = db_session(), paging.page_args()
    query = delivery_log.listing(session, g.user, status)
    found, total = paging.paged_query(session, query, page)
    attempts = session.scalars(select(DeliveryAttempt).where(DeliveryAttempt.delivery_id.in_([d.id for d in found]))
                               .order_by(DeliveryAttempt.id)).all()
    return paging.page_json("deliveries", [delivery_json(d, [a for a in attempts if a.delivery_id == d.id])
                                           for d in found], total, page)


def _visible_task(task_id: int) -> TaskItem:
    session = db_session()
    return require(session, TaskItem, task_id, "task", because="that you can see",
                   where=lambda i: may_see(session, g.user, i.topic))


def _district(code: str) -> Organization:
    query = select(Organization).where(Organization.code == code, Organization.kind == OrgKind.DISTRICT)
    org = db_session().scalar(query)
    if org is None:
        raise NotFound(f"no district {code!r}")
    return org


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("bad day", {"day": "must be a date written YYYY-MM-DD"}) from None


def _count(text: str | None, name: str) -> int:
    if text is None or not text.isdigit() or len(text) > 4:
        raise InvalidInput("bad query", {name: "must be a whole number from 0 to 9999"})
    return int(text)


def _cell(value: Any) -> str:
    text = "true" if value is True else "false" if value is False else str(value if value is not None else "")
    return '"' + text.replace('"', '""') + '"'


def _admin_only() -> None:
    if not g.user.has_role(Role.PROCESS_ADMIN):
        raise Forbidden("only a process administrator may do this")


"""JSON shapes of the deadline API's objects, and their OpenAPI paths (merged into webui/openapi.py's document)."""
from typing import Any

from engine.time.clocks import ClockRow
from models import CalendarDay, CalendarYear, Delivery, DeliveryAttempt, ExtensionRequest, Notification, NotifyRoute
from webui.api.openapi import _JSON_OBJECT, OPENAPI, _op, _path_id
from workflows.notifications import notify


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def calendar_json(year: int, packaged: bool, entered: CalendarYear | None, days: list[CalendarDay]) -> dict[str, Any]:
    """Represent a calendar year: where its schedule comes from, and the staff-entered days."""
    return {"year": year, "source": "package" if packaged else "staff" if entered else "provisional",
            "provisional": not packaged and entered is None,
            "entered_at": _iso(entered.entered_at) if entered else None,
            "days": [{"date": d.day.isoformat(), "is_workday": d.is_workday, "note": d.note} for d in days]}


def clock_json(row: ClockRow) -> dict[str, Any]:
    """Represent one task's clock: the diagram's, the district's, and the one in force."""
    clock, warn = row.effective
    return {"process_id": row.process_id, "task": row.bpmn_id, "name": row.name, "clock_start": row.clock_start,
            "diagram": {"clock": row.diagram_clock, "warn": row.diagram_warn},
            "district": {"clock": row.override.clock, "warn": row.override.warn, "note": row.override.note}
            if row.override else None, "clock": clock, "warn": warn}


def extension_json(ext: ExtensionRequest) -> dict[str, Any]:
    """Represent an extension request and its decision."""
    return {"id": ext.id, "task_id": ext.task_item_id, "topic_id": ext.topic_id, "state": ext.state.value,
            "requested_by": ext.requested_by.username, "requested_at": _iso(ext.requested_at), "reason": ext.reason,
            "requested_to": _iso(ext.requested_to), "due_before": _iso(ext.due_before),
            "decided_by": ext.decided_by.username if ext.decided_by else None, "decided_at": _iso(ext.decided_at),
            "decision_note": ext.decision_note, "granted_to": _iso(ext.granted_to)}


def notification_json(note: Notification, locale: str) -> dict[str, Any]:
    """Represent an in-app notification, worded in the reader's language."""
    title, body = notify.wording(note, locale)
    return {"id": note.id, "kind": note.kind, "title": title, "body": body, "topic_id": note.topic_id,
            "task_id": note.task_item_id, "created_at": _iso(note.created_at), "read_at": _iso(note.read_at)}


def route_json(route: NotifyRoute) -> dict[str, Any]:
    """Represent an outside route; the signing secret is never shown."""
    return {"id": route.id, "unit": route.unit.code if route.unit else None,
            "organization": route.organization.code if route.organization else None, "purpose": route.purpose,
            "channel": route.channel.value, "address": route.address, "signed": bool(route.secret),
            "label": route.label, "locale": route.locale, "active": route.active}


def delivery_json(delivery: Delivery, attempts: list[DeliveryAttempt]) -> dict[str, Any]:
    """Represent one delivery with its log of attempts."""
    return {"id": delivery.id, "channel": delivery.channel.value, "address": delivery.address,
            "subject": delivery.subject, "status": delivery.status.value, "attempts": delivery.attempts,
            "created_at": _iso(delivery.created_at), "sent_at": _iso(delivery.sent_at),
            "next_attempt_at": _iso(delivery.next_attempt_at), "last_error": delivery.last_error,
            "log": [{"at": _iso(a.at), "ok": a.ok, "detail": a.detail} for a in attempts]}


_BODY = _JSON_OBJECT
_YEAR = {"name": "year", "in": "path", "required": True, "description": "any other year is not found (404)",
         "schema": {"type": "integer", "minimum": 1900, "maximum": 2200}}
_CLOCK_PATH = [{"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
               for name in ("district", "process_id", "task")]
OPENAPI["paths"].update({
    "/deadline": {"get": _op("Compute a due date (start + working days or months)", params=[
        {"name": n, "in": "query", "schema": {"type": t}} for n, t in
        (("start", "string"), ("working_days", "integer"), ("months", "integer"))])},
    "/calendar/years/{year}": {
        "get": _op("A year's calendar source and staff-entered days", params=[_YEAR]),
        "put": _op("Enter a year's schedule (CSV date,is_workday,note or JSON {days}); recomputes deadlines",
                   body={"text/csv": {"schema": {"type": "string"}}, **_BODY}, params=[_YEAR])},
    "/calendar/days/{day}": {
        "put": _op("Set one day as holiday or working day", body=_BODY,
                   params=[{"name": "day", "in": "path", "required": True, "schema": {"type": "string"}}]),
        "delete": _op("Remove a staff-entered day",
                      params=[{"name": "day", "in": "path", "required": True, "schema": {"type": "string"}}])},
    "/clocks": {"get": _op("Every user task's clock (?district=code shows its overrides)")},
    "/clocks/{district}/{process_id}/{task}": {
        "put": _op("Give a district its own clock for a task", body=_BODY, params=_CLOCK_PATH),
        "delete": _op("Return a district's task to the diagram's clock", params=_CLOCK_PATH)},
    "/tasks/{task_id}/sign": {"post": _op("Sign for a topic (签收)", params=[_path_id("task_id")])},
    "/tasks/{task_id}/return": {"post": _op("Return a misassigned topic (退回)", body=_BODY,
                                            params=[_path_id("task_id")])},
    "/tasks/{task_id}/extensions": {
        "get": _op("A task's extension requests", params=[_path_id("task_id")]),
        "post": _op("Request an extension (延期申请)", "201", _BODY, [_path_id("task_id")])},
    "/extensions": {"get": _op("Pending extension requests the user may decide")},
    "/extensions/{request_id}/decision": {"post": _op("Approve or refuse an extension", body=_BODY,
                                                      params=[_path_id("request_id")])},
    "/notifications": {"get": _op("The user's unread notifications")},
    "/notifications/{notification_id}/read": {"post": _op("Mark a notification read",
                                                          params=[_path_id("notification_id")])},
    "/routes": {"get": _op("Outside notification routes"),
                "post": _op("Add a route (its locale, zh or en, words its messages)", "201", _BODY)},
    "/routes/{route_id}": {"delete": _op("Deactivate a route", params=[_path_id("route_id")])},
    "/deliveries": {"get": _op("The delivery log (?status=)")},
})

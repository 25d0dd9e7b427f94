"""The OpenAPI paths of the platform API (webui/api/platform.py), merged into webui/api/openapi.py."""
from collections.abc import Callable
from typing import Any

_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
_UPLOAD = {"multipart/form-data": {"schema": {"type": "object", "required": ["have", "file"], "properties": {
    "have": {"enum": ["site", "rules", "organization", "signage"]},
    "file": {"type": "string", "format": "binary", "description": "PDF, Word, ODT, PNG or JPG, at most 10 MB"}}}}}
_ROOM = {"application/json": {"schema": {"type": "object", "required": ["organization", "name"], "properties": {
    "organization": {"type": "string", "description": "code of a town, street, park, village, community or enterprise"},
    "name": {"type": "string", "maxLength": 200},
    "functions": {"type": "array", "items": {"enum": ["member_home", "member_studio", "opinion_point"]}},
    "address": {"type": "string"}, "host": {"type": "string"}, "contact_name": {"type": "string"},
    "contact_phone": {"type": "string"}}}}}
_ACTIVITY = {"application/json": {"schema": {"type": "object", "required": ["title", "platform", "form", "held_on"],
                                             "properties": {
    "title": {"type": "string", "maxLength": 200},
    "platform": {"type": "string", "description": "a district or town code, or a room code"},
    "form": {"enum": ["on_site", "online", "remote"]}, "held_on": {"type": "string", "format": "date"},
    "place": {"type": "string"}, "topic_id": {"type": "integer"},
    "plan_reviewed_on": {"type": "string", "format": "date"},
    "materials_sent_on": {"type": "string", "format": "date"},
    "consultation_kind": {"enum": ["youshi_haoshangliang", "thematic", "counterpart", "sector", "proposal_handling"],
                          "description": "the topic's kind when left out (有事好商量 without a topic)"},
    "proposal_number": {"type": "string", "maxLength": 40,
                        "description": "提案号 from the proposal system; required for proposal_handling"}}}}}

_PLAN_REPORT = {"application/json": {"schema": {"type": "object", "properties": {
    "note": {"type": "string", "description": "the report's covering words"}}}}}
_PLAN_DECISION = {"application/json": {"schema": {"type": "object", "required": ["decision"], "properties": {
    "decision": {"enum": ["approved", "returned"]},
    "reason": {"type": "string", "description": "required when the plan is returned"}}}}}


def platform_paths(op: Callable[..., dict[str, Any]], path_id: Callable[[str], dict[str, Any]],
                   query: Callable[..., list[dict[str, Any]]], json_object: dict[str, Any]) -> dict[str, Any]:
    """Return the platform's paths, built with openapi.py's helpers (passed in: that module imports this one)."""
    year = query("year")
    return {
        "/rooms": {"get": op("Consultation rooms the caller sees, with the haves each meets", params=year),
                   "post": op("Register a consultation room (CPPCC office)", "201", _ROOM)},
        "/rooms/{code}": {"get": op("A room, who verified each have, its evidence", params=[_CODE, *year]),
                          "put": op("Change a room's fields", body=_ROOM, params=[_CODE])},
        "/rooms/{code}/evidence": {"post": op("Upload evidence of one have", "201", _UPLOAD, [_CODE])},
        "/rooms/{code}/haves/{have}/verify": {"post": op(
            "Verify a have against its evidence (district or city office or supervisor)", body=json_object,
            params=[_CODE, {"name": "have", "in": "path", "required": True,
                            "schema": {"enum": ["site", "rules", "organization", "signage"]}}])},
        "/coverage": {"get": op("Coverage per district, the missing towns by name", params=year)},
        "/activities": {"get": op("Activities of a year in the caller's scope, of one kind of consultation if given",
                                  params=[*year, {"name": "kind", "in": "query", "schema": {"enum": [
                                      "youshi_haoshangliang", "thematic", "counterpart", "sector",
                                      "proposal_handling"]}}]),
                        "post": op("Plan a consultation activity", "201", _ACTIVITY)},
        "/activities/figures": {"get": op("Frequency per platform against the target, leaders' share", params=year)},
        "/activities/{activity_id}": {"get": op("An activity with its participants", params=[path_id("activity_id")])},
        "/activities/{activity_id}/participants": {"post": op(
            "Add a participant by kind (member, sector_representative, expert, resident, department, leader)", "201",
            json_object, [path_id("activity_id")])},
        "/activities/{activity_id}/invite": {"post": op("Send the invitations not yet sent",
                                                        params=[path_id("activity_id")])},
        "/activities/{activity_id}/participants/{participant_id}/attendance": {"post": op(
            "Tick a participant present or absent", body=json_object,
            params=[path_id("activity_id"), path_id("participant_id")])},
        "/activities/check-in/{code}": {"post": op("Check the caller in from the activity's QR code",
                                                   params=[{**_CODE}])},
        "/points": {"get": op("Members' points of a year with the year's rules, highest first", params=year)},
        "/point-rules/{year}/{kind}": {"put": op(
            "Set the points an event kind earns in a year (city)", body=json_object,
            params=[path_id("year"), {"name": "kind", "in": "path", "required": True,
                                      "schema": {"enum": ["attended", "spoke", "recommended", "follow_up"]}}])},
        "/topics/{topic_id}/recommendation": {"put": op("Record the member who recommended a topic",
                                                        body=json_object, params=[path_id("topic_id")])},
        "/plan/{district}/{year}": {"get": op(
            "A district's annual consultation plan with its history",
            params=[{"name": "district", "in": "path", "required": True, "schema": {"type": "string"}},
                    path_id("year")])},
        "/plan/{district}/{year}/changes": {"post": op(
            "The chairs' meeting moves a topic's month or takes it out, with a reason", "201", json_object,
            [{"name": "district", "in": "path", "required": True, "schema": {"type": "string"}}, path_id("year")])},
        "/plan/{district}/{year}/reports": {"post": op(
            "Report the plan to the party committee for approval (请示报告; the district's office or chairs' meeting)",
            "201", _PLAN_REPORT,
            [{"name": "district", "in": "path", "required": True, "schema": {"type": "string"}}, path_id("year")])},
        "/plan/{district}/{year}/decision": {"post": op(
            "The party committee's decision on the latest report: approved, or returned with a reason "
            "(a party leader of the district)", body=_PLAN_DECISION,
            params=[{"name": "district", "in": "path", "required": True, "schema": {"type": "string"}},
                    path_id("year")])},
        "/leader": {"get": op(
            "A party or government leader's area: its districts' plans, topics by stage, suggestions' outcomes, "
            "the activities the leader was invited to", params=year)},
        "/topics/{topic_id}/suggestions": {
            "get": op("A topic's suggestions with units, progress, outcome and milestones",
                      params=[path_id("topic_id")]),
            "post": op("Add a suggestion of the minutes with its handling unit", "201", json_object,
                       [path_id("topic_id")])},
        "/suggestions/{suggestion_id}/milestones": {"post": op(
            "Report a suggestion's progress (0-100, never back), what was done and the outcome type", "201",
            json_object, [path_id("suggestion_id")])},
        "/report/{district}/{year}": {"get": op(
            "A district's yearly platform report: coverage, activities, topics, suggestions, members",
            params=[{"name": "district", "in": "path", "required": True, "schema": {"type": "string"}},
                    path_id("year")])},
        "/assessment": {"get": op("Handling units' annual assessment, ranked", params=year)},
        "/activity-targets/{district}/{year}": {"put": op(
            "Set a district's yearly target of activities per platform", body=json_object,
            params=[{"name": "district", "in": "path", "required": True, "schema": {"type": "string"}},
                    path_id("year")])},
    }

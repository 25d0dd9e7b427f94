"""The OpenAPI paths of online deliberation and remote consultation (webui/api/deliberation.py), for openapi.py."""
from collections.abc import Callable
from typing import Any

_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 64}}
_TOKEN = {"name": "token", "in": "path", "required": True,
          "schema": {"type": "string", "maxLength": 200, "description": "the signed token of the invitation link"}}


def _body(required: list[str], **properties: Any) -> dict[str, Any]:
    return {"application/json": {"schema": {"type": "object", "required": required, "properties": properties}}}


_OPEN = _body(["opens_at", "closes_at"],
              opens_at={"type": "string", "description": "ISO date and time; without an offset it is Beijing time"},
              closes_at={"type": "string", "description": "the deadline, after opens_at, within 90 days"},
              question={"type": "string", "maxLength": 2000})
_OPINION = _body(["body"], body={"type": "string", "maxLength": 2000},
                 parent_id={"type": "integer", "description": "the opinion replied to (replies stay one level)"})


def deliberation_paths(op: Callable[..., dict[str, Any]], path_id: Callable[[str], dict[str, Any]]
                       ) -> dict[str, Any]:
    """Return the deliberation paths; the invited resident's need no bearer token (``security: []``)."""
    def throttled(operation: dict[str, Any], public: bool = False) -> dict[str, Any]:
        responses = {**operation["responses"], "409": {"$ref": "#/components/responses/Error"},
                     "429": {"$ref": "#/components/responses/Error"}}
        return {**operation, "responses": responses, **({"security": []} if public else {})}

    return {
        "/topics/{topic_id}/deliberation": {"post": op(
            "Open the topic's online deliberation or change its period (CPPCC office)", "201", _OPEN,
            params=[path_id("topic_id")])},
        "/deliberations/{code}": {"get": op("A deliberation with its opinions; hidden text only for the office",
                                            params=[_CODE])},
        "/deliberations/{code}/opinions": {"post": throttled(op(
            "Post an opinion or a reply (members, the office) before the deadline", "201", _OPINION,
            params=[_CODE]))},
        "/deliberations/{code}/invitations": {"post": op(
            "Invite a resident by name; answers the signed link (CPPCC office)", "201",
            _body(["name"], name={"type": "string", "maxLength": 50}), params=[_CODE])},
        "/opinions/{opinion_id}/hide": {"post": op(
            "Hide an opinion with a reason, kept in the audit log (CPPCC office)",
            body=_body(["reason"], reason={"type": "string", "maxLength": 500}), params=[path_id("opinion_id")])},
        "/opinions/{opinion_id}/take": {"post": op(
            "Mark an opinion taken into the minutes, or undo with taken=false (CPPCC office)",
            body=_body([], taken={"type": "boolean", "default": True}), params=[path_id("opinion_id")])},
        "/activities/{activity_id}/meeting-link": {"post": op(
            "Record an activity's video meeting link, https only; empty clears it (CPPCC office)",
            body=_body(["meeting_link"], meeting_link={"type": "string", "maxLength": 500}),
            params=[path_id("activity_id")])},
        "/activities/{activity_id}/participants/{participant_id}/remote": {"post": op(
            "Record a participant present through the meeting link, or in the room (CPPCC office)",
            body=_body(["remote"], remote={"type": "boolean"}),
            params=[path_id("activity_id"), path_id("participant_id")])},
        "/activities/check-in/{code}/remote": {"post": op(
            "Check the caller in to an activity as joining through its meeting link",
            params=[{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}])},
        "/public/deliberation/{token}": {"get": {**op("The deliberation an invited resident reads (no account)",
                                                      params=[_TOKEN]), "security": []}},
        "/public/deliberation/{token}/opinions": {"post": throttled(op(
            "Post an opinion or a reply as the invited resident (no account)", "201", _OPINION, params=[_TOKEN]),
            public=True)},
    }

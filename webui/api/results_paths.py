"""The OpenAPI paths of the public results, following and look-up API (webui/api/results.py), merged into
webui/api/openapi.py."""
from collections.abc import Callable
from typing import Any

_NUMBER = {"name": "number", "in": "path", "required": True,
           "schema": {"type": "string", "pattern": "^GZ-[A-Z0-9]{10}$"}}
_TOPIC = {"name": "topic_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_FOLLOW = {"application/json": {"schema": {"type": "object", "required": ["email"], "properties": {
    "email": {"type": "string", "maxLength": 100, "description": "told of status changes; never shown"}}}}}
_CONTACT = {"type": "string", "maxLength": 100, "description": "the phone number or e-mail given with the proposals"}
_CODE = {"application/json": {"schema": {"type": "object", "required": ["contact"], "properties": {
    "contact": _CONTACT}}}}
_LOOKUP = {"application/json": {"schema": {"type": "object", "required": ["contact", "code"], "properties": {
    "contact": _CONTACT, "code": {"type": "string", "pattern": "^[0-9]{6}$"}}}}}
_MARK = {"application/json": {"schema": {
    "type": "object", "additionalProperties": False,
    "description": "only the fields to change: each field left out keeps its stored value", "properties": {
    "published": {"type": "boolean", "description": "the topic's stage and results on /public and in its feed"},
    "summary": {"type": "string", "maxLength": 4000, "description": "the minutes' summary the public reads"},
    "typical": {"type": "boolean", "description": "a typical case (典型案例); needs published and typical_note"},
    "typical_note": {"type": "string", "maxLength": 2000, "description": "the experience worth spreading"}}}}}


def results_paths(op: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Return the paths: the public ones say ``security: []``; the publication marks need the office's token."""
    def public(operation: dict[str, Any], throttled: bool = False) -> dict[str, Any]:
        responses = {**operation["responses"], **({"429": {"$ref": "#/components/responses/Error"}} if throttled
                                                   else {})}
        return {**operation, "responses": responses, "security": []}

    return {
        "/public/results": {"get": public(op(
            "Published topics with their stage, minutes summary, written feedback and suggestions' progress", params=[
                {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 50}},
                {"name": "typical", "in": "query", "schema": {"enum": ["1", "true"]},
                 "description": "only typical cases"}]))},
        "/public/results/{topic_id}": {"get": public(op("One published topic and its results", params=[_TOPIC]))},
        "/public/proposals/{number}/follow": {"post": public(op(
            "Ask to follow a proposal by e-mail: a confirmation link goes to the address", "202", _FOLLOW,
            [_NUMBER]), True)},
        "/public/lookup/code": {"post": public(op(
            "Send a one-time code to a proposer's contact (the answer never says whether it sent proposals)", "202",
            _CODE), True)},
        "/public/lookup": {"post": public(op(
            "The contact's proposals for a right one-time code (used once; 422 for any wrong, old or used code)",
            body=_LOOKUP), True)},
        "/publication": {"get": op("Topics of the caller's districts with their publication marks (CPPCC office)")},
        "/publication/{topic_id}": {"put": op("Publish or withdraw a topic, its public summary and typical-case mark "
                                              "(CPPCC office; audited). A field the body leaves out keeps its "
                                              "stored value", body=_MARK, params=[_TOPIC])},
    }

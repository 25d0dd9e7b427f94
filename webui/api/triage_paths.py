"""The OpenAPI paths of the triage API (webui/api/triage.py), merged into webui/api/openapi.py."""
from collections.abc import Callable
from typing import Any

_NUMBER = {"name": "number", "in": "path", "required": True,
           "schema": {"type": "string", "pattern": "^GZ-[A-Z0-9]{10}$"}}
_MERGE = {"application/json": {"schema": {"type": "object", "required": ["numbers"], "properties": {
    "numbers": {"type": "array", "maxItems": 100, "items": {"type": "string"},
                "description": "tracking numbers of open items to merge into this one"}}}}}
_TOPIC = {"application/json": {"schema": {"type": "object", "required": ["platform_level"], "properties": {
    "platform_level": {"enum": ["district", "town"]},
    "town": {"type": "string", "description": "code of a town, street or park of the item's district (town level)"},
    "title": {"type": "string", "maxLength": 200, "description": "defaults to the item's title"},
    "description": {"type": "string", "description": "defaults to the item's description"},
    "category": {"enum": ["central_work", "reform", "livelihood", "governance"]}}}}}
_SUBMIT = {"application/json": {"schema": {
    "type": "object", "required": ["source", "title", "description", "category"], "properties": {
        "source": {"enum": ["member", "opinion", "assigned"],
                   "description": "member and opinion: a member's; assigned: a party or government leader's"},
        "title": {"type": "string", "maxLength": 100}, "description": {"type": "string", "maxLength": 4000},
        "category": {"enum": ["central_work", "reform", "livelihood", "governance"]},
        "place": {"type": "string", "description": "code of a place in the caller's area (not for opinion)"},
        "room": {"type": "string", "description": "code of the room where the opinion was heard (opinion)"}}}}}


def triage_paths(op: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Return the triage paths: the office's item, merge and topic; members' and leaders' submissions."""
    return {
        "/proposals/{number}": {"get": op("One item of the caller's queue, the items merged into it and the similar "
                                          "items found by full-text search (CPPCC office)", params=[_NUMBER])},
        "/proposals/{number}/merge": {"post": op("Merge open items into this one (CPPCC office)", body=_MERGE,
                                                 params=[_NUMBER])},
        "/proposals/{number}/unmerge": {"post": op("Take a merged item out of the item it was merged into, back to "
                                                   "review; items merged into it before stay (CPPCC office)",
                                                   params=[_NUMBER])},
        "/proposals/{number}/topic": {"post": op("Start a topic from this item; it and every merged item become "
                                                 "that topic (CPPCC office)", "201", _TOPIC, [_NUMBER])},
        "/recommendations": {
            "get": op("What the caller submitted from their account, with its state"),
            "post": op("Send a member's recommendation or opinion report, or a leader's assigned topic", "201",
                       _SUBMIT),
        },
    }

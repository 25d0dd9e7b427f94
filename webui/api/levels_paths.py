"""The OpenAPI paths of the linked levels (webui/api/levels.py), merged into webui/api/openapi.py."""
from collections.abc import Callable
from typing import Any

_PLATFORM = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"},
             "description": "the code of a co-organizing platform (a city, district, town, street or park)"}
_RAISE = {"application/json": {"schema": {"type": "object", "required": ["reason"], "properties": {
    "reason": {"type": "string", "maxLength": 2000, "description": "why the topic needs the level above"}}}}}
_DECISION = {"application/json": {"schema": {"type": "object", "required": ["accept"], "properties": {
    "accept": {"type": "boolean", "description": "true starts the receiving level's own topic linked to the original"},
    "note": {"type": "string", "maxLength": 2000, "description": "the reason, required when declining"}}}}}
_CO_PLATFORM = {"application/json": {"schema": {"type": "object", "required": ["platform"], "properties": {
    "platform": {"type": "string", "description": "code of a city, district, town, street or park"}}}}}


def levels_paths(op: Callable[..., dict[str, Any]], path_id: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """Return the linked levels' paths, built with openapi.py's helpers (passed in: that module imports this one)."""
    topic = [path_id("topic_id")]
    return {
        "/topics/{topic_id}/links": {"get": op(
            "Where a topic was raised from and to, and its co-organizing platforms", params=topic)},
        "/topics/{topic_id}/raise": {"post": op(
            "Raise a topic to the level above: town to district, district to city (the CPPCC office of its platform)",
            "201", _RAISE, topic)},
        "/raises": {"get": op("The raises the caller's CPPCC offices received or sent (pending first), a page at a "
                              "time", params=[{"name": "box", "in": "query", "schema": {
                                  "enum": ["received", "sent"], "default": "received"}}])},
        "/raises/{raise_id}/decision": {"post": op(
            "Accept a raised topic (starting the receiving level's own topic) or decline it with a reason "
            "(the CPPCC office of the receiving level)", body=_DECISION, params=[path_id("raise_id")])},
        "/topics/{topic_id}/co-platforms": {
            "get": op("The platforms co-organizing a joint topic", params=topic),
            "post": op("Name a co-organizing platform (the CPPCC office of the topic's platform)", "201",
                       _CO_PLATFORM, topic)},
        "/topics/{topic_id}/co-platforms/{code}": {"delete": op(
            "Take a co-organizing platform off a topic", "204", params=[*topic, _PLATFORM])},
        "/joint-topics": {"get": op("Joint topics run or co-organized by the platforms in the caller's scope")},
    }

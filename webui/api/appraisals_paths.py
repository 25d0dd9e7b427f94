"""The OpenAPI paths of democratic appraisal (webui/api/appraisals.py), merged into webui/api/openapi.py."""
from collections.abc import Callable
from typing import Any

_SCORE = {"type": "integer", "minimum": 0, "maximum": 100}
_OPEN = {"application/json": {"schema": {"type": "object", "required": ["unit", "held_on"], "properties": {
    "unit": {"type": "string", "description": "code of a handling unit of the topic's district or town"},
    "held_on": {"type": "string", "format": "date"}, "note": {"type": "string", "maxLength": 2000}}}}}
_SCORES = {"application/json": {"schema": {"type": "object", "required": ["rater", "attitude", "quality", "effect"],
                                           "properties": {
    "rater": {"type": "string", "maxLength": 60, "description": "who scored (a member, a representative, a resident)"},
    "attitude": _SCORE, "quality": _SCORE, "effect": _SCORE}}}}


def appraisals_paths(op: Callable[..., dict[str, Any]], path_id: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    """Return democratic appraisal's paths, built with openapi.py's helpers (passed in: that module imports this)."""
    return {
        "/topics/{topic_id}/appraisals": {
            "get": op("A topic's democratic appraisals (民主评议) with each criterion's average and the band",
                      params=[path_id("topic_id")]),
            "post": op("Open an appraisal of one of the topic's handling units (CPPCC office or committee)", "201",
                       _OPEN, [path_id("topic_id")])},
        "/appraisals/{appraisal_id}/scores": {"post": op(
            "Record one rater's scores, 0 to 100 on attitude, quality and effect (CPPCC office or committee)", "201",
            _SCORES, [path_id("appraisal_id")])},
    }

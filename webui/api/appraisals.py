"""JSON API of democratic appraisal (民主评议) under /api/v1: a topic's appraisals, opening one, recording scores.

Same bearer-token authentication and error shape as webui/api/topics.py; every write is one transaction.
The services are in workflows/platform/appraisal.py.
"""
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify

from engine.errors import ShangliangError
from models import utcnow
from webui.api.topics import _domain_error, json_body, token_required
from webui.database import db_session, writes
from workflows.platform import appraisal

bp = Blueprint("appraisals_api", __name__, url_prefix="/api/v1")
bp.register_error_handler(ShangliangError, _domain_error)


def _now() -> Any:
    return current_app.config.get("CLOCK", utcnow)()


def summary_json(found: appraisal.Summary) -> dict[str, Any]:
    """Describe an appraisal: the unit, the day, each rater's scores, the averages and the band."""
    held = found.appraisal
    return {"id": held.id, "topic_id": held.topic_id, "unit": held.unit.code, "unit_name": held.unit.name,
            "held_on": held.held_on.isoformat(), "note": held.note, "raters": found.raters,
            "averages": {c: round(v, 1) for c, v in found.averages.items()},
            "overall": None if found.overall is None else round(found.overall, 1), "band": found.band,
            "scores": [{"rater": s.rater, "attitude": s.attitude, "quality": s.quality, "effect": s.effect}
                       for s in held.scores]}


@bp.get("/topics/<int:topic_id>/appraisals")
@token_required
def list_appraisals(topic_id: int) -> Response:
    """List a topic's appraisals with their averages."""
    _topic, found = appraisal.of_topic(db_session(), g.user, topic_id)
    return jsonify(appraisals=[summary_json(s) for s in found])


@bp.post("/topics/<int:topic_id>/appraisals")
@token_required
@writes
def open_appraisal(topic_id: int) -> tuple[Response, int]:
    """Open an appraisal of a handling unit: ``{"unit": code, "held_on": "YYYY-MM-DD", "note"?}``."""
    held = appraisal.open_appraisal(db_session(), g.user, topic_id, json_body(), now=_now())
    return jsonify(summary_json(appraisal.Summary(held, 0, {}))), 201


@bp.post("/appraisals/<int:appraisal_id>/scores")
@token_required
@writes
def score(appraisal_id: int) -> tuple[Response, int]:
    """Record one rater's scores: ``{"rater", "attitude", "quality", "effect"}`` (0 to 100 each)."""
    row = appraisal.score(db_session(), g.user, appraisal_id, json_body(), now=_now())
    return jsonify({"rater": row.rater, "attitude": row.attitude, "quality": row.quality, "effect": row.effect}), 201

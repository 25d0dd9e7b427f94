"""What operators and their monitoring read: liveness, readiness, Prometheus metrics and one JSON log line per request.

create_app calls ``init_app``. ``/healthz`` answers while the process serves; ``/readyz``
checks the database and the scheduler's heartbeat and answers 503 when either fails, so a load
balancer or an alert sees a missing ``shangliang scheduler`` under gunicorn; ``/metrics`` serves
the figures of workflows/monitoring.py, adding up every gunicorn worker when
PROMETHEUS_MULTIPROC_DIR is set. Every request gets an id (a sane X-Request-ID from the proxy,
else a new one), sent back in the response and written in its log line.
"""
import logging
import os
import re
import sys
import time
import uuid
from collections.abc import Iterator

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import text

from webui.database import db_session
from workflows import monitoring
from workflows.deadlines import heartbeat

bp = Blueprint("operations", __name__)
log = logging.getLogger("shangliang.requests")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
COMPLETION_ENDPOINTS = {"tasks.submit": "page", "api.complete_task": "api"}
_HANDLER_MARK = "shangliang_json"


def init_app(app: Flask) -> None:
    """Register the endpoints, the request id and timing, and the JSON log lines."""
    app.register_blueprint(bp)
    app.before_request(_start)
    app.after_request(_finish)
    install_json_logging()


def install_json_logging(stream: object = None, everything: bool = False) -> None:
    """Write the project's log records (requests, sweeps) as one JSON object per line, once per process.

    ``everything`` (the scheduler process) sends every library's INFO records the same way.
    """
    logger = logging.getLogger() if everything else logging.getLogger("shangliang")
    if any(getattr(h, _HANDLER_MARK, False) for h in logger.handlers):
        return
    handler = logging.StreamHandler(stream or sys.stderr)  # type: ignore[arg-type]
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s", timestamp=False))
    setattr(handler, _HANDLER_MARK, True)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    if everything:
        return
    logger.propagate = False
    for name in ("workflows.deadlines.recurring",):  # the sweep's line joins the same stream
        child = logging.getLogger(name)
        child.addHandler(handler)
        child.setLevel(logging.INFO)
        child.propagate = False


def _start() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
    g.request_started = time.monotonic()


def _finish(response: Response) -> Response:
    elapsed = time.monotonic() - g.get("request_started", time.monotonic())
    route = request.url_rule.rule if request.url_rule is not None else "<unmatched>"
    response.headers["X-Request-ID"] = g.get("request_id", "")
    monitoring.REQUEST_SECONDS.labels(request.method, route, str(response.status_code)).observe(elapsed)
    channel = COMPLETION_ENDPOINTS.get(request.endpoint or "")
    completed = response.status_code == 200 or (channel == "page" and response.status_code == 302)
    if channel and request.method == "POST" and completed and request.form.get("action") != "draft":
        monitoring.COMPLETIONS.labels(channel).inc()
    log.info("request", extra={"event": "request", "request_id": g.get("request_id", ""), "method": request.method,
                               "route": route, "path": request.path, "status": response.status_code,
                               "duration_ms": round(elapsed * 1000, 1)})
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """Answer 200 while the process serves requests (liveness)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
def readyz() -> tuple[Response, int]:
    """Answer 200 when the database answers and the last sweep is recent, else 503 saying which failed."""
    checks: dict[str, object] = {}
    try:
        db_session().execute(text("SELECT 1"))
        checks["database"] = "ok"
        fresh = heartbeat.freshness(db_session(), current_app.config["CLOCK"](), heartbeat.stale_after())
        checks["scheduler"] = {**fresh.as_json(), "status": "stale" if fresh.stale else "ok"}
        ready = not fresh.stale
    except Exception as exc:  # any database failure means not ready; say so rather than answer 500
        checks["database"] = f"error: {type(exc).__name__}"
        ready = False
    return jsonify({"status": "ready" if ready else "not ready", "checks": checks}), 200 if ready else 503


@bp.get("/metrics")
def metrics() -> Response:
    """Serve the Prometheus figures (every worker's when PROMETHEUS_MULTIPROC_DIR is set) and the sweep's age."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    registry = CollectorRegistry()
    if directory:
        MultiProcessCollector(registry, path=directory)
    else:
        from prometheus_client import REGISTRY
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_SweepAge())
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


class _SweepAge(CollectorRegistry):
    """The age of the last sweep, read from the heartbeat at scrape time (the scheduler is another process)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the seconds since the last sweep (absent if none ever ran)."""
        gauge = GaugeMetricFamily("shangliang_last_sweep_age_seconds", "Seconds since the deadline sweep last ran")
        fresh = heartbeat.freshness(db_session(), current_app.config["CLOCK"](), heartbeat.stale_after())
        if fresh.age_seconds is not None:
            gauge.add_metric([], fresh.age_seconds)
        yield gauge

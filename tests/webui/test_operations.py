"""Operations cannot fail silently: readiness alarms on a missing scheduler, metrics and JSON logs say what happens."""
import io
import json
import logging

from engine.time import scheduler
from tests.factories import open_task, start_topic
from webui.operations import _HANDLER_MARK
from workflows.deadlines.recurring import SweepAndDeliver
from workflows.demo.world import district_path


def sweep_now(app, clock) -> None:  # type: ignore[no-untyped-def]
    scheduler.run_once(app.extensions["db_sessions"], SweepAndDeliver.from_env(), now=clock())


def test_liveness_answers_without_signing_in(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readiness_is_503_until_a_sweep_ran_and_again_when_it_is_stale(app, clock):
    client = app.test_client()
    never = client.get("/readyz")
    assert never.status_code == 503
    assert never.get_json()["checks"]["scheduler"]["status"] == "stale"
    assert never.get_json()["checks"]["database"] == "ok"
    sweep_now(app, clock)
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    assert ready.get_json()["checks"]["scheduler"]["last_sweep_at"] == clock().isoformat()
    clock.advance(minutes=6)
    stale = client.get("/readyz")
    assert stale.status_code == 503 and stale.get_json()["checks"]["scheduler"]["age_seconds"] == 360


def test_the_dashboard_shows_the_last_sweep_and_alarms_when_stale(app, clock, web):
    supervisor = web("supervisor_city")
    page = supervisor.get("/supervision/").get_data(as_text=True)
    assert 'id="sweep-stale"' in page
    sweep_now(app, clock)
    page = supervisor.get("/supervision/").get_data(as_text=True)
    assert 'id="sweep-ok"' in page and 'id="sweep-stale"' not in page
    clock.advance(minutes=10)
    assert 'id="sweep-stale"' in supervisor.get("/supervision/").get_data(as_text=True)


def test_metrics_count_requests_completions_and_sweeps(app, clock, session):
    client = app.test_client()
    topic = start_topic(session, clock())
    item = open_task(session, topic, "submit_proposal")
    _, username, data = district_path("tianning")[0]
    answer = client.post(f"/api/v1/tasks/{item.id}/complete", json={"data": data},
                         headers={"Authorization": f"Bearer demo-{username}"})
    assert answer.status_code == 200
    sweep_now(app, clock)
    clock.advance(seconds=42)
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    assert 'shangliang_request_seconds_count{method="POST",route="/api/v1/tasks/<int:task_id>/complete"' in body
    assert 'shangliang_task_completions_total{channel="api"}' in body
    assert "shangliang_sweep_seconds_count" in body
    assert "shangliang_last_sweep_age_seconds 42.0" in body


def test_each_request_is_one_json_line_with_its_request_id(app):
    [handler] = [h for h in logging.getLogger("shangliang").handlers if getattr(h, _HANDLER_MARK, False)]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)  # type: ignore[attr-defined]
    try:
        given = app.test_client().get("/healthz", headers={"X-Request-ID": "proxy-abc-12345"})
        made = app.test_client().get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    finally:
        handler.setStream(previous)  # type: ignore[attr-defined]
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert given.headers["X-Request-ID"] == "proxy-abc-12345"
    assert made.headers["X-Request-ID"] != "bad id <script>" and len(made.headers["X-Request-ID"]) == 32
    assert [(line["request_id"], line["route"], line["status"]) for line in lines] == [
        ("proxy-abc-12345", "/healthz", 200), (made.headers["X-Request-ID"], "/healthz", 200)]
    assert all(line["message"] == "request" and "duration_ms" in line for line in lines)

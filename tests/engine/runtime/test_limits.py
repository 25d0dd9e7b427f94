"""No diagram can stall the engine: hostile diagrams are refused at deploy, what depends on data is bounded when run.

Each hostile diagram is a file in tests/corpus/; the runtime cases run a workflow in memory
through Instance (no save), with the restricted script engine and the engine's clock.
"""
import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from SpiffWorkflow import TaskState
from sqlalchemy import select

from engine.diagrams import loading
from engine.errors import Conflict, DiagramRejected
from engine.runtime import engine_time, failures, limits, state, timers
from engine.runtime.instance import Instance
from engine.store import versions
from models import Event, WorkflowState
from tests.factories import drive, start_topic, writes
from workflows.administration import review
from workflows.demo.world import district_path, user_named

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

REFUSED_AT_DEPLOY = {
    "calls_itself.bpmn": "may not call itself",
    "timer_hundred_million_years.bpmn": "longer than 3660 days",
    "timer_far_date.bpmn": "outside the years",
    "timer_cycle_every_second.bpmn": "repeats more often than every 1:00:00",
    "format_bomb.bpmn": "no text formatting or repetition",
    "repetition_bomb.bpmn": "no text formatting or repetition",
    "many_instances.bpmn": "multi-instance count must be a whole number from 0 to 200",
    "many_branches.bpmn": "more than 50 outgoing branches",
    "engine_loop.bpmn": "has no task or event to wait on",
    "loop_without_maximum.bpmn": "needs a loopMaximum",
    "loop_condition_escape.bpmn": "Attribute is not allowed",
    "conditional_event_escape.bpmn": "only these functions may be called",
    "message_payload_escape.bpmn": "only these functions may be called",
    "transformation_escape.bpmn": "only these functions may be called",
}


class NoDomain:
    """The engine's checks alone: these diagrams are about the engine, not the domain."""

    def diagram_problems(self, diagram):
        return ()


@pytest.mark.parametrize("name", sorted(REFUSED_AT_DEPLOY))
def test_hostile_diagram_is_refused_at_deploy_quickly(name):
    started = time.monotonic()
    with pytest.raises(DiagramRejected) as caught:
        loading.load((CORPUS / name).read_bytes(), name)
    assert any(REFUSED_AT_DEPLOY[name] in str(p) for p in caught.value.problems), caught.value.problems
    assert time.monotonic() - started < 2


def test_a_process_calling_itself_through_a_deployed_one_is_refused(session):
    first = versions.deploy(session, (CORPUS / "call_a.bpmn").read_bytes(), rules=NoDomain(), preapproved=True)
    assert first.definition.process_id == "corpus_call_a"
    with pytest.raises(DiagramRejected, match="calls itself through corpus_call_b → corpus_call_a → corpus_call_b"):
        versions.deploy(session, (CORPUS / "call_b.bpmn").read_bytes(), rules=NoDomain())


def test_binding_a_version_that_closes_a_call_loop_is_refused(session):
    versions.deploy(session, (CORPUS / "call_b.bpmn").read_bytes(), rules=NoDomain(), preapproved=True)
    calls_b_later = (CORPUS / "call_a.bpmn").read_bytes().replace(b"corpus_call_b", b"corpus_nothing")
    harmless = versions.deploy(session, calls_b_later, rules=NoDomain(), preapproved=True)
    loop = (CORPUS / "call_a.bpmn").read_bytes()
    with pytest.raises(DiagramRejected, match="calls itself"):
        versions.deploy(session, loop, rules=NoDomain(), preapproved=True)
    with pytest.raises(DiagramRejected, match="calls itself"):
        versions.bind(session, versions.deploy(session, loop.replace(b"corpus_call_b\"", b"corpus_call_b\" "),
                                               rules=NoDomain(), preapproved=True))
    assert versions.bind(session, harmless).version is harmless


def instance_of(name: str, edit: Callable[[bytes], bytes] = lambda data: data) -> Instance:
    """Return a started in-memory workflow on a corpus diagram, edited first (nothing is saved)."""
    engine_time.install()
    diagram = loading.load(edit((CORPUS / name).read_bytes()))
    stored = WorkflowState(topic_id=1, state_json="", failure=None)
    instance = Instance(None, None, stored, state.new_workflow(diagram.spec, {}))  # type: ignore[arg-type]
    assert instance.run(NOW) is None
    return instance


def ready_uuid(instance: Instance, bpmn_id: str) -> str:
    [task] = [t for t in instance.workflow.get_tasks(state=TaskState.READY) if t.task_spec.bpmn_id == bpmn_id]
    return str(task.id)


def test_a_timer_from_data_beyond_bounds_is_a_failed_step_an_administrator_can_retry():
    instance = instance_of("timer_from_data.bpmn")
    started = time.monotonic()
    failure = instance.complete(ready_uuid(instance, "note_receipt"), {"wait": "P99999999Y"}, NOW)
    assert time.monotonic() - started < 1
    assert failure is not None and failure["bpmn_id"] == "middle"
    assert "longer than 3660 days" in failure["message"]
    [failed] = failures.failed_tasks(instance.workflow)
    failed.parent.data["wait"] = "P2D"  # the data is corrected (the event inherits it again), then retried
    assert instance.retry(NOW) is None
    assert list(timers.waiting_timers(instance.workflow).values()) == [("middle", NOW + timedelta(days=2))]


def test_a_failing_timer_while_completing_can_be_skipped():
    instance = instance_of("timer_from_data.bpmn")
    assert instance.complete(ready_uuid(instance, "note_receipt"), {"wait": "R/PT1S"}, NOW) is not None
    assert instance.skip(NOW) is None
    assert instance.workflow.is_completed()


def test_a_count_from_data_beyond_bounds_is_a_failed_step():
    instance = instance_of("instances_from_data.bpmn")
    failure = instance.complete(ready_uuid(instance, "note_receipt"), {"how_many": 10_000_000}, NOW)
    assert failure is not None and "from 0 to 200" in failure["message"]
    assert len(instance.workflow.tasks) < 50


def test_a_run_over_its_step_budget_becomes_a_failed_step(monkeypatch):
    catch_event = re.compile(rb"<bpmn:intermediateCatchEvent.*</bpmn:intermediateCatchEvent>")
    gateway = b'<bpmn:parallelGateway id="middle" />'
    instance = instance_of("timer_from_data.bpmn", lambda data: catch_event.sub(gateway, data))
    monkeypatch.setattr(limits, "MAX_ENGINE_STEPS", 1)
    failure = instance.complete(ready_uuid(instance, "note_receipt"), {}, NOW)
    assert failure is not None and "more than 1 engine steps" in failure["message"]
    assert failure["bpmn_id"] == "done" and not instance.workflow.is_completed()
    monkeypatch.setattr(limits, "MAX_ENGINE_STEPS", 5000)
    assert instance.retry(NOW) is None
    assert instance.workflow.is_completed()


def hourly_cycle() -> Instance:
    return instance_of("timer_cycle_every_second.bpmn", lambda data: data.replace(b"R/PT1S", b"R/PT1H"))


def test_a_cycle_far_behind_fires_once_and_quickly():
    instance = hourly_cycle()
    late = NOW + timedelta(hours=5000, minutes=30)
    started = time.monotonic()
    assert instance.fire_timers(late) is None
    assert time.monotonic() - started < 1
    [(bpmn_id, next_at)] = timers.waiting_timers(instance.workflow).values()
    assert bpmn_id == "tick" and late < next_at <= late + timedelta(hours=1)
    ended = [t for t in instance.workflow.tasks.values()
             if t.task_spec.bpmn_id == "ticked" and t.state == TaskState.COMPLETED]
    assert len(ended) == 1


def test_a_repeating_timer_keeps_the_stored_state_flat():
    instance = hourly_cycle()
    sizes = []
    for hour in range(1, 201):
        assert instance.fire_timers(NOW + timedelta(hours=hour, minutes=1)) is None
        stored = state.dump(instance.workflow)
        sizes.append(len(stored))
        instance.workflow = state.restore(stored, instance.workflow.spec, {})
    assert max(sizes) - min(sizes) < 100, (sizes[0], sizes[-1])
    assert instance.complete(ready_uuid(instance, "note_receipt"), {}, NOW + timedelta(hours=300)) is None
    assert instance.workflow.is_completed()


def test_bound_processes_calling_each_other_cannot_start_a_topic(session):
    for name in ("call_a.bpmn", "call_b.bpmn"):  # stored as they might be in an old database, unchecked
        data = (CORPUS / name).read_bytes()
        diagram = loading.load(data)
        session.add(versions.ProcessDefinition(process_id=diagram.process_id, name=diagram.name))
        session.flush()
        definition = session.scalars(versions.select(versions.ProcessDefinition)
                                     .filter_by(process_id=diagram.process_id)).one()
        session.add(versions.ProcessVersion(definition=definition, number=1, bpmn_xml=data, sha256=diagram.sha256,
                                            status=versions.VersionStatus.APPROVED, deployed_at=NOW))
    session.flush()
    main = versions.bound_version(session, "corpus_call_a", versions.Organization())
    with pytest.raises(Conflict, match="call each other in a loop"):
        versions.resolve_called(session, main, versions.Organization())


def test_a_timer_failing_while_a_task_is_completed_is_a_recorded_failed_step(session):
    timer_xml = (Path(__file__).resolve().parents[2] / "bpmn" / "data" / "topic_district_timer.bpmn").read_bytes()
    data = timer_xml.replace(b'"P2D"', b'"P99999999Y" if sensitive else "P2D"')
    submit = writes(review, "submit", "approve")
    version = submit.submit(session, user_named(session, "admin"), data, source_name="timer.bpmn",
                            bind_to=("jintan",), now=NOW)
    submit.approve(session, user_named(session, "admin2"), version.id, now=NOW)
    topic = start_topic(session, NOW, district="jintan")
    [(task, user, form)] = district_path("jintan", sensitive=True)[:1]
    drive(session, topic, [(task, user, form)], NOW)  # completes: the failure is recorded, not raised
    failure = session.get(WorkflowState, topic.id).failure
    assert failure["bpmn_id"] == "wait_two_days" and "longer than 3660 days" in failure["message"]
    kinds = session.scalars(select(Event.kind).where(Event.topic_id == topic.id)).all()
    assert kinds.count("task_completed") == 1 and kinds.count("step_failed") == 1

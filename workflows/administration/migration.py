"""Moving running topics onto a newer version of a process they use, after a dry run that says why or why not.

Called by the API, the CLI and the admin pages. A topic pins the version of its main process
and of every process it calls; moving it to a newer version of one of them re-aligns its
SpiffWorkflow tasks on the new spec (SpiffWorkflow's SpecDiff / WorkflowDiff, by BPMN id),
migrating each running subprocess of that process separately, then stores the new state and
pin. Each topic moves in its own transaction, which ``migrate`` opens itself (so it refuses to
run inside a caller's): a topic that cannot move, or whose move fails, keeps its stored state
exactly as it was, and the topics moved before it stay moved. The rules are in docs/process-admin.md.
"""
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Instance
from engine.diagrams.realign import compare, describe_changes, move, unsafe_tasks
from engine.errors import Conflict
from engine.store import versions as processes
from models import (
    Event,
    ProcessVersion,
    Role,
    TaskItem,
    TaskStatus,
    Topic,
    TopicStatus,
    User,
    VersionStatus,
    WorkflowState,
    utcnow,
)
from models.database import require_no_writing, writing
from workflows.people import audit
from workflows.people.access import require, require_role
from workflows.topics import lifecycle as topics

RUNNING = (TopicStatus.ACTIVE, TopicStatus.SUSPENDED)


@dataclass
class Verdict:
    """What a migration does, or would do, to one topic."""

    topic_id: int
    title: str
    district: str
    stage: str
    current: str
    target: str
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    moved: bool = False

    @property
    def can_move(self) -> bool:
        """Tell whether nothing stands in the way."""
        return not self.reasons


def target_version(session: Session, actor: User, version_id: int) -> ProcessVersion:
    """Return the approved version topics are to move to."""
    require_role(actor, Role.PROCESS_ADMIN)
    version = require(session, ProcessVersion, version_id, "process version")
    if version.status is not VersionStatus.APPROVED:
        raise Conflict(f"{version.label} is {version.status.value}; topics move only to an approved version")
    return version


def candidates(session: Session, target: ProcessVersion) -> list[Topic]:
    """Return the running topics that use the target's process on an older version, oldest first."""
    process_id = target.definition.process_id
    rows = session.execute(select(Topic, WorkflowState).join(WorkflowState, WorkflowState.topic_id == Topic.id)
                           .where(Topic.status.in_(RUNNING)).order_by(Topic.id)).all()
    found = []
    for topic, stored in rows:
        current = _current(session, topic, stored, process_id)
        if current is not None and current.number < target.number:
            found.append(topic)
    return found


def plan(session: Session, actor: User, version_id: int, topic_ids: Sequence[int] | None = None) -> list[Verdict]:
    """Dry run: say for each topic (default: every candidate) whether it can move, and why; change nothing."""
    target = target_version(session, actor, version_id)
    chosen = _chosen(session, target, topic_ids)
    now = utcnow()
    return [_prepare(session, topic, target, now)[0] for topic in chosen]


def migrate(session: Session, actor: User, version_id: int, topic_ids: Sequence[int], address: str = "",
            now: datetime | None = None) -> list[Verdict]:
    """Move each chosen topic that can move, each in its own transaction; return every topic's verdict."""
    require_no_writing(session)
    now = now or utcnow()
    target = target_version(session, actor, version_id)
    verdicts = []
    for topic_id in topic_ids:
        with writing(session):
            topic = require(session, Topic, topic_id, "topic")
            verdict, moved = _prepare(session, topic, target, now)
            if moved is not None:
                _store(session, actor, topic, target, moved, verdict, address, now)
                verdict.moved = True
        verdicts.append(verdict)
    return verdicts


def _chosen(session: Session, target: ProcessVersion, topic_ids: Sequence[int] | None) -> list[Topic]:
    if topic_ids is None:
        return candidates(session, target)
    chosen = []
    for topic_id in topic_ids:
        chosen.append(require(session, Topic, topic_id, "topic"))
    return chosen


def _current(session: Session, topic: Topic, stored: WorkflowState, process_id: str) -> ProcessVersion | None:
    """Return the version of ``process_id`` the topic is pinned to, or None if it does not use it."""
    if topic.process_version.definition.process_id == process_id:
        return topic.process_version
    version_id = stored.subprocess_versions.get(process_id)
    return processes.version_by_id(session, version_id) if version_id is not None else None


@dataclass
class _Moved:
    """A topic's workflow re-aligned on the target in memory, with its new pins."""

    instance: Instance
    pins: dict[str, ProcessVersion]


def _prepare(session: Session, topic: Topic, target: ProcessVersion, now: datetime) -> tuple[Verdict, _Moved | None]:
    """Check a topic and, if nothing forbids it, build its migrated workflow in memory (nothing is stored)."""
    stored = session.get(WorkflowState, topic.id)
    assert stored is not None, "every topic has a workflow state"
    process_id = target.definition.process_id
    current = _current(session, topic, stored, process_id)
    verdict = Verdict(topic.id, topic.title, topic.district.name, topic.stage,
                      current.label if current else "-", target.label)
    verdict.reasons = _preconditions(session, topic, current, target)
    if verdict.reasons:
        return verdict, None
    instance = topics.load_instance(session, topic)
    workflow = instance.workflow
    new_spec = processes.diagram_of(target).spec
    moving = [workflow] if current is topic.process_version else \
        [sp for sp in workflow.subprocesses.values() if sp.spec.name == process_id]
    compared = [compare(wf, new_spec) for wf in moving]
    diffs = [diff for diff, _ in compared]
    for diff, spec_diff in compared:
        verdict.reasons += unsafe_tasks(diff, spec_diff, target.label)
        verdict.notes += describe_changes(diff, spec_diff)
    verdict.reasons = list(dict.fromkeys(verdict.reasons + _done_and_removed(session, topic, process_id, new_spec,
                                                                             target.label)))
    if verdict.reasons:
        return verdict, None
    try:
        for wf, diff in zip(moving, diffs, strict=True):
            move(diff, wf, new_spec)
        pins = _new_pins(session, topic, stored, target)
        workflow.subprocess_specs = {pid: processes.diagram_of(v).spec for pid, v in pins.items()}
        failure = instance.run(now)
        instance.verify_round_trip()
    except Exception as exc:  # any engine error means: this topic cannot run on the new version
        verdict.reasons.append(f"the topic cannot run on {target.label}: {exc}")
        return verdict, None
    if failure:
        verdict.notes.append(f"after moving, step {failure['bpmn_id']} fails: {failure['message']}")
    return verdict, _Moved(instance, pins)


def _done_and_removed(session: Session, topic: Topic, process_id: str, spec: BpmnProcessSpec, target: str) -> list[str]:
    """Name the user tasks the topic has done in the process that ``spec`` no longer has.

    The stored workflow keeps no finished history (engine/history.py); the task rows do.
    """
    kept = {s.bpmn_id for s in spec.task_specs.values()}
    done = session.execute(select(TaskItem.bpmn_id, TaskItem.name).distinct().where(
        TaskItem.topic_id == topic.id, TaskItem.process_id == process_id, TaskItem.status == TaskStatus.COMPLETED))
    return [f"{bpmn_id} ({name}) does not exist in {target}, but the topic has done it"
            for bpmn_id, name in done if bpmn_id not in kept]


def _preconditions(session: Session, topic: Topic, current: ProcessVersion | None, target: ProcessVersion) -> list[str]:
    process_id = target.definition.process_id
    if topic.status not in RUNNING:
        return [f"the topic is {topic.status.value}"]
    if current is None:
        return [f"the topic does not use {process_id}"]
    if current.id == target.id:
        return [f"the topic already runs on {target.label}"]
    if current.number > target.number:
        return [f"the topic runs on {current.label}, which is newer than {target.label}"]
    bound = processes.bound_version(session, process_id, topic.district)
    if bound.id != target.id:
        return [f"new topics of {topic.district.name} use {bound.label}; bind {target.label} for it first"]
    return []


def _new_pins(
    session: Session, topic: Topic, stored: WorkflowState, target: ProcessVersion,
) -> dict[str, ProcessVersion]:
    """Return the called-process pins after the move: the target, plus bound versions of newly called processes."""
    pins = {pid: processes.version_by_id(session, vid) for pid, vid in stored.subprocess_versions.items()}
    process_id = target.definition.process_id
    if process_id in pins:
        pins[process_id] = target
        return pins
    for pid, version in processes.resolve_called(session, target, topic.district).items():
        pins.setdefault(pid, version)
    return pins


def _store(session: Session, actor: User, topic: Topic, target: ProcessVersion, moved: _Moved,
           verdict: Verdict, address: str, now: datetime) -> None:
    """Write the migrated state, the new pins, the refreshed task rows, the history event and the audit entry."""
    if topic.process_version.definition.process_id == target.definition.process_id:
        topic.process_version = target
    moved.instance.pin(moved.pins)
    topics.close_if_ended(session, topic, moved.instance.save(now, actor.id), actor, now)
    moved.instance.refresh_rows(now)
    payload = {"process": target.definition.process_id, "from": verdict.current, "to": target.label}
    session.add(Event(topic_id=topic.id, actor_id=actor.id, kind="topic_migrated", at=now, payload=payload))
    audit.record(session, "migrate", actor, f"topic:{topic.id}", address, now, **payload)

"""The engine's public face: WorkflowEngine starts and loads workflows, Instance runs and saves one.

The composition root builds one ``WorkflowEngine(rules=...)`` and hands it to every Session
through the session factory's ``info``; the domain's services reach it with
``WorkflowEngine.of(session)``. Every change to a running workflow (starting it, completing
a task, firing timers, an administrator's retry, skip or cancel, a migration) goes through
one Instance and ends in ``Instance.save``, which writes the state, records a new failure,
and brings the task and timer rows in step, in the caller's transaction. The engine's tables
key a workflow by ``topic_id``: to the engine that is only its owner's id.
"""
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.task import Task
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from engine.diagrams import loading
from engine.errors import Conflict, NotFound
from engine.rules import Rules
from engine.runtime import engine_time, failures, state, timers
from engine.store import projection, versions
from engine.time import calendar_days
from models import Event, ProcessVersion, TaskItem, WorkflowState

SESSION_KEY = "workflow_engine"  # where a Session's info holds its WorkflowEngine

# A stored state is read by this one SELECT, built once (session.get made its statement and cache key anew each time)
_STATE = select(WorkflowState).where(WorkflowState.topic_id == bindparam("owner"))
# A stored state is written by this one UPDATE, guarded by the version it was read at (built once: see
# projection._OPEN_ROWS). Through the unit of work it cost a flush of its own on every save.
_WRITE_STATE = (update(WorkflowState)
                .where(WorkflowState.topic_id == bindparam("owner"), WorkflowState.version == bindparam("read_at"))
                .values(state_json=bindparam("state_json"), failure=bindparam("failure"),
                        subprocess_versions=bindparam("subprocess_versions"), version=bindparam("next_version")))


@dataclass(frozen=True)
class Saved:
    """What a save found: whether the workflow ended, by which end events, its data, and the rows it opened."""

    ended: bool
    end_events: tuple[str, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    opened: tuple[TaskItem, ...] = ()  # the new task rows, so the owner tells their people without reading them again
    open_rows: tuple[TaskItem, ...] = ()  # every row open after the save, in id order, so nobody reads them again


class WorkflowEngine:
    """Starts workflows on pinned process versions and loads stored ones, under the domain's Rules."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        engine_time.install()

    @classmethod
    def of(cls, session: Session) -> "WorkflowEngine":
        """Return the engine the session was made with (the composition root puts it there)."""
        engine = session.info.get(SESSION_KEY)
        if not isinstance(engine, cls):
            raise RuntimeError("this session carries no WorkflowEngine: make sessions with the project's "
                               "session factory (workflows.wiring.session_factory)")
        return engine

    def session_info(self) -> dict[str, Any]:
        """Return the ``info`` a session factory gives its sessions so they carry this engine."""
        return {SESSION_KEY: self}

    def check(self, data: bytes, source: str = "") -> loading.Diagram:
        """Parse a diagram and check it, the domain's rules included; raise DiagramRejected if refused."""
        return loading.load(data, source, self.rules)

    def deploy(self, session: Session, data: bytes, **options: Any) -> ProcessVersion:
        """Check a diagram under the domain's rules and store it as a version (see versions.deploy)."""
        return versions.deploy(session, data, rules=self.rules, **options)

    def start(self, session: Session, owner_id: int, main: ProcessVersion,
              called: Mapping[str, ProcessVersion]) -> "Instance":
        """Create the workflow of ``owner_id`` on these versions; nothing runs until ``run``."""
        workflow = state.new_workflow(*versions.specs_of(main, dict(called)))
        stored = WorkflowState(topic_id=owner_id, state_json="", serializer_version=state.SERIALIZER_VERSION,
                               subprocess_versions={pid: v.id for pid, v in called.items()}, failure=None)
        return Instance(self.rules, session, stored, workflow, new=True)  # the save adds the row, complete

    def load(self, session: Session, owner_id: int, main_version_id: int) -> "Instance":
        """Rebuild the stored workflow of ``owner_id`` on the live specs of the versions it pins."""
        stored = session.scalars(_STATE, {"owner": owner_id}).first()
        if stored is None:
            raise NotFound(f"no workflow is stored for {owner_id}")
        specs = versions.pinned_specs(session, main_version_id, stored.subprocess_versions)
        return Instance(self.rules, session, stored, state.restore(stored.state_json, *specs))


class Instance:
    """One running workflow between its load and its save."""

    def __init__(self, rules: Rules, session: Session, stored: WorkflowState, workflow: BpmnWorkflow,
                 new: bool = False) -> None:
        self.rules = rules
        self.session = session
        self.stored = stored
        self.workflow = workflow
        self._failure: dict[str, Any] | None = None  # a step that failed in this instance's last engine run
        self._cancelled = False
        self._timers = timers.waiting_timers(workflow)  # what the timer rows hold: they match the stored state
        self._new = new  # a workflow never saved has no task rows to read

    @property
    def owner_id(self) -> int:
        """Return the id of what the workflow belongs to."""
        return self.stored.topic_id

    @property
    def failure(self) -> dict[str, Any] | None:
        """Return the failed step as last stored: as loaded until a save, then as that save stored it."""
        return self.stored.failure

    def run(self, now: datetime) -> dict[str, Any] | None:
        """Run every ready engine step at ``now``; return the step that failed, if one did."""
        with engine_time.at(now):
            timers.catch_up(self.workflow, now)
            self._failure = failures.advance(self.workflow)
        return self._failure

    def is_ready(self, task_uuid: str) -> bool:
        """Tell whether the task still waits for input."""
        task = self.task(task_uuid)
        return task is not None and task.state == TaskState.READY

    def task(self, task_uuid: str) -> Task | None:
        """Return the workflow's task with this id, or None when it is gone (completed and pruned, cancelled)."""
        # Looked up in the task maps: SpiffWorkflow 3's get_task_from_id raises TaskNotFoundException instead of
        # answering None, and gives up at the first subprocess that lacks the task.
        try:
            wanted = UUID(task_uuid)
        except ValueError:
            return None
        for workflow in (self.workflow, *self.workflow.subprocesses.values()):
            if wanted in workflow.tasks:
                return workflow.tasks[wanted]
        return None

    def complete(self, task_uuid: str, data: Mapping[str, Any], now: datetime) -> dict[str, Any] | None:
        """Complete a ready task with ``data`` and run on; return the step that failed, if one did."""
        task = self.task(task_uuid)
        if task is None or task.state != TaskState.READY:
            raise Conflict(f"task {task_uuid} is no longer waiting for input")
        task.data.update(data)
        with engine_time.at(now):
            timers.catch_up(self.workflow, now)
            # completing the task updates what follows it (a timer, a conditional event): that may fail too
            self._failure = failures.guarded(self.workflow, task.run) or failures.advance(self.workflow)
        return self._failure

    def update_task_data(self, task_uuid: str, data: Mapping[str, Any]) -> bool:
        """Change a waiting task's data (nothing runs); False if the task is gone."""
        task = self.task(task_uuid)
        if task is None:
            return False
        task.data.update(data)
        return True

    def due_timers(self, now: datetime) -> dict[str, tuple[str, datetime]]:
        """Return ``{task uuid: (bpmn id, fires at)}`` of the timers due at ``now``."""
        # SpiffWorkflow fires a timer strictly after its time; the read-model agrees.
        return {uuid: due for uuid, due in timers.waiting_timers(self.workflow).items() if due[1] < now}

    def fire_timers(self, now: datetime) -> dict[str, Any] | None:
        """Fire the timers due at ``now`` and run on; return the step that failed, if one did."""
        with engine_time.at(now):
            timers.catch_up(self.workflow, now)
            self._failure = failures.guarded(self.workflow, self.workflow.refresh_timers) or \
                failures.advance(self.workflow)
        return self._failure

    def retry(self, now: datetime) -> dict[str, Any] | None:
        """Run the failed steps again; return the failure if they fail again."""
        with engine_time.at(now):
            self._failure = failures.retry(self.workflow)
        return self._failure

    def skip(self, now: datetime) -> dict[str, Any] | None:
        """Pass over the failed steps and run on; return the step that failed next, if one did."""
        with engine_time.at(now):
            self._failure = failures.skip(self.workflow)
        return self._failure

    def cancel(self) -> None:
        """Cancel the whole workflow: every open task goes, and no failure is left to repair."""
        self.workflow.cancel()
        self._cancelled = True

    def pending_failure(self) -> dict[str, Any] | None:
        """Return the failure a save would store: the new one, else the stored one while a step is still failed."""
        if self._cancelled:
            return None
        if self._failure is not None:
            return self._failure
        return self.stored.failure if failures.failed_tasks(self.workflow) else None

    def verify_round_trip(self) -> None:
        """Serialize and restore the workflow once, so a state that cannot be stored fails here."""
        state.restore(state.dump(self.workflow), self.workflow.spec, self.workflow.subprocess_specs)

    def pin(self, called: Mapping[str, ProcessVersion]) -> None:
        """Pin the called processes to these versions, in memory and in the stored row."""
        self.workflow.subprocess_specs = {pid: versions.diagram_of(v).spec for pid, v in called.items()}
        self.stored.subprocess_versions = {pid: v.id for pid, v in called.items()}

    def save(self, now: datetime, actor_id: int | None) -> Saved:
        """Store the state and its failed step (recording a new failure), and bring the rows in step.

        Returns whether the workflow ended and by which end events, so the owner can close.
        """
        failure = self.pending_failure()
        if failure and failure != self.stored.failure:
            self.session.add(Event(topic_id=self.owner_id, actor_id=actor_id, kind="step_failed", at=now,
                                   payload=failure))
        self._write_state(state.dump(self.workflow), failure)
        # the calendar and clocks read once for every row, and nothing flushed while the rows are made
        with self.session.no_autoflush, calendar_days.pinned(self.session) as settings:
            opened, open_rows = projection.sync(self.session, self.rules, self.owner_id, self.workflow, now,
                                                settings.calendar, self._timers, rows_exist=not self._new)
        self._timers, self._new = timers.waiting_timers(self.workflow), False
        return self._ending(tuple(opened), tuple(open_rows))

    def _write_state(self, state_json: str, failure: dict[str, Any] | None) -> None:
        """Store the state, unless another transaction stored one since it was read (StaleDataError, as the ORM)."""
        stored = self.stored
        if self._new:
            stored.state_json, stored.failure = state_json, failure
            self.session.add(stored)
            return
        written = self.session.connection().execute(_WRITE_STATE, {  # on the connection: no autoflush, no ORM
            "owner": stored.topic_id, "read_at": stored.version, "next_version": stored.version + 1,
            "state_json": state_json, "failure": failure, "subprocess_versions": stored.subprocess_versions})
        if written.rowcount != 1:
            raise StaleDataError(f"the workflow of {self.owner_id} was saved by another transaction meanwhile")
        for name, value in (("state_json", state_json), ("failure", failure),
                            ("subprocess_versions", stored.subprocess_versions), ("version", stored.version + 1)):
            set_committed_value(stored, name, value)  # the row object says what the row now holds
        self.session.expire(stored, ["updated_at"])  # the column's onupdate set it

    def refresh_rows(self, now: datetime) -> list[TaskItem]:
        """Bring the open rows in line with their tasks' specs (after a move to a new version)."""
        with calendar_days.pinned(self.session) as settings:
            return projection.refresh(self.session, self.rules, self.owner_id, self.workflow, settings.calendar, now)

    def _ending(self, opened: tuple[TaskItem, ...], open_rows: tuple[TaskItem, ...]) -> Saved:
        if not self.workflow.is_completed():
            return Saved(ended=False, opened=opened, open_rows=open_rows)
        ends = [t for t in self.workflow.get_tasks(state=TaskState.COMPLETED, spec_class=EndEvent)
                if t.workflow is self.workflow]
        return Saved(True, tuple(t.task_spec.bpmn_id or "" for t in ends), dict(self.workflow.data), opened,
                     open_rows)

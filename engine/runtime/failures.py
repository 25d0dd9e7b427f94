"""Running the engine's own steps, and what to do when one of them fails.

Called by the topic service after every completed task and by the administrators' retry and
skip operations. A step fails when a diagram expression cannot be evaluated against the
topic's data (a condition naming a field the topic never collected, say); the task is left in
SpiffWorkflow's ERROR state, the failure is recorded on the workflow state, and the topic
waits for an administrator.
"""
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.specs.ExclusiveChoice import ExclusiveChoice
from SpiffWorkflow.task import Task

from engine.errors import Conflict
from engine.runtime import limits
from engine.runtime.expressions import ExpressionError

ENGINE_ERRORS = (SpiffWorkflowException, ExpressionError)


class BudgetExceeded(SpiffWorkflowException):
    """One engine run took more steps or time than a run may; the step about to run is failed instead."""

    def __init__(self, task: Task, message: str) -> None:
        super().__init__(message)
        self.task = task


class _Budget:
    """Counts the engine steps of one run and stops it once it is over its step or time budget."""

    def __init__(self) -> None:
        self.steps = 0
        self.deadline = time.monotonic() + limits.MAX_ENGINE_SECONDS

    def __call__(self, task: Task) -> None:
        self.steps += 1
        if self.steps > limits.MAX_ENGINE_STEPS:
            raise BudgetExceeded(task, f"the run took more than {limits.MAX_ENGINE_STEPS} engine steps")
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(task, f"the run took longer than {limits.MAX_ENGINE_SECONDS:g} seconds")


def advance(workflow: BpmnWorkflow) -> dict[str, Any] | None:
    """Run every ready engine step within the run's budget; return the step that failed, if one did."""
    return guarded(workflow, lambda: workflow.do_engine_steps(will_complete_task=_Budget()))


def guarded(workflow: BpmnWorkflow, run: Callable[[], object]) -> dict[str, Any] | None:
    """Call ``run``; if an engine step fails, leave its task in ERROR and return what failed."""
    try:
        run()
    except ENGINE_ERRORS as exc:
        failed = failed_tasks(workflow)
        task = getattr(exc, "task", None) or (failed[0] if failed else None)
        if task is not None and task.state != TaskState.ERROR and not task.has_state(TaskState.FINISHED_MASK):
            task._set_state(TaskState.ERROR)  # a timer or budget failure outside the task's own run
        return {
            "task_id": str(task.id) if task else "",
            "bpmn_id": (task.task_spec.bpmn_id or task.task_spec.name) if task else "",
            "name": (task.task_spec.bpmn_name or "") if task else "",
            "message": _message(exc),
        }
    return None


def failed_tasks(workflow: BpmnWorkflow) -> list[Task]:
    """Return the tasks in ERROR, subprocesses included."""
    return workflow.get_tasks(state=TaskState.ERROR)


def retry(workflow: BpmnWorkflow) -> dict[str, Any] | None:
    """Make every failed task ready again and run the engine; return the failure if it fails again."""
    failed = _require_failed(workflow)
    for task in failed:
        if getattr(task.task_spec, "event_definition", None) is not None:
            task._set_state(TaskState.WAITING)  # a catch event waits again, its timer evaluated anew
            task.internal_data.pop("event_value", None)
        else:
            task._set_state(TaskState.READY)
    for task in failed:
        if task.state == TaskState.WAITING:
            failure = guarded(workflow, partial(task.task_spec._update, task))
            if failure:
                return failure
    return advance(workflow)


def skip(workflow: BpmnWorkflow) -> dict[str, Any] | None:
    """Complete every failed task without running it (a gateway takes its default flow), then go on."""
    for task in _require_failed(workflow):
        spec = task.task_spec
        if isinstance(spec, ExclusiveChoice):
            if spec.default_task_spec is None:
                raise Conflict(f"{spec.bpmn_id} has no default flow to take; retry it after a fix instead")
            task._sync_children([workflow_spec_task(task, spec.default_task_spec)], TaskState.FUTURE)
        task.complete()
    return advance(workflow)


def workflow_spec_task(task: Task, name: str) -> Any:
    """Return the task spec called ``name`` in the (sub)process the task belongs to."""
    return task.workflow.spec.get_task_spec_from_name(name)


def _require_failed(workflow: BpmnWorkflow) -> list[Task]:
    failed = failed_tasks(workflow)
    if not failed:
        raise Conflict("the topic has no failed step")
    return failed


def _message(exc: Exception) -> str:
    """Say what failed and why: SpiffWorkflow's message, the evaluator's reason, and any hints."""
    cause = exc.__cause__ or exc.__context__
    notes = " ".join(getattr(exc, "__notes__", []) or [])
    return " ".join(part for part in (str(exc), f"({cause})" if cause else "", notes) if part)[:1000]

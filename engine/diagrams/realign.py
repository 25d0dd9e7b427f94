"""Re-aligning one (sub)workflow on a new spec and judging whether that is safe, for the topic migration.

SpiffWorkflow's ``migrate_workflow`` resets every ready task to its parent's data, which
would erase a multi-instance child's own item (its assisting unit); ``move`` keeps each ready
task's data and state and only re-predicts what lies ahead of it.

The rules: a task the topic has reached (done, open, running or failed) must still exist in
the new version; a running task (a call activity, a multi-instance parent) may change only
in its name, lane, documentation, properties or connections; done and open tasks may change
freely (open ones take the new properties, such as a new clock); a failed step may change in
any way, since a fix is why one migrates it.
"""
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff
from SpiffWorkflow.bpmn.workflow import BpmnBaseWorkflow
from SpiffWorkflow.task import Task

from engine.runtime.state import SERIALIZER

HARMLESS = {"description", "bpmn_name", "lane", "documentation", "extensions", "inputs", "outputs", "lookahead"}
ASPECTS = {
    "extensions": "properties", "bpmn_name": "name", "lane": "lane", "documentation": "documentation",
    "inputs": "incoming flows", "outputs": "outgoing flows", "cond_task_specs": "conditions",
    "default_task_spec": "default flow", "spec": "called process", "typename": "element type",
    "cardinality": "multi-instance settings", "data_input": "multi-instance input",
    "data_output": "multi-instance output", "input_item": "multi-instance item",
    "output_item": "multi-instance result", "condition": "completion condition", "task_spec": "multi-instance task",
}
PENDING = TaskState.PREDICTED_MASK | TaskState.FUTURE
STATE_WORDS = {
    TaskState.COMPLETED: "has done", TaskState.READY: "is waiting at", TaskState.STARTED: "is running",
    TaskState.WAITING: "is waiting at", TaskState.ERROR: "failed at", TaskState.CANCELLED: "has cancelled",
}


def compare(workflow: BpmnBaseWorkflow, spec: BpmnProcessSpec) -> tuple[WorkflowDiff, SpecDiff]:
    """Compare a (sub)workflow's spec with ``spec``, and its tasks with what ``spec`` has (by BPMN id)."""
    spec_diff = SpecDiff(SERIALIZER.registry, workflow.spec, spec)
    return WorkflowDiff(workflow, spec_diff), spec_diff


def label(task: Task) -> str:
    """Name a task for a person: BPMN id and name."""
    spec = task.task_spec
    bpmn_id = spec.bpmn_id or spec.name
    return f"{bpmn_id} ({spec.bpmn_name})" if spec.bpmn_name else bpmn_id


def aspects(changes: list[str]) -> str:
    """Say which aspects of a task spec changed, in words."""
    return ", ".join(dict.fromkeys(ASPECTS.get(c, c) for c in changes))


def unsafe_tasks(diff: WorkflowDiff, spec_diff: SpecDiff, target: str) -> list[str]:
    """Return why the workflow cannot move: reached tasks that are gone, running tasks changed in substance."""
    reasons = []
    for task in diff.removed:
        if not task.has_state(PENDING):
            reasons.append(f"{label(task)} does not exist in {target}, but the topic {STATE_WORDS[task.state]} it")
    for task in diff.changed:
        changes = spec_diff.changed.get(task.task_spec, [])
        if task.has_state(TaskState.STARTED | TaskState.WAITING) and set(changes) - HARMLESS:
            reasons.append(f"{label(task)} is running and {target} changes its {aspects(changes)}")
    return list(dict.fromkeys(reasons))


def describe_changes(diff: WorkflowDiff, spec_diff: SpecDiff) -> list[str]:
    """Return what the move changes for the tasks the topic has open or has failed at."""
    notes = []
    for task in diff.changed:
        changes = spec_diff.changed.get(task.task_spec, [])
        if task.has_state(TaskState.READY):
            notes.append(f"open task {label(task)} takes the new {aspects(changes)}")
        elif task.has_state(TaskState.ERROR):
            notes.append(f"failed step {label(task)} takes the new {aspects(changes)}; retry it after the move")
    return list(dict.fromkeys(notes))


def move(diff: WorkflowDiff, workflow: BpmnBaseWorkflow, spec: BpmnProcessSpec) -> None:
    """Point every task at its aligned spec in ``spec`` and re-predict what lies ahead of open tasks."""
    workflow.spec = spec
    for task in list(workflow.tasks.values()):
        aligned = diff.alignment.get(task)
        if aligned is not None:
            task.task_spec = aligned
    for task in workflow.get_tasks(state=TaskState.STARTED, skip_subprocesses=True):
        for child in [c for c in task.children if c.has_state(PENDING)]:
            stale = child.task_spec not in task.task_spec.outputs and child.task_spec.name != getattr(
                task.task_spec, "task_spec", None)
            if stale:
                workflow._remove_task(child.id)
            else:
                child._drop_children(force=True)
                child.task_spec._predict(child, mask=PENDING)
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING, skip_subprocesses=True):
        if task.id in workflow.tasks:
            task._drop_children(force=True)
            task.task_spec._predict(task, mask=TaskState.READY | TaskState.WAITING | PENDING)
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None

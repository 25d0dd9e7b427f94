"""Dropping finished history from a workflow before it is stored.

Called by engine/state.py on every save. SpiffWorkflow keeps every task it ever ran: each
re-handling loop (退回重办) or re-inspection loop adds its tasks for good, and a finished
called process stays attached to its workflow. The stored state and the cost of every later
step grow with them. The event log already records who did what, so the live state keeps only
what can still run: in each (sub)workflow, the open tasks, their predicted successors, and the
nearest finished task above all of them, whose data the open tasks inherited. That task becomes
the only child of the root; everything else is dropped, as are finished called processes.
"""
from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import CycleTimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.end_event import EndEvent
from SpiffWorkflow.task import Task
from SpiffWorkflow.workflow import Workflow


def prune(workflow: BpmnWorkflow) -> int:
    """Drop the finished history of the workflow and its called processes; return how many tasks went."""
    dropped = sum(_prune_tree(w) + _prune_firings(w) for w in [workflow, *workflow.subprocesses.values()])
    for owner_id, subprocess in list(workflow.subprocesses.items()):
        owner = _task_anywhere(workflow, owner_id)
        if subprocess.completed and (owner is None or owner.has_state(TaskState.FINISHED_MASK)):
            dropped += len(subprocess.tasks)
            del workflow.subprocesses[owner_id]
    return dropped


def _task_anywhere(workflow: BpmnWorkflow, task_id: object) -> Task | None:
    """Return a task of the workflow or of any of its called processes, or None."""
    for candidate in [workflow, *workflow.subprocesses.values()]:
        task = candidate.tasks.get(task_id)
        if task is not None:
            return task
    return None


def _prune_tree(workflow: Workflow) -> int:
    """Make the kept task the root's only child and forget every task outside its subtree."""
    keep = _kept_task(workflow)
    root = workflow.task_tree
    if keep is None or keep is root or keep.parent is root:
        return 0
    root._children = [keep.id]
    keep._parent = root.id
    kept = {root.id}
    stack = [keep]
    while stack:
        task = stack.pop()
        kept.add(task.id)
        stack.extend(task.children)
    dropped = len(workflow.tasks) - len(kept)
    workflow.tasks = {task_id: task for task_id, task in workflow.tasks.items() if task_id in kept}
    if workflow.last_task is not None and workflow.last_task.id not in kept:
        workflow.last_task = keep
    return dropped


def _prune_firings(workflow: Workflow) -> int:
    """Drop the finished branches a repeating timer started; the timer itself keeps waiting.

    Each firing of a cycle timer adds a branch under the timer's task, which stays open, so
    the pruning above keeps them all; once a branch has run to its end nothing reads it again.
    """
    dropped: set[object] = set()
    for task in list(workflow.tasks.values()):
        definition = getattr(task.task_spec, "event_definition", None)
        if not isinstance(definition, CycleTimerEventDefinition) or task.has_state(TaskState.FINISHED_MASK):
            continue
        waiting_specs: set[str] = set()
        for child in list(task.children):
            subtree = _subtree(child)
            # a firing's branch that ended, or its copy of the join that waits for the task it is attached to
            copy = not child.children and child.task_spec.name in waiting_specs
            if copy or all(t.has_state(TaskState.FINISHED_MASK) for t in subtree):
                task._children.remove(child.id)
                dropped |= {t.id for t in subtree}
            elif not child.children:
                waiting_specs.add(child.task_spec.name)
    if dropped:
        if workflow.last_task is not None and workflow.last_task.id in dropped:
            workflow.last_task = None
        workflow.tasks = {task_id: task for task_id, task in workflow.tasks.items() if task_id not in dropped}
    return len(dropped)


def _subtree(task: Task) -> list[Task]:
    """Return ``task`` and every task below it."""
    found, stack = [], [task]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


def _kept_task(workflow: Workflow) -> Task | None:
    """Return the nearest finished task above every task that can still run.

    A finished workflow keeps the end event it reached, so how it ended can still be read.
    """
    anchors = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not anchors:
        end = workflow.last_task
        while end is not None and not isinstance(end.task_spec, EndEvent):
            end = end.parent
        anchors = [end] if end is not None else []
    if not anchors:
        return None
    common = _common_ancestor(anchors)
    while common is not None and not common.has_state(TaskState.FINISHED_MASK):
        common = common.parent
    return common


def _common_ancestor(tasks: list[Task]) -> Task | None:
    """Return the deepest task that is an ancestor of (or is) every given task."""
    path = _path_to_root(tasks[0])
    depth = len(path)
    for task in tasks[1:]:
        on_path = {t.id: i for i, t in enumerate(path)}
        node: Task | None = task
        while node is not None and node.id not in on_path:
            node = node.parent
        if node is None:
            return None
        depth = min(depth, on_path[node.id] + 1)
        path = path[:depth]
    return path[depth - 1] if depth else None


def _path_to_root(task: Task) -> list[Task]:
    """Return the tasks from the root down to ``task``."""
    path = []
    node: Task | None = task
    while node is not None:
        path.append(node)
        node = node.parent
    return path[::-1]

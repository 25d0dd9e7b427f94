"""shangliang's own engine path in memory: restore the stored state, complete, run, dump.

Used by bench/__main__.py: the same completion as the floor, through engine/state.py (restricted
expressions, the spec kept out of the state, history pruned), without the database.
"""
from collections.abc import Callable
from uuid import UUID

from SpiffWorkflow import TaskState

from bench.floor import REPLY
from bench.synthetic import Snapshot
from engine.diagrams import loading as diagrams
from engine.runtime import state
from workflows.demo.world import BPMN_DIR


def specs() -> tuple[object, dict[str, object]]:
    """Return the checked specs of the district topic and the path it calls."""
    main = diagrams.load((BPMN_DIR / "topic_district.bpmn").read_bytes(), "topic_district.bpmn")
    path = diagrams.load((BPMN_DIR / "topic_path.bpmn").read_bytes(), "topic_path.bpmn")
    return main.spec, {"topic_path": path.spec}


def engine_round(snapshot: Snapshot) -> tuple[Callable[[], None], int]:
    """Return one in-memory completion of the snapshot's ready write_reply, and the state's size."""
    state_json = snapshot.state_json()
    task_uuid = next(snapshot.column("task_item", r, "task_uuid") for r in snapshot.rows["task_item"]
                     if snapshot.column("task_item", r, "bpmn_id") == "write_reply"
                     and snapshot.column("task_item", r, "status") == "ready")
    spec, subprocess_specs = specs()

    def once() -> None:
        workflow = state.restore(state_json, spec, subprocess_specs)  # type: ignore[arg-type]
        task = workflow.get_task_from_id(UUID(task_uuid))
        assert task is not None and task.state == TaskState.READY
        task.data.update(REPLY)
        task.run()
        workflow.do_engine_steps()
        state.dump(workflow)

    return once, len(state_json.encode())

"""The bare engine floor: SpiffWorkflow alone, in memory, on the district topic's diagrams.

Run by `make bench` (bench/__main__.py). One completion is what a web request must at least
do: deserialize the stored state, complete a user task, run the engine steps, serialize. The
spec is kept out of the stored JSON and put back as live objects on restore (the cheapest
stock way), so the floor is as low as SpiffWorkflow itself allows.
"""
import json
from collections.abc import Callable
from typing import Any

from SpiffWorkflow import TaskState
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.spiff.parser import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from bench.timing import to_reply, with_loops
from workflows.demo.world import BPMN_DIR, district_path
from workflows.rules.forms import FORMS, validate

SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
REPLY = {"reply_class": "B", "reply": "已制定实施方案，年内完成首批改造。"}


def parse() -> tuple[Any, dict[str, Any]]:
    """Parse the district topic and the path it calls with the stock parser."""
    parser = SpiffBpmnParser()
    parser.add_bpmn_files([str(BPMN_DIR / "topic_district.bpmn"), str(BPMN_DIR / "topic_path.bpmn")])
    return parser.get_spec("topic_district"), parser.get_subprocess_specs("topic_district")


def cleaned(bpmn_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Return a form's data as the service hands it to the engine: checked, defaults filled in."""
    return validate(FORMS[bpmn_id], data, lambda _code: True)


REPLY_CLEANED = cleaned("write_reply", REPLY)


def complete(workflow: BpmnWorkflow, bpmn_id: str, data: dict[str, Any], clean: bool = True) -> None:
    """Complete the first ready user task with this BPMN id and run the engine on."""
    task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == bpmn_id)
    task.data.update(cleaned(bpmn_id, data) if clean else data)
    task.run()
    workflow.do_engine_steps()


def at_reply(loops: int) -> BpmnWorkflow:
    """Return a workflow with ``loops`` unsatisfied ratings behind it and write_reply ready."""
    spec, subprocess_specs = parse()
    workflow = BpmnWorkflow(spec, subprocess_specs)
    workflow.do_engine_steps()
    for bpmn_id, _user, data in to_reply(district_path("tianning"), loops):
        complete(workflow, bpmn_id, data)
    return workflow


def dump_instance(workflow: BpmnWorkflow) -> str:
    """Serialize the workflow without its specs."""
    dct = SERIALIZER.to_dict(workflow)
    dct.pop("spec"), dct.pop("subprocess_specs")
    return json.dumps(dct, cls=SERIALIZER.json_encoder_cls, separators=(",", ":"))


def restore_instance(text: str, spec: Any, subprocess_specs: dict[str, Any]) -> BpmnWorkflow:
    """Rebuild a workflow from instance JSON and live specs."""
    dct = json.loads(text, cls=SERIALIZER.json_decoder_cls)
    dct["spec"], dct["subprocess_specs"] = spec, dict(subprocess_specs)
    return SERIALIZER.from_dict(dct)


def instance_round(loops: int) -> tuple[Callable[[], None], int]:
    """Return one floor completion of write_reply (instance JSON, live specs) and the stored size."""
    workflow = at_reply(loops)
    text = dump_instance(workflow)
    spec, subprocess_specs = workflow.spec, workflow.subprocess_specs

    def once() -> None:
        restored = restore_instance(text, spec, subprocess_specs)
        complete(restored, "write_reply", REPLY_CLEANED, clean=False)
        dump_instance(restored)

    return once, len(text.encode())


def start_round() -> tuple[Callable[[], None], int]:
    """Return one floor start of a district topic: a new workflow on live specs, run to its first task, serialized."""
    spec, subprocess_specs = parse()

    def once() -> None:
        workflow = BpmnWorkflow(spec, subprocess_specs)
        workflow.do_engine_steps()
        dump_instance(workflow)

    workflow = BpmnWorkflow(spec, subprocess_specs)
    workflow.do_engine_steps()
    return once, len(dump_instance(workflow).encode())


def full_round(loops: int) -> tuple[Callable[[], None], int]:
    """Return one completion with the stock full JSON (spec embedded), for reference."""
    text = SERIALIZER.serialize_json(at_reply(loops))

    def once() -> None:
        restored = SERIALIZER.deserialize_json(text)
        complete(restored, "write_reply", REPLY_CLEANED, clean=False)
        SERIALIZER.serialize_json(restored)

    return once, len(text.encode())


def closed_state_bytes(loops: int) -> int:
    """Return the stock full JSON size of a district topic closed after ``loops`` re-handling loops."""
    spec, subprocess_specs = parse()
    workflow = BpmnWorkflow(spec, subprocess_specs)
    workflow.do_engine_steps()
    for bpmn_id, _user, data in with_loops(district_path("tianning"), loops):
        complete(workflow, bpmn_id, data)
    assert workflow.is_completed()
    return len(SERIALIZER.serialize_json(workflow).encode())

"""Turning a running workflow into stored JSON and back, without the process spec.

SpiffWorkflow embeds the whole spec (about 21 KB) in every serialized workflow. Specs are
immutable per process version and already stored there, so the state keeps only the instance;
on load the live spec objects of the pinned versions are put back in place. Finished history
is dropped before every save (engine/history.py); the event log keeps it.
"""
import json
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from engine.runtime import pruning as history
from engine.runtime.expressions import SCRIPT_ENGINE


class _InstanceOnlyConverter(BpmnWorkflowConverter):
    """Writes a top-level workflow without ``spec`` and ``subprocess_specs``."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


_CONFIG = dict(SPIFF_CONFIG)
_CONFIG[BpmnWorkflow] = _InstanceOnlyConverter
SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_CONFIG))
SERIALIZER_VERSION = SERIALIZER.VERSION


def new_workflow(spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
    """Create a workflow that evaluates expressions with the restricted engine."""
    return BpmnWorkflow(spec, subprocess_specs, script_engine=SCRIPT_ENGINE)


def dump(workflow: BpmnWorkflow) -> str:
    """Drop the workflow's finished history, then serialize its instance part to compact JSON."""
    history.prune(workflow)
    return SERIALIZER.serialize_json(workflow)


def restore(state_json: str, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]) -> BpmnWorkflow:
    """Rebuild a workflow from stored JSON and the live specs of its pinned versions."""
    dct = json.loads(state_json, cls=SERIALIZER.json_decoder_cls)
    SERIALIZER.migrate(dct)
    # The registry passes non-dict values through unchanged, so the live spec objects are used.
    dct["spec"] = spec
    dct["subprocess_specs"] = dict(subprocess_specs)
    workflow = SERIALIZER.from_dict(dct)
    workflow.script_engine = SCRIPT_ENGINE
    return workflow
